// Causes the lab cannot stage on this machine (SELinux, a saturated accept queue, DNS failures per request)
// or that deserve a close look, each with a positive and a negative case. The host's outputs are real:
// a lab snapshot (scripts/record-snapshots.ts) with error-log, ss and getenforce output recorded by
// test/fixtures/hosts/record-*.sh put in; only the nginx config is written here, as input.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CommandResult, Finding, HostSnapshot } from '../../../src/model/types.js';
import { reportOf } from '../../../src/analyze/report.js';

const fixture = (path: string) => readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), 'utf8');
const healthy = (JSON.parse(fixture('snapshots/healthy.json')) as { snapshot: HostSnapshot }).snapshot;

function result(id: string, stdout: string, exitCode = 0, stderr = ''): CommandResult {
  return { id, command: id, stdout, stderr, exitCode, durationMs: 1 };
}

/** The host's clock set to the newest log line, so the lines count as the present incident. */
function clockAt(log: string): string {
  const times = [...log.matchAll(/^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})/gm)];
  const last = times.at(-1)!;
  const epoch = Date.UTC(+last[1]!, +last[2]! - 1, +last[3]!, +last[4]!, +last[5]!, +last[6]!) / 1000;
  return `${epoch} ${last[0]}\n`;
}

interface Parts {
  conf: string;
  errorLog?: string;
  ssTcp?: string;
  ssUnix?: string;
  getenforce?: string;
  getsebool?: string;
  stat?: string;
}

