// firewalld read from `firewall-cmd --list-all[-zones]`, modelled on the chains firewalld 1.x installs (see
// test/fixtures/firewall/nft/firewalld.nft): established and lo traffic pass; the packet's zone is the first zone
// (by name) with a matching source, else the zone of its input interface, else the default zone; inside the zone,
// rich rules with priority < 0 come first, then deny rich rules, then allow (services, ports, protocols,
// source ports, accept rich rules), then rich rules with priority > 0, then the zone's target.
// firewalld filters incoming traffic only (outgoing policies are not modelled): output packets get no stage.
import type { FirewalldRichRule, FirewalldState, FirewalldZone } from './types.js';
import type { Decider } from './decisions.js';
import { matchAddress, matchPorts, type PacketView, type Tri } from './packet.js';
import { parseAddressSpec } from './address.js';
import { parsePortRange } from './ports.js';
import { FIREWALLD_SERVICES } from './firewalld-services.js';
import { stageResult, type Stage, type StageResult } from './stage.js';
import { lookup } from '../text/lookup.js';

/** firewalld's priority on the nftables backend: "filter + 10". */
const PRIORITY = 10;

function and(...values: Tri[]): Tri {
  if (values.includes(false)) return false;
  return values.includes('unknown') ? 'unknown' : true;
}

function address(spec: string | undefined, invert: boolean, ip: PacketView['src']): Tri {
  if (spec === undefined) return true;
  const m: Tri = parseAddressSpec(spec) ? matchAddress(ip, [spec]) : 'unknown';
  return m === 'unknown' ? m : m !== invert;
}

function serviceMatches(name: string, pkt: PacketView): { result: Tri; why?: string } {
  const service = lookup(FIREWALLD_SERVICES, name);
  if (!service)
    return {
      result: 'unknown',
      why: `service ${name} is not one of firewalld's own (its ports are unknown)`,
    };
  const dest = pkt.family === 4 ? service.destination?.ipv4 : service.destination?.ipv6;
  if (service.destination && dest === undefined) return { result: false };
  if (dest !== undefined && matchAddress(pkt.dst, [dest]) !== true) return { result: false };
  const ports = service.ports.some((p) => {
    const [range = '', proto] = p.split('/');
    const r = parsePortRange(range);
    return proto === 'tcp' && r !== undefined && pkt.dport >= r.from && pkt.dport <= r.to;
  });
  const protocol = (service.protocols ?? []).some((p) => p === 'tcp' || p === '6');
  return { result: ports || protocol };
}

function richMatches(rule: FirewalldRichRule, pkt: PacketView): { result: Tri; why: string[] } {
  const why: string[] = [];
  if (rule.unreadable) why.push(`could not read ${rule.unreadable}`);
  const family: Tri = rule.family === undefined || rule.family === (pkt.family === 4 ? 'ipv4' : 'ipv6');
  const src: Tri = rule.source
    ? rule.source.address !== undefined
      ? address(rule.source.address, rule.source.invert, pkt.src)
      : 'unknown'
    : true;
  if (rule.source && rule.source.address === undefined) why.push('source is an ipset or MAC address');
  const dst: Tri = rule.destination
    ? rule.destination.address !== undefined
      ? address(rule.destination.address, rule.destination.invert, pkt.dst)
      : 'unknown'
    : true;
  if (rule.destination && rule.destination.address === undefined) why.push('destination is an ipset');
  let element: Tri = true;
  const e = rule.element;
  if (e?.kind === 'port') element = e.protocol === 'tcp' && matchPorts(pkt.dport, e.ports) === true;
  else if (e?.kind === 'source-port') {
    element = e.protocol === 'tcp' ? matchPorts(pkt.sport, e.ports) : false;
    if (element === 'unknown') why.push('the source port is not known');
  } else if (e?.kind === 'service') {
    const s = serviceMatches(e.name, pkt);
    element = s.result;
    if (s.why) why.push(s.why);
  } else if (e?.kind === 'protocol') element = e.value === 'tcp' || e.value === '6';
  else if (e?.kind === 'other') element = false;
  const result = and(family, src, dst, element, rule.unreadable ? 'unknown' : true);
  return { result, why };
}

function targetVerdict(target: string): 'accept' | 'drop' | 'reject' | undefined {
  switch (target) {
    case 'default':
    case '%%REJECT%%':
    case 'REJECT':
      return 'reject';
    case 'DROP':
      return 'drop';
    case 'ACCEPT':
      return 'accept';
    default:
      return undefined;
  }
}

export function firewalldStage(state: FirewalldState): Stage {
  return {
    firewall: 'firewalld',
    hook: 'input',
    priority: PRIORITY,
    run(pkt: PacketView, decider: Decider): StageResult {
      const builtIn = (rule: string) =>
        stageResult('firewalld', 'accept', {
          chain: 'filter_INPUT',
          baseChain: 'filter_INPUT',
          rule,
          byPolicy: false,
        });
      if (pkt.ctState === 'established') return builtIn('ct state { established, related } accept');
      if (pkt.iif === 'lo') return builtIn('iifname "lo" accept');
      const notes: string[] = [];
      const zone = zoneFor(state, pkt, decider, notes);
      if (!zone) {
        notes.push('firewalld: no zone found for the packet; assumed ACCEPT');
        return stageResult('firewalld', 'accept', { byPolicy: true, notes });
      }
      return zoneVerdict(zone, pkt, decider, notes);
    },
  };
}

