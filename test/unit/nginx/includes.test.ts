import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dirname, joinPath, memorySource, parseConfig } from '../../../src/parsers/nginx/config.js';
import { globDisk, parseConfigFile } from '../../../src/parsers/nginx/disk.js';
import { compareBytes, compileGlob, hasMagic, matchPath } from '../../../src/parsers/nginx/glob.js';

const files = (entries: Record<string, string>): Map<string, string> => new Map(Object.entries(entries));
const fileNames = (main: string, entries: Record<string, string>): string[] =>
  parseConfig(main, memorySource(files(entries))).payload.config.map((c) => c.file);

describe('include resolution', () => {
  it("resolves relative includes against the main file's directory, from any file (as nginx does)", () => {
    const names = fileNames('/etc/nginx/nginx.conf', {
      '/etc/nginx/nginx.conf': 'http { include sites/a.conf; }',
      '/etc/nginx/sites/a.conf': 'include snippets/x.conf;',
      '/etc/nginx/snippets/x.conf': 'gzip on;',
      '/etc/nginx/sites/snippets/x.conf': 'wrong one;',
    });
    expect(names).toEqual(['/etc/nginx/nginx.conf', '/etc/nginx/sites/a.conf', '/etc/nginx/snippets/x.conf']);
  });

  it('keeps absolute includes, and joins without normalizing (./ stays, as in nginx -T names)', () => {
    const names = fileNames('/etc/nginx/nginx.conf', {
      '/etc/nginx/nginx.conf': 'include /opt/x.conf; include ./y.conf;',
      '/opt/x.conf': '',
      '/etc/nginx/./y.conf': '',
    });
    expect(names).toEqual(['/etc/nginx/nginx.conf', '/opt/x.conf', '/etc/nginx/./y.conf']);
  });

  it('lists files breadth-first in include order, each once, indices pointing at them', () => {
    const { payload } = parseConfig(
      '/n/main.conf',
      memorySource(
        files({
          '/n/main.conf': 'include a.conf; include b.conf;',
          '/n/a.conf': 'include c.conf; include b.conf;',
          '/n/b.conf': 'include c.conf;',
          '/n/c.conf': 'x;',
        }),
      ),
    );
    expect(payload.config.map((c) => c.file)).toEqual([
      '/n/main.conf',
      '/n/a.conf',
      '/n/b.conf',
      '/n/c.conf',
    ]);
    expect(payload.config[0]!.parsed.map((d) => d.includes)).toEqual([[1], [2]]);
    expect(payload.config[1]!.parsed.map((d) => d.includes)).toEqual([[3], [2]]);
    expect(payload.config[2]!.parsed[0]!.includes).toEqual([3]);
  });

  it('sorts glob matches in byte order and skips dot files', () => {
    const { payload } = parseConfig(
      '/n/nginx.conf',
      memorySource(
        files({
          '/n/nginx.conf': 'include conf.d/*.conf;',
          '/n/conf.d/b.conf': '',
          '/n/conf.d/B.conf': '',
          '/n/conf.d/a.conf': '',
          '/n/conf.d/.hidden.conf': '',
          '/n/conf.d/sub/c.conf': '',
          '/n/conf.d/readme': '',
        }),
      ),
    );
    expect(payload.config.map((c) => c.file)).toEqual([
      '/n/nginx.conf',
      '/n/conf.d/B.conf',
      '/n/conf.d/a.conf',
      '/n/conf.d/b.conf',
    ]);
    expect(payload.status).toBe('ok');
  });

  it('accepts a glob that matches nothing, and reports a plain name that does not exist', () => {
    const { payload } = parseConfig(
      '/n/nginx.conf',
      memorySource(files({ '/n/nginx.conf': 'include none/*.conf;\ninclude missing.conf;\nuser nobody;' })),
    );
    expect(payload.config[0]!.parsed).toEqual([
      { directive: 'include', line: 1, args: ['none/*.conf'], includes: [] },
      { directive: 'include', line: 2, args: ['missing.conf'], includes: [] },
      { directive: 'user', line: 3, args: ['nobody'] },
    ]);
    expect(payload.errors).toEqual([
      {
        file: '/n/nginx.conf',
        error: 'open() "/n/missing.conf" failed (2: No such file or directory) in /n/nginx.conf:2',
        line: 2,
      },
    ]);
  });

  it('parses an included file in the context of its first include', () => {
    const { payload } = parseConfig(
      '/n/nginx.conf',
      memorySource(
        files({
          '/n/nginx.conf': 'http { server { location / { include proxy.conf; } } }',
          '/n/proxy.conf': 'proxy_pass http://app;',
        }),
      ),
    );
    expect(payload.status).toBe('ok');
  });

  it('reports a file that cannot be read on that file, without a line', () => {
    const source = memorySource(files({ '/n/nginx.conf': 'include conf.d/*;' }));
    const { payload } = parseConfig('/n/nginx.conf', {
      read: (path) =>
        path === '/n/conf.d/dir'
          ? { error: 'open() "/n/conf.d/dir" failed (21: Is a directory)' }
          : source.read(path),
      glob: () => ['/n/conf.d/dir'],
    });
    expect(payload.config[1]).toEqual({
      file: '/n/conf.d/dir',
      status: 'failed',
      errors: [{ error: 'open() "/n/conf.d/dir" failed (21: Is a directory)', line: null }],
      parsed: [],
    });
    expect(payload.status).toBe('failed');
  });

  it('does not loop on a file that includes itself', () => {
    const { payload, tree } = parseConfig(
      '/n/a.conf',
      memorySource(files({ '/n/a.conf': 'x; include a.conf;' })),
    );
    expect(payload.config).toHaveLength(1);
    expect(payload.config[0]!.parsed[1]!.includes).toEqual([0]);
    expect(tree.map((n) => n.directive)).toEqual(['x']);
  });

  it('does not follow includes with single: true (crossplane --single-file)', () => {
    const { payload } = parseConfig('/n/a.conf', memorySource(files({ '/n/a.conf': 'include b.conf;' })), {
      single: true,
    });
    expect(payload).toEqual({
      status: 'ok',
      errors: [],
      config: [
        {
          file: '/n/a.conf',
          status: 'ok',
          errors: [],
          parsed: [{ directive: 'include', line: 1, args: ['b.conf'] }],
        },
      ],
    });
  });

  it('reports a missing main file', () => {
    const { payload } = parseConfig('/n/none.conf', memorySource(new Map()));
    expect(payload.errors).toEqual([
      {
        file: '/n/none.conf',
        error: 'open() "/n/none.conf" failed (2: No such file or directory)',
        line: null,
      },
    ]);
  });
});

