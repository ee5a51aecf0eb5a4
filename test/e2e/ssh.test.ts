// The SSH transport against Debian's real sshd: host key checking, the key types and the agent, jump hosts,
// parallel channels, timeouts, output caps and sudo. Servers run in private namespaces (see support/sshd.ts);
// the jump host and the "firewalled" address live in a network namespace made here and removed afterwards.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, Socket, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Target } from '../../src/inventory/types.js';
import { SshTransport, type SshOptions } from '../../src/transport/ssh.js';
import { TransportError } from '../../src/transport/types.js';
import { LOGINS_AT_ONCE } from '../../src/transport/ssh-connection.js';
import { dieWithParent, freePort, generateKey, startSshd, type KeyPair, type Sshd } from './support/sshd.js';

const run = promisify(execFile);

// Our own network namespace: a veth to 10.253.77.2, where the jump host listens and port 22 is DROPped.
const NETNS = 'hD-ssh';
const VETH = 'hD-ssh0';
const HOST_SIDE = '10.253.77.1';
const NS_SIDE = '10.253.77.2';

const TEST_UID = 61234;
const NOSUDO_UID = 61235;
const SUDOERS = [
  // sudoers takes the LAST matching rule: the general one (password) first, the NOPASSWD exceptions after it.
  'ud-test ALL=(root) ALL',
  'ud-test ALL=(root) NOPASSWD: /usr/bin/id, /usr/bin/sleep, /usr/bin/yes',
  'ud-test ALL=(nobody) NOPASSWD: /usr/bin/id',
  '',
].join('\n');

let dir: string;
let keys: Record<'client' | 'wrong' | 'rsa' | 'ecdsa' | 'encrypted', KeyPair>;
let server: Sshd;
let jump: Sshd;
let inner: Sshd;
let knownHosts: string;
const cleanups: (() => Promise<unknown>)[] = [];

async function netnsDown(): Promise<void> {
  await run('ip', ['netns', 'del', NETNS]).catch(() => undefined);
  await run('ip', ['link', 'del', VETH]).catch(() => undefined);
}

async function netnsUp(): Promise<void> {
  await netnsDown();
  await run('ip', ['netns', 'add', NETNS]);
  await run('ip', ['link', 'add', VETH, 'type', 'veth', 'peer', 'name', 'hD-ssh1', 'netns', NETNS]);
  await run('ip', ['addr', 'add', `${HOST_SIDE}/30`, 'dev', VETH]);
  await run('ip', ['link', 'set', VETH, 'up']);
  await run('ip', ['-n', NETNS, 'addr', 'add', `${NS_SIDE}/30`, 'dev', 'hD-ssh1']);
  await run('ip', ['-n', NETNS, 'link', 'set', 'hD-ssh1', 'up']);
  await run('ip', ['-n', NETNS, 'link', 'set', 'lo', 'up']);
  // A firewall that drops SSH silently: connecting to NS_SIDE:22 can only time out.
  await run('ip', [
    'netns',
    'exec',
    NETNS,
    'iptables',
    '-A',
    'INPUT',
    '-p',
    'tcp',
    '--dport',
    '22',
    '-j',
    'DROP',
  ]);
}

function target(overrides: Partial<Target> = {}): Target {
  return {
    name: 'web-01',
    address: server.address,
    port: server.port,
    user: 'root',
    identityFile: keys.client.privatePath,
    knownHosts,
    sudo: false,
    useAgent: false,
    tags: [],
    ...overrides,
  };
}

async function connected(overrides: Partial<Target> = {}, options: SshOptions = {}): Promise<SshTransport> {
  const transport = new SshTransport(target(overrides), { home: dir, ...options });
  await transport.connect();
  cleanups.push(() => transport.close());
  return transport;
}

/** The TransportError a connection attempt fails with (the test fails if it connects). */
async function connectError(
  overrides: Partial<Target> = {},
  options: SshOptions = {},
): Promise<TransportError> {
  const transport = new SshTransport(target(overrides), { home: dir, ...options });
  try {
    await transport.connect();
  } catch (error) {
    expect(error).toBeInstanceOf(TransportError);
    return error as TransportError;
  } finally {
    await transport.close();
  }
  throw new Error('connected, but a failure was expected');
}

async function writeKnownHosts(name: string, lines: string[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, lines.join('\n') + '\n');
  return path;
}

