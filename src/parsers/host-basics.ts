// Small facts about a host, each from one short command: its addresses (`ip -o addr show`), its clock
// (`date '+%s %Y/%m/%d %H:%M:%S'`), its nameservers (/etc/resolv.conf), name lookups (`getent ahosts`)
// and user ids (`id USER`). Pure functions of the text; unknown lines are skipped.
import type { UserIds } from '../model/host-facts.js';

/** `ip -o addr show` → the host's addresses, without prefix length: ["127.0.0.1", "::1", "10.0.1.10"]. */
export function parseIpAddr(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\d+:\s+\S+\s+inet6?\s+([0-9a-fA-F.:]+)\/\d+/.exec(line);
    if (m) out.push(m[1]!.toLowerCase());
  }
  return out;
}

/** `date '+%s %Y/%m/%d %H:%M:%S'` → the epoch and the same moment in nginx's log format (local time). */
export function parseClock(text: string): { epoch: number; local: string } | undefined {
  const m = /^(\d+) (\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2})\s*$/.exec(text.trim());
  return m ? { epoch: Number(m[1]), local: m[2]! } : undefined;
}

/** /etc/resolv.conf → nameserver addresses in order. */
export function parseResolvConf(text: string): string[] {
  return text
    .split('\n')
    .map((l) => /^\s*nameserver\s+(\S+)/.exec(l)?.[1])
    .filter((a): a is string => a !== undefined);
}

/** `getent ahosts NAME` → the distinct addresses, in the order the resolver gives them (nginx uses them all). */
export function parseGetentAhosts(text: string): string[] {
  const seen = new Set<string>();
  for (const line of text.split('\n')) {
    const addr = /^([0-9a-fA-F.:]+)\s+STREAM\b/.exec(line)?.[1];
    if (addr) seen.add(addr.toLowerCase());
  }
  return [...seen];
}

/** `id USER` → "uid=33(www-data) gid=33(www-data) groups=33(www-data),4(adm)". */
export function parseId(text: string): UserIds | undefined {
  const uid = /uid=(\d+)/.exec(text)?.[1];
  const gid = /gid=(\d+)/.exec(text)?.[1];
  if (uid === undefined || gid === undefined) return undefined;
  // Each group is "GID(name)" or a bare GID; names may contain digits, so take only what starts an item.
  const groups = [...(/groups=(\S+)/.exec(text)?.[1] ?? '').matchAll(/(?:^|,)(\d+)/g)].map((m) =>
    Number(m[1]),
  );
  return { uid: Number(uid), gid: Number(gid), groups };
}

/**
 * `realpathCommand(paths)`'s output (or `socketPathsCommand`'s) → path asked → its real path, for the paths
 * that resolve. Pairs of
 * NUL-terminated fields (the path, then its resolution or nothing), so any byte a path may hold, a newline
 * too, is kept exact. An output cut short says nothing about its last path.
 */
export function parseRealpaths(text: string): Map<string, string> {
  const out = new Map<string, string>();
  // Every field ends in a NUL: what follows the last NUL is a field cut short, never read.
  const fields = text.split('\0');
  for (let i = 0; i + 1 < fields.length - 1; i += 2) {
    const asked = fields[i]!;
    const resolved = fields[i + 1]!;
    if (asked.startsWith('/') && resolved.startsWith('/')) out.set(asked, resolved);
  }
  return out;
}
