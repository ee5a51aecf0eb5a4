// What an nft match or statement means, whichever way the rule was read: the JSON reader (json.ts) and the
// text reader (statements.ts) see the same selectors, operators and values, and build the same conditions
// from them here.
import type { Condition, PortRange, RuleAction } from '../types.js';
import { parsePortRange } from '../ports.js';

/** Protocols whose `dport`/`sport` select ports (`th`: any transport header). */
export const TRANSPORTS = new Set(['tcp', 'udp', 'th', 'sctp', 'dccp', 'udplite']);

/**
 * Statements that send the packet somewhere (a queue, NAT, tproxy, another device, synproxy): where it goes next is
 * not a verdict we can predict.
 */
export const UNKNOWN_VERDICTS = [
  'queue',
  'dnat',
  'snat',
  'masquerade',
  'redirect',
  'tproxy',
  'fwd',
  'synproxy',
];

/** iptables targets (through `xt target`) that record or mark the packet and let it go on. */
const NON_TERMINAL_XT_TARGETS = new Set([
  'LOG',
  'NFLOG',
  'MARK',
  'CONNMARK',
  'CT',
  'TRACE',
  'TCPMSS',
  'AUDIT',
  'CLASSIFY',
]);

/** The verdict of `xt target NAME`; `text` names it when we cannot tell. */
export function xtTargetAction(name: string, text: string): RuleAction {
  if (NON_TERMINAL_XT_TARGETS.has(name)) return { kind: 'continue' };
  return name === 'REJECT' ? { kind: 'reject' } : { kind: 'unknown', text };
}

/**
 * The ports `OP VALUES` selects: each value (a port or range) for `==`, `!=` and `in`; one bound for `<`,
 * `<=`, `>`, `>=` with a single port. Undefined when it is neither.
 */
export function portRanges(op: string, values: string[]): PortRange[] | undefined {
  if (op === '==' || op === '!=' || op === 'in') {
    const out: PortRange[] = [];
    for (const v of values) {
      const r = parsePortRange(v);
      if (!r) return undefined;
      out.push(r);
    }
    return out;
  }
  const p = values.length === 1 ? parsePortRange(values[0]!) : undefined;
  if (!p || p.from !== p.to) return undefined;
  const n = p.from;
  const bounds: Record<string, PortRange> = {
    '<': { from: 0, to: n - 1 },
    '<=': { from: 0, to: n },
    '>': { from: n + 1, to: 65535 },
    '>=': { from: n, to: 65535 },
  };
  const r = bounds[op];
  return r && r.from <= r.to ? [r] : undefined;
}

/**
 * `meta nfproto`/`meta protocol` VALUES (ipv4, ip, ipv6, ip6): the family conditions, or undefined for a value
 * that is not a family.
 */
export function familyConditions(values: string[], negated: boolean): Condition[] | undefined {
  const families = new Set(values.map((e) => (/^ip(v4)?$/.test(e) ? 4 : /^ip(v)?6$/.test(e) ? 6 : 0)));
  if (families.has(0)) return undefined;
  // Both families: every packet we ask about matches (or, negated, none does).
  if (families.size === 2) {
    return negated
      ? [
          { kind: 'family', negated: false, family: 4 },
          { kind: 'family', negated: false, family: 6 },
        ]
      : [];
  }
  return [{ kind: 'family', negated, family: [...families][0] as 4 | 6 }];
}
