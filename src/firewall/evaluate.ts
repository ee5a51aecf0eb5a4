// Would this TCP packet get through the host's firewalls, and which rule decides?
//
// Every packet filter found on the host gets a say, as netfilter gives it: iptables' built-in chains, every
// nftables base chain, and ufw / firewalld when only their own status output is known. They run in order of
// hook and priority; an accept ends only its own chain, the first drop or reject is final. iptables-nft and
// native nft tables live side by side in nf_tables and each table's base chains vote; tables iptables-nft wrote
// are evaluated once, from iptables-save (nft -j can only print their xt matches as opaque blobs). Likewise
// firewalld's own nft table is skipped when firewall-cmd's view of it was collected.
import type { FirewallRulesets, FirewallVerdict, FirewallVote, Packet } from './types.js';
import { explore, type Decider } from './decisions.js';
import { viewPacket, type PacketView } from './packet.js';
import { hasUfwChains, iptablesStages } from './iptables.js';
import { nftStages, tableId } from './nft.js';
import { ufwStage } from './ufw.js';
import { firewalldStage } from './firewalld.js';
import { hooksFor, type Stage, type StageResult } from './stage.js';

const BUILT_IN_CHAINS = new Set(['INPUT', 'OUTPUT', 'FORWARD', 'PREROUTING', 'POSTROUTING']);

/** The stages a packet of this family and direction meets, in the order it meets them. */
export function stagesFor(rulesets: FirewallRulesets, direction: 'input' | 'output', family: 4 | 6): Stage[] {
  const stages: Stage[] = [];
  const ipt = family === 4 ? rulesets.iptables : rulesets.ip6tables;
  if (ipt) stages.push(...iptablesStages(ipt, direction));

  const firewalld =
    rulesets.firewalld?.running && rulesets.firewalld.zones.length > 0 ? rulesets.firewalld : undefined;
  if (rulesets.nft) {
    const skip = new Set<string>();
    const iptFamily = family === 4 ? 'ip' : 'ip6';
    for (const table of rulesets.nft.tables) {
      const writtenByIptables =
        ipt !== undefined &&
        ipt.backend !== 'legacy' &&
        table.family === iptFamily &&
        ipt.tables.some((t) => t.name === table.name) &&
        (ipt.backend === 'nf_tables' || table.chains.some((c) => BUILT_IN_CHAINS.has(c.name)));
      if (writtenByIptables || (firewalld && table.name === 'firewalld')) skip.add(tableId(table));
    }
    stages.push(...nftStages(rulesets.nft, direction, family, { tables: skip }));
  }
  if (rulesets.ufw?.active && (!ipt || !hasUfwChains(ipt))) stages.push(ufwStage(rulesets.ufw, direction));
  if (firewalld && direction === 'input') stages.push(firewalldStage(firewalld));

  const hooks = hooksFor(direction);
  return stages
    .map((stage, order) => ({ stage, order }))
    .sort(
      (a, b) =>
        hooks.indexOf(a.stage.hook) - hooks.indexOf(b.stage.hook) ||
        a.stage.priority - b.stage.priority ||
        a.order - b.order,
    )
    .map((s) => s.stage);
}

interface Journey {
  /** The first stage that dropped or rejected the packet. */
  stop?: StageResult;
  votes: StageResult[];
}

function travel(stages: Stage[], pkt: PacketView, decider: Decider): Journey {
  const votes: StageResult[] = [];
  for (const stage of stages) {
    const result = stage.run(pkt, decider);
    votes.push(result);
    if (result.verdict !== 'accept') return { stop: result, votes };
  }
  return { votes };
}

function vote(result: StageResult): FirewallVote {
  const { notes: _notes, ...rest } = result;
  return rest;
}

