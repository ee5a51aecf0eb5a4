// iptables / ip6tables as stages: each table's built-in chain on the packet's hooks, at the table's priority.
// ufw is an iptables frontend: when its chains are in the ruleset, verdicts reached inside them (or by the
// policy ufw set on INPUT/OUTPUT) are ufw's.
import type { FirewallRule, IptablesRuleset } from './types.js';
import { walkChain } from './walk.js';
import { hooksFor, stageResult, type Hook, type Stage } from './stage.js';

/** Table priorities (as iptables-nft registers them; legacy uses the same order). nat never filters. */
const TABLES: { table: string; priority: number; chains: Partial<Record<Hook, string>> }[] = [
  { table: 'raw', priority: -300, chains: { prerouting: 'PREROUTING', output: 'OUTPUT' } },
  {
    table: 'mangle',
    priority: -150,
    chains: { prerouting: 'PREROUTING', input: 'INPUT', output: 'OUTPUT', postrouting: 'POSTROUTING' },
  },
  { table: 'filter', priority: 0, chains: { input: 'INPUT', output: 'OUTPUT' } },
  { table: 'security', priority: 50, chains: { input: 'INPUT', output: 'OUTPUT' } },
];

export function hasUfwChains(ruleset: IptablesRuleset): boolean {
  return ruleset.tables.some((t) => t.chains.some((c) => /^ufw6?-/.test(c.name)));
}

export function iptablesStages(ruleset: IptablesRuleset, direction: 'input' | 'output'): Stage[] {
  const firewall = ruleset.family === 6 ? 'ip6tables' : 'iptables';
  const ufw = hasUfwChains(ruleset);
  const stages: Stage[] = [];
  for (const hook of hooksFor(direction)) {
    for (const spec of TABLES) {
      const chainName = spec.chains[hook];
      const table = ruleset.tables.find((t) => t.name === spec.table);
      const chain = chainName ? table?.chains.find((c) => c.name === chainName) : undefined;
      if (!table || !chain || !chainName) continue;
      const policy = (chain.policy ?? 'ACCEPT').toUpperCase();
      // An empty chain that accepts changes nothing: leave it out of the votes.
      if (chain.rules.length === 0 && policy === 'ACCEPT') continue;
      const chains = new Map<string, FirewallRule[]>(table.chains.map((c) => [c.name, c.rules]));
      stages.push({
        firewall,
        hook,
        priority: spec.priority,
        run(pkt, decider) {
          const where = { key: `${firewall}|${table.name}`, label: `${firewall} table ${table.name}` };
          const walk = walkChain(chains, chainName, pkt, decider, where);
          const notes = [...walk.notes];
          if (ruleset.legacyTablesPresent) {
            notes.push(
              `${firewall}: iptables-legacy tables exist too and were not collected (iptables-legacy-save)`,
            );
          }
          const base = { table: table.name, baseChain: chainName, notes };
          if (walk.ending === 'policy') {
            const verdict = policy === 'DROP' ? 'drop' : policy === 'ACCEPT' ? 'accept' : undefined;
            if (!verdict)
              notes.push(`${firewall} ${table.name} ${chainName}: unknown policy ${policy}; assumed ACCEPT`);
            const owner = ufw && table.name === 'filter' && verdict === 'drop' ? 'ufw' : firewall;
            return stageResult(owner, verdict ?? 'accept', { ...base, chain: chainName, byPolicy: true });
          }
          const owner = /^ufw6?-/.test(walk.chain) ? 'ufw' : firewall;
          return stageResult(owner, walk.ending, {
            ...base,
            chain: walk.chain,
            rule: walk.rule?.text ?? '',
            byPolicy: false,
          });
        },
      });
    }
  }
  return stages;
}
