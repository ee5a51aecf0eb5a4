// The commands that let one blocked packet through, each proven before it is offered: for the stage that stops
// the packet (an iptables built-in chain, an nft base chain, ufw, a firewalld zone) we write the accept rule the
// way that tool takes it, read the rule back with the same reader that reads the host's rules, put it where the
// command puts it (the top of the chain; ufw's `prepend`; a firewalld rich rule that sorts before the blocker),
// and evaluate the same packet again. A rule that would not change the verdict (an output chain sees the
// destination, not the source) is never offered: the answer is then why not. When a second firewall stops the
// packet too, it gets its own rule, so the commands together let it through.
import type { Result } from '../model/result.js';
import type {
  FirewallRule,
  FirewallRulesets,
  FirewallVote,
  IptablesRuleset,
  NftTable,
  Packet,
  UfwRule,
} from './types.js';
import { evaluate, describeVerdict } from './evaluate.js';
import { parseIp } from './address.js';
import { parseIptablesSave } from './readers/iptables.js';
import { parseNftStatements } from './nft/statements.js';
import { parseRichRule } from './readers/firewalld.js';

/** What one stage's fix adds: the commands to run, and the rulesets as they are once they ran. */
interface StageFix {
  commands: string[];
  /** Lines that come once, after every rule (persisting iptables rules, firewall-cmd --reload). */
  then: string[];
  rulesets: FirewallRulesets;
}

/** More firewalls than this stopping one packet, one after the other, is not a ruleset we fix by hand. */
const MAX_STAGES = 4;

/** Names the host printed go into commands an operator pastes: only plain ones are used. */
const PLAIN_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

const IPTABLES_PERSIST =
  'then persist it the way this host keeps its rules (netfilter-persistent save, or your config management)';

/**
 * Commands that make the host's firewalls accept `packet`, proven by evaluating it again with their rules in
 * place; or why none can be offered.
 */
export function allowCommands(rulesets: FirewallRulesets, packet: Packet): Result<string[]> {
  if (!parseIp(packet.src) || !parseIp(packet.dst))
    return { ok: false, error: `${packet.src} → ${packet.dst} is not a pair of IP addresses` };
  let current = rulesets;
  let verdict = evaluate(current, packet);
  if (verdict.verdict === 'accept') return { ok: false, error: 'the firewall already lets it through' };
  const commands: string[] = [];
  const then: string[] = [];
  for (let round = 0; round < MAX_STAGES; round++) {
    const stop = verdict.votes.at(-1)!;
    const fix = stageFix(current, stop, packet);
    if (!fix.ok) return fix;
    const after = evaluate(fix.value.rulesets, packet);
    const stillStops = after.verdict !== 'accept' && sameStage(after.votes.at(-1)!, stop);
    if (stillStops) {
      return {
        ok: false,
        error: `with \`${fix.value.commands.join('; ')}\` in place the packet would still meet ${describeVerdict(after)}`,
      };
    }
    commands.push(...fix.value.commands);
    for (const line of fix.value.then) if (!then.includes(line)) then.push(line);
    if (after.verdict === 'accept') return { ok: true, value: [...commands, ...then] };
    current = fix.value.rulesets;
    verdict = after;
  }
  return { ok: false, error: `more than ${MAX_STAGES} firewall stages stop it: ${describeVerdict(verdict)}` };
}

function sameStage(a: FirewallVote, b: FirewallVote): boolean {
  return a.firewall === b.firewall && a.table === b.table && a.baseChain === b.baseChain;
}

function stageFix(rulesets: FirewallRulesets, stop: FirewallVote, packet: Packet): Result<StageFix> {
  switch (stop.firewall) {
    case 'iptables':
    case 'ip6tables':
      return iptablesFix(rulesets, stop, packet);
    case 'nftables':
      return nftFix(rulesets, stop, packet);
    case 'ufw':
      return stop.table === undefined ? ufwStatusFix(rulesets, packet) : ufwChainFix(rulesets, packet);
    case 'firewalld':
      return firewalldFix(rulesets, stop, packet);
  }
}

function familyOf(packet: Packet): 4 | 6 {
  return parseIp(packet.dst)!.family;
}

