// A real OpenSSH server for tests: Debian's /usr/sbin/sshd on a loopback (or network-namespace) address, with
// its own host key, its own authorized_keys, and its own private /etc/passwd, /etc/sudoers.d, /run and /root.
//
// sshd runs under `unshare --mount --pid --fork --kill-child`: bind mounts give it private copies of the files
// it needs (the host's real /etc is never touched), and the PID namespace means killing it kills every session
// process it forked too (sshd's per-connection children call setsid(), so a process group would not reach them).
// HOMEs are empty directories: the login shell has no start-up files to read, which would cost ~0.6 s a command.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A user that exists only inside the test sshd's namespace. */
export interface TestUser {
  name: string;
  uid: number;
  /** Login shell; default /bin/sh. */
  shell?: string;
}

export interface SshdOptions {
  /** Public key lines ("ssh-ed25519 AAAA… comment") accepted for each user name. */
  authorizedKeys: Record<string, string[]>;
  /** Users added to the private /etc/passwd (root always exists). */
  users?: TestUser[];
  /** Contents of a file in the private /etc/sudoers.d. */
  sudoers?: string;
  /** sshd's MaxSessions (OpenSSH's default is 10). */
  maxSessions?: number;
  /** Run inside this network namespace (`ip netns exec`). */
  netns?: string;
  /** Listen address; default 127.0.0.1. */
  address?: string;
  /** Listen port; default a free loopback port (required with netns). */
  port?: number;
  /** Host key type; default ed25519. */
  hostKeyType?: 'ed25519' | 'ecdsa' | 'rsa';
  /** A tag for the temp dir name. */
  name?: string;
}

export interface Sshd {
  address: string;
  port: number;
  /** The temp dir holding the config, keys and homes. */
  dir: string;
  /** The host public key, "ssh-ed25519 AAAA…" (type and base64, no comment). */
  hostKey: string;
  /** As `ssh-keygen -l` prints it: "SHA256:…". */
  hostKeyFingerprint: string;
  /** The known_hosts line for this server ("[127.0.0.1]:2222 ssh-ed25519 AAAA…"). */
  knownHostsLine: string;
  /** Everything sshd logged so far (LogLevel VERBOSE, on stderr). */
  log(): string;
  stop(): Promise<void>;
}

export interface KeyPair {
  privatePath: string;
  /** "ssh-ed25519 AAAA… comment" */
  publicLine: string;
  fingerprint: string;
}

/** ssh-keygen a key pair into `dir`. */
export async function generateKey(
  dir: string,
  name: string,
  type: 'ed25519' | 'ecdsa' | 'rsa',
  passphrase = '',
): Promise<KeyPair> {
  const privatePath = join(dir, name);
  const bits = type === 'rsa' ? ['-b', '2048'] : [];
  await run('ssh-keygen', [
    '-q',
    '-t',
    type,
    ...bits,
    '-N',
    passphrase,
    '-C',
    `${name}@test`,
    '-f',
    privatePath,
  ]);
  const publicLine = (await readFile(`${privatePath}.pub`, 'utf8')).trim();
  return { privatePath, publicLine, fingerprint: await fingerprintOf(`${privatePath}.pub`) };
}

export async function fingerprintOf(publicKeyPath: string): Promise<string> {
  const { stdout } = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', publicKeyPath]);
  const match = /SHA256:[A-Za-z0-9+/]+/.exec(stdout);
  if (!match) throw new Error(`no fingerprint in: ${stdout}`);
  return match[0];
}

/** A TCP port nobody listens on right now on `address`. */
export async function freePort(address = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, address, () => {
      const info = server.address();
      server.close(() =>
        typeof info === 'object' && info ? resolve(info.port) : reject(new Error('no port')),
      );
    });
  });
}

// Runs as root inside the new mount + PID namespace, before sshd. Paths arrive as "$1", never spliced in.
const NAMESPACE_SETUP = `set -e
dir=$1
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /run/sshd
for f in passwd shadow group; do mount --bind "$dir/etc/$f" "/etc/$f"; done
mount --bind "$dir/etc/sudoers.d" /etc/sudoers.d
mount --bind "$dir/home/root" /root
exec /usr/sbin/sshd -D -e -f "$dir/sshd_config"`;

const live = new Set<ChildProcess>();
// A test process that exits without its afterAll still takes its servers down (see also --pdeathsig below).
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** argv that the kernel KILLs when this (test) process dies, for helpers like ssh-agent. */
export function dieWithParent(argv: string[]): string[] {
  return ['setpriv', '--pdeathsig', 'KILL', ...argv];
}

