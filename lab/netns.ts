// Network namespaces and links of the root namespace: listing, emptying and deleting them.
import { readdir, readlink, stat } from 'node:fs/promises';
import { namespacePid } from './pid-map.js';
import { processExists, run, waitFor } from './proc.js';

const NETNS_DIR = '/run/netns';

export async function listNetns(): Promise<string[]> {
  return readdir(NETNS_DIR).catch(() => []);
}

/** Interface names of the root namespace. */
export async function listLinks(): Promise<string[]> {
  return readdir('/sys/class/net').catch(() => []);
}

/**
 * Pids of every process in any of the named namespaces, found the way `ip netns pids` does (by the
 * namespace's inode), but with one pass over /proc for all of them.
 */
export async function pidsInNetns(names: string[]): Promise<number[]> {
  const inodes = new Set<string>();
  for (const name of names) {
    const info = await stat(`${NETNS_DIR}/${name}`).catch(() => undefined);
    if (info) inodes.add(`net:[${info.ino}]`);
  }
  if (inodes.size === 0) return [];
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const link = await readlink(`/proc/${entry}/ns/net`).catch(() => '');
    if (inodes.has(link)) pids.push(Number(entry));
  }
  return pids;
}

/**
 * SIGKILLs every process in the namespaces and waits (a few seconds at most) until they are gone.
 * Each host's PID-namespace init (its holder) goes first: the kernel then kills the host's
 * processes and the init reaps them. Killed all at once, a backend could outlive its nsenter
 * parent as a zombie handed to the machine's own pid 1, which (in containers and micro-VMs) may
 * reap late or never, keeping the dying init waiting.
 */
export async function killNetnsProcesses(names: string[]): Promise<void> {
  const inits: number[] = [];
  for (const pid of await pidsInNetns(names)) {
    if (pid !== 1 && (await namespacePid(pid)) === 1) inits.push(pid);
  }
  killAll(inits);
  await waitFor(() => inits.every((pid) => !processExists(pid)), 2_000, 5);
  for (let round = 0; round < 3; round++) {
    const pids = (await pidsInNetns(names)).filter((pid) => pid !== process.pid);
    if (pids.length === 0) return;
    killAll(pids);
    // New processes (a forking sshd) may appear while the old ones die: look again.
    await waitFor(() => pids.every((pid) => !processExists(pid)), 2_000, 5);
  }
}

function killAll(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** Deletes namespaces and links in one `ip -force -batch` (missing ones are not an error). */
export async function deleteNetnsAndLinks(netns: string[], links: string[]): Promise<void> {
  const lines = [...netns.map((n) => `netns del ${n}`), ...links.map((l) => `link del ${l}`)];
  if (lines.length === 0) return;
  await run(['ip', '-force', '-batch', '-'], { stdin: `${lines.join('\n')}\n`, timeoutMs: 20_000 });
}