/** The rulesets with `rule` first in `chain` of iptables table `table` (a copy; the input is not touched). */
function withIptablesRule(
  rulesets: FirewallRulesets,
  family: 4 | 6,
  table: string,
  chain: string,
  ruleLine: string,
): Result<FirewallRulesets> {
  const parsed = parseIptablesSave(`*${table}\n${ruleLine}\nCOMMIT\n`, family);
  const rule = parsed.ok ? parsed.value.tables[0]?.chains[0]?.rules[0] : undefined;
  if (!parsed.ok || !rule || parsed.warnings.length > 0)
    return { ok: false, error: `cannot read back our own rule \`${ruleLine}\`` };
  const copy = structuredClone(rulesets);
  const ruleset: IptablesRuleset | undefined = family === 4 ? copy.iptables : copy.ip6tables;
  const target = ruleset?.tables.find((t) => t.name === table)?.chains.find((c) => c.name === chain);
  if (!target) return { ok: false, error: `there is no chain ${chain} in iptables table ${table}` };
  target.rules.unshift(withoutLine(rule));
  return { ok: true, value: copy };
}

function withoutLine(rule: FirewallRule): FirewallRule {
  const { line: _line, ...rest } = rule;
  return rest;
}

/** iptables matches for the packet: an input chain knows where it came from, an output chain where it goes. */
function iptablesMatch(packet: Packet): string {
  const peer = packet.direction === 'input' ? `-s ${packet.src}` : `-d ${packet.dst}`;
  return `${peer} -p tcp -m tcp --dport ${packet.dport}`;
}

function iptablesFix(rulesets: FirewallRulesets, stop: FirewallVote, packet: Packet): Result<StageFix> {
  const table = stop.table ?? 'filter';
  const chain = stop.baseChain;
  if (!chain || !PLAIN_NAME.test(chain) || !PLAIN_NAME.test(table))
    return {
      ok: false,
      error: `the ${stop.firewall} chain that stops it has a name we do not put in a command`,
    };
  const match = iptablesMatch(packet);
  const inserted = withIptablesRule(
    rulesets,
    familyOf(packet),
    table,
    chain,
    `-A ${chain} ${match} -j ACCEPT`,
  );
  if (!inserted.ok) return inserted;
  const tableOption = table === 'filter' ? '' : `-t ${table} `;
  return {
    ok: true,
    value: {
      commands: [`${stop.firewall} ${tableOption}-I ${chain} ${match} -j ACCEPT`],
      then: [IPTABLES_PERSIST],
      rulesets: inserted.value,
    },
  };
}

/** `ip saddr 10.0.0.1 tcp dport 8080 accept`: saddr in an input chain, daddr in an output chain. */
function nftRuleText(packet: Packet): string {
  const ip = familyOf(packet) === 6 ? 'ip6' : 'ip';
  const peer = packet.direction === 'input' ? `saddr ${packet.src}` : `daddr ${packet.dst}`;
  return `${ip} ${peer} tcp dport ${packet.dport} accept`;
}

function nftFix(rulesets: FirewallRulesets, stop: FirewallVote, packet: Packet): Result<StageFix> {
  const [family = '', name = ''] = (stop.table ?? '').split(' ');
  const chainName = stop.baseChain ?? '';
  if (![family, name, chainName].every((n) => PLAIN_NAME.test(n)))
    return { ok: false, error: 'the nftables chain that stops it has a name we do not put in a command' };
  const copy = structuredClone(rulesets);
  const table: NftTable | undefined = copy.nft?.tables.find((t) => t.family === family && t.name === name);
  const chain = table?.chains.find((c) => c.name === chainName);
  if (!table || !chain) return { ok: false, error: `there is no nftables chain ${stop.table} ${chainName}` };
  const text = nftRuleText(packet);
  const parsed = parseNftStatements(text, table.sets);
  if (!parsed.complete || parsed.action.kind !== 'accept')
    return { ok: false, error: `cannot read back our own rule \`${text}\`` };
  chain.rules.unshift({ text, conditions: parsed.conditions, action: parsed.action });
  return {
    ok: true,
    value: { commands: [`nft insert rule ${family} ${name} ${chainName} ${text}`], then: [], rulesets: copy },
  };
}

