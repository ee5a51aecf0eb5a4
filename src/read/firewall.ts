// A host's firewall commands (as collected: iptables-save, ip6tables-save, nft -j / nft -a, ufw status verbose,
// firewall-cmd --list-all) → the rule sets, and the question-answering view the analyzer uses.
import type { CommandResult, HostSnapshot } from '../model/types.js';
import type { FirewallAnswer, FirewallFacts, PacketQuestion } from '../model/host-facts.js';
import type { FirewallRulesets, FirewallVerdict, Parsed } from '../firewall/types.js';
import { parseIptablesSave } from '../firewall/readers/iptables.js';
import { mergeNftRulesets, parseNftJson, parseNftText } from '../firewall/readers/nft.js';
import { parseUfwStatus } from '../firewall/readers/ufw.js';
import { parseFirewalldListAll } from '../firewall/readers/firewalld.js';
import { describeVerdict, evaluate, firewallsPresent } from '../firewall/evaluate.js';
import { allowCommands } from '../firewall/allow.js';

/** Collector command ids (src/collect/commands.ts). */
const IDS = {
  iptables: 'iptables-save',
  ip6tables: 'ip6tables-save',
  nftJson: 'nft-json',
  nftText: 'nft-text',
  ufw: 'ufw',
  firewalld: 'firewalld',
  firewalldDefaultZone: 'firewalld-default-zone',
} as const;

/** stdout of a command that ran and succeeded; a missing tool or a stopped daemon is simply not there. */
function stdoutOf(result: CommandResult | undefined): string | undefined {
  return result && result.exitCode === 0 && result.stdout.trim() !== '' ? result.stdout : undefined;
}

export function firewallRulesets(snapshot: HostSnapshot): { rulesets: FirewallRulesets; warnings: string[] } {
  const r = snapshot.results;
  const warnings: string[] = [];
  const rulesets: FirewallRulesets = {};
  const take = <T>(id: string, text: string | undefined, parse: (t: string) => Parsed<T>): T | undefined => {
    if (text === undefined) return undefined;
    const parsed = parse(text);
    if (!parsed.ok) {
      warnings.push(`${id}: ${parsed.error}`);
      return undefined;
    }
    warnings.push(...parsed.warnings.map((w) => `${id}: ${w}`));
    return parsed.value;
  };

  const v4 = take(IDS.iptables, stdoutOf(r[IDS.iptables]), (t) => parseIptablesSave(t, 4));
  if (v4 && v4.tables.length > 0) rulesets.iptables = v4;
  const v6 = take(IDS.ip6tables, stdoutOf(r[IDS.ip6tables]), (t) => parseIptablesSave(t, 6));
  if (v6 && v6.tables.length > 0) rulesets.ip6tables = v6;

  const json = take(IDS.nftJson, stdoutOf(r[IDS.nftJson]), parseNftJson);
  const text = take(IDS.nftText, stdoutOf(r[IDS.nftText]), parseNftText);
  const nft = json && text ? mergeNftRulesets(json, text) : (json ?? text);
  if (nft && nft.tables.length > 0) rulesets.nft = nft;

  const ufw = take(IDS.ufw, stdoutOf(r[IDS.ufw]), parseUfwStatus);
  if (ufw) rulesets.ufw = ufw;

  const defaultZone = stdoutOf(r[IDS.firewalldDefaultZone])?.trim();
  const firewalld = take(IDS.firewalld, stdoutOf(r[IDS.firewalld]), (t) =>
    parseFirewalldListAll(t, defaultZone),
  );
  if (firewalld?.running) rulesets.firewalld = firewalld;
  return { rulesets, warnings };
}

export function toAnswer(verdict: FirewallVerdict): FirewallAnswer {
  const answer: FirewallAnswer = {
    verdict: verdict.verdict,
    firewall: verdict.firewall,
    byPolicy: verdict.byPolicy,
    summary: describeVerdict(verdict),
  };
  if (verdict.rule !== undefined) answer.rule = verdict.rule;
  // nft chains are only unique within their table: "inet filter input", as `nft insert rule` takes it.
  const chain =
    verdict.firewall === 'nftables' && verdict.table
      ? `${verdict.table} ${verdict.chain ?? ''}`
      : verdict.chain;
  if (chain !== undefined) answer.chain = chain.trim();
  if (verdict.uncertain) answer.uncertain = verdict.uncertain;
  return answer;
}

export function firewallFacts(snapshot: HostSnapshot): FirewallFacts {
  const { rulesets } = firewallRulesets(snapshot);
  return {
    present: firewallsPresent(rulesets),
    check: (packet: PacketQuestion) => toAnswer(evaluate(rulesets, packet)),
    allow: (packet: PacketQuestion) => allowCommands(rulesets, packet),
  };
}