/** The healthy lab host, with nginx running `conf` (read as files, as when nginx -T is not usable). */
function host(parts: Parts): HostSnapshot {
  const r = { ...healthy.results };
  r['nginx-T'] = result('nginx-T', '', 1);
  r['file:/etc/nginx/nginx.conf'] = result('file:/etc/nginx/nginx.conf', parts.conf);
  delete r.stat;
  for (const id of Object.keys(r)) {
    if (id.startsWith('error-log:') || id.startsWith('probe:')) Reflect.deleteProperty(r, id);
  }
  if (parts.errorLog !== undefined) {
    r['error-log:/var/log/nginx/error.log'] = result('error-log:/var/log/nginx/error.log', parts.errorLog);
    if (/^\d{4}\//m.test(parts.errorLog)) r.date = result('date', clockAt(parts.errorLog));
  }
  if (parts.ssTcp !== undefined) r['ss-tcp'] = result('ss-tcp', parts.ssTcp);
  if (parts.ssUnix !== undefined) r['ss-unix'] = result('ss-unix', parts.ssUnix);
  if (parts.getenforce !== undefined) r.getenforce = result('getenforce', parts.getenforce);
  if (parts.getsebool !== undefined) r.getsebool = result('getsebool', parts.getsebool);
  if (parts.stat !== undefined) r.stat = result('stat', parts.stat);
  return { ...healthy, results: r };
}

const site = (location: string) => `user www-data;
events {}
http {
    server {
        listen 80;
        server_name shop.example;
        location /api/ {
${location}
        }
    }
}
`;

function root(snapshot: HostSnapshot): Finding | undefined {
  return reportOf(snapshot).findings[0];
}

function causes(snapshot: HostSnapshot): string[] {
  return reportOf(snapshot).findings.map((f) => `${f.severity}:${f.cause}`);
}

describe('upstream-ssl-handshake-failed', () => {
  const log = fixture('hosts/tools/errorlog/ssl-handshake-to-plain-http.error.log');
  const conf = site('            proxy_pass https://127.0.0.1:8010;');

  it('https:// to a plain HTTP backend: root cause, with the scheme edit', () => {
    const f = root(
      host({
        conf,
        errorLog: log,
        ssTcp: 'LISTEN 0      511        127.0.0.1:8010      0.0.0.0:*    users:(("node",pid=77,fd=18))\n',
      }),
    );
    expect(f?.cause).toBe('upstream-ssl-handshake-failed');
    expect(f?.severity).toBe('critical');
    expect(f?.evidence.some((e) => e.text.includes('wrong version number'))).toBe(true);
    expect(f?.fix?.edit).toEqual({
      file: '/etc/nginx/nginx.conf',
      line: 8,
      before: '            proxy_pass https://127.0.0.1:8010;',
      after: '            proxy_pass http://127.0.0.1:8010;',
    });
  });

  it('is not reported without handshake errors in the log', () => {
    expect(causes(host({ conf, errorLog: fixture('hosts/tools/errorlog/healthy.error.log') }))).not.toContain(
      'critical:upstream-ssl-handshake-failed',
    );
  });
});

/** The first error-log line of a recorded lab scenario (test/fixtures/snapshots/<id>.json). */
function recordedLogLine(id: string): string {
  const snapshot = (JSON.parse(fixture(`snapshots/${id}.json`)) as { snapshot: HostSnapshot }).snapshot;
  const log = Object.entries(snapshot.results).find(([k]) => k.startsWith('error-log:'))![1].stdout;
  return log.split('\n').find((l) => / \[(?:error|crit)\] /.test(l))!;
}

describe('upstream-ssl-handshake-failed: a backend that requires SNI', () => {
  const line = recordedLogLine('upstream-sni-required');
  const address = /upstream: "https:\/\/([\d.]+:\d+)\//.exec(line)![1]!;

  it('proxy_ssl_server_name already on: the name sent is the wrong one, so the fix is proxy_ssl_name, no edit', () => {
    const conf = site(`            proxy_ssl_server_name on;\n            proxy_pass https://${address};`);
    const f = root(host({ conf, errorLog: `${line}\n` }));
    expect(f?.cause).toBe('upstream-ssl-handshake-failed');
    expect(f?.fix?.summary).toContain('proxy_ssl_name');
    expect(f?.fix?.edit).toBeUndefined();
  });

  it('proxy_ssl_server_name off beside the pass: the edit turns that line on', () => {
    const conf = site(`            proxy_ssl_server_name off;\n            proxy_pass https://${address};`);
    const f = root(host({ conf, errorLog: `${line}\n` }));
    expect(f?.fix?.edit).toEqual({
      file: '/etc/nginx/nginx.conf',
      line: 8,
      before: '            proxy_ssl_server_name off;',
      after: '            proxy_ssl_server_name on;',
    });
  });

  it('to an upstream group: the edit sends SNI, and the summary asks for proxy_ssl_name (nginx would send the group name)', () => {
    const conf = site('            proxy_pass https://api;').replace(
      'http {\n',
      `http {\n    upstream api {\n        server ${address};\n    }\n`,
    );
    const f = root(host({ conf, errorLog: `${line}\n` }));
    expect(f?.cause).toBe('upstream-ssl-handshake-failed');
    expect(f?.fix?.edit?.after).toContain('proxy_ssl_server_name on;');
    expect(f?.fix?.summary).toContain('proxy_ssl_name');
  });
});

describe('upstream-backlog-full', () => {
  const log = fixture('hosts/tools/errorlog/unix-socket-backlog-full.error.log');
  const conf = site('            proxy_pass http://unix:/tmp/hC-el/sock/busy.sock:/;');
  const ssUnix = fixture('hosts/tools/ss/unix-backlog-full.txt');
  const stat = fixture('hosts/tools/stat/unix-backlog-full.txt');

  it('connect() fails with EAGAIN on a unix socket that exists and listens: root cause', () => {
    const f = root(host({ conf, errorLog: log, ssUnix, stat }));
    expect(f?.cause).toBe('upstream-backlog-full');
    expect(f?.severity).toBe('critical');
    expect(f?.evidence.some((e) => e.text.includes('(11: Resource temporarily unavailable)'))).toBe(true);
    expect(f?.evidence.some((e) => e.text.includes('busy.sock') && e.source.startsWith('ss'))).toBe(true);
  });

  it('a TCP listener whose accept queue is full is a warning before nginx logs anything', () => {
    const ssTcp = fixture('hosts/tools/ss/tcp-mixed.txt');
    const findings = reportOf(
      host({ conf: site('            proxy_pass http://127.0.0.1:9999;'), errorLog: '', ssTcp }),
    ).findings;
    expect(findings.find((f) => f.cause === 'upstream-backlog-full')?.severity).toBe('warning');
  });

  it('a listener with room in its queue and no EAGAIN is not saturated', () => {
    const ssUnixIdle = fixture('hosts/tools/ss/unix-mixed.txt');
    const idle = host({
      conf: site('            proxy_pass http://unix:/tmp/hC-ss/app.sock:/;'),
      errorLog: '',
      ssUnix: ssUnixIdle,
    });
    expect(causes(idle).join()).not.toContain('upstream-backlog-full');
  });
});

describe('upstream-host-not-found', () => {
  const log = fixture('hosts/tools/errorlog/resolver-nxdomain.error.log');
  const conf = site(
    '            resolver 127.0.0.53;\n            set $app app.internal;\n            proxy_pass http://$app:8000;',
  );

  it('a name resolved per request that does not resolve: root cause', () => {
    const f = root(host({ conf, errorLog: log }));
    expect(f?.cause).toBe('upstream-host-not-found');
    expect(f?.evidence.some((e) => e.text.includes('app.internal could not be resolved'))).toBe(true);
  });

  it('no lookup failures, no finding', () => {
    expect(causes(host({ conf, errorLog: '' })).join()).not.toContain('upstream-host-not-found');
  });

  it('names the host and points at the set line that chose it, and at the resolver asked', () => {
    const f = root(host({ conf, errorLog: log }));
    expect(f?.title).toContain('app.internal');
    expect(f?.evidence.slice(0, 3).map((e) => [e.line, e.text])).toEqual([
      [9, 'set $app app.internal;'],
      [8, 'resolver 127.0.0.53;'],
      [10, 'proxy_pass http://$app:8000;'],
    ]);
    expect(f?.fix?.summary).toContain('app.internal');
    expect(f?.fix?.summary).toContain('/etc/nginx/nginx.conf:9');
    expect(f?.detail).toContain('NXDOMAIN');
  });

  it('with a map, the entry that gives the name is the evidence, not the others', () => {
    const mapped = conf
      .replace(
        'http {\n',
        'http {\n    map $host $app {\n        default blue.internal;\n        shop.example app.internal;\n    }\n',
      )
      .replace('            set $app app.internal;\n', '');
    const f = root(host({ conf: mapped, errorLog: log }));
    expect(f?.cause).toBe('upstream-host-not-found');
    expect(f?.evidence[0]).toMatchObject({ line: 6, text: 'shop.example app.internal;' });
    expect(f?.evidence.some((e) => e.text.includes('blue.internal'))).toBe(false);
  });
});

describe('upstream-host-not-found: the resolver does not answer', () => {
  const log = fixture('hosts/tools/errorlog/resolver-not-listening.error.log');
  const conf = site(
    '            resolver 127.0.0.1 ipv6=off;\n            resolver_timeout 2s;\n            set $app app.internal;\n            proxy_pass http://$app:8000;',
  );
  /** The host's /etc/resolv.conf names another nameserver than the one nginx was given. */
  function withNameserver(snapshot: HostSnapshot, nameserver: string): HostSnapshot {
    const r = { ...snapshot.results, 'resolv-conf': result('resolv-conf', `nameserver ${nameserver}\n`) };
    return { ...snapshot, results: r };
  }

  it("points resolver at the host's nameserver, the resolver line first", () => {
    const f = root(withNameserver(host({ conf, errorLog: log }), '10.0.0.2'));
    expect(f?.cause).toBe('upstream-host-not-found');
    expect(f?.title).toContain('resolver 127.0.0.1 does not answer');
    expect(f?.evidence[0]).toMatchObject({ line: 8, text: 'resolver 127.0.0.1 ipv6=off;' });
    expect(f?.evidence.some((e) => e.text.includes('while resolving, resolver: 127.0.0.1:53'))).toBe(true);
    expect(f?.fix?.edit).toEqual({
      file: '/etc/nginx/nginx.conf',
      line: 8,
      before: '            resolver 127.0.0.1 ipv6=off;',
      after: '            resolver 10.0.0.2 ipv6=off;',
    });
  });

  it('when the silent resolver is the host nameserver itself, no edit: start it or use another', () => {
    const f = root(withNameserver(host({ conf, errorLog: log }), '127.0.0.1'));
    expect(f?.fix?.edit).toBeUndefined();
    expect(f?.fix?.summary).toContain('Start the DNS server at 127.0.0.1');
  });
});

describe('resolver-missing', () => {
  const log = fixture('hosts/tools/errorlog/no-resolver.error.log');
  const conf = site('            set $upstream http://app.internal:8000;\n            proxy_pass $upstream;');

  it('the whole URL in a variable, no resolver: root cause, the set line as evidence, the resolver edit', () => {
    const f = root(host({ conf, errorLog: log }));
    expect(f?.cause).toBe('resolver-missing');
    expect(f?.severity).toBe('critical');
    expect(f?.evidence[0]).toMatchObject({ line: 8, text: 'set $upstream http://app.internal:8000;' });
    expect(f?.detail).toContain('app.internal comes from /etc/nginx/nginx.conf:8');
    expect(f?.fix?.edit).toMatchObject({
      line: 9,
      after: expect.stringMatching(/resolver \S+ valid=30s;\n/),
    });
  });

  it('an address literal or an upstream group in the variable needs no resolver', () => {
    const literal = site(
      '            set $upstream http://10.0.0.5:8000;\n            proxy_pass $upstream;',
    );
    expect(causes(host({ conf: literal, errorLog: '' })).join()).not.toContain('resolver-missing');
    const group = site('            set $b blue;\n            proxy_pass http://$b;').replace(
      'http {\n',
      'http {\n    upstream blue { server 127.0.0.1:8000; }\n',
    );
    expect(causes(host({ conf: group, errorLog: '' })).join()).not.toContain('resolver-missing');
  });
});

describe('selinux-denies-connect', () => {
  const log = fixture('hosts/tools/errorlog/tcp-permission-denied-prohibit-route.error.log');
  const conf = site('            proxy_pass http://10.98.0.1:8000;');
  // getenforce and getsebool as libselinux prints them on an enforcing system (cannot be recorded here:
  // see test/fixtures/hosts/tools/selinux/README).
  const enforcing = { getenforce: 'Enforcing\n', getsebool: 'httpd_can_network_connect --> off\n' };

  it('enforcing, the boolean off, and "13: Permission denied" on TCP connects: root cause with setsebool', () => {
    const f = root(host({ conf, errorLog: log, ...enforcing }));
    expect(f?.cause).toBe('selinux-denies-connect');
    expect(f?.severity).toBe('critical');
    expect(f?.fix?.commands).toEqual(['setsebool -P httpd_can_network_connect 1']);
  });

  it('the same log lines without SELinux (a prohibit route) are not blamed on SELinux', () => {
    const disabled = {
      getenforce: fixture('hosts/tools/selinux/getenforce-disabled.stdout'),
      getsebool: fixture('hosts/tools/selinux/getsebool-disabled.stdout'),
    };
    expect(causes(host({ conf, errorLog: log, ...disabled })).join()).not.toContain('selinux');
  });

  it('SELinux enforcing with the boolean on is fine', () => {
    const on = { getenforce: 'Enforcing\n', getsebool: 'httpd_can_network_connect --> on\n' };
    expect(causes(host({ conf, errorLog: log, ...on })).join()).not.toContain('selinux');
  });
});

describe('lines a client forged in the error log', () => {
  // Recorded from nginx: a 404 for a path with encoded newlines writes whole entries of the client's
  // choosing (a future-dated connect() failure, a "recent" too-big header). The real connect() failure
  // the recording ends with is left out: the healthy host has nothing failing.
  const recorded = fixture('hosts/tools/errorlog/forged-newline.error.log');
  const forgedOnly = recorded
    .split('\n')
    .filter((l) => !l.includes('request: "GET /api/orders'))
    .join('\n');
  // The recorded lines are stamped with the snapshot's own clock (2099 stays 2099): the snapshot's processes
  // and files keep their ages, and the forged lines are as recent as a real incident's.
  const clock = healthy.results.date!.stdout.trim().split(' ').slice(1).join(' ');
  const restamp = (log: string) => log.replace(/^(?!2099)\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}/gm, clock);
  const withLog = (log: string): HostSnapshot => {
    const r = { ...healthy.results };
    r['error-log:/var/log/nginx/error.log'] = result('error-log:/var/log/nginx/error.log', restamp(log));
    return { ...healthy, results: r };
  };

  it('a healthy host stays healthy: no cause from the lines the client wrote', () => {
    expect(reportOf(withLog(forgedOnly)).findings.filter((f) => f.severity === 'critical')).toEqual([]);
  });

  it('an entry dated in the future is not the present incident, however it got there', () => {
    // The forged too-big header, as its own line (as any other writer of the log could put it there).
    const line = recorded
      .split('\n')
      .find((l) => / 77#77: .*" failed/.test(l))!
      .replace(/"" failed.*$/, '"');
    const first = recorded.split('\n')[0]!;
    const dated = (time: string) => `${first}\n${line.replace(/^\S+ \S+/, time)}\n`;
    const now = first.slice(0, 19);
    expect(
      reportOf(withLog(dated('2099/01/01 00:00:00'))).findings.filter((f) => f.severity === 'critical'),
    ).toEqual([]);
    // The same line dated now is the root cause: the date, not the line, made the difference.
    expect(reportOf(withLog(dated(now))).findings[0]).toMatchObject({
      severity: 'critical',
      cause: 'upstream-header-too-big',
    });
  });
});

describe('unix-socket-missing never points nginx into a directory any user can write', () => {
  // The recorded php-fpm snapshot (nginx names /run/php/php-fpm.sock, php-fpm listens on php8.2-fpm.sock),
  // with its one ss line moved: a local user can make /dev/shm/php-fpm.sock and call its process php-fpm8.2.
  const recorded = (
    JSON.parse(fixture('snapshots/php-fpm-socket-missing.json')) as { snapshot: HostSnapshot }
  ).snapshot;
  const listening = (path: string): HostSnapshot => {
    const line = recorded.results['ss-unix']!.stdout.replace('/run/php/php8.2-fpm.sock', path);
    return { ...recorded, results: { ...recorded.results, 'ss-unix': result('ss-unix', line) } };
  };

  it('a socket in /dev/shm is named as a hint, with no edit', () => {
    const found = root(listening('/dev/shm/php-fpm.sock'))!;
    expect(found.cause).toBe('unix-socket-missing');
    expect(found.fix?.edit).toBeUndefined();
    expect(found.detail).toContain(
      '/dev/shm/php-fpm.sock looks like it, but lies in a directory any user can write',
    );
  });

  it('a socket whose path would add directives to the config is not the fix', () => {
    // One ss line as real ss prints a path holding `;` and a space (the newline case is ss.test.ts's).
    const found = root(listening('/run/php/php-fpm.sock;include /home/u/x'))!;
    expect(found.fix?.edit).toBeUndefined();
  });

  it('the same socket in /run/php is the fix', () => {
    expect(root(listening('/run/php/php8.2-fpm.sock'))!.fix?.edit?.after).toBe(
      '        fastcgi_pass unix:/run/php/php8.2-fpm.sock;',
    );
  });
});