const logins = (sshd: Sshd) =>
  sshd
    .log()
    .split('\n')
    .filter((line) => line.startsWith('Accepted publickey')).length;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hD-ssh-e2e-'));
  keys = {
    client: await generateKey(dir, 'client', 'ed25519'),
    wrong: await generateKey(dir, 'wrong', 'ed25519'),
    rsa: await generateKey(dir, 'rsa', 'rsa'),
    ecdsa: await generateKey(dir, 'ecdsa', 'ecdsa'),
    encrypted: await generateKey(dir, 'encrypted', 'ed25519', 'correct horse'),
  };
  const rootKeys = [keys.client, keys.rsa, keys.ecdsa, keys.encrypted].map((k) => k.publicLine);
  server = await startSshd({
    name: 'main',
    authorizedKeys: {
      root: rootKeys,
      'ud-test': [keys.client.publicLine],
      'ud-nosudo': [keys.client.publicLine],
    },
    users: [
      { name: 'ud-test', uid: TEST_UID },
      { name: 'ud-nosudo', uid: NOSUDO_UID },
    ],
    sudoers: SUDOERS,
  });
  await netnsUp();
  jump = await startSshd({
    name: 'jump',
    netns: NETNS,
    address: NS_SIDE,
    port: 2200,
    authorizedKeys: { root: [keys.client.publicLine] },
  });
  // Reachable only from inside the namespace: its loopback, not ours.
  inner = await startSshd({
    name: 'inner',
    netns: NETNS,
    address: '127.0.0.1',
    port: 2201,
    hostKeyType: 'ecdsa',
    authorizedKeys: { root: [keys.client.publicLine] },
  });
  knownHosts = await writeKnownHosts('known_hosts', [
    server.knownHostsLine,
    jump.knownHostsLine,
    inner.knownHostsLine,
  ]);
}, 60_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await Promise.all([server, jump, inner].filter(Boolean).map((sshd) => sshd.stop()));
  await netnsDown();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('SSH transport against a real sshd', () => {
  it('connects, checks the host key, and runs a command', async () => {
    const started = performance.now();
    const transport = await connected();
    const connectedAt = performance.now();
    const result = await transport.run({ id: 'id', argv: ['id', '-un'] });
    const done = performance.now();
    expect(result).toMatchObject({ id: 'id', command: 'id -un', stdout: 'root\n', stderr: '', exitCode: 0 });
    expect(result.error).toBeUndefined();
    expect(transport.description).toBe(`root@127.0.0.1:${server.port}`);
    console.info(
      `[figures] connect ${(connectedAt - started).toFixed(0)} ms + 1 command ${(done - connectedAt).toFixed(0)} ms = ${(done - started).toFixed(0)} ms`,
    );
  });

  it('runs 20 commands in parallel over ONE connection, at most 8 channels at once (sshd MaxSessions 10)', async () => {
    const before = logins(server);
    const transport = await connected();
    const quick = performance.now();
    const fast = await Promise.all(
      Array.from({ length: 20 }, (_, i) => transport.run({ id: `true-${i}`, argv: ['echo', String(i)] })),
    );
    const quickMs = performance.now() - quick;
    expect(fast.map((r) => r.stdout)).toEqual(Array.from({ length: 20 }, (_, i) => `${i}\n`));

    // Each command sleeps 0.4 s: 20 at 8 at a time take three rounds (>= 1.2 s), far less than 20 in a row (8 s).
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        transport.run({ id: `c${i}`, argv: ['sh', '-c', 'sleep 0.4; echo "$0"', String(i)] }),
      ),
    );
    const elapsed = performance.now() - started;
    expect(results.map((r) => [r.exitCode, r.stdout, r.error])).toEqual(
      Array.from({ length: 20 }, (_, i) => [0, `${i}\n`, undefined]),
    );
    expect(elapsed).toBeGreaterThanOrEqual(1_200);
    expect(elapsed).toBeLessThan(6_000);
    expect(logins(server) - before).toBe(1);
    console.info(
      `[figures] 20 parallel commands (echo) over one connection: ${quickMs.toFixed(0)} ms; 20 × sleep 0.4: ${elapsed.toFixed(0)} ms`,
    );
  });

  it('adapts when it asks for more channels than sshd allows (maxParallel 14 > MaxSessions 10)', async () => {
    const transport = await connected({}, { maxParallel: 14 });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        transport.run({ id: `c${i}`, argv: ['sh', '-c', 'sleep 0.3; echo ok'] }),
      ),
    );
    expect(results.map((r) => r.stdout + (r.error ?? ''))).toEqual(Array(20).fill('ok\n'));
  });

  it('passes every argument through the remote shell unchanged', async () => {
    const transport = await connected();
    const args = [
      "it's",
      '"double"',
      '$(id)',
      '`id`',
      'a\nb',
      '*',
      '~',
      '#c',
      '$HOME',
      'A=b',
      '',
      ' lead',
      'tab\t',
      'ünï',
      '\\',
    ];
    const result = await transport.run({ id: 'printf', argv: ['printf', '%s\\0', ...args] });
    expect(result.stdout.split('\0').slice(0, -1)).toEqual(args);
  });

  it('feeds stdin, reports exit codes, and explains a missing program', async () => {
    const transport = await connected();
    expect(await transport.run({ id: 'cat', argv: ['cat'], stdin: 'line 1\nline 2\n' })).toMatchObject({
      stdout: 'line 1\nline 2\n',
      exitCode: 0,
    });
    expect(await transport.run({ id: 'false', argv: ['sh', '-c', 'echo oops >&2; exit 3'] })).toMatchObject({
      stderr: 'oops\n',
      exitCode: 3,
    });
    expect(await transport.run({ id: 'nope', argv: ['no-such-program-hD'] })).toMatchObject({
      exitCode: 127,
      error: 'command not found: no-such-program-hD',
    });
    // Commands run with LC_ALL=C and /usr/sbin:/sbin on PATH.
    const env = await transport.run({ id: 'env', argv: ['sh', '-c', 'echo "$LC_ALL $PATH"'] });
    expect(env.stdout).toMatch(/^C .*:\/usr\/sbin:\/sbin\n$/);
  });

  it('kills a command at its timeout, on the host too', async () => {
    const transport = await connected();
    const started = performance.now();
    const result = await transport.run({ id: 'sleep', argv: ['sleep', '31.5'], timeoutMs: 500 });
    expect(result).toMatchObject({ exitCode: null, error: 'timeout' });
    expect(performance.now() - started).toBeLessThan(3_000);
    // The regex keeps pgrep from matching the `timeout … pgrep` wrapper that runs it.
    expect(await transport.run({ id: 'pgrep', argv: ['pgrep', '-f', '^sleep 31[.]5'] })).toMatchObject({
      exitCode: 1,
      stdout: '',
    });
  });

  it('caps output and marks it truncated', async () => {
    const transport = await connected();
    const result = await transport.run({ id: 'yes', argv: ['yes', 'y'], maxBytes: 1000, timeoutMs: 10_000 });
    expect(result.stdout).toBe('y\n'.repeat(500));
    expect(result).toMatchObject({ truncated: true, exitCode: null, error: 'output cap reached' });
    const small = await transport.run({ id: 'seq', argv: ['seq', '3'], maxBytes: 1000 });
    expect(small).toMatchObject({ stdout: '1\n2\n3\n', exitCode: 0 });
    expect(small.truncated).toBeUndefined();
  });

  it('finishes commands in flight, and refuses new ones, when the connection dies', async () => {
    const transport = await connected();
    const pending = transport.run({ id: 'sleep', argv: ['sleep', '5'] });
    // Kill the sshd process serving this connection: sh's parent is timeout(1), whose parent is that sshd.
    await transport.run({ id: 'kill', argv: ['sh', '-c', 'kill -KILL $(ps -o ppid= -p $PPID)'] });
    const result = await pending;
    expect(result.exitCode).toBeNull();
    expect(result.error).toMatch(/connection to root@127\.0\.0\.1:\d+ (closed|failed)/);
    expect((await transport.run({ id: 'after', argv: ['true'] })).error).toMatch(
      /connection to root@127\.0\.0\.1:\d+/,
    );
  });
});

