import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ErrorLogKind } from '../../../src/model/facts.js';
import { classifyErrorLog, parseErrorLog, parseErrorLogDetailed } from '../../../src/parsers/errorlog.js';
import { anyText, tool, toolFiles } from './fixtures.js';

const log = (scenario: string) =>
  parseErrorLog(tool(`errorlog/${scenario}.error.log`), '/var/log/nginx/error.log');
/** The kinds of a scenario's entries, without nginx's "signal process started" notices. */
const kinds = (scenario: string) =>
  log(scenario)
    .filter((e) => e.level !== 'notice')
    .map((e) => e.kind);

describe('parseErrorLog: the fields of one entry (nginx 1.22.1, recorded)', () => {
  it('splits a connect() failure into time, level, pid#tid, *connection, errno and context', () => {
    const [e] = log('connect-refused');
    expect(e).toEqual({
      time: expect.stringMatching(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}$/),
      level: 'error',
      pid: expect.any(Number),
      tid: expect.any(Number),
      connection: 1,
      message: 'connect() failed (111: Connection refused) while connecting to upstream',
      errno: 111,
      errnoText: 'Connection refused',
      client: '127.0.0.1',
      server: 'shop.example',
      request: 'GET /api/orders?id=1 HTTP/1.1',
      upstream: 'http://127.0.0.1:8000/api/orders?id=1',
      host: 'shop.example',
      kind: 'connect-refused',
      file: '/var/log/nginx/error.log',
      raw: expect.stringContaining('connect() failed (111: Connection refused)'),
    });
    expect(e!.pid).toBe(e!.tid);
  });

  it('reads IPv6 and unix upstream fields as nginx prints them', () => {
    expect(log('connect-refused-ipv6')[0]!.upstream).toBe('http://[::1]:8000/api/orders?id=1');
    expect(log('unix-socket-missing-fastcgi')[0]!.upstream).toBe('fastcgi://unix:/run/php/php-fpm.sock:');
    expect(log('unix-socket-missing')[0]!.message).toBe(
      'connect() to unix:/tmp/hC-el/sock/missing.sock failed (2: No such file or directory) while connecting to upstream',
    );
  });

  it('reads entries without a connection or client: notices, the resolver, a config error', () => {
    const notices = log('startup-notices');
    expect(notices[0]).toMatchObject({
      level: 'notice',
      message: 'using the "epoll" event method',
      kind: 'other',
    });
    expect(notices[0]!.connection).toBeUndefined();
    expect(notices.length).toBeGreaterThan(20);
    expect(notices.every((e) => e.level === 'notice' && e.kind === 'other' && e.client === undefined)).toBe(
      true,
    );
    expect(notices.map((e) => e.message)).toContain('signal 1 (SIGHUP) received from 561, reconfiguring');
    const [resolver] = log('resolver-not-listening');
    expect(resolver).toMatchObject({
      message: 'recv() failed (111: Connection refused) while resolving',
      resolver: '127.0.0.1:53',
      errno: 111,
      kind: 'resolver-error',
    });
    expect(resolver!.connection).toBeUndefined();
    const [emerg] = log('host-not-found-in-upstream');
    expect(emerg).toMatchObject({
      level: 'emerg',
      kind: 'host-not-found',
      configFile: '/tmp/hC-el/nginx.conf',
      configLine: 21,
    });
  });

  it('keeps a FastCGI stderr message that spans lines as one entry, with its context', () => {
    const { entries, skipped } = parseErrorLogDetailed(
      tool('errorlog/fastcgi-stderr-multiline.error.log'),
      'e',
    );
    expect(skipped).toEqual([]);
    const [e] = entries;
    expect(e!.kind).toBe('fastcgi-stderr');
    expect(e!.message.split('\n')).toHaveLength(4);
    expect(e!.message).toContain('#0 /var/www/app/db.php(12): PDO->__construct(');
    expect(e!.errno).toBeUndefined(); // "(12)" and "[2002]" belong to PHP's text
    expect(e!.upstream).toBe('fastcgi://unix:/run/php/php8.2-fpm.sock:');
    expect(e!.request).toBe('GET /api/orders?id=1 HTTP/1.1');
    expect(e!.raw.split('\n')).toHaveLength(4);
  });

  it('is not fooled by quotes and field names inside client-controlled fields', () => {
    const [a, b, c] = log('tricky-request');
    expect(a).toMatchObject({
      request: 'GET /search?q=a,b"c%22,client:9.9.9.9 HTTP/1.1',
      upstream: 'http://127.0.0.1:8000/search?q=a,b"c%22,client:9.9.9.9',
      host: 'shop.example',
      referrer: 'https://ref.example/?a="x", upstream: "http://evil/"',
      client: '127.0.0.1',
    });
    expect(b).toMatchObject({
      request: 'GET /a",upstream:"http://evil/",host:"evil HTTP/1.1',
      upstream: 'http://127.0.0.1:8000/a",upstream:"http://evil/",host:"evil',
      host: 'shop.example',
    });
    expect(c).toMatchObject({
      request: 'GET / HTTP/1.1',
      host: 'a,b"c.example',
      upstream: 'http://127.0.0.1:8000/',
    });
  });

  it('reports lines that are not nginx entries instead of guessing', () => {
    const cut =
      'line 2 of a PHP trace" while reading response header from upstream, client: 1.2.3.4, server: x\n';
    const text = `${cut}${tool('errorlog/connect-refused.error.log')}PHP Warning: something\n`;
    const { entries, skipped } = parseErrorLogDetailed(text, 'e');
    expect(entries.map((e) => e.kind)).toEqual(['connect-refused', 'connect-refused', 'other']);
    expect(skipped).toEqual([
      { line: 1, text: cut.trimEnd(), reason: 'starts inside an entry (the log was cut here)' },
      { line: 5, text: 'PHP Warning: something', reason: 'not an nginx error-log line' },
    ]);
  });

  it('reads the stream module context (bytes from/to)', () => {
    const line =
      '2026/11/23 10:35:12 [error] 12#12: *5 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.9, server: 0.0.0.0:5432, upstream: "10.0.2.20:5432", bytes from/to client:0/0, bytes from/to upstream:0/0';
    expect(parseErrorLog(line, 'e')[0]).toMatchObject({
      upstream: '10.0.2.20:5432',
      server: '0.0.0.0:5432',
      kind: 'connect-refused',
    });
  });
});

