// Walking one base chain of iptables or nftables: rules in order, jump (come back), goto (do not), return, and
// the base chain's policy when the walk falls off its end. Both tools share these semantics within a table.
import type { FirewallRule } from './types.js';
import type { Decider } from './decisions.js';
import { matchRule, type PacketView } from './packet.js';

export interface WalkResult {
  /** `policy`: no rule decided; the base chain's policy applies. */
  ending: 'accept' | 'drop' | 'reject' | 'policy';
  rule?: FirewallRule;
  /** The chain holding the deciding rule (the base chain for a policy). */
  chain: string;
  /** Things that make the verdict uncertain whatever the decider says (a verdict decided in userspace…). */
  notes: string[];
}

/** Deeper than any sane ruleset; iptables itself refuses loops, nft caps jumps at 16 levels. */
const MAX_DEPTH = 64;

export function walkChain(
  chains: ReadonlyMap<string, FirewallRule[]>,
  base: string,
  pkt: PacketView,
  decider: Decider,
  where: { key: string; label: string },
): WalkResult {
  const notes: string[] = [];
  const stack: { chain: string; index: number }[] = [];
  let current = { chain: base, index: 0 };
  let steps = 0;

  for (;;) {
    if (++steps > 100_000) {
      notes.push(`${where.label}: the walk did not end (a loop between chains?)`);
      return { ending: 'policy', chain: base, notes };
    }
    const rules = chains.get(current.chain);
    if (!rules)
      notes.push(`${where.label}: a rule jumps to chain ${current.chain}, which is not in the ruleset`);
    if (!rules || current.index >= rules.length) {
      // Falling off a user chain returns to the caller; falling off the base chain applies its policy.
      const caller = stack.pop();
      if (!caller) return { ending: 'policy', chain: base, notes };
      current = caller;
      continue;
    }
    const index = current.index;
    const rule = rules[index]!;
    current = { chain: current.chain, index: index + 1 };
    const match = matchRule(rule, pkt);
    let matched = match.result === true;
    if (match.result === 'unknown') {
      matched = decider.matches({
        key: `${where.key}|${current.chain}|${index}`,
        label: `${where.label} chain ${current.chain}: \`${rule.text}\` (cannot evaluate ${match.unknown.join('; ')})`,
      });
    }
    if (!matched) continue;
    const action = rule.action;
    switch (action.kind) {
      case 'accept':
      case 'drop':
      case 'reject':
        return { ending: action.kind, rule, chain: current.chain, notes };
      case 'continue':
        continue;
      case 'return': {
        const caller = stack.pop();
        if (!caller) return { ending: 'policy', chain: base, notes };
        current = caller;
        continue;
      }
      case 'jump':
      case 'goto':
        if (stack.length >= MAX_DEPTH) {
          notes.push(`${where.label}: chains nest deeper than ${MAX_DEPTH} levels at \`${rule.text}\``);
          return { ending: 'policy', chain: base, notes };
        }
        if (action.kind === 'jump') stack.push(current);
        current = { chain: action.chain, index: 0 };
        continue;
      case 'unknown':
        notes.push(
          `${where.label} chain ${current.chain}: \`${rule.text}\` hands the packet to ${action.text}, ` +
            'whose verdict cannot be predicted; assumed ACCEPT',
        );
        return { ending: 'accept', rule, chain: current.chain, notes };
    }
  }
}
