import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  codeBlock,
  codeBlockBody,
  cutToEscapedLength,
  escapedLength,
  escapeMrkdwn,
  inlineCode,
  isUserId,
  mention,
  untrustedProse,
} from '../../../src/slack/mrkdwn.js';

describe('escapeMrkdwn', () => {
  it('turns the three control characters into entities and nothing else', () => {
    expect(escapeMrkdwn('a & b <!channel> c > d')).toBe('a &amp; b &lt;!channel&gt; c &gt; d');
    expect(escapeMrkdwn('*bold* _it_ `x`')).toBe('*bold* _it_ `x`');
    expect(escapeMrkdwn('&amp;')).toBe('&amp;amp;');
  });

  it('leaves no raw control character, and its length is escapedLength', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const e = escapeMrkdwn(s);
        expect(e).not.toMatch(/[<>]/);
        expect(e.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
        expect(e.length).toBe(escapedLength(s));
      }),
    );
  });
});

describe('untrustedProse', () => {
  it('defuses bare broadcast words as well as escaping', () => {
    const out = untrustedProse('ping @channel and @here, <!everyone>');
    expect(out).not.toMatch(/@(channel|here)\b/);
    expect(out).toContain('@\u2060channel');
    expect(out).toContain('&lt;!everyone&gt;');
  });
});

describe('hidden characters', () => {
  it('escapeMrkdwn shows them as the terminal does, newlines kept', () => {
    expect(escapeMrkdwn('a\u001b[2J\nb\u202e<c>\u009b')).toBe('a\\x1b[2J\nb\\u202e&lt;c&gt;\\x9b');
    expect(escapeMrkdwn('x\\\ny\\x')).toBe('x\\\ny\\\\x');
  });

  it('untrustedProse shows a newline of its own as \\x0a and stops emoji codes', () => {
    expect(untrustedProse('ok\n:large_green_circle: *healthy*')).toBe(
      'ok\\x0a:\u200blarge_green_circle: *healthy*',
    );
    expect(untrustedProse('at 10:35:12')).toBe('at 10:35:12');
  });

  it('a cut fits once escaped, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.nat(200), (s, max) => {
        const cut = cutToEscapedLength(s, max + 1);
        expect(escapeMrkdwn(cut.text).length).toBeLessThanOrEqual(max + 1);
      }),
    );
  });
});

describe('codeBlock', () => {
  it('cannot be closed early by backticks in the text', () => {
    const block = codeBlock('before ``` <!channel> *after* ```');
    const inner = block.slice(4, -4);
    expect(block.startsWith('```\n')).toBe(true);
    expect(block.endsWith('\n```')).toBe(true);
    expect(inner).not.toContain('``');
    expect(inner).toContain('&lt;!channel&gt;');
  });

  it('holds for any text: exactly two fences, no `<`', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const block = codeBlock(s);
        expect(block.match(/```/g)).toHaveLength(2);
        expect(block).not.toContain('<');
      }),
    );
  });
});

describe('inlineCode', () => {
  it('one line, no backtick inside, escaped; empty for blank text', () => {
    expect(inlineCode('/etc/nginx/my_site_v2.conf')).toBe('`/etc/nginx/my_site_v2.conf`');
    expect(inlineCode('a`b\nc<d')).toBe('`a\u02cbb c&lt;d`');
    expect(inlineCode('  ')).toBe('');
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const code = inlineCode(s);
        if (code === '') return;
        expect(code.slice(1, -1)).not.toMatch(/[`\n<>]/);
      }),
    );
  });
});

describe('cutToEscapedLength', () => {
  it('keeps short text whole', () => {
    expect(cutToEscapedLength('abc', 3)).toEqual({ text: 'abc', truncated: false });
  });

  it('counts escaped characters and prefers a line end', () => {
    expect(cutToEscapedLength('line one\nline two <<<<', 20)).toEqual({
      text: 'line one\nline two …',
      truncated: true,
    });
    expect(cutToEscapedLength('a long first line\nline two <<<<', 30)).toEqual({
      text: 'a long first line\n…',
      truncated: true,
    });
  });

  it('never splits a surrogate pair', () => {
    const cut = cutToEscapedLength('😀😀😀', 4);
    expect(cut.text).toBe('😀…');
  });

  it('fits once escaped, is a prefix, and never leaves a lone high surrogate at the cut', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 400 }),
        fc.integer({ min: 1, max: 300 }),
        (s, max) => {
          const cut = cutToEscapedLength(s, max);
          expect(escapedLength(cut.text)).toBeLessThanOrEqual(Math.max(max, 1));
          if (!cut.truncated) {
            expect(cut.text).toBe(s);
            return;
          }
          const kept = cut.text.slice(0, -1);
          expect(s.startsWith(kept)).toBe(true);
          const last = kept.charCodeAt(kept.length - 1);
          const next = s.charCodeAt(kept.length);
          if (last >= 0xd800 && last <= 0xdbff) expect(next >= 0xdc00 && next <= 0xdfff).toBe(false);
        },
      ),
    );
  });
});

describe('a cut text in a code block', () => {
  it('is as long as its escaped length said, backtick runs included', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('`', 'a', '<', '\n', '\u202e'), maxLength: 600 }),
        fc.integer({ min: 1, max: 500 }),
        (s, max) => {
          const cut = cutToEscapedLength(s, max);
          expect(codeBlockBody(cut.text).length).toBeLessThanOrEqual(Math.max(max, 1));
          expect(codeBlockBody(cut.text)).not.toContain('``');
        },
      ),
    );
  });
});

describe('mention', () => {
  it('mentions only what looks like a Slack user id', () => {
    expect(isUserId('U012ABCDEF')).toBe(true);
    expect(mention('U012ABCDEF')).toBe('<@U012ABCDEF>');
    expect(mention('U1><!channel')).toBe('U1&gt;&lt;!channel');
  });
});