describe('host keys', () => {
  it('accepts hashed known_hosts entries (ssh-keygen -H)', async () => {
    const hashed = await writeKnownHosts('known_hosts.hashed', [server.knownHostsLine]);
    await run('ssh-keygen', ['-H', '-f', hashed]);
    const transport = await connected({ knownHosts: hashed });
    expect((await transport.run({ id: 'true', argv: ['true'] })).exitCode).toBe(0);
  });

  it('refuses a changed key before logging in, with the offered fingerprint', async () => {
    const before = logins(server);
    const stale = await writeKnownHosts('known_hosts.changed', [
      `[127.0.0.1]:${server.port} ${jump.hostKey}`,
    ]);
    const error = await connectError({ knownHosts: stale });
    expect(error.reason).toBe('host-key');
    expect(error.message).toContain(
      `HOST KEY CHANGED for [127.0.0.1]:${server.port}: the offered ssh-ed25519 key ${server.hostKeyFingerprint}`,
    );
    expect(error.message).not.toContain('\n');
    expect(logins(server)).toBe(before);
  });

  it('refuses an unknown host, naming its fingerprint', async () => {
    const empty = await writeKnownHosts('known_hosts.empty', ['# nothing yet']);
    const error = await connectError({ knownHosts: empty });
    expect(error.reason).toBe('host-key');
    expect(error.message).toBe(
      `host [127.0.0.1]:${server.port} is not in ${empty}: refusing the offered ssh-ed25519 key ${server.hostKeyFingerprint}; ` +
        `check that fingerprint, then add the key (e.g. ssh-keyscan -p ${server.port} 127.0.0.1 >> ${empty})`,
    );
  });

  it('refuses a revoked key', async () => {
    const revoked = await writeKnownHosts('known_hosts.revoked', [
      server.knownHostsLine,
      `@revoked * ${server.hostKey}`,
    ]);
    const error = await connectError({ knownHosts: revoked });
    expect(error.reason).toBe('host-key');
    expect(error.message).toMatch(/is REVOKED in .* \(line 2\)/);
  });

  it('says so when the known_hosts file is missing', async () => {
    const error = await connectError({ knownHosts: join(dir, 'missing') });
    expect(error).toMatchObject({
      reason: 'host-key',
      message: `cannot read known_hosts ${join(dir, 'missing')} (ENOENT) for web-01: host keys are always checked; set knownHosts in the inventory`,
    });
  });
});