export async function startSshd(options: SshdOptions): Promise<Sshd> {
  const address = options.address ?? '127.0.0.1';
  if (options.netns !== undefined && options.port === undefined)
    throw new Error('startSshd: a port is required with netns');
  const port = options.port ?? (await freePort(address));
  const dir = await mkdtemp(join(tmpdir(), `hD-sshd-${options.name ?? 'test'}-`));
  // sshd reads authorized_keys as the user; the test users must be able to walk into the dir.
  await chmod(dir, 0o755);
  const users = options.users ?? [];

  await mkdir(join(dir, 'etc', 'sudoers.d'), { recursive: true });
  await mkdir(join(dir, 'home'), { mode: 0o755 });
  await mkdir(join(dir, 'home', 'root'), { mode: 0o700 });
  await mkdir(join(dir, 'authorized_keys'));
  const passwd = await readFile('/etc/passwd', 'utf8');
  const shadow = await readFile('/etc/shadow', 'utf8');
  const group = await readFile('/etc/group', 'utf8');
  const extra = { passwd: '', shadow: '', group: '' };
  for (const user of users) {
    const home = join(dir, 'home', user.name);
    await mkdir(home, { mode: 0o755 });
    await chown(home, user.uid, user.uid);
    extra.passwd += `${user.name}:x:${user.uid}:${user.uid}:test user:${home}:${user.shell ?? '/bin/sh'}\n`;
    // '*': no password, but not locked ('!' would make sshd refuse even key logins).
    extra.shadow += `${user.name}:*:19000:0:99999:7:::\n`;
    extra.group += `${user.name}:x:${user.uid}:\n`;
  }
  await writeFile(join(dir, 'etc', 'passwd'), withNewline(passwd) + extra.passwd);
  await writeFile(join(dir, 'etc', 'shadow'), withNewline(shadow) + extra.shadow, { mode: 0o640 });
  await writeFile(join(dir, 'etc', 'group'), withNewline(group) + extra.group);
  if (options.sudoers !== undefined)
    await writeFile(join(dir, 'etc', 'sudoers.d', 'test'), options.sudoers, { mode: 0o440 });
  for (const [user, keys] of Object.entries(options.authorizedKeys)) {
    await writeFile(join(dir, 'authorized_keys', user), keys.join('\n') + '\n', { mode: 0o644 });
  }

  const keyType = options.hostKeyType ?? 'ed25519';
  const hostKeyPath = join(dir, `ssh_host_${keyType}_key`);
  await run('ssh-keygen', ['-q', '-t', keyType, '-N', '', '-C', '', '-f', hostKeyPath]);
  const hostKey = (await readFile(`${hostKeyPath}.pub`, 'utf8')).trim().split(/\s+/).slice(0, 2).join(' ');
  const hostKeyFingerprint = await fingerprintOf(`${hostKeyPath}.pub`);

  const config = [
    `Port ${port}`,
    `ListenAddress ${address}`,
    `HostKey ${hostKeyPath}`,
    'PidFile none',
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}/%u`,
    // Test files live under /tmp (mode 1777), which StrictModes would reject.
    'StrictModes no',
    'UsePAM no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    'PermitRootLogin prohibit-password',
    `MaxSessions ${options.maxSessions ?? 10}`,
    'MaxStartups 100:30:200',
    'AllowTcpForwarding yes',
    'UseDNS no',
    'PrintMotd no',
    'PrintLastLog no',
    'LogLevel VERBOSE',
  ];
  await writeFile(join(dir, 'sshd_config'), config.join('\n') + '\n');

  const unshare = [
    'unshare',
    '--mount',
    '--propagation',
    'private',
    '--pid',
    '--fork',
    '--kill-child',
    '--mount-proc',
    '/bin/sh',
    '-c',
    NAMESPACE_SETUP,
    'sshd-setup',
    dir,
  ];
  const inNetns = options.netns !== undefined ? ['ip', 'netns', 'exec', options.netns, ...unshare] : unshare;
  // If this test process dies without cleaning up (killed, hook timeout), the kernel KILLs unshare, and with
  // it (--kill-child) the whole namespace: no sshd outlives its test run.
  const argv = dieWithParent(inNetns);
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  live.add(child);
  let log = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => (log += text));

  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      // unshare blocks SIGTERM while it waits for its child; KILL it, and --kill-child takes the namespace down.
      child.kill('SIGKILL');
      await exited;
    }
    live.delete(child);
    await rm(dir, { recursive: true, force: true });
  };

  await waitFor(
    () => log.includes('Server listening on'),
    () => child.exitCode !== null || child.signalCode !== null,
    10_000,
  ).catch(async (error: Error) => {
    await stop();
    throw new Error(`sshd did not start: ${error.message}\n${log}`);
  });

  const knownHostsName = port === 22 ? address : `[${address}]:${port}`;
  return {
    address,
    port,
    dir,
    hostKey,
    hostKeyFingerprint,
    knownHostsLine: `${knownHostsName} ${hostKey}`,
    log: () => log,
    stop,
  };
}

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(ready: () => boolean, failed: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (failed()) throw new Error('sshd exited');
    if (Date.now() > deadline) throw new Error(`not ready after ${timeoutMs} ms`);
    await delay(20);
  }
}
