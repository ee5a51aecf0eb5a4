// ufw read from `ufw status verbose`, for hosts where iptables-save was not collected. It models what ufw's
// generated chains do: before.rules accept loopback and established traffic, then the user rules in order (first
// match wins), then the default policy. A LIMIT rule accepts until a source opens its 6th connection in 30 s.
import type { UfwPolicy, UfwRule, UfwStatus } from './types.js';
import type { Decider } from './decisions.js';
import { matchAddress, matchInterface, matchPorts, type PacketView, type Tri } from './packet.js';
import { parseAddressSpec } from './address.js';
import { stageResult, type Stage, type StageResult } from './stage.js';

function and(...values: Tri[]): Tri {
  if (values.includes(false)) return false;
  return values.includes('unknown') ? 'unknown' : true;
}

function ruleMatches(rule: UfwRule, pkt: PacketView): { result: Tri; why: string[] } {
  const why: string[] = [];
  if (rule.incomplete) {
    why.push('the plain `ufw status` does not show which ports an application profile opens');
    return { result: 'unknown', why };
  }
  const iface = pkt.direction === 'input' ? pkt.iif : pkt.oif;
  const ifaceMatch: Tri = rule.iface === undefined ? true : matchInterface(iface, [rule.iface], false);
  if (ifaceMatch === 'unknown') why.push(`the packet's interface is not known (rule is on ${rule.iface})`);
  const addr = (spec: string | undefined, ip: PacketView['src']): Tri =>
    spec === undefined ? true : parseAddressSpec(spec) ? matchAddress(ip, [spec]) : 'unknown';
  const sportMatch: Tri = rule.fromPorts ? matchPorts(pkt.sport, rule.fromPorts) : true;
  if (sportMatch === 'unknown') why.push('the source port is not known');
  const result = and(
    rule.protocol === undefined || rule.protocol === 'tcp',
    ifaceMatch,
    addr(rule.toAddress, pkt.dst),
    addr(rule.fromAddress, pkt.src),
    rule.toPorts ? matchPorts(pkt.dport, rule.toPorts) : true,
    sportMatch,
  );
  return { result, why };
}

function policyVerdict(policy: UfwPolicy): 'accept' | 'drop' | 'reject' {
  return policy === 'allow' || policy === 'disabled' ? 'accept' : policy === 'reject' ? 'reject' : 'drop';
}

export function ufwStage(status: UfwStatus, direction: 'input' | 'output'): Stage {
  const chain = direction === 'input' ? 'incoming' : 'outgoing';
  return {
    firewall: 'ufw',
    hook: direction,
    priority: 0,
    run(pkt: PacketView, decider: Decider): StageResult {
      const base = { chain, baseChain: chain };
      // before.rules: lo and established traffic pass before any user rule.
      const lo = direction === 'input' ? pkt.iif === 'lo' : pkt.oif === 'lo';
      if (lo) {
        return stageResult('ufw', 'accept', {
          ...base,
          rule: `ufw before rules: ${direction === 'input' ? '-i' : '-o'} lo -j ACCEPT`,
          byPolicy: false,
        });
      }
      if (pkt.ctState === 'established') {
        return stageResult('ufw', 'accept', {
          ...base,
          rule: 'ufw before rules: -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
          byPolicy: false,
        });
      }
      const dir = direction === 'input' ? 'in' : 'out';
      const rules = status.rules.filter((r) => r.direction === dir && r.v6 === (pkt.family === 6));
      for (const rule of rules) {
        const m = ruleMatches(rule, pkt);
        const label = `ufw rule \`${rule.raw.replace(/\s+/g, ' ')}\``;
        let matched = m.result === true;
        if (m.result === 'unknown') {
          matched = decider.matches({
            key: `ufw|status|${rule.line}`,
            label: `${label} (cannot evaluate: ${m.why.join('; ')})`,
          });
        }
        if (!matched) continue;
        if (rule.action === 'limit' && rule.v6) {
          // ufw only fills ufw6-user-limit(-accept) when it finds ip6tables' `recent` match usable; on Debian 12
          // (ufw 0.36.2, iptables-nft) we recorded both chains empty, so IPv6 LIMIT rules fall through to the
          // default policy (the kernel drops; see test/e2e/firewall.test.ts). `ufw status` cannot tell.
          const empty = decider.matches({
            key: `ufw|limit6|${rule.line}`,
            label: `${label} (IPv6 rate limiting: when ufw left its ufw6-user-limit chains empty, as recorded on Debian 12, the rule falls through)`,
          });
          if (empty) continue;
        }
        if (rule.action === 'limit') {
          // ufw-user-limit rejects a source's 6th new connection within 30 s; the usual answer is accept.
          const limited = decider.matches({
            key: `ufw|limit|${rule.line}`,
            label: `${label} (rate limit: rejects a source's 6th new connection within 30 s)`,
          });
          return stageResult('ufw', limited ? 'reject' : 'accept', {
            ...base,
            rule: rule.raw,
            byPolicy: false,
          });
        }
        const verdict = rule.action === 'allow' ? 'accept' : rule.action === 'deny' ? 'drop' : 'reject';
        return stageResult('ufw', verdict, { ...base, rule: rule.raw, byPolicy: false });
      }
      const notes: string[] = [];
      let policy: UfwPolicy;
      if (status.defaults)
        policy = direction === 'input' ? status.defaults.incoming : status.defaults.outgoing;
      else {
        policy = direction === 'input' ? 'deny' : 'allow';
        notes.push(
          `ufw: the default ${chain} policy is not in \`ufw status\` (use \`ufw status verbose\`); assumed ${policy}`,
        );
      }
      return stageResult('ufw', policyVerdict(policy), { ...base, byPolicy: true, notes });
    },
  };
}