describe('authentication', () => {
  it('logs in with RSA and ECDSA keys too', async () => {
    for (const key of [keys.rsa, keys.ecdsa]) {
      const transport = await connected({ identityFile: key.privatePath });
      expect((await transport.run({ id: 'id', argv: ['id', '-un'] })).stdout).toBe('root\n');
    }
  });

  it('decrypts a key with the passphrase from the variable named by passphraseEnv', async () => {
    const transport = await connected(
      { identityFile: keys.encrypted.privatePath, passphraseEnv: 'HD_KEY_PASS' },
      { env: { HD_KEY_PASS: 'correct horse' } },
    );
    expect((await transport.run({ id: 'id', argv: ['id', '-un'] })).stdout).toBe('root\n');
  });

  it('explains an encrypted key without its passphrase, or with a wrong one', async () => {
    expect(
      await connectError(
        { identityFile: keys.encrypted.privatePath, passphraseEnv: 'HD_KEY_PASS' },
        { env: {} },
      ),
    ).toMatchObject({
      reason: 'auth',
      message: `private key ${keys.encrypted.privatePath} for root@127.0.0.1:${server.port} is encrypted: the variable HD_KEY_PASS named by passphraseEnv is not set`,
    });
    expect(
      await connectError(
        { identityFile: keys.encrypted.privatePath, passphraseEnv: 'HD_KEY_PASS' },
        { env: { HD_KEY_PASS: 'wrong' } },
      ),
    ).toMatchObject({
      reason: 'auth',
      message: `cannot decrypt private key ${keys.encrypted.privatePath} for root@127.0.0.1:${server.port}: wrong passphrase in HD_KEY_PASS?`,
    });
  });

  it('reports a key the server does not accept as an auth failure naming user, host and key', async () => {
    const error = await connectError({ identityFile: keys.wrong.privatePath });
    expect(error.reason).toBe('auth');
    expect(error.message).toBe(
      `authentication failed for root@127.0.0.1:${server.port} (tried key ${keys.wrong.privatePath}): is the public key in the user's authorized_keys?`,
    );
  });

  it('uses ssh-agent when useAgent is set', async () => {
    const socket = join(dir, 'agent.sock');
    const [program, ...args] = dieWithParent(['ssh-agent', '-D', '-a', socket]);
    const agent: ChildProcess = spawn(program!, args, { stdio: 'ignore' });
    cleanups.push(async () => agent.kill());
    for (let i = 0; i < 100; i++) {
      if (
        await run('ssh-add', ['-l'], { env: { SSH_AUTH_SOCK: socket } }).then(
          () => true,
          (e: { code?: number }) => e.code === 1,
        )
      )
        break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await run('ssh-add', [keys.client.privatePath], { env: { SSH_AUTH_SOCK: socket } });
    // No identityFile and an empty home: the agent is the only credential.
    const { identityFile: _none, ...withoutKey } = target({ useAgent: true });
    const transport = new SshTransport(withoutKey, { home: dir, env: { SSH_AUTH_SOCK: socket } });
    cleanups.push(() => transport.close());
    await transport.connect();
    expect((await transport.run({ id: 'id', argv: ['id', '-un'] })).stdout).toBe('root\n');
  });
});

describe('connection failures', () => {
  it('maps a closed port to refused', async () => {
    const port = await freePort();
    const error = await connectError({ port });
    expect(error).toMatchObject({
      reason: 'refused',
      message: `connection refused by 127.0.0.1:${port}: is sshd running and listening on that port?`,
    });
  });

  it('maps a firewall that drops packets to timeout, within readyTimeout', async () => {
    const started = performance.now();
    const error = await connectError({ address: NS_SIDE, port: 22 }, { readyTimeoutMs: 1_000 });
    expect(error.reason).toBe('timeout');
    expect(error.message).toMatch(
      /^timed out connecting to 10\.253\.77\.2:22 \(.*\): is the host up and is port 22 open to us\?$/,
    );
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('maps a server that never speaks SSH to timeout', async () => {
    // It reads (and ignores) what it gets, so it sees the client hang up and close() can finish.
    const silent: Server = createServer((socket) => socket.resume());
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => silent.close(resolve)));
    const port = (silent.address() as { port: number }).port;
    const error = await connectError({ port }, { readyTimeoutMs: 800 });
    expect(error.reason).toBe('timeout');
    expect(error.message).toContain(`127.0.0.1:${port}`);
  });

  it('logs in to at most LOGINS_AT_ONCE hosts at a time; the others wait with their clock not started', async () => {
    // A server that never answers: each login holds its turn until its own readyTimeout, then the next starts.
    let open = 0;
    let most = 0;
    const silent: Server = createServer((socket) => {
      most = Math.max(most, ++open);
      socket.on('close', () => open--);
      socket.resume();
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => silent.close(resolve)));
    const port = (silent.address() as { port: number }).port;
    const errors = await Promise.all(
      Array.from({ length: LOGINS_AT_ONCE + 8 }, () => connectError({ port }, { readyTimeoutMs: 800 })),
    );
    // Every one timed out on its own clock (a login that waited its turn did not lose its 800 ms waiting).
    expect(errors.map((e) => e.reason)).toEqual(errors.map(() => 'timeout'));
    expect(most).toBe(LOGINS_AT_ONCE);
  });
});

describe('jump host', () => {
  const viaJump = () =>
    target({
      address: '127.0.0.1',
      port: inner.port,
      jump: target({ name: 'bastion', address: NS_SIDE, port: jump.port }),
    });

  it('reaches a host only the jump host can reach, checking both host keys', async () => {
    const transport = new SshTransport(viaJump(), { home: dir });
    cleanups.push(() => transport.close());
    await transport.connect();
    expect(transport.description).toBe(`root@127.0.0.1:${inner.port} via bastion`);
    // Inside the namespace: its veth address is there, ours is not.
    const addresses = await transport.run({ id: 'ip', argv: ['ip', '-4', '-o', 'addr', 'show'] });
    expect(addresses.stdout).toContain(NS_SIDE);
    expect(addresses.stdout).not.toContain(HOST_SIDE);
  });

  it('turns Nagle off on its TCP connection, to the jump host as to a host reached directly', async () => {
    // sshd sets TCP_NODELAY only for sessions with a terminal: with Nagle on at our end too, a channel's last
    // small packets waited for a delayed ACK, about 40 ms a command (bench/diagnose.ts's channel figure).
    const noDelay = vi.spyOn(Socket.prototype, 'setNoDelay');
    try {
      const direct = await connected();
      const jumped = new SshTransport(viaJump(), { home: dir });
      cleanups.push(() => jumped.close());
      await jumped.connect();
      const peers = (noDelay.mock.contexts as Socket[])
        .filter((_, i) => noDelay.mock.calls[i]![0] === true)
        .map((socket: Socket) => `${socket.remoteAddress}:${socket.remotePort}`);
      expect(peers).toContain(`127.0.0.1:${server.port}`);
      expect(peers).toContain(`${NS_SIDE}:${jump.port}`);
      expect((await direct.run({ id: 'id', argv: ['id', '-un'] })).stdout).toBe('root\n');
      expect((await jumped.run({ id: 'id', argv: ['id', '-un'] })).stdout).toBe('root\n');
    } finally {
      noDelay.mockRestore();
    }
  });

  it("refuses when the jump host's key is unknown, and says it was the jump host", async () => {
    const onlyInner = await writeKnownHosts('known_hosts.inner', [inner.knownHostsLine]);
    const t = viaJump();
    const error = await connectError({ ...t, jump: { ...t.jump!, knownHosts: onlyInner } });
    expect(error.reason).toBe('host-key');
    expect(error.message).toMatch(
      new RegExp(
        `^jump host bastion: host \\[${NS_SIDE.replace(/\./g, '\\.')}\\]:2200 is not in .*${jump.hostKeyFingerprint.replace(/[+/]/g, '.')}`,
      ),
    );
  });

  it("refuses when the target's key behind the jump host changed", async () => {
    const swapped = await writeKnownHosts('known_hosts.swapped', [
      jump.knownHostsLine,
      `[127.0.0.1]:${inner.port} ${server.hostKey}`,
    ]);
    const t = viaJump();
    const error = await connectError({
      ...t,
      knownHosts: swapped,
      jump: { ...t.jump!, knownHosts: swapped },
    });
    expect(error.reason).toBe('host-key');
    // The inner server has an ECDSA key; known_hosts only an ed25519 one for it: not the key we know.
    expect(error.message).toContain(inner.hostKeyFingerprint);
  });

  it('reports a target the jump host cannot reach', async () => {
    const t = viaJump();
    const error = await connectError({ ...t, port: 2299 });
    expect(error).toMatchObject({ reason: 'refused' });
    expect(error.message).toMatch(/^jump host bastion could not reach 127\.0\.0\.1:2299: /);
  });
});

describe('sudo', () => {
  it('runs privileged commands under sudo -n with a NOPASSWD rule, others as the user', async () => {
    const transport = await connected({ user: 'ud-test', sudo: true });
    expect(await transport.run({ id: 'root', argv: ['id', '-u'], privileged: true })).toMatchObject({
      command: 'sudo -n -- id -u',
      stdout: '0\n',
      exitCode: 0,
    });
    expect(await transport.run({ id: 'user', argv: ['id', '-u'] })).toMatchObject({
      command: 'id -u',
      stdout: `${TEST_UID}\n`,
      exitCode: 0,
    });
    expect(await transport.run({ id: 'as', argv: ['id', '-un'], runAs: 'nobody' })).toMatchObject({
      command: 'sudo -n -u nobody -- id -un',
      stdout: 'nobody\n',
    });
  });

  it('comes back at once, with the fix, when sudo wants a password', async () => {
    const transport = await connected({ user: 'ud-test', sudo: true });
    const started = performance.now();
    const result = await transport.run({
      id: 'cat',
      argv: ['cat', '/etc/hostname'],
      privileged: true,
      timeoutMs: 20_000,
    });
    expect(result).toMatchObject({
      exitCode: 1,
      error: 'sudo requires a password for ud-test: add the sudoers rule from the README',
    });
    expect(result.stderr).toContain('sudo: a password is required');
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('explains a user sudo does not know at all', async () => {
    const transport = await connected({ user: 'ud-nosudo', sudo: true });
    const result = await transport.run({ id: 'id', argv: ['id'], privileged: true });
    expect(result.exitCode).toBe(1);
    expect(result.error).toMatch(
      /^sudo (refuses ud-nosudo for id|requires a password for ud-nosudo): add the sudoers rule from the README$/,
    );
  });

  it('kills a sudo command at its timeout, the root process included', async () => {
    const transport = await connected({ user: 'ud-test', sudo: true });
    const result = await transport.run({
      id: 'sleep',
      argv: ['sleep', '32.5'],
      privileged: true,
      timeoutMs: 500,
    });
    expect(result).toMatchObject({ exitCode: null, error: 'timeout' });
    expect(await transport.run({ id: 'pgrep', argv: ['pgrep', '-f', '^sleep 32[.]5'] })).toMatchObject({
      exitCode: 1,
    });
  });

  it('runs as is when logged in as root', async () => {
    const transport = await connected({ sudo: true });
    expect(await transport.run({ id: 'id', argv: ['id', '-u'], privileged: true })).toMatchObject({
      command: 'id -u',
      stdout: '0\n',
    });
    expect(await transport.run({ id: 'as', argv: ['id', '-un'], runAs: 'nobody' })).toMatchObject({
      command: 'runuser -u nobody -- id -un',
      stdout: 'nobody\n',
    });
  });
});
