// The whole-host scenarios (record-scenarios.sh) read through every parser: what each scenario shows.
import { describe, expect, it } from 'vitest';
import { parseErrorLogDetailed } from '../../../src/parsers/errorlog.js';
import { parseNginxTest } from '../../../src/parsers/nginx-test.js';
import { findNginx, parsePs } from '../../../src/parsers/ps.js';
import { parseSsTcp, parseSsUnix } from '../../../src/parsers/ss.js';
import { isMissing, parseStat } from '../../../src/parsers/stat.js';
import { scenarioFile, scenarios } from './fixtures.js';

function host(name: string) {
  const file = (f: string) => scenarioFile(name, f);
  const log = parseErrorLogDetailed(file('error.log'), '/var/log/nginx/error.log');
  return {
    tcp: parseSsTcp(file('ss-tcp.txt')),
    unix: parseSsUnix(file('ss-unix.txt')),
    nginx: findNginx(parsePs(file('ps.txt'))),
    stats: parseStat(file('stat.txt'), file('stat.stderr.txt')),
    test: parseNginxTest(file('nginx-t.txt'), Number(file('nginx-t.exit').trim())),
    log: log.entries,
    skipped: log.skipped,
    now: Number(file('date.txt').split(' ')[0]),
  };
}
type Host = ReturnType<typeof host>;
const listens = (h: Host, address: string, port: number) =>
  h.tcp.some((l) => l.address === address && l.port === port);
const upstreams = (h: Host) => [...new Set(h.log.map((e) => e.upstream).filter((u) => u !== undefined))];

describe('host scenarios (recorded)', () => {
  it('are all there', () => {
    expect(scenarios()).toEqual([
      'address-mismatch-ipv6',
      'address-mismatch-lan',
      'config-invalid',
      'config-not-reloaded',
      'healthy',
      'nginx-not-running',
      'port-mismatch',
      'unix-socket-permission',
      'unix-socket-typo',
      'upstream-not-listening',
    ]);
  });

  it('every file of every scenario parses completely', () => {
    for (const name of scenarios()) {
      const h = host(name);
      expect(h.skipped, name).toEqual([]);
      expect(h.stats.length, name).toBeGreaterThanOrEqual(4);
      expect(h.now, name).toBeGreaterThan(1_700_000_000);
      expect(h.test.ok, name).toBe(name !== 'config-invalid');
      if (name !== 'nginx-not-running') {
        expect(h.nginx.master?.binary, name).toBe('/usr/sbin/nginx');
        expect(h.nginx.workerUser, name).toBe('www-data');
        expect(listens(h, '0.0.0.0', 80) && listens(h, '::', 80), name).toBe(true);
      }
    }
  });

  it('healthy: the app on 127.0.0.1:8000, php-fpm on its socket, nothing in the error log', () => {
    const h = host('healthy');
    expect(listens(h, '127.0.0.1', 8000)).toBe(true);
    expect(h.unix.map((l) => l.path)).toEqual(['/run/php/php8.2-fpm.sock']);
    expect(h.stats.find((s) => s.path === '/run/php/php8.2-fpm.sock')).toMatchObject({
      type: 'socket',
      user: 'www-data',
    });
    expect(h.log).toEqual([]);
  });

  it('port-mismatch: refused on 127.0.0.1:8000, node listens on 127.0.0.1:3000', () => {
    const h = host('port-mismatch');
    expect(listens(h, '127.0.0.1', 8000)).toBe(false);
    expect(h.tcp.find((l) => l.port === 3000)).toMatchObject({
      address: '127.0.0.1',
      processes: [expect.objectContaining({ name: 'node' })],
    });
    expect(new Set(h.log.map((e) => e.kind))).toEqual(new Set(['connect-refused']));
    expect(upstreams(h).every((u) => u.startsWith('http://127.0.0.1:8000/'))).toBe(true);
  });

  it('address-mismatch-lan: refused on the LAN address, the app listens on loopback', () => {
    const h = host('address-mismatch-lan');
    expect(listens(h, '127.0.0.1', 8000)).toBe(true);
    expect(upstreams(h).every((u) => u.startsWith('http://10.0.1.10:8000/'))).toBe(true);
    expect(h.log.every((e) => e.kind === 'connect-refused')).toBe(true);
  });

  it('address-mismatch-ipv6: the app listens on ::1 only, nginx connects to 127.0.0.1', () => {
    const h = host('address-mismatch-ipv6');
    expect(h.tcp.find((l) => l.port === 8000)).toMatchObject({
      address: '::1',
      family: 'inet6',
      dualStack: false,
    });
    expect(upstreams(h).every((u) => u.startsWith('http://127.0.0.1:8000/'))).toBe(true);
  });

  it('unix-socket-typo: php-fpm.sock is missing, php8.2-fpm.sock is listening', () => {
    const h = host('unix-socket-typo');
    expect(h.unix.map((l) => l.path)).toEqual(['/run/php/php8.2-fpm.sock']);
    expect(h.stats.filter(isMissing).map((s) => s.path)).toEqual(['/run/php/php-fpm.sock']);
    expect(new Set(h.log.map((e) => e.kind))).toEqual(new Set(['unix-socket-missing']));
    expect(upstreams(h)).toEqual(['fastcgi://unix:/run/php/php-fpm.sock:']);
  });

  it("unix-socket-permission: the socket is root's, 0660; nginx's workers are www-data", () => {
    const h = host('unix-socket-permission');
    expect(h.stats.find((s) => s.path === '/run/php/php8.2-fpm.sock')).toMatchObject({
      type: 'socket',
      mode: 0o660,
      user: 'root',
      group: 'root',
    });
    expect(new Set(h.log.map((e) => e.kind))).toEqual(new Set(['unix-socket-permission']));
  });

  it('upstream-not-listening: nothing but nginx listens on TCP', () => {
    const h = host('upstream-not-listening');
    expect(h.tcp.filter((l) => l.port !== 80)).toEqual([]);
    expect(h.log.every((e) => e.kind === 'connect-refused')).toBe(true);
  });

  it('config-not-reloaded: the site file changed after the master started', () => {
    const h = host('config-not-reloaded');
    const masterStarted = h.now - h.nginx.master!.elapsedSeconds;
    const site = h.stats.find((s) => s.path === '/etc/nginx/sites-enabled/shop')!;
    expect(site.mtime!).toBeGreaterThan(masterStarted);
    // The running nginx still uses :8000; the file on disk says :3000 (the app's port).
    expect(upstreams(h).every((u) => u.startsWith('http://127.0.0.1:8000/'))).toBe(true);
    expect(listens(h, '127.0.0.1', 3000)).toBe(true);
  });

  it('config-invalid: nginx -t fails; the failed reload is in the error log; the old config still runs', () => {
    const h = host('config-invalid');
    expect(h.test.errors).toEqual([
      expect.objectContaining({
        level: 'emerg',
        message: 'unexpected "}"',
        file: '/etc/nginx/sites-enabled/shop',
        line: 3,
      }),
    ]);
    const reload = h.log.find((e) => e.level === 'emerg')!;
    expect(reload).toMatchObject({
      configFile: '/etc/nginx/sites-enabled/shop',
      configLine: 3,
      kind: 'other',
    });
    expect(h.log.filter((e) => e.kind === 'connect-refused').length).toBeGreaterThan(0);
  });

  it('nginx-not-running: no master, nothing on :80', () => {
    const h = host('nginx-not-running');
    expect(h.nginx).toEqual({ workers: [] });
    expect(h.tcp.some((l) => l.port === 80)).toBe(false);
    expect(listens(h, '127.0.0.1', 8000)).toBe(true);
  });
});