describe('parseErrorLog: every recorded failure is classified', () => {
  const expected: Record<string, ErrorLogKind[]> = {
    'connect-refused': ['connect-refused', 'connect-refused'],
    'connect-refused-ipv6': ['connect-refused', 'connect-refused'],
    'connect-refused-firewall-reject': ['connect-refused', 'connect-refused'],
    'connect-refused-firewall-tcp-reset': ['connect-refused', 'connect-refused'],
    'connect-timeout-firewall-drop': ['connect-timeout', 'connect-timeout'],
    'connect-timeout-firewall-output-drop': ['connect-timeout', 'connect-timeout'],
    'no-route-unreachable-route': ['no-route', 'no-route'],
    'no-route-firewall-host-unreachable': ['no-route', 'no-route'],
    'network-unreachable': ['no-route', 'no-route'],
    'tcp-permission-denied-prohibit-route': ['selinux-denied', 'selinux-denied'],
    'unix-socket-missing': ['unix-socket-missing', 'unix-socket-missing'],
    'unix-socket-missing-fastcgi': ['unix-socket-missing', 'unix-socket-missing'],
    'unix-socket-permission': ['unix-socket-permission', 'unix-socket-permission'],
    'unix-socket-stale': ['connect-refused', 'connect-refused'],
    'unix-socket-backlog-full': ['backlog-full', 'backlog-full'],
    'prematurely-closed': ['prematurely-closed', 'prematurely-closed'],
    'http-to-https-backend': ['prematurely-closed', 'prematurely-closed'],
    'proxy-pass-to-php-fpm': ['reset-by-peer', 'reset-by-peer'],
    'reset-by-peer': ['reset-by-peer', 'reset-by-peer'],
    'read-timeout': ['read-timeout', 'read-timeout'],
    'header-too-big': ['header-too-big', 'header-too-big'],
    'invalid-header-garbage': ['invalid-header', 'invalid-header'],
    'invalid-header-line': ['invalid-header', 'invalid-header'],
    'fastcgi-to-http-server': ['invalid-header', 'invalid-header'],
    'ssl-handshake-to-plain-http': ['ssl-handshake', 'ssl-handshake'],
    'no-live-upstreams': [
      'connect-refused',
      'upstream-disabled',
      'connect-refused',
      'upstream-disabled',
      'no-live-upstreams',
      'no-live-upstreams',
    ],
    'no-resolver': ['no-resolver', 'no-resolver'],
    'resolver-not-listening': ['resolver-error', 'host-not-found'],
    'resolver-nxdomain': ['host-not-found', 'host-not-found'],
    'resolver-servfail': ['host-not-found', 'host-not-found'],
    'host-not-found-in-upstream': ['host-not-found'],
    'fastcgi-stderr-multiline': ['fastcgi-stderr'],
    'tricky-request': ['connect-refused', 'connect-refused', 'connect-refused'],
    healthy: [],
  };

  for (const [scenario, want] of Object.entries(expected)) {
    it(scenario, () => expect(kinds(scenario)).toEqual(want));
  }

  it('covers every recorded error log, and none has unreadable lines', () => {
    const recorded = toolFiles('errorlog', '.error.log').map((f) => f.replace(/\.error\.log$/, ''));
    expect(recorded.filter((s) => !(s in expected)).sort()).toEqual([
      'forged-newline',
      'invalid-header-ssh',
      'startup-notices',
    ]);
    for (const s of recorded.filter((r) => r !== 'forged-newline')) {
      expect(parseErrorLogDetailed(tool(`errorlog/${s}.error.log`), 'e').skipped, s).toEqual([]);
    }
  });

  it('an SSH server behind proxy_pass: no valid HTTP header, then the connection ends', () => {
    const got = kinds('invalid-header-ssh');
    expect(got[0]).toBe('invalid-header');
    expect(got.filter((k) => k === 'invalid-header')).toHaveLength(2);
  });

  it('reads errno and the resolver codes', () => {
    expect(log('resolver-nxdomain')[0]).toMatchObject({ errno: 3, errnoText: 'Host not found' });
    expect(log('network-unreachable')[0]).toMatchObject({ errno: 101, errnoText: 'Network is unreachable' });
    expect(log('ssl-handshake-to-plain-http')[0]!.message).toContain('wrong version number');
    expect(log('ssl-handshake-to-plain-http')[0]!.errno).toBeUndefined();
  });
});

