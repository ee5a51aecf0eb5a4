import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fatalErrors, parseNginxTest } from '../../../src/parsers/nginx-test.js';
import { anyText, tool } from './fixtures.js';

// Recorded from nginx 1.22.1 against private copies of Debian's /etc/nginx: record-nginx-test.sh.
const run = (name: string) =>
  parseNginxTest(tool(`nginx-test/${name}.stderr`), Number(tool(`nginx-test/${name}.exit`).trim()));

describe('parseNginxTest (nginx -t, recorded)', () => {
  it('a good config', () => {
    for (const name of ['ok', 'ok-logfile', 'ok.T']) {
      expect(run(name)).toMatchObject({ ok: true, errors: [], configFile: '/etc/nginx/nginx.conf' });
    }
  });

  it('a warning does not fail the test', () => {
    const r = run('ok-with-warning');
    expect(r.ok).toBe(true);
    expect(r.errors).toEqual([
      expect.objectContaining({
        level: 'warn',
        message: 'conflicting server name "shop.example" on 0.0.0.0:8080, ignored',
      }),
    ]);
    expect(fatalErrors(r)).toEqual([]);
  });

  const failures: [string, string, string | undefined, number | undefined][] = [
    ['unexpected-brace', 'unexpected "}"', '/etc/nginx/conf.d/shop.conf', 14],
    ['unexpected-brace.T', 'unexpected "}"', '/etc/nginx/conf.d/shop.conf', 14],
    ['unexpected-brace-logfile', 'unexpected "}"', '/etc/nginx/conf.d/shop.conf', 14],
    [
      'missing-semicolon',
      'invalid number of arguments in "proxy_pass" directive',
      '/etc/nginx/conf.d/shop.conf',
      11,
    ],
    ['invalid-url-prefix', 'invalid URL prefix', '/etc/nginx/conf.d/shop.conf', 10],
    ['unknown-directive', 'unknown directive "proxy_passs"', '/etc/nginx/conf.d/shop.conf', 10],
    [
      'host-not-found-in-upstream',
      'host not found in upstream "app.nonexistent.invalid:8000"',
      '/etc/nginx/conf.d/shop.conf',
      2,
    ],
    [
      'host-not-found-in-proxy-pass',
      'host not found in upstream "nonexistent.invalid"',
      '/etc/nginx/conf.d/shop.conf',
      10,
    ],
    ['upstream-name-typo', 'host not found in upstream "shop_ap"', '/etc/nginx/conf.d/shop.conf', 10],
    [
      'include-missing',
      'open() "/etc/nginx/proxy_params_missing" failed (2: No such file or directory)',
      '/etc/nginx/conf.d/shop.conf',
      11,
    ],
    ['duplicate-location', 'duplicate location "/"', '/etc/nginx/conf.d/shop.conf', 12],
    [
      'config-missing',
      'open() "/etc/nginx/nginx-missing.conf" failed (2: No such file or directory)',
      undefined,
      undefined,
    ],
  ];
  for (const [name, message, file, line] of failures) {
    it(`fails: ${name}`, () => {
      const r = run(name);
      expect(r.ok).toBe(false);
      const want: Record<string, unknown> = { level: 'emerg', message, raw: expect.any(String) };
      if (file !== undefined) Object.assign(want, { file, line });
      expect(fatalErrors(r)).toEqual([want]);
    });
  }

  it('a message with parentheses and colons inside (a missing certificate)', () => {
    const [e] = fatalErrors(run('ssl-certificate-missing'));
    expect(e!.message).toMatch(
      /^cannot load certificate "\/etc\/ssl\/certs\/shop\.example\.pem": BIO_new_file\(\) failed/,
    );
    expect(e!.file).toBeUndefined();
  });

  it('not root: the warning about `user`, the pid file it may not open, the log it may not open', () => {
    const r = run('not-root');
    expect(r.ok).toBe(false);
    expect(r.errors.map((e) => e.level)).toEqual(['warn', 'emerg']);
    expect(r.errors[0]).toMatchObject({
      message:
        'the "user" directive makes sense only if the master process runs with super-user privileges, ignored',
      file: '/etc/nginx/nginx.conf',
      line: 1,
    });
    expect(fatalErrors(r)[0]!.message).toBe('open() "/run/nginx.pid" failed (13: Permission denied)');
    const logfile = run('not-root-logfile');
    expect(logfile.errors[0]).toMatchObject({
      level: 'alert',
      message:
        'could not open error log file: open() "/var/log/nginx/error.log" failed (13: Permission denied)',
    });
    expect(fatalErrors(logfile)).toHaveLength(1);
  });

  it('without an exit code (the command did not finish), the text decides', () => {
    expect(parseNginxTest(tool('nginx-test/ok.stderr'), null).ok).toBe(true);
    expect(parseNginxTest(tool('nginx-test/unexpected-brace.stderr'), null).ok).toBe(false);
    expect(parseNginxTest('', null).ok).toBe(false);
  });

  it('never throws on random input', () => {
    fc.assert(
      fc.property(anyText, fc.option(fc.integer({ min: 0, max: 255 }), { nil: null }), (text, code) => {
        const r = parseNginxTest(text, code);
        if (code !== null) expect(r.ok).toBe(code === 0);
      }),
      { numRuns: 500 },
    );
  });
});
