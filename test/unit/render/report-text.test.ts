// Host text on a terminal: visibleText shows every control, C1, format and bidi character as an escape, is
// unambiguous (a decoder gets the host's exact text back), and printableJson keeps the value exact while
// leaving no raw control or bidi character in the JSON either. renderReport shows every field through it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { printableJson, visibleLines, visibleText } from '../../../src/text/visible.js';
import { COLOR, PLAIN, renderReport } from '../../../src/render/report-text.js';
import type { Report } from '../../../src/model/types.js';

/** What a terminal must never get from a host: C0 but tab and newline, DEL, C1, Cf, U+2028/9, lone surrogates. */
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\p{Cf}\u2028\u2029\p{Cs}]/u;

/** The inverse of visibleText, as a reader would apply it: proves that no two texts look the same. */
function decode(shown: string): string {
  return shown.replace(/\\(\\|x([0-9a-f]{2})|u\{([0-9a-f]+)\}|u([0-9a-f]{4}))/g, (m, _e, x, astral, bmp) => {
    if (m === '\\\\') return '\\';
    return String.fromCodePoint(parseInt((x ?? astral ?? bmp) as string, 16));
  });
}

describe('visibleText', () => {
  it('shows the terminal attacks of a logged Referer as escapes', () => {
    const osc52 = '\u001b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\u0007';
    expect(visibleText(`referrer: "${osc52}"`)).toBe('referrer: "\\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\\x07"');
    expect(visibleText('\u001b[2J\u001b[1A\r✔ healthy')).toBe('\\x1b[2J\\x1b[1A\\x0d✔ healthy');
    expect(visibleText('a\nb')).toBe('a\\x0ab');
    expect(visibleText('\u009b31m')).toBe('\\x9b31m');
    expect(visibleText('\u007f')).toBe('\\x7f');
  });

  it('shows bidi overrides, isolates, zero-width and tag characters', () => {
    expect(visibleText('file\u202eftp.conf')).toBe('file\\u202eftp.conf');
    expect(visibleText('\u2066a\u2069\u200b\u200f\ufeff\u2028')).toBe(
      '\\u2066a\\u2069\\u200b\\u200f\\ufeff\\u2028',
    );
    expect(visibleText('x\u{e0041}')).toBe('x\\u{e0041}');
  });

  it('keeps tabs, ordinary Unicode and a backslash that cannot be misread', () => {
    expect(visibleText('\tlocation ~ \\.php$ { }')).toBe('\tlocation ~ \\.php$ { }');
    expect(visibleText('✔ 日本語 café')).toBe('✔ 日本語 café');
  });

  it('doubles a backslash only where it would read as an escape', () => {
    expect(visibleText('\\x1b')).toBe('\\\\x1b');
    expect(visibleText('\\u202e')).toBe('\\\\u202e');
    expect(visibleText('\\\\')).toBe('\\\\\\');
    expect(visibleText('\\\u001b')).toBe('\\\\\\x1b');
  });

  it('leaves no raw control byte, and decodes back to the exact text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const shown = visibleText(s);
        expect(shown).not.toMatch(RAW);
        expect(shown).not.toContain('\n');
        expect(decode(shown)).toBe(s);
      }),
      { numRuns: 2000 },
    );
  });

  it('visibleLines keeps the line breaks and escapes the rest', () => {
    expect(visibleLines('a\u001b[2J\nb\r')).toBe('a\\x1b[2J\nb\\x0d');
  });
});

describe('printableJson', () => {
  it('parses back to the same value, with no raw control, C1 or bidi character', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: 'binary' }), (value, s) => {
        const v = { value, s };
        const json = printableJson(v, 2);
        expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(v)));
        expect(json.replace(/\n/g, '')).not.toMatch(RAW);
      }),
      { numRuns: 1000 },
    );
  });

  it('escapes C1, bidi and astral format characters as \\u escapes', () => {
    expect(printableJson('\u009b\u202e\u{e0041}\u001b')).toBe('"\\u009b\\u202e\\udb40\\udc41\\u001b"');
  });
});

describe('renderReport', () => {
  const evil = '\u001b]52;c;ZXZpbA==\u0007\u001b[2J\u001b[1A\r✔ healthy\u202e';
  const report: Report = {
    target: `web-01${evil}`,
    host: `10.0.0.1${evil}`,
    startedAt: '2026-11-23T10:00:00.000Z',
    durationMs: 12,
    findings: [
      {
        cause: 'upstream-port-mismatch',
        severity: 'critical',
        title: `nginx proxies to ${evil}`,
        detail: `Nothing listens ${evil}`,
        host: `app${evil}`,
        evidence: [
          { source: `ss${evil}`, text: `line one${evil}\nline two${evil}` },
          { source: 'config', file: `/etc/nginx/${evil}.conf`, line: 2, text: `server ${evil};` },
        ],
        fix: {
          summary: `Point it ${evil}`,
          edit: { file: `/etc/nginx/${evil}`, line: 2, before: `a${evil}`, after: `b${evil}` },
          commands: [`systemctl ${evil}`],
        },
      },
      { cause: 'config-not-reloaded', severity: 'warning', title: `other ${evil}`, detail: '', evidence: [] },
    ],
  };

  it('prints no control byte from any field, plain or in colour', () => {
    const plain = renderReport(report, PLAIN);
    expect(plain).not.toMatch(RAW);
    expect(plain).toContain('\\x1b]52;c;ZXZpbA==\\x07\\x1b[2J\\x1b[1A\\x0d✔ healthy\\u202e');
    // In colour, the only ESC bytes are our own SGR codes.
    const colour = renderReport(report, COLOR);
    expect(colour.replace(/\u001b\[\d+m/g, '')).toBe(plain);
  });
});
