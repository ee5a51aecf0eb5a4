// Removes labs: their processes, network namespaces, bridge and files. Used by Lab.teardown's
// safety net, by Lab.create (labs of dead processes), and by hand or CI after a crash:
//   node dist/lab/cleanup.js [PREFIX] [--stale]      (or: npx tsx lab/cleanup.ts …)
import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { bridgeName, bridgePattern, netnsPattern } from './names.js';
import { deleteNetnsAndLinks, killNetnsProcesses, listLinks, listNetns } from './netns.js';
import { DEFAULT_WORK_ROOT, listLabs, ownerAlive, releaseLabDir } from './registry.js';

export interface CleanupOptions {
  /** Only labs with this prefix; all labs under workRoot when absent. */
  prefix?: string;
  workRoot?: string;
  /** Only labs whose owning process is gone (safe while other labs run). */
  onlyStale?: boolean;
}

/** A claim younger than this may not have written its owner.json yet: never take it for stale. */
const CLAIM_GRACE_MS = 60_000;

/** Kills and deletes everything of one lab (by prefix and id); safe to call for a lab half set up or gone. */
export async function destroyLab(prefix: string, id: number, dir?: string): Promise<void> {
  const mine = (await listNetns()).filter((n) => n.startsWith(`${prefix}-${id}-`));
  await killNetnsProcesses(mine);
  const bridge = bridgeName(prefix, id);
  const links = (await listLinks()).includes(bridge) ? [bridge] : [];
  await deleteNetnsAndLinks(mine, links);
  if (dir !== undefined) await releaseLabDir(dir);
}

/** Removes labs as asked; returns one line per lab or orphan removed. */
export async function cleanupLabs(options: CleanupOptions = {}): Promise<string[]> {
  const workRoot = options.workRoot ?? DEFAULT_WORK_ROOT;
  const removed: string[] = [];
  for (const lab of await listLabs(workRoot)) {
    if (options.prefix !== undefined && lab.owner?.prefix !== options.prefix && lab.owner !== undefined)
      continue;
    if (options.onlyStale && ownerAlive(lab.owner)) continue;
    if (lab.owner === undefined) {
      const age = Date.now() - ((await stat(lab.dir).catch(() => undefined))?.mtimeMs ?? 0);
      if (age < CLAIM_GRACE_MS) continue;
      await releaseLabDir(lab.dir);
      removed.push(`${lab.dir} (no owner)`);
      continue;
    }
    await destroyLab(lab.owner.prefix, lab.id, lab.dir);
    removed.push(`lab ${lab.owner.prefix}-${lab.id} (pid ${lab.owner.pid})`);
  }
  if (options.prefix !== undefined && !options.onlyStale) {
    // Namespaces or bridges whose lab directory is already gone.
    const nsRe = netnsPattern(options.prefix);
    const brRe = bridgePattern(options.prefix);
    const netns = (await listNetns()).filter((n) => nsRe.test(n));
    const links = (await listLinks()).filter((l) => brRe.test(l));
    if (netns.length + links.length > 0) {
      await killNetnsProcesses(netns);
      await deleteNetnsAndLinks(netns, links);
      removed.push(...netns.map((n) => `netns ${n}`), ...links.map((l) => `link ${l}`));
    }
  }
  return removed;
}

// As a program: clean every lab of the prefix given (all labs without one).
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const prefix = args.find((a) => !a.startsWith('--'));
  cleanupLabs({ prefix, onlyStale: args.includes('--stale') }).then(
    (removed) => {
      for (const line of removed) process.stdout.write(`removed ${line}\n`);
    },
    (e: unknown) => {
      process.stderr.write(`lab cleanup: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