describe("path helpers (Python's, which crossplane uses)", () => {
  it('dirname', () => {
    expect(dirname('/etc/nginx/nginx.conf')).toBe('/etc/nginx');
    expect(dirname('nginx.conf')).toBe('');
    expect(dirname('/nginx.conf')).toBe('/');
    expect(dirname('a//b')).toBe('a');
  });

  it('joinPath', () => {
    expect(joinPath('/etc/nginx', 'conf.d/x')).toBe('/etc/nginx/conf.d/x');
    expect(joinPath('', 'conf.d/x')).toBe('conf.d/x');
    expect(joinPath('/', 'x')).toBe('/x');
    expect(joinPath('/etc/nginx', '/abs')).toBe('/abs');
  });
});

describe('glob patterns', () => {
  it("detects nginx's magic characters", () => {
    expect(['*.conf', 'a?.conf', 'site-[ab].conf'].map(hasMagic)).toEqual([true, true, true]);
    expect(hasMagic('/etc/nginx/mime.types')).toBe(false);
  });

  it('matches component by component; * never crosses /', () => {
    expect(matchPath('/e/conf.d/*.conf', '/e/conf.d/a.conf')).toBe(true);
    expect(matchPath('/e/conf.d/*.conf', '/e/conf.d/sub/a.conf')).toBe(false);
    expect(matchPath('/e/*/x.conf', '/e/sites/x.conf')).toBe(true);
    expect(matchPath('/e/site?.conf', '/e/site1.conf')).toBe(true);
    expect(matchPath('/e/site?.conf', '/e/site12.conf')).toBe(false);
  });

  it('supports bracket classes, ranges and negation', () => {
    const m = compileGlob('/e/site-[ab].conf');
    expect(['/e/site-a.conf', '/e/site-b.conf', '/e/site-c.conf'].map(m)).toEqual([true, true, false]);
    expect(matchPath('/e/[0-9][0-9]-*.conf', '/e/10-x.conf')).toBe(true);
    expect(matchPath('/e/[!a]*', '/e/b')).toBe(true);
    expect(matchPath('/e/[!a]*', '/e/a')).toBe(false);
    expect(matchPath('/e/[]]x', '/e/]x')).toBe(true);
    expect(matchPath('/e/[z-a]', '/e/m')).toBe(false);
  });

  it('treats an unclosed [ and backslash-quoted characters literally', () => {
    expect(matchPath('/e/a[b*', '/e/a[bc')).toBe(true);
    expect(matchPath('/e/a\\*', '/e/a*')).toBe(true);
    expect(matchPath('/e/a\\*', '/e/ab')).toBe(false);
  });

  it('escapes regex characters in names', () => {
    expect(matchPath('/e/a.(x)+*', '/e/a.(x)+yz')).toBe(true);
    expect(matchPath('/e/a.conf*', '/e/abconf')).toBe(false);
  });

  it('matches dot files only with a leading literal dot', () => {
    expect(matchPath('/e/*', '/e/.hidden')).toBe(false);
    expect(matchPath('/e/?hidden', '/e/.hidden')).toBe(false);
    expect(matchPath('/e/.h*', '/e/.hidden')).toBe(true);
  });

  it('sorts in byte order (the C locale)', () => {
    expect(['b', 'B', 'a', 'é', 'z', '\u{1f600}', '\uffff'].sort(compareBytes)).toEqual([
      'B',
      'a',
      'b',
      'z',
      'é',
      '\uffff',
      '\u{1f600}',
    ]);
  });
});

