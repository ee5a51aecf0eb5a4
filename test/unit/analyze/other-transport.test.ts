// TCP target, socket listening, and the reverse (issue 14, class 6): the cases the lab scenarios do not
// stage, where the other side must NOT be offered, and a proxy_pass URI behind a missing socket. Each
// starts from a lab snapshot (scripts/record-snapshots.ts) and swaps in real output: `ss -Hxlp` of php-fpm
// pools recorded by test/fixtures/hosts/record-ss-transport.sh, or another pass directive in the config
// nginx -T printed (the only text written here, as input).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Finding, HostSnapshot } from '../../../src/model/types.js';
import { reportOf } from '../../../src/analyze/report.js';

const fixture = (path: string) => readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), 'utf8');
const snapshot = (id: string) =>
  (JSON.parse(fixture(`snapshots/${id}.json`)) as { snapshot: HostSnapshot }).snapshot;

/** The snapshot with some commands' stdout rewritten. */
function changed(base: HostSnapshot, edits: Record<string, (stdout: string) => string>): HostSnapshot {
  const results = { ...base.results };
  for (const [id, edit] of Object.entries(edits)) {
    const r = results[id]!;
    results[id] = { ...r, stdout: edit(r.stdout) };
  }
  return { ...base, results };
}

/** The config line as nginx -T printed it, replaced by another. */
const passLine = (from: string, to: string) => (stdout: string) => {
  expect(stdout).toContain(from);
  return stdout.replace(from, to);
};

function root(s: HostSnapshot): Finding {
  const first = reportOf(s).findings[0]!;
  expect(first.severity).toBe('critical');
  return first;
}

describe('a TCP target where nothing listens: sockets that are not offered', () => {
  const onSocket = snapshot('php-fpm-on-socket');

  it('php-fpm on a socket in /tmp (anyone could have made it): nothing listens, no edit', () => {
    const f = root(changed(onSocket, { 'ss-unix': () => fixture('hosts/tools/ss/unix-php-fpm-tmp.txt') }));
    expect(f.cause).toBe('upstream-not-listening');
    expect(f.fix?.edit).toBeUndefined();
  });

  it('two php-fpm pools, neither named by the config: nothing says which, no edit', () => {
    const pools = fixture('hosts/tools/ss/unix-php-fpm-two-pools.txt');
    const f = root(changed(onSocket, { 'ss-unix': () => pools }));
    expect(f.cause).toBe('upstream-not-listening');
    expect(f.fix?.edit).toBeUndefined();
  });

  it("proxy_pass to the port: php-fpm's socket speaks FastCGI, not HTTP, so it is not offered", () => {
    const f = root(
      changed(onSocket, {
        'nginx-T': passLine('fastcgi_pass 127.0.0.1:9000;', 'proxy_pass http://127.0.0.1:9000;'),
      }),
    );
    expect(f.cause).toBe('upstream-not-listening');
    expect(f.fix?.edit).toBeUndefined();
  });

  it("fastcgi_pass to the port: the node app's socket speaks HTTP, so it is not offered", () => {
    const f = root(
      changed(snapshot('app-on-socket'), {
        'nginx-T': passLine('proxy_pass http://127.0.0.1:3000/;', 'fastcgi_pass 127.0.0.1:3000;'),
      }),
    );
    expect(f.cause).toBe('upstream-not-listening');
    expect(f.fix?.edit).toBeUndefined();
  });
});

describe('a TCP target where nothing listens: ports that are not offered', () => {
  it("proxy_pass to 127.0.0.1:9001: php-fpm's 127.0.0.1:9000 speaks FastCGI, so it is no port mismatch", () => {
    const f = root(
      changed(snapshot('php-fpm-on-tcp-healthy'), {
        'nginx-T': passLine('fastcgi_pass 127.0.0.1:9000;', 'proxy_pass http://127.0.0.1:9001;'),
      }),
    );
    expect(f.cause).toBe('upstream-not-listening');
    expect(f.fix?.edit).toBeUndefined();
  });
});

describe('a missing unix socket next to a look-alike socket', () => {
  it("proxy_pass to /run/php/php-fpm.sock: php-fpm's /run/php/php8.2-fpm.sock speaks FastCGI, no edit", () => {
    const f = root(
      changed(snapshot('php-fpm-socket-missing'), {
        'nginx-T': passLine(
          'fastcgi_pass unix:/run/php/php-fpm.sock;',
          'proxy_pass http://unix:/run/php/php-fpm.sock;',
        ),
      }),
    );
    expect(f.cause).toBe('unix-socket-missing');
    expect(f.fix?.edit).toBeUndefined();
  });
});

describe('a missing unix socket while the backend listens on TCP', () => {
  it('proxy_pass http://unix:…:/api/ with the app on 127.0.0.1:3000: the URI stays, the ":" goes', () => {
    const f = root(
      changed(snapshot('healthy'), {
        'nginx-T': passLine('proxy_pass http://shop;', 'proxy_pass http://unix:/run/shop/app.sock:/api/;'),
      }),
    );
    expect(f.cause).toBe('unix-socket-missing');
    expect(f.evidence.some((e) => e.source === 'ss -tlnp' && e.text.includes('127.0.0.1:3000'))).toBe(true);
    expect(f.fix?.edit?.after).toBe('        proxy_pass http://127.0.0.1:3000/api/;');
  });

  it('fastcgi_pass to the missing socket: the node app on TCP speaks HTTP, so it is not offered', () => {
    const f = root(
      changed(snapshot('healthy'), {
        'nginx-T': passLine('proxy_pass http://shop;', 'fastcgi_pass unix:/run/php/php8.2-fpm.sock;'),
      }),
    );
    expect(f.cause).toBe('unix-socket-missing');
    expect(f.fix?.edit).toBeUndefined();
  });

  it('proxy_pass to the missing socket: php-fpm on 127.0.0.1:9000 speaks FastCGI, so it is not offered', () => {
    const f = root(
      changed(snapshot('php-fpm-on-tcp'), {
        'nginx-T': passLine(
          'fastcgi_pass unix:/run/php/php8.2-fpm.sock;',
          'proxy_pass http://unix:/run/php/php8.2-fpm.sock;',
        ),
      }),
    );
    expect(f.cause).toBe('unix-socket-missing');
    expect(f.fix?.edit).toBeUndefined();
  });
});