function zoneFor(
  state: FirewalldState,
  pkt: PacketView,
  decider: Decider,
  notes: string[],
): FirewalldZone | undefined {
  const byName = [...state.zones].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const zone of byName) {
    for (const source of zone.sources) {
      const m: Tri = parseAddressSpec(source) ? matchAddress(pkt.src, [source]) : 'unknown';
      if (
        m === true ||
        (m === 'unknown' &&
          decider.matches({
            key: `firewalld|source|${zone.name}|${source}`,
            label: `firewalld zone ${zone.name} source ${source} (ipsets and MAC sources cannot be evaluated)`,
          }))
      ) {
        return zone;
      }
    }
  }
  for (const zone of byName) {
    if (zone.interfaces.length === 0) continue;
    if (typeof pkt.iif === 'string') {
      if (zone.interfaces.includes(pkt.iif)) return zone;
      continue;
    }
    if (
      decider.matches({
        key: `firewalld|interface|${zone.name}`,
        label: `firewalld zone ${zone.name} (interfaces ${zone.interfaces.join(', ')}; the packet's input interface is not known)`,
      })
    ) {
      return zone;
    }
  }
  let name = state.defaultZone;
  if (name === undefined) {
    if (state.zones.length === 1) name = state.zones[0]!.name;
    else {
      name = 'public';
      notes.push(
        'firewalld: the default zone was not collected (firewall-cmd --get-default-zone); assumed public',
      );
    }
  }
  return state.zones.find((z) => z.name === name);
}

function zoneVerdict(zone: FirewalldZone, pkt: PacketView, decider: Decider, notes: string[]): StageResult {
  const base = { table: `zone ${zone.name}`, chain: `zone ${zone.name}`, baseChain: 'filter_INPUT', notes };
  const tryRich = (rules: FirewalldRichRule[], kinds: string[]): StageResult | undefined => {
    for (const rule of rules) {
      const action = rule.action;
      if (!action || !kinds.includes(action.kind) || action.kind === 'mark') continue;
      const m = richMatches(rule, pkt);
      let matched = m.result === true;
      const label = `firewalld zone ${zone.name} rich rule \`${rule.raw}\``;
      if (m.result === 'unknown') {
        matched = decider.matches({
          key: `firewalld|rich|${zone.name}|${rule.raw}`,
          label: `${label} (cannot evaluate: ${m.why.join('; ')})`,
        });
      }
      if (matched && action.limit !== undefined) {
        matched = !decider.matches({
          key: `firewalld|limit|${zone.name}|${rule.raw}`,
          label: `${label} (rate limit ${action.limit} exceeded)`,
        });
      }
      if (matched)
        return stageResult('firewalld', action.kind as 'accept' | 'drop' | 'reject', {
          ...base,
          rule: rule.raw,
          byPolicy: false,
        });
    }
    return undefined;
  };
  const sorted = (rules: FirewalldRichRule[]) => [...rules].sort((a, b) => a.priority - b.priority);
  const pre = sorted(zone.richRules.filter((r) => r.priority < 0));
  const zero = zone.richRules.filter((r) => r.priority === 0);
  const post = sorted(zone.richRules.filter((r) => r.priority > 0));

  const early = tryRich(pre, ['accept', 'drop', 'reject']) ?? tryRich(zero, ['drop', 'reject']);
  if (early) return early;
  for (const name of zone.services) {
    const s = serviceMatches(name, pkt);
    let matched = s.result === true;
    if (s.result === 'unknown') {
      matched = decider.matches({
        key: `firewalld|service|${zone.name}|${name}`,
        label: `firewalld zone ${zone.name} service ${name} (${s.why ?? ''})`,
      });
    }
    if (matched)
      return stageResult('firewalld', 'accept', { ...base, rule: `service ${name}`, byPolicy: false });
  }
  for (const port of zone.ports) {
    if (port.protocol === 'tcp' && pkt.dport >= port.ports.from && pkt.dport <= port.ports.to) {
      return stageResult('firewalld', 'accept', { ...base, rule: `port ${port.raw}`, byPolicy: false });
    }
  }
  if (zone.protocols.some((p) => p === 'tcp' || p === '6')) {
    return stageResult('firewalld', 'accept', { ...base, rule: 'protocol tcp', byPolicy: false });
  }
  for (const port of zone.sourcePorts) {
    if (port.protocol !== 'tcp') continue;
    const m = matchPorts(pkt.sport, [port.ports]);
    const matched =
      m === true ||
      (m === 'unknown' &&
        decider.matches({
          key: `firewalld|source-port|${zone.name}|${port.raw}`,
          label: `firewalld zone ${zone.name} source-port ${port.raw} (the source port is not known)`,
        }));
    if (matched)
      return stageResult('firewalld', 'accept', {
        ...base,
        rule: `source-port ${port.raw}`,
        byPolicy: false,
      });
  }
  const late = tryRich(zero, ['accept']) ?? tryRich(post, ['accept', 'drop', 'reject']);
  if (late) return late;
  const verdict = targetVerdict(zone.target);
  if (!verdict) notes.push(`firewalld zone ${zone.name}: unknown target ${zone.target}; assumed reject`);
  return stageResult('firewalld', verdict ?? 'reject', { ...base, byPolicy: true });
}
