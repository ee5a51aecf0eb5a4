// The packet as the evaluator sees it, and three-valued matching of rule conditions against it: a condition
// matches, does not, or cannot be decided from what we know (then the evaluator explores both answers).
import type { Condition, FirewallRule, Packet, PortRange } from './types.js';
import { isLoopback, isMulticast, parseIp, specContains, type IpAddress } from './address.js';
import { portInRanges } from './ports.js';

export type Tri = boolean | 'unknown';

/** Linux's default net.ipv4.ip_local_port_range: where an unknown source port lies. */
export const EPHEMERAL_PORTS: PortRange = { from: 32768, to: 60999 };

export interface PacketView {
  family: 4 | 6;
  src: IpAddress;
  dst: IpAddress;
  dport: number;
  sport?: number;
  direction: 'input' | 'output';
  ctState: 'new' | 'established';
  /** Interface the packet came in on: a name, `undefined` = some interface that is not lo, `null` = none
   * (locally generated packets have no input interface). */
  iif: string | undefined | null;
  oif: string | undefined | null;
  loopback: boolean;
}

/** IPv4-mapped IPv6 (::ffff:a.b.c.d) is an IPv4 packet on the wire. */
function unmapped(ip: IpAddress): IpAddress {
  if (ip.family === 6 && ip.value >> 32n === 0xffffn) return { family: 4, value: ip.value & 0xffffffffn };
  return ip;
}

export function viewPacket(packet: Packet): PacketView | { error: string } {
  const src = parseIp(packet.src);
  const dst = parseIp(packet.dst);
  if (!src || !dst) return { error: `cannot read the packet's addresses ${packet.src} → ${packet.dst}` };
  const s = unmapped(src);
  const d = unmapped(dst);
  if (s.family !== d.family)
    return { error: `the packet mixes IPv4 and IPv6: ${packet.src} → ${packet.dst}` };
  const loopback = isLoopback(s) || isLoopback(d) || (s.value === d.value && packet.iif === undefined);
  const input = packet.direction === 'input';
  const view: PacketView = {
    family: s.family,
    src: s,
    dst: d,
    dport: packet.dport,
    direction: packet.direction,
    ctState: packet.ctState ?? 'new',
    iif: input ? (packet.iif ?? (loopback ? 'lo' : undefined)) : null,
    oif: input ? null : (packet.oif ?? (loopback ? 'lo' : undefined)),
    loopback: loopback || packet.iif === 'lo' || packet.oif === 'lo',
  };
  if (packet.sport !== undefined) view.sport = packet.sport;
  return view;
}

function not(v: Tri, negated: boolean): Tri {
  return v === 'unknown' ? v : v !== negated;
}

function wildcard(name: string, pattern: string): boolean {
  return pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}

export function matchInterface(actual: string | undefined | null, names: string[], negated: boolean): Tri {
  // No such interface on this hook (iif in OUTPUT): neither `==` nor `!=` can match.
  if (actual === null) return false;
  if (actual !== undefined)
    return not(
      names.some((n) => wildcard(actual, n)),
      negated,
    );
  // Some interface that is not lo: only a list of nothing but lo can be decided.
  if (names.every((n) => n === 'lo')) return not(false, negated);
  return 'unknown';
}

export function matchPorts(port: number | undefined, ranges: PortRange[]): Tri {
  if (port !== undefined) return portInRanges(port, ranges);
  // Unknown port: true when the ranges cover every ephemeral port, false when they cover none.
  const e = EPHEMERAL_PORTS;
  const clipped = ranges
    .map((r) => ({ from: Math.max(r.from, e.from), to: Math.min(r.to, e.to) }))
    .filter((r) => r.from <= r.to)
    .sort((a, b) => a.from - b.from);
  if (clipped.length === 0) return false;
  let next = e.from;
  for (const r of clipped) {
    if (r.from > next) return 'unknown';
    next = Math.max(next, r.to + 1);
  }
  return next > e.to ? true : 'unknown';
}

export function matchAddress(ip: IpAddress, specs: string[]): Tri {
  let unknown = false;
  for (const spec of specs) {
    const hit = specContains(spec, ip);
    if (hit === true) return true;
    if (hit === undefined) unknown = true;
  }
  return unknown ? 'unknown' : false;
}

