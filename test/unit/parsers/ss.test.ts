import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  acceptQueueFull,
  parseSsEndpoint,
  parseSsTcp,
  parseSsUnix,
  parseSsUsers,
} from '../../../src/parsers/ss.js';
import { anyText, tool } from './fixtures.js';

describe('parseSsTcp (ss -Htlnp, iproute2 6.1, recorded)', () => {
  const listeners = parseSsTcp(tool('ss/tcp-mixed.txt'));
  const at = (address: string, port: number) =>
    listeners.find((l) => l.address === address && l.port === port);

  it('reads every listener of the recording', () => {
    expect(listeners).toHaveLength(12);
    expect(listeners.every((l) => l.proto === 'tcp')).toBe(true);
  });

  it('reads IPv4 addresses, wildcards and the processes sharing a socket', () => {
    expect(at('127.0.0.1', 8000)).toMatchObject({
      family: 'inet',
      wildcard: false,
      dualStack: false,
      sendQ: 5,
    });
    expect(at('127.0.0.1', 8000)!.processes).toEqual([{ name: 'python3', pid: 14, fd: 3 }]);
    const nginx = at('0.0.0.0', 80)!;
    expect(nginx).toMatchObject({ family: 'inet', wildcard: true, dualStack: false, recvQ: 0, sendQ: 511 });
    expect(nginx.processes.map((p) => p.name)).toEqual(['nginx', 'nginx', 'nginx']);
    expect(nginx.processes.map((p) => p.fd)).toEqual([5, 5, 5]);
    expect(at('10.0.1.10', 9000)).toMatchObject({ family: 'inet', wildcard: false });
  });

  it('tells an IPv6-only wildcard ([::]) from a dual-stack one (*) as node binds them', () => {
    // node: listen({host: '::', ipv6Only: true}) on 3001, ipv6Only: false on 3000.
    expect(at('::', 3001)).toMatchObject({ family: 'inet6', wildcard: true, dualStack: false });
    expect(at('*', 3000)).toMatchObject({ family: 'inet6', wildcard: true, dualStack: true });
    expect(at('::1', 8001)).toMatchObject({ family: 'inet6', wildcard: false, dualStack: false });
  });

  it('splits the interface scope off addresses bound to a device', () => {
    expect(at('127.0.0.53', 53)).toMatchObject({ scope: 'lo', family: 'inet' });
    expect(at('fe80::1', 8443)).toMatchObject({ scope: 'eth0', family: 'inet6' });
    expect(at('127.0.0.1', 8000)?.scope).toBeUndefined();
  });

  it('reads the accept queue: a listener that never accepts, flooded, is full', () => {
    const full = at('127.0.0.1', 9999)!;
    expect([full.recvQ, full.sendQ]).toEqual([2, 1]);
    expect(acceptQueueFull(full)).toBe(true);
    expect(listeners.filter(acceptQueueFull)).toEqual([full]);
  });

  it('keeps a process name with a space, a comma and a parenthesis (ss cuts it at the first ")")', () => {
    expect(at('127.0.0.1', 7000)!.processes).toEqual([{ name: 'my app,(x', pid: 22, fd: 3 }]);
  });

  it('keeps the line as printed, without the padding', () => {
    expect(at('127.0.0.1', 8000)!.raw).toBe(
      'LISTEN 0      5           127.0.0.1:8000 0.0.0.0:* users:(("python3",pid=14,fd=3))',
    );
  });

  it('reads the same listeners without processes when ss ran unprivileged', () => {
    const plain = parseSsTcp(tool('ss/tcp-nonroot.txt'));
    expect(plain.map((l) => `${l.address}:${l.port}`)).toEqual(
      listeners.map((l) => `${l.address}:${l.port}`),
    );
    expect(plain.every((l) => l.processes.length === 0)).toBe(true);
  });

  it('skips the header line of ss without -H, and reads an empty namespace as no listeners', () => {
    const withHeader = parseSsTcp(tool('ss/tcp-mixed-with-header.txt'));
    expect(withHeader.map((l) => `${l.address}:${l.port}`)).toEqual(
      listeners.map((l) => `${l.address}:${l.port}`),
    );
    expect(parseSsTcp(tool('ss/tcp-empty.txt'))).toEqual([]);
  });

  it('reads older ss output: unbracketed IPv6 and a Netid column', () => {
    const old = parseSsTcp(
      'tcp LISTEN 0 128 :::22 :::*\nLISTEN 0 128 ::1:8000 :::*\nESTAB 0 0 1.2.3.4:22 5.6.7.8:5000\n',
    );
    expect(old.map((l) => [l.address, l.port, l.wildcard])).toEqual([
      ['::', 22, true],
      ['::1', 8000, false],
    ]);
  });
});

describe('parseSsUnix (ss -Hxlp, recorded)', () => {
  const listeners = parseSsUnix(tool('ss/unix-mixed.txt'));

  it('reads stream listeners: paths (with spaces), abstract names; leaves seqpacket out', () => {
    expect(listeners.map((l) => l.path)).toEqual([
      '/tmp/hC-ss/app.sock',
      '/tmp/hC-ss/with space.sock',
      '/tmp/hC-ss/nginx/nginx.sock',
      '@hC-abstract',
    ]);
    expect(listeners.every((l) => l.proto === 'unix' && l.family === 'unix' && l.address === undefined)).toBe(
      true,
    );
  });

  it('reads queues and processes', () => {
    const nginx = listeners.find((l) => l.path === '/tmp/hC-ss/nginx/nginx.sock')!;
    expect([nginx.recvQ, nginx.sendQ]).toEqual([0, 511]);
    expect(nginx.processes.map((p) => p.name)).toEqual(['nginx', 'nginx', 'nginx']);
  });

  it('reads the unprivileged output without processes', () => {
    const plain = parseSsUnix(tool('ss/unix-nonroot.txt'));
    expect(plain.map((l) => l.path)).toEqual(listeners.map((l) => l.path));
    expect(plain.every((l) => l.processes.length === 0)).toBe(true);
  });
});