describe('the disk', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hA-nginx-disk-'));
    mkdirSync(join(dir, 'conf.d'));
    mkdirSync(join(dir, 'sites-available'));
    mkdirSync(join(dir, 'sites-enabled'));
    mkdirSync(join(dir, 'a1'));
    mkdirSync(join(dir, 'a2'));
    writeFileSync(
      join(dir, 'nginx.conf'),
      'events {}\nhttp {\n  include conf.d/*.conf;\n  include sites-enabled/*;\n  include a?/x.conf;\n}\n',
    );
    writeFileSync(join(dir, 'conf.d', 'b.conf'), 'gzip on;\n');
    writeFileSync(join(dir, 'conf.d', 'a.conf'), 'sendfile on;\n');
    writeFileSync(join(dir, 'conf.d', '.skip.conf'), 'broken {\n');
    writeFileSync(join(dir, 'sites-available', 'app'), 'server { listen 80; }\n');
    symlinkSync(join(dir, 'sites-available', 'app'), join(dir, 'sites-enabled', 'app'));
    writeFileSync(join(dir, 'a1', 'x.conf'), 'tcp_nopush on;\n');
    writeFileSync(join(dir, 'a2', 'x.conf'), 'tcp_nodelay on;\n');
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('globs over directories, through symlinks, sorted, without dot files', () => {
    expect(globDisk(`${dir}/conf.d/*.conf`)).toEqual([`${dir}/conf.d/a.conf`, `${dir}/conf.d/b.conf`]);
    expect(globDisk(`${dir}/a?/x.conf`)).toEqual([`${dir}/a1/x.conf`, `${dir}/a2/x.conf`]);
    expect(globDisk(`${dir}/sites-enabled/*`)).toEqual([`${dir}/sites-enabled/app`]);
    expect(globDisk(`${dir}/none/*.conf`)).toEqual([]);
    expect(globDisk(`${dir}/conf.d/zzz.conf`)).toEqual([]);
  });

  it('reads a whole tree with parseConfigFile', () => {
    const { payload, sources, tree } = parseConfigFile(join(dir, 'nginx.conf'));
    expect(payload.status).toBe('ok');
    expect(payload.config.map((c) => c.file.slice(dir.length))).toEqual([
      '/nginx.conf',
      '/conf.d/a.conf',
      '/conf.d/b.conf',
      '/sites-enabled/app',
      '/a1/x.conf',
      '/a2/x.conf',
    ]);
    expect(sources.get(join(dir, 'conf.d', 'b.conf'))).toBe('gzip on;\n');
    const http = tree.find((n) => n.directive === 'http')!;
    expect(http.block!.map((n) => n.directive)).toEqual([
      'sendfile',
      'gzip',
      'server',
      'tcp_nopush',
      'tcp_nodelay',
    ]);
  });

  it("turns unreadable files into nginx's messages", () => {
    const { payload } = parseConfigFile(join(dir, 'missing.conf'));
    expect(payload.errors[0]!.error).toBe(
      `open() "${dir}/missing.conf" failed (2: No such file or directory)`,
    );
    const asDir = parseConfigFile(join(dir, 'conf.d'));
    expect(asDir.payload.errors[0]!.error).toBe(`open() "${dir}/conf.d" failed (21: Is a directory)`);
  });
});
