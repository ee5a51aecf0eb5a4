import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { unifiedDiff } from '../../../src/remediate/diff.js';
import { applyEdit } from '../../../src/analyze/edit.js';

const FILE = '/etc/nginx/conf.d/shop.conf';
const TEXT = [
  'upstream shop {',
  '    server 127.0.0.1:8000 max_fails=3;',
  '}',
  'server {',
  '    listen 80;',
  '    location / { proxy_pass http://shop; }',
  '}',
  '',
].join('\n');
const EDIT = {
  file: FILE,
  line: 2,
  before: '    server 127.0.0.1:8000 max_fails=3;',
  after: '    server 127.0.0.1:3000 max_fails=3;',
};

describe('applyEdit', () => {
  it('replaces exactly the line and keeps everything else, final newline included', () => {
    const r = applyEdit(TEXT, EDIT);
    expect(r).toEqual({ ok: true, value: TEXT.replace('8000', '3000') });
  });

  it('refuses when the line no longer says what the plan quoted, or does not exist', () => {
    expect(applyEdit(TEXT, { ...EDIT, line: 3 })).toMatchObject({ ok: false });
    expect(applyEdit(TEXT, { ...EDIT, line: 8 })).toEqual({ ok: false, error: `${FILE} has no line 8` });
    expect(applyEdit(TEXT, { ...EDIT, line: 0 })).toMatchObject({ ok: false });
  });

  it('keeps a file without a final newline without one', () => {
    const r = applyEdit(TEXT.slice(0, -1), EDIT);
    expect(r.ok && r.value.endsWith('}')).toBe(true);
  });
});

describe('unifiedDiff', () => {
  it('prints a diff -u hunk with three lines of context', () => {
    const r = unifiedDiff(TEXT, EDIT);
    expect(r).toEqual({
      ok: true,
      value: [
        `--- a${FILE}`,
        `+++ b${FILE}`,
        '@@ -1,5 +1,5 @@',
        ' upstream shop {',
        '-    server 127.0.0.1:8000 max_fails=3;',
        '+    server 127.0.0.1:3000 max_fails=3;',
        ' }',
        ' server {',
        '     listen 80;',
        '',
      ].join('\n'),
    });
  });

  it('counts inserted lines in the new range', () => {
    const r = unifiedDiff(TEXT, {
      ...EDIT,
      line: 5,
      before: '    listen 80;',
      after: '    listen 80;\n    resolver 127.0.0.53;',
    });
    expect(r.ok && r.value.split('\n')[2]).toBe('@@ -2,6 +2,7 @@');
  });

  it('never throws on random text and edits', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.integer({ min: -2, max: 20 }),
        fc.string(),
        fc.string(),
        (text, line, before, after) => {
          const r = unifiedDiff(text, { file: FILE, line, before, after });
          if (r.ok) expect(r.value.startsWith(`--- a${FILE}`)).toBe(true);
        },
      ),
    );
  });
});
