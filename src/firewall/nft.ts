// nftables as stages: every base chain of type filter (or route) on the packet's hooks, in tables of the
// packet's family (ip or inet for IPv4, ip6 or inet for IPv6), ordered by priority. Each base chain is its own
// stage: an accept ends only that chain, a drop or reject is final.
import type { FirewallRule, NftRuleset, NftTable } from './types.js';
import { walkChain } from './walk.js';
import { hooksFor, stageResult, type Stage } from './stage.js';

export interface NftSkip {
  /** Tables iptables-nft wrote, which the iptables evaluator already covers ("ip filter"). */
  tables: Set<string>;
}

export function tableId(table: Pick<NftTable, 'family' | 'name'>): string {
  return `${table.family} ${table.name}`;
}

export function nftStages(
  ruleset: NftRuleset,
  direction: 'input' | 'output',
  family: 4 | 6,
  skip: NftSkip,
): Stage[] {
  const families = family === 4 ? ['ip', 'inet'] : ['ip6', 'inet'];
  const stages: Stage[] = [];
  for (const hook of hooksFor(direction)) {
    for (const table of ruleset.tables) {
      if (!families.includes(table.family) || table.dormant || skip.tables.has(tableId(table))) continue;
      const chains = new Map<string, FirewallRule[]>(table.chains.map((c) => [c.name, c.rules]));
      for (const chain of table.chains) {
        if (chain.hook !== hook || (chain.type !== 'filter' && chain.type !== 'route')) continue;
        const policy = chain.policy ?? 'accept';
        if (chain.rules.length === 0 && policy === 'accept') continue;
        const id = tableId(table);
        stages.push({
          firewall: 'nftables',
          hook,
          priority: chain.priority ?? 0,
          run(pkt, decider) {
            const walk = walkChain(chains, chain.name, pkt, decider, {
              key: `nftables|${id}`,
              label: `nftables table ${id}`,
            });
            const base = { table: id, baseChain: chain.name, notes: walk.notes };
            if (walk.ending === 'policy') {
              return stageResult('nftables', policy, { ...base, chain: chain.name, byPolicy: true });
            }
            return stageResult('nftables', walk.ending, {
              ...base,
              chain: walk.chain,
              rule: walk.rule?.text ?? '',
              byPolicy: false,
            });
          },
        });
      }
    }
  }
  return stages;
}
