// Network namespaces and links of the root namespace: listing, emptying and deleting them.
import { readdir, readlink, stat } from 'node:fs/promises';
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

/** SIGKILLs every process in the namespaces and waits (up to 5 s) until they are gone. */
export async function killNetnsProcesses(names: string[]): Promise<void> {
  for (let round = 0; round < 3; round++) {
    const pids = (await pidsInNetns(names)).filter((pid) => pid !== process.pid);
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    // New processes (a forking sshd) may appear while the old ones die: look again.
    await waitFor(() => pids.every((pid) => !processExists(pid)), 2_000, 5);
  }
}

/** Deletes namespaces and links in one `ip -force -batch` (missing ones are not an error). */
export async function deleteNetnsAndLinks(netns: string[], links: string[]): Promise<void> {
  const lines = [...netns.map((n) => `netns del ${n}`), ...links.map((l) => `link del ${l}`)];
  if (lines.length === 0) return;
  await run(['ip', '-force', '-batch', '-'], { stdin: `${lines.join('\n')}\n`, timeoutMs: 20_000 });
}