function matchAddrType(pkt: PacketView, which: 'src' | 'dst', types: string[]): Tri {
  const ip = which === 'src' ? pkt.src : pkt.dst;
  const local =
    which === 'dst'
      ? pkt.direction === 'input' || isLoopback(ip)
      : pkt.direction === 'output' || isLoopback(ip);
  const broadcast = ip.family === 4 && ip.value === 0xffffffffn;
  let unknown = false;
  for (const t of types) {
    switch (t) {
      case 'LOCAL':
        if (local) return true;
        break;
      case 'UNICAST':
        if (!isMulticast(ip) && !broadcast) return true;
        break;
      case 'MULTICAST':
        if (isMulticast(ip)) return true;
        break;
      case 'BROADCAST':
        if (broadcast) return true;
        break;
      default:
        unknown = true;
    }
  }
  return unknown ? 'unknown' : false;
}

export function matchCondition(c: Condition, pkt: PacketView): Tri {
  switch (c.kind) {
    case 'protocol':
      return not(
        c.protocols.some((p) => p === 'tcp' || p === '6' || p === 'all' || p === '0'),
        c.negated,
      );
    case 'dport':
    case 'sport':
      if (c.protocol !== undefined && c.protocol !== 'tcp') return false;
      return not(matchPorts(c.kind === 'dport' ? pkt.dport : pkt.sport, c.ports), c.negated);
    case 'saddr':
    case 'daddr':
      if (c.family !== undefined && c.family !== pkt.family) return false;
      return not(matchAddress(c.kind === 'saddr' ? pkt.src : pkt.dst, c.addresses), c.negated);
    case 'iif':
      return matchInterface(pkt.iif, c.names, c.negated);
    case 'oif':
      return matchInterface(pkt.oif, c.names, c.negated);
    case 'ctstate':
      return not(c.states.includes(pkt.ctState), c.negated);
    case 'ctstatus': {
      // A new connection has no status bits yet; an established one is confirmed and has seen a reply. We never
      // model NAT, so dnat/snat do not match.
      if (pkt.ctState === 'new') return not(false, c.negated);
      if (c.statuses.some((s) => s === 'confirmed' || s === 'seen-reply')) return not(true, c.negated);
      if (c.statuses.includes('assured')) return 'unknown';
      return not(false, c.negated);
    }
    case 'family':
      return not(pkt.family === c.family, c.negated);
    case 'syn':
      return not(pkt.ctState === 'new', c.negated);
    case 'addrtype':
      return not(matchAddrType(pkt, c.which, c.types), c.negated);
    case 'rpfilter-fails':
      // We ask about packets that come in over the route back to their source.
      return not(false, c.negated);
    case 'fragment':
      return not(false, c.negated);
    case 'exthdr':
      return false;
    case 'unknown':
      return 'unknown';
  }
}

/** All conditions, Kleene-AND: one false decides; otherwise one unknown makes it unknown. */
export function matchRule(rule: FirewallRule, pkt: PacketView): { result: Tri; unknown: string[] } {
  let result: Tri = true;
  const unknown: string[] = [];
  for (const c of rule.conditions) {
    const m = matchCondition(c, pkt);
    if (m === false) return { result: false, unknown: [] };
    if (m === 'unknown') {
      result = 'unknown';
      unknown.push(describeCondition(c));
    }
  }
  return { result, unknown };
}

function describeCondition(c: Condition): string {
  switch (c.kind) {
    case 'unknown':
      return c.text;
    case 'iif':
    case 'oif':
      return `${c.kind} ${c.negated ? '!= ' : ''}${c.names.join(',')} (the packet's interface is not known)`;
    case 'sport':
      return `source port ${c.negated ? 'not ' : ''}in ${c.ports.map((p) => (p.from === p.to ? p.from : `${p.from}-${p.to}`)).join(',')} (the source port is not known)`;
    case 'saddr':
    case 'daddr':
      return `${c.kind} ${c.addresses.join(',')} (unreadable address)`;
    default:
      return c.kind;
  }
}
