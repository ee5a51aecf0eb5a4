import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STAT_FORMAT, isMissing, parseStat, unquoteShell } from '../../../src/parsers/stat.js';
import { anyText, tool } from './fixtures.js';

const recorded = (name: string) => parseStat(tool(`stat/${name}.stdout`), tool(`stat/${name}.stderr`));
const W = '/tmp/hC-stat';

describe('parseStat (GNU stat, coreutils 9.1, recorded)', () => {
  it('is the format the fixtures were recorded with (record-stat.sh)', () => {
    expect(STAT_FORMAT).toBe('%n\t%F\t%a\t%u\t%g\t%U\t%G\t%s\t%.9Y');
  });

  it('reads type, mode, owner, size and mtime of each kind of file (stat -L)', () => {
    const all = recorded('all-L');
    const get = (p: string) => all.find((s) => s.path === p);
    expect(get(`${W}/conf.d/shop.conf`)).toEqual({
      path: `${W}/conf.d/shop.conf`,
      exists: true,
      type: 'file',
      mode: 0o644,
      uid: 0,
      gid: 0,
      user: 'root',
      group: 'root',
      size: 22,
      mtime: 1795430112.25,
      raw: `${W}/conf.d/shop.conf\tregular file\t644\t0\t0\troot\troot\t22\t1795430112.250000000`,
    });
    expect(get(`${W}/empty.conf`)).toMatchObject({ type: 'file', size: 0, mtime: 1795430112 });
    expect(get(`${W}/conf.d`)).toMatchObject({ type: 'directory', mode: 0o755 });
    expect(get(`${W}/php8.2-fpm.sock`)).toMatchObject({
      type: 'socket',
      mode: 0o660,
      uid: 33,
      user: 'www-data',
      group: 'www-data',
    });
    expect(get(`${W}/fifo`)).toMatchObject({ type: 'other' });
    expect(get('/dev/null')).toMatchObject({ type: 'other', mode: 0o666 });
    // -L follows the symlink: the socket's own type and mode, under the link's name.
    expect(get(`${W}/php-fpm.sock`)).toMatchObject({ type: 'socket', mode: 0o660, user: 'www-data' });
    // An owner without a name: stat prints UNKNOWN.
    expect(get(`${W}/orphan.conf`)).toMatchObject({ uid: 4242, gid: 4343 });
    expect(get(`${W}/orphan.conf`)!.user).toBeUndefined();
  });

  it('keeps paths with a space, a tab, a newline, quotes and UTF-8 whole', () => {
    const paths = recorded('all-L')
      .filter((s) => s.exists)
      .map((s) => s.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        `${W}/with space.conf`,
        `${W}/with\ttab.conf`,
        `${W}/with\nnewline.conf`,
        `${W}/it's "quoted".conf`,
        `${W}/café.conf`,
      ]),
    );
    expect(paths).toHaveLength(13);
  });

  it("turns stat's complaints into missing entries, unquoting the paths", () => {
    const missing = recorded('all-L').filter((s) => !s.exists);
    expect(missing.map((s) => [s.path, s.error])).toEqual([
      [`${W}/dangling.sock`, 'No such file or directory'],
      [`${W}/missing.sock`, 'No such file or directory'],
      [`${W}/conf.d/missing/x.sock`, 'No such file or directory'],
      [`${W}/conf.d/shop.conf/x`, 'Not a directory'],
      [`${W}/gone space.sock`, 'No such file or directory'],
      [`${W}/gone it's.sock`, 'No such file or directory'],
      [`${W}/gone\ttab.sock`, 'No such file or directory'],
      [`${W}/gone\nnewline.sock`, 'No such file or directory'],
      [`${W}/gone-café.sock`, 'No such file or directory'],
    ]);
    expect(missing.every(isMissing)).toBe(true);
  });

  it('without -L, symlinks are symlinks and a dangling one exists', () => {
    const all = recorded('all-no-L');
    expect(all.find((s) => s.path === `${W}/php-fpm.sock`)).toMatchObject({
      type: 'symlink',
      mode: 0o777,
      size: 15,
    });
    expect(all.find((s) => s.path === `${W}/dangling.sock`)).toMatchObject({ exists: true, type: 'symlink' });
  });

  it('a path it may not search is not "missing"', () => {
    const all = recorded('not-root');
    expect(all.map((s) => [s.path, s.exists])).toEqual([
      [`${W}/conf.d/shop.conf`, true],
      [`${W}/private/secret.sock`, false],
      [`${W}/private/missing.sock`, false],
    ]);
    expect(all[1]!.error).toBe('Permission denied');
    expect(all.filter(isMissing)).toEqual([]);
  });

  it("reads the single-socket and missing-socket runs, and the C locale's octal escapes", () => {
    expect(recorded('socket')).toEqual([
      expect.objectContaining({ path: `${W}/php8.2-fpm.sock`, type: 'socket' }),
    ]);
    expect(recorded('missing')).toEqual([
      expect.objectContaining({
        path: '/run/php/php-fpm.sock',
        exists: false,
        error: 'No such file or directory',
      }),
    ]);
    expect(recorded('missing-c-locale').map((s) => [s.path, s.exists])).toEqual([
      [`${W}/café.conf`, true],
      [`${W}/gone-café.sock`, false],
    ]);
  });

  it('reads the older "cannot stat" wording', () => {
    expect(parseStat('', "stat: cannot stat '/x y': No such file or directory\n")).toEqual([
      {
        path: '/x y',
        exists: false,
        error: 'No such file or directory',
        raw: "stat: cannot stat '/x y': No such file or directory",
      },
    ]);
  });
});

describe('unquoteShell', () => {
  it('undoes each quoting style coreutils uses', () => {
    expect(unquoteShell("'/a b'")).toBe('/a b');
    expect(unquoteShell(`"/it's"`)).toBe("/it's");
    expect(unquoteShell("'/a'$'\\n''b'")).toBe('/a\nb');
    expect(unquoteShell("'/caf'$'\\303\\251'")).toBe('/café');
    expect(unquoteShell('/plain')).toBe('/plain');
    expect(unquoteShell("'unterminated")).toBe('unterminated');
  });
});

describe('parseStat never throws', () => {
  it('on random input', () => {
    fc.assert(
      fc.property(anyText, anyText, (out, err) => {
        for (const s of parseStat(out, err)) expect(typeof s.path).toBe('string');
        unquoteShell(out);
      }),
      { numRuns: 500 },
    );
  });
});