function verdictOf(journey: Journey): FirewallVerdict {
  const votes = journey.votes.map(vote);
  // Accepted: name the last explicit accept (more telling than a policy), else the last vote.
  const decider =
    journey.stop ?? [...journey.votes].reverse().find((v) => !v.byPolicy) ?? journey.votes.at(-1);
  if (!decider) return { verdict: 'accept', firewall: 'none', byPolicy: true, votes };
  const result: FirewallVerdict = {
    verdict: journey.stop ? journey.stop.verdict : 'accept',
    firewall: decider.firewall,
    byPolicy: decider.byPolicy,
    votes,
  };
  if (decider.rule !== undefined) result.rule = decider.rule;
  if (decider.chain !== undefined) result.chain = decider.chain;
  if (decider.table !== undefined) result.table = decider.table;
  return result;
}

export function evaluate(rulesets: FirewallRulesets, packet: Packet): FirewallVerdict {
  const pkt = viewPacket(packet);
  if ('error' in pkt) {
    return { verdict: 'accept', firewall: 'none', byPolicy: true, uncertain: [pkt.error], votes: [] };
  }
  const stages = stagesFor(rulesets, pkt.direction, pkt.family);
  const exploration = explore((decider) => travel(stages, pkt, decider));
  const result = verdictOf(exploration.primary);

  const uncertain: string[] = [];
  for (const v of exploration.primary.votes) uncertain.push(...v.notes);
  for (const { question, result: alt } of exploration.alternatives) {
    const other = verdictOf(alt);
    if (other.verdict !== result.verdict) {
      uncertain.push(`${question.label}: assumed not to match; if it matches, ${describeVerdict(other)}`);
    }
  }
  if (exploration.questions.length > exploration.alternatives.length) {
    uncertain.push(
      `${exploration.questions.length - exploration.alternatives.length} more rules could not be evaluated and were assumed not to match`,
    );
  }
  const unique = [...new Set(uncertain)];
  if (unique.length > 0) result.uncertain = unique;
  return result;
}

/** Which firewalls take part in evaluating packets, e.g. ["iptables", "ufw", "nftables"]. */
export function firewallsPresent(rulesets: FirewallRulesets): string[] {
  const names = new Set<string>();
  for (const family of [4, 6] as const) {
    for (const direction of ['input', 'output'] as const) {
      for (const stage of stagesFor(rulesets, direction, family)) names.add(stage.firewall);
    }
    const ipt = family === 4 ? rulesets.iptables : rulesets.ip6tables;
    if (ipt && hasUfwChains(ipt)) names.add('ufw');
  }
  return [...names];
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** "REJECT by iptables INPUT rule `-A INPUT -p tcp -m tcp --dport 8080 -j REJECT --reject-with tcp-reset`". */
export function describeVerdict(result: FirewallVerdict): string {
  const verdict = result.verdict.toUpperCase();
  if (result.firewall === 'none') {
    return result.uncertain?.length
      ? `${verdict} (no firewall rules could be applied)`
      : `${verdict}: no firewall rules found`;
  }
  let where: string;
  switch (result.firewall) {
    case 'nftables':
      where = `nftables ${result.table ?? ''} chain ${result.chain ?? ''}`;
      break;
    case 'firewalld':
      where = `firewalld ${result.chain ?? ''}`;
      break;
    case 'ufw':
      where = result.table !== undefined ? `ufw (iptables ${result.table} ${result.chain ?? ''})` : 'ufw';
      break;
    default:
      where = `${result.firewall} ${result.table !== undefined && result.table !== 'filter' ? `${result.table} ` : ''}${result.chain ?? ''}`;
  }
  const how = result.byPolicy
    ? result.firewall === 'firewalld'
      ? 'target'
      : result.firewall === 'ufw' && result.table === undefined
        ? `default ${result.chain ?? ''} policy`
        : 'policy'
    : `rule \`${oneLine(result.rule ?? '')}\``;
  const doubt = result.uncertain?.length
    ? ` (uncertain: ${result.uncertain.length} thing${result.uncertain.length === 1 ? '' : 's'} could not be evaluated)`
    : '';
  return `${verdict} by ${oneLine(where)} ${how}${doubt}`;
}
