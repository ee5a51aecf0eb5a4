import { describe, expect, it } from 'vitest';
import { isDump, parseDump, splitDump } from '../../../src/parsers/nginx/dump.js';
import { toCrossplaneJson } from '../../../src/parsers/nginx/json.js';

const DUMP =
  'nginx: [warn] the "user" directive makes sense only if the master process runs with super-user privileges\n' +
  'nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n' +
  '# configuration file /etc/nginx/nginx.conf:\n' +
  'events {}\nhttp {\n    include conf.d/*.conf;\n    include /etc/nginx/mime.types;\n}\n\n' +
  '# configuration file /etc/nginx/conf.d/b.conf:\n' +
  'server { listen 81; }\n\n' +
  '# configuration file /etc/nginx/conf.d/a.conf:\n' +
  'server { listen 80; }' + // this file had no final newline
  '\n' +
  '# configuration file /etc/nginx/mime.types:\n' +
  'types { text/html html; }\n\n';

describe('splitDump', () => {
  it("keeps nginx's own messages and each file's exact text", () => {
    const { preamble, files } = splitDump(DUMP);
    expect(preamble).toBe(
      'nginx: [warn] the "user" directive makes sense only if the master process runs with super-user privileges\n' +
        'nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n',
    );
    expect(files).toEqual([
      {
        file: '/etc/nginx/nginx.conf',
        text: 'events {}\nhttp {\n    include conf.d/*.conf;\n    include /etc/nginx/mime.types;\n}\n',
      },
      { file: '/etc/nginx/conf.d/b.conf', text: 'server { listen 81; }\n' },
      { file: '/etc/nginx/conf.d/a.conf', text: 'server { listen 80; }' },
      { file: '/etc/nginx/mime.types', text: 'types { text/html html; }\n' },
    ]);
  });

  it('handles a path with a colon and an empty file', () => {
    // nginx writes each file followed by one LF: "" → "\n", "x;" → "x;\n".
    const { files } = splitDump('# configuration file /a:b.conf:\n\n# configuration file /c.conf:\nx;\n');
    expect(files).toEqual([
      { file: '/a:b.conf', text: '' },
      { file: '/c.conf', text: 'x;' },
    ]);
  });

  it('still splits output that went through a CRLF conversion', () => {
    const crlf = DUMP.replaceAll('\n', '\r\n');
    expect(isDump(crlf)).toBe(true);
    expect(splitDump(crlf).files.map((f) => [f.file, f.text])).toEqual(
      splitDump(DUMP).files.map((f) => [f.file, f.text.replaceAll('\n', '\r\n')]),
    );
    expect(parseDump(crlf).payload).toEqual(parseDump(DUMP).payload);
  });

  it('gives everything as preamble when there is no header', () => {
    expect(splitDump('nginx: [emerg] unexpected "}" in /etc/nginx/nginx.conf:3\n')).toEqual({
      preamble: 'nginx: [emerg] unexpected "}" in /etc/nginx/nginx.conf:3\n',
      files: [],
    });
  });
});

describe('isDump', () => {
  it('recognises nginx -T output by its header lines', () => {
    expect(isDump(DUMP)).toBe(true);
    expect(isDump('events {}\n# configuration file is below\nhttp {}\n')).toBe(false);
    expect(isDump('events {}\n')).toBe(false);
  });
});

describe('parseDump', () => {
  it('parses the first file as the main one and resolves includes (globs sorted) against the dumped files', () => {
    const { payload, sources, preamble } = parseDump(DUMP);
    expect(payload.status).toBe('ok');
    expect(payload.config.map((c) => c.file)).toEqual([
      '/etc/nginx/nginx.conf',
      '/etc/nginx/conf.d/a.conf',
      '/etc/nginx/conf.d/b.conf',
      '/etc/nginx/mime.types',
    ]);
    expect(payload.config[0]!.parsed[1]!.block!.map((d) => d.includes)).toEqual([[1, 2], [3]]);
    expect(sources.get('/etc/nginx/conf.d/a.conf')).toBe('server { listen 80; }');
    expect(preamble).toContain('syntax is ok');
  });

  it('reports an include of a file missing from the dump', () => {
    const { payload } = parseDump('# configuration file /etc/nginx/nginx.conf:\ninclude other.conf;\n');
    expect(payload.errors).toEqual([
      {
        file: '/etc/nginx/nginx.conf',
        error:
          'open() "/etc/nginx/other.conf" failed (2: No such file or directory) in /etc/nginx/nginx.conf:1',
        line: 1,
      },
    ]);
  });

  it('fails cleanly on text without any dumped file', () => {
    const { payload, tree, preamble } = parseDump(
      'nginx: configuration file /etc/nginx/nginx.conf test failed\n',
    );
    expect(payload.status).toBe('failed');
    expect(payload.config).toEqual([]);
    expect(tree).toEqual([]);
    expect(preamble).toBe('nginx: configuration file /etc/nginx/nginx.conf test failed\n');
  });
});

describe('toCrossplaneJson', () => {
  // `user` (two arguments, main context) so that the file is one nginx accepts at its top level.
  const payload = parseDump('# configuration file /e/n.conf:\nuser X "é ☕ \u{1f600} \u007f \\t";\n').payload;

  it('prints compact JSON with ASCII escapes, as Python json.dumps does', () => {
    expect(toCrossplaneJson(payload)).toBe(
      '{"status":"ok","errors":[],"config":[{"file":"/e/n.conf","status":"ok","errors":[],"parsed":' +
        '[{"directive":"user","line":1,"args":["X","\\u00e9 \\u2615 \\ud83d\\ude00 \\u007f \\\\t"]}]}]}',
    );
  });

  it('indents like Python json.dumps(indent=N), including indent 0', () => {
    const small = { status: 'ok' as const, errors: [], config: [] };
    expect(toCrossplaneJson(small, 2)).toBe('{\n  "status": "ok",\n  "errors": [],\n  "config": []\n}');
    expect(toCrossplaneJson(small, 0)).toBe('{\n"status": "ok",\n"errors": [],\n"config": []\n}');
    expect(toCrossplaneJson(small, 12)).toContain(`\n${' '.repeat(12)}"status"`);
  });
});
