// nft prints base-chain priorities by name ("filter", "mangle + 10", "dstnat"); the kernel orders by number.
import { lookup } from '../../text/lookup.js';

// Standard priorities of the ip, ip6 and inet families (nft(8), "Standard priority names").
const NAMED: Record<string, number> = {
  raw: -300,
  mangle: -150,
  dstnat: -100,
  filter: 0,
  security: 50,
  srcnat: 100,
};

/** "filter", "filter + 10", "mangle - 5", "-10", "100" → number; undefined when unreadable. */
export function parsePriority(text: string): number | undefined {
  const m = /^\s*(-?\d+|[a-z]+)\s*(?:([+-])\s*(\d+))?\s*$/.exec(text);
  if (!m) return undefined;
  const base = /^-?\d+$/.test(m[1]!) ? Number(m[1]) : lookup(NAMED, m[1]!);
  if (base === undefined) return undefined;
  const offset = m[2] ? Number(m[3]) * (m[2] === '-' ? -1 : 1) : 0;
  return base + offset;
}