describe('names and paths chosen to confuse a line reader (record-ss-hostile.sh, recorded)', () => {
  const W = '/tmp/hC-ssh';
  const forgedPath = `${W}/a\nu_str LISTEN 0 5 /run/forged.sock 1 * 0 users:(("nginx",pid=1,fd=1))\nx`;

  it('unix: a path with newlines and a whole ss line inside is one socket, with its own process', () => {
    const listeners = parseSsUnix(tool('ss/unix-hostile.txt'));
    expect(listeners.map((l) => l.path).sort()).toEqual(
      [
        `${W}/app.sock`,
        `${W}/c 1 * 0 users:(("php-fpm",pid=1,fd=1))`,
        `${W}/last.sock`,
        `${W}/b\n\nend`,
        forgedPath,
      ].sort(),
    );
    const names = (path: string) => listeners.find((l) => l.path === path)!.processes.map((p) => p.name);
    expect(names(forgedPath)).toEqual(['nginx✓ü']);
    // users:((…)) inside a path lends it no process.
    expect(names(`${W}/c 1 * 0 users:(("php-fpm",pid=1,fd=1))`)).toEqual(['evil']);
    expect(names(`${W}/b\n\nend`)).toEqual(['app ✓']);
    expect(listeners.some((l) => l.processes.some((p) => p.pid === 1))).toBe(false);
  });

  it('tcp: a newline in one process name and a colon in the next make no listener', () => {
    const listeners = parseSsTcp(tool('ss/tcp-hostile.txt'));
    expect(listeners.map((l) => `${l.address}:${l.port}`)).toEqual(['127.0.0.1:9000', '127.0.0.1:8000']);
    // The broken users:((…)) is joined back: both processes of the shared socket.
    expect(listeners[0]!.processes.map((p) => p.name).sort()).toEqual(['\nLISTEN 0 0 x', ':80 *']);
  });

  it('endpoints are addresses or *, nothing a process name could spell', () => {
    expect(parseSsEndpoint('x",pid=20,fd=3),(":80')).toBeUndefined();
    expect(parseSsEndpoint('localhost:80')).toBeUndefined();
    expect(parseSsEndpoint('127.0.0.53%lo:53')).toEqual({ address: '127.0.0.53', port: 53, scope: 'lo' });
  });

  it('a line that looks like a record, inside a path, is never read as a socket of its own', () => {
    const forged = 'u_str LISTEN 0 5 /run/forged.sock 1 * 0 users:(("nginx",pid=1,fd=1))';
    const paths = (text: string) => parseSsUnix(text).map((l) => l.path);
    // The path's record is cut (the tail never came): whatever closes it keeps the newline in its path.
    expect(paths(`u_str LISTEN 0 5 /tmp/a\n${forged}\nx\n`)).toEqual([
      `/tmp/a\nu_str LISTEN 0 5 /run/forged.sock`,
    ]);
    expect(paths(`u_str LISTEN 0 5 /tmp/a\n${forged}\nu_str LISTEN 0 5 x 7 * 0\n`)).not.toContain(
      '/run/forged.sock',
    );
    // A record that never closes hides everything within its reach.
    expect(paths(`u_str LISTEN 0 5 /tmp/a\nu_str LISTEN 0 5 /run/x.sock\n${'x\n'.repeat(300)}`)).toEqual([]);
  });

  it('reads hostile text in linear time', () => {
    const started = Date.now();
    for (const text of [
      '("'.repeat(500_000),
      `LISTEN 0 0 1.1.1.1:1 *:* users:((${'("'.repeat(500_000)}))`,
      `u_str LISTEN 0 0 /a 1 * 0 users:((${'("'.repeat(500_000)}))`,
      'u_str LISTEN 0 0 \n'.repeat(60_000),
      `u_str LISTEN 0 0 /a${'\n'.repeat(1_000_000)} 1 * 0`,
    ]) {
      parseSsUsers(text);
      parseSsTcp(text);
      parseSsUnix(text);
    }
    // Quadratic, the first of these alone took minutes.
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('ss pieces', () => {
  it('parses endpoints in every shape ss prints', () => {
    expect(parseSsEndpoint('[::1]:8000')).toEqual({ address: '::1', port: 8000 });
    expect(parseSsEndpoint('[fe80::1]%eth0:8443')).toEqual({ address: 'fe80::1', port: 8443, scope: 'eth0' });
    expect(parseSsEndpoint('0.0.0.0:*')).toEqual({ address: '0.0.0.0' });
    expect(parseSsEndpoint('*:3000')).toEqual({ address: '*', port: 3000 });
    expect(parseSsEndpoint('no-port')).toBeUndefined();
    expect(parseSsEndpoint(':80')).toBeUndefined();
  });

  it('reads users:(…) with a quote inside a name', () => {
    expect(parseSsUsers('users:(("a"b",pid=1,fd=2),("c",pid=3,fd=4))')).toEqual([
      { name: 'a"b', pid: 1, fd: 2 },
      { name: 'c', pid: 3, fd: 4 },
    ]);
  });

  it('never throws on random input', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        parseSsTcp(text);
        parseSsUnix(text);
        parseSsUsers(text);
      }),
      { numRuns: 500 },
    );
  });
});