describe('parseErrorLog: lines a client wrote through newlines encoded in its request (recorded)', () => {
  const parsed = parseErrorLogDetailed(tool('errorlog/forged-newline.error.log'), '/var/log/nginx/error.log');
  const forged = (text: string) => text.startsWith('2099/') || / 77#77: /.test(text);

  it('no forged entry: none dated 2099, none of pid 77, no upstream failure but the real one', () => {
    expect(parsed.entries.some((e) => e.time.startsWith('2099') || e.pid === 77)).toBe(false);
    expect(parsed.entries.filter((e) => e.level !== 'notice').map((e) => e.kind)).toEqual([
      'other',
      'other',
      'other',
      'other',
      'connect-refused',
    ]);
    const real = parsed.entries.find((e) => e.kind === 'connect-refused')!;
    expect(real).toMatchObject({ client: '127.0.0.1', request: 'GET /api/orders HTTP/1.1', errno: 111 });
  });

  it('each entry nginx wrote across the lines is one entry, with its own context and errno', () => {
    const [, split] = parsed.entries;
    expect(split).toMatchObject({ client: '127.0.0.1', errno: 2, kind: 'other' });
    expect(split!.request).toMatch(/^GET \/static\/x%0A2099/);
    expect(split!.message).toMatch(/^open\(\) ".*\/static\/x\n" failed \(2: No such file or directory\)$/);
  });

  it('the lines the client wrote are kept as skipped lines, saying why', () => {
    const lines = parsed.skipped.filter((l) => forged(l.text));
    expect(lines.map((l) => l.reason)).toEqual([
      expect.stringMatching(
        /^written by a client: a newline encoded in the request path of the entry ending on line 4$/,
      ),
      expect.stringMatching(
        /^written by a client: inside the path of the entry on line 7, which nginx cut at 2048 bytes$/,
      ),
    ]);
  });

  it('a path never reads as an upstream failure, newline or not', () => {
    const one = (message: string) =>
      parseErrorLog(
        `2026/12/02 10:00:00 [error] 12#12: *3 ${message}, client: 1.2.3.4, server: s, request: "GET /x HTTP/1.1", host: "s"\n`,
        'e',
      )[0]!;
    const path = one(
      'open() "/var/www/x upstream sent too big header (111: Connection refused)" failed (2: No such file or directory)',
    );
    expect(path).toMatchObject({ kind: 'other', errno: 2 });
    expect(one('upstream sent too big header while reading response header from upstream').kind).toBe(
      'header-too-big',
    );
  });

  it('a fake request field in a header can hide honest lines, never make one count', () => {
    const honest =
      '2026/12/02 10:00:00 [error] 12#12: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 1.2.3.4, server: s, request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:8000/", host: "s"';
    const liar = `${honest.replace('*1', '*2')}, referrer: "x, request: "GET /%0A%0a HTTP/1.1""`;
    const got = parseErrorLogDetailed(`${honest}\n${honest}\n${liar}\n`, 'e');
    expect(got.entries).toHaveLength(1);
    expect(got.skipped).toHaveLength(1);
    expect(got.entries[0]!.kind).toBe('connect-refused');
  });

  it('reads past lines longer than nginx writes (one of context look-alikes, which was quadratic)', () => {
    const line = `2026/12/02 10:00:00 [error] 12#12: *1 x${', client: , server: , host: "'.repeat(9000)}\n`;
    const got = parseErrorLogDetailed(line.repeat(4), 'e');
    expect(got.entries).toEqual([]);
    expect(got.skipped.map((s) => s.reason)).toEqual(
      Array(4).fill('longer than nginx writes an entry (2048 bytes)'),
    );
  });
});