/** `ufw prepend` puts the rule before every other user rule of its family, where ufw reads first. */
function ufwCommand(packet: Packet): string {
  return packet.direction === 'input'
    ? `ufw prepend allow proto tcp from ${packet.src} to any port ${packet.dport}`
    : `ufw prepend allow out proto tcp to ${packet.dst} port ${packet.dport}`;
}

/** ufw read from `ufw status`: the prepended rule, as ufw would list it, first. */
function ufwStatusFix(rulesets: FirewallRulesets, packet: Packet): Result<StageFix> {
  const copy = structuredClone(rulesets);
  if (!copy.ufw) return { ok: false, error: 'ufw stops it, but its rules were not collected' };
  const port = { from: packet.dport, to: packet.dport };
  const input = packet.direction === 'input';
  const rule: UfwRule = {
    action: 'allow',
    direction: input ? 'in' : 'out',
    v6: familyOf(packet) === 6,
    to: input ? `${packet.dport}/tcp` : `${packet.dst} ${packet.dport}/tcp`,
    from: input ? packet.src : 'Anywhere',
    ...(input ? { fromAddress: packet.src } : { toAddress: packet.dst }),
    toPorts: [port],
    protocol: 'tcp',
    raw: ufwCommand(packet),
    line: 0,
  };
  copy.ufw.rules.unshift(rule);
  return { ok: true, value: { commands: [ufwCommand(packet)], then: [], rulesets: copy } };
}

/** ufw seen through iptables-save: `ufw prepend` writes the rule first in ufw-user-input / ufw-user-output. */
function ufwChainFix(rulesets: FirewallRulesets, packet: Packet): Result<StageFix> {
  const family = familyOf(packet);
  const chain = `${family === 6 ? 'ufw6' : 'ufw'}-user-${packet.direction}`;
  const inserted = withIptablesRule(
    rulesets,
    family,
    'filter',
    chain,
    `-A ${chain} ${iptablesMatch(packet)} -j ACCEPT`,
  );
  if (!inserted.ok) return inserted;
  return { ok: true, value: { commands: [ufwCommand(packet)], then: [], rulesets: inserted.value } };
}

/** firewalld sorts rich rules by priority, and at priority 0 its deny rules before its accept rules. */
function firewalldFix(rulesets: FirewallRulesets, stop: FirewallVote, packet: Packet): Result<StageFix> {
  if (packet.direction !== 'input')
    return { ok: false, error: 'firewalld only filters incoming traffic here' };
  const zoneName = /^zone (.+)$/.exec(stop.table ?? '')?.[1] ?? '';
  if (!PLAIN_NAME.test(zoneName))
    return { ok: false, error: 'the firewalld zone that stops it has a name we do not put in a command' };
  const copy = structuredClone(rulesets);
  const zone = copy.firewalld?.zones.find((z) => z.name === zoneName);
  if (!zone) return { ok: false, error: `there is no firewalld zone ${zoneName}` };
  // A blocking rich rule at priority p ≤ 0 is passed only by a rule that sorts before it: priority p - 1.
  const blocker = stop.byPolicy ? undefined : zone.richRules.find((r) => r.raw === stop.rule);
  const priority = blocker && blocker.priority <= 0 ? Math.min(blocker.priority, 0) - 1 : undefined;
  if (priority !== undefined && priority < -32768)
    return {
      ok: false,
      error: 'the rich rule that stops it already has the lowest priority firewalld allows',
    };
  const family = familyOf(packet) === 6 ? 'ipv6' : 'ipv4';
  const text =
    `rule ${priority !== undefined ? `priority="${priority}" ` : ''}family="${family}" ` +
    `source address="${packet.src}" port port="${packet.dport}" protocol="tcp" accept`;
  const rule = parseRichRule(text);
  if (rule.unreadable || rule.action?.kind !== 'accept')
    return { ok: false, error: `cannot read back our own rich rule \`${text}\`` };
  zone.richRules.unshift(rule);
  return {
    ok: true,
    value: {
      commands: [`firewall-cmd --permanent --zone=${zoneName} --add-rich-rule='${text}'`],
      then: ['firewall-cmd --reload'],
      rulesets: copy,
    },
  };
}
