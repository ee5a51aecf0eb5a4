// CHANNEL_HOSTS: which hosts each Slack channel may diagnose. Unset: every channel may ask about every
// host. Set: a channel may ask only about the hosts its entry names, and a channel without an entry only
// about those of the `*` entry (none when there is no `*` entry).
//
//   CHANNEL_HOSTS="C0123ABCD=web-* tag:shop; C0456EFGH=db-01,db-02; *=tag:staging"
//
// Entries are separated by `;` (or newlines); each is `CHANNEL_ID=PATTERNS`, patterns separated by spaces or
// commas, with the inventory's syntax: a name, a glob (web-*), or tag:NAME. Pure; parse errors are values.
import { globMatch } from '../inventory/index.js';
import type { Inventory, Target } from '../inventory/index.js';
import type { Result } from '../model/result.js';

/** Channel id (or "*") → patterns. */
export type ChannelHosts = ReadonlyMap<string, readonly string[]>;

const CHANNEL = /^[CGD][A-Z0-9]{2,30}$/;
const PATTERN = /^(tag:[A-Za-z0-9._-]+|[A-Za-z0-9._*?-]+)$/;

export function parseChannelHosts(raw: string | undefined): Result<ChannelHosts | null> {
  if (raw === undefined || raw.trim() === '') return { ok: true, value: null };
  const map = new Map<string, string[]>();
  for (const entry of raw.split(/[;\n]/).map((e) => e.trim())) {
    if (entry === '') continue;
    const eq = entry.indexOf('=');
    if (eq < 0) return { ok: false, error: `expected CHANNEL_ID=PATTERNS, got ${JSON.stringify(entry)}` };
    const channel = entry.slice(0, eq).trim();
    if (channel !== '*' && !CHANNEL.test(channel))
      return { ok: false, error: `expected a channel id (C…, G…, D…) or *, got ${JSON.stringify(channel)}` };
    if (map.has(channel)) return { ok: false, error: `${channel} is listed twice` };
    const patterns = entry
      .slice(eq + 1)
      .split(/[\s,]+/)
      .filter(Boolean);
    if (patterns.length === 0) return { ok: false, error: `${channel}: no host patterns after '='` };
    const bad = patterns.find((p) => !PATTERN.test(p));
    if (bad !== undefined)
      return { ok: false, error: `${channel}: ${JSON.stringify(bad)} is not a host name, glob or tag:NAME` };
    map.set(channel, patterns);
  }
  return map.size === 0 ? { ok: true, value: null } : { ok: true, value: map };
}

function matches(pattern: string, host: Target): boolean {
  if (pattern.startsWith('tag:')) return host.tags.includes(pattern.slice(4));
  return globMatch(pattern, host.name);
}

/**
 * The part of the inventory `channel` may diagnose: the whole inventory when there is no allow-list, else
 * the hosts its entry (or the `*` entry) matches.
 */
export function inventoryForChannel(
  inventory: Inventory,
  rules: ChannelHosts | null,
  channel: string,
): Inventory {
  if (rules === null) return inventory;
  const patterns = rules.get(channel) ?? rules.get('*') ?? [];
  return { ...inventory, hosts: inventory.hosts.filter((h) => patterns.some((p) => matches(p, h))) };
}
