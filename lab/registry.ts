// Which lab ids (and so which 10.213.<id>.0/24 subnets) are taken. Each lab owns the directory
// <workRoot>/net-<id>: creating it with mkdir is the atomic claim, whatever the labs' prefixes, and
// its owner.json says whose it is, so a lab left by a crashed process can be found and removed.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { MAX_LAB_ID, LAB_NET_BASE } from './names.js';
import { LabError, processExists, run } from './proc.js';

export const DEFAULT_WORK_ROOT = '/var/tmp/upstream-doctor-lab';

export interface LabOwner {
  pid: number;
  prefix: string;
  id: number;
  createdAt: string;
}

export interface ClaimedLab {
  id: number;
  dir: string;
}

export function labDir(workRoot: string, id: number): string {
  return posix.join(workRoot, `net-${id}`);
}

/** Lab ids whose subnet some interface of the root namespace already uses (another tool's, or a stale lab's). */
async function subnetsInUse(): Promise<Set<number>> {
  const { stdout } = await run(['ip', '-4', '-o', 'addr', 'show']);
  const used = new Set<number>();
  const re = new RegExp(`inet ${LAB_NET_BASE.replace('.', '\\.')}\\.(\\d+)\\.`, 'g');
  for (const match of stdout.matchAll(re)) used.add(Number(match[1]));
  return used;
}

/** Claims a free lab id for `prefix`; the caller owns `dir` until release(). */
export async function claimLabId(workRoot: string, prefix: string): Promise<ClaimedLab> {
  await mkdir(workRoot, { recursive: true, mode: 0o755 });
  const used = await subnetsInUse();
  // Start at a pid-dependent id so parallel test processes rarely race for the same one.
  const start = process.pid % (MAX_LAB_ID + 1);
  for (let k = 0; k <= MAX_LAB_ID; k++) {
    const id = (start + k) % (MAX_LAB_ID + 1);
    if (used.has(id)) continue;
    const dir = labDir(workRoot, id);
    try {
      await mkdir(dir, { mode: 0o755 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw e;
    }
    const owner: LabOwner = { pid: process.pid, prefix, id, createdAt: new Date().toISOString() };
    await writeFile(posix.join(dir, 'owner.json'), `${JSON.stringify(owner)}\n`);
    return { id, dir };
  }
  throw new LabError(`no free lab id under ${workRoot}: every 10.213.x.0/24 is taken (run the lab cleanup)`);
}

export async function readOwner(dir: string): Promise<LabOwner | undefined> {
  const text = await readFile(posix.join(dir, 'owner.json'), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as LabOwner;
    return typeof value.pid === 'number' && typeof value.prefix === 'string' && typeof value.id === 'number'
      ? value
      : undefined;
  } catch {
    return undefined;
  }
}

/** Every lab directory under workRoot with its owner (undefined when owner.json is missing or unreadable). */
export async function listLabs(workRoot: string): Promise<{ dir: string; id: number; owner?: LabOwner }[]> {
  const entries = await readdir(workRoot).catch(() => []);
  const labs: { dir: string; id: number; owner?: LabOwner }[] = [];
  for (const entry of entries) {
    const match = /^net-(\d+)$/.exec(entry);
    if (!match) continue;
    const dir = posix.join(workRoot, entry);
    labs.push({ dir, id: Number(match[1]), owner: await readOwner(dir) });
  }
  return labs;
}

export function ownerAlive(owner: LabOwner | undefined): boolean {
  return owner !== undefined && processExists(owner.pid);
}

export async function releaseLabDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