describe('classifyErrorLog on wording we could not provoke here', () => {
  it('SELinux (TCP, EACCES) vs unix socket permission', () => {
    const tcp = 'connect() to 127.0.0.1:8000 failed (13: Permission denied) while connecting to upstream';
    expect(classifyErrorLog(tcp, 13, 'http://127.0.0.1:8000/')).toBe('selinux-denied');
    expect(classifyErrorLog('connect() to unix:/run/a.sock failed (13: Permission denied)', 13)).toBe(
      'unix-socket-permission',
    );
  });

  it('timeouts by phase, a broken pipe, a connect() that timed out in the kernel', () => {
    expect(
      classifyErrorLog('upstream timed out (110: Connection timed out) while reading upstream', 110),
    ).toBe('read-timeout');
    expect(classifyErrorLog('writev() failed (32: Broken pipe) while sending request to upstream', 32)).toBe(
      'prematurely-closed',
    );
    expect(
      classifyErrorLog('connect() failed (110: Connection timed out) while connecting to upstream', 110),
    ).toBe('connect-timeout');
    expect(classifyErrorLog('connect() failed (99: Cannot assign requested address)', 99)).toBe('other');
  });
});

describe('parseErrorLog never throws', () => {
  it('on random input', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const { entries, skipped } = parseErrorLogDetailed(text, 'f');
        for (const e of entries) expect(typeof e.kind).toBe('string');
        expect(Array.isArray(skipped)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('on a huge unterminated FastCGI message', () => {
    const head = '2026/11/23 10:35:12 [error] 1#1: *1 FastCGI sent in stderr: "x';
    const text = `${head}\n${'more\n'.repeat(50_000)}`;
    const { entries, skipped } = parseErrorLogDetailed(text, 'f');
    expect(entries).toHaveLength(1);
    expect(skipped.length).toBeGreaterThan(0);
  });
});
