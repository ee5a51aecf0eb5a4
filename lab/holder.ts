// The holder: one long-lived process per host that owns the host's mount, UTS (hostname) and PID
// namespaces. `ip netns exec` makes a fresh mount namespace on every call, so the holder is started
// once and every later command joins it with `nsenter --target <pid>`: then nginx, sshd, the
// backends and every SSH session see the same private /etc/nginx and /run, and `ps` on the host
// shows the host's processes only (the collector looks for the nginx master in ps). The holder is
// the namespace's PID 1 and reaps orphans like an init; when it dies, the kernel kills the rest.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { LAB_ENV, LabError } from './proc.js';

/**
 * Runs inside the new namespaces. Constant text: every variable part arrives as a positional
 * argument, so nothing from a scenario is ever parsed by the shell. Few processes on purpose (one
 * `ip -batch`, one `mount --all` for every bind mount): a lab of 20 hosts starts 20 of these at once.
 * $1 hostname, $2 address/prefix, $3 gateway or "-", $4 the fstab of bind mounts.
 */
export const HOLDER_SCRIPT = `set -eu
name=$1 addr=$2 gw=$3 fstab=$4
{
  echo "link set lo up"
  echo "addr add $addr dev eth0"
  echo "link set eth0 up"
  if [ "$gw" != - ]; then echo "route add default via $gw"; fi
} | ip -batch -
hostname "$name"
mount --all --fstab "$fstab"
echo ready
exec perl -e '$0 = "init"; while (1) { sleep 1 if waitpid(-1, 0) < 0 }'
`;

/** fstab(5) text binding each [source, mount point] in order (whitespace and backslashes escaped as octal). */
export function bindFstab(mounts: [string, string][]): string {
  const esc = (path: string): string =>
    path.replace(/[\\\s]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
  return mounts.map(([source, target]) => `${esc(source)} ${esc(target)} none bind 0 0\n`).join('');
}

export interface HolderOptions {
  netns: string;
  hostname: string;
  /** "10.213.7.10/24" */
  addressWithPrefix: string;
  /** Default route; omitted when the machine forwards packets (no way out of the lab then). */
  gateway?: string;
  /** An fstab (see bindFstab) of [source outside, mount point inside] bind mounts, applied in order. */
  fstab: string;
  timeoutMs?: number;
}

/**
 * Starts the holder and resolves with its pid (as the root namespace numbers it) once its network
 * and mounts are in place. The spawned process is `unshare`, which forks the namespace's PID 1 and
 * waits for it: the holder is that child.
 */
export function startHolder(options: HolderOptions): Promise<number> {
  const args = [
    'netns',
    'exec',
    options.netns,
    'unshare',
    '--mount',
    '--uts',
    '--pid',
    '--fork',
    '--mount-proc',
    '--propagation',
    'private',
    '/bin/sh',
    '-c',
    HOLDER_SCRIPT,
    'lab-holder',
    options.hostname,
    options.addressWithPrefix,
    options.gateway ?? '-',
    options.fstab,
  ];
  return new Promise((resolve, reject) => {
    // detached: the holder must not die with the terminal's Ctrl-C before teardown kills it.
    const child = spawn('ip', args, { env: LAB_ENV, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    let err = '';
    let settled = false;
    const timer = setTimeout(
      () => fail(`holder for ${options.netns} not ready after ${options.timeoutMs ?? 10_000} ms`),
      options.timeoutMs ?? 10_000,
    );
    function fail(message: string): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.pid !== undefined && child.exitCode === null) child.kill('SIGKILL');
      reject(new LabError(`${message}${err.trim() ? `: ${err.trim()}` : ''}`));
    }
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (!settled && out.includes('ready\n') && child.pid !== undefined) {
        clearTimeout(timer);
        // The holder lives on past this call; the lab's event loop must not wait for it.
        child.stdout.destroy();
        child.stderr.destroy();
        child.unref();
        const holder = childPid(child.pid);
        if (holder === undefined) {
          fail(`holder for ${options.netns} has no PID 1`);
          return;
        }
        settled = true;
        resolve(holder);
      }
    });
    child.on('error', (e) => fail(`cannot start the holder for ${options.netns}: ${e.message}`));
    child.on('exit', (code, signal) =>
      fail(`holder for ${options.netns} exited (${code ?? signal}) during setup`),
    );
  });
}

/** The (only) child of `pid`, from /proc. */
export function childPid(pid: number): number | undefined {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/);
    const first = Number(children[0]);
    return Number.isInteger(first) && first > 0 ? first : undefined;
  } catch {
    return undefined;
  }
}
