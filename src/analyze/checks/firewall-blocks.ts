// The packets nginx sends to a TCP upstream do not get through: a firewall on the nginx host (OUTPUT, or
// INPUT on lo for a local backend) or on the upstream host (INPUT, when it is a peer we could look inside)
// drops or rejects them; or, when every firewall we can read lets them through and the probe still gets no
// answer, something on the path between does. Runbook step 4: "does the firewall let it through". The fix names
// the host to run it on, and its commands are only those the evaluator proved let the same packet through
// (src/firewall/allow.ts); otherwise the fix says why it offers none.
import type { FirewallAnswer, HostFacts, PacketQuestion } from '../../model/host-facts.js';
import type { Evidence } from '../../model/types.js';
import type { Endpoint, UpstreamTarget } from '../../model/upstream.js';
import { formatEndpoint, isIPv6, isLoopback } from '../listeners.js';
import {
  type CheckContext,
  type Draft,
  configEvidence,
  describeUses,
  entriesFor,
  logEvidence,
  probeEvidence,
  probeFor,
} from './context.js';

/** A packet nginx sends that a firewall does not let through, and what that firewall said about it. */
export interface Blocked {
  packet: PacketQuestion;
  answer: FirewallAnswer;
}

/** Local traffic (loopback or the host's own address) leaves through OUTPUT and arrives through INPUT on lo. */
export function blockedLocally(facts: HostFacts, address: string, port: number): Blocked | undefined {
  const src = address;
  for (const direction of ['output', 'input'] as const) {
    const answer = blocked(facts, {
      src,
      dst: address,
      dport: port,
      direction,
      ...(direction === 'input' ? { iif: 'lo' } : { oif: 'lo' }),
    });
    if (answer) return answer;
  }
  return undefined;
}

/** Traffic to another host leaves the nginx host through OUTPUT, from the address that faces it. */
export function blockedLeaving(facts: HostFacts, address: string, port: number): Blocked | undefined {
  return blocked(facts, {
    src: sourceAddress(facts, address),
    dst: address,
    dport: port,
    direction: 'output',
  });
}

/** Traffic to an upstream host we could look inside (a peer) arrives through its INPUT, from that source. */
export function blockedArriving(
  facts: HostFacts,
  peer: HostFacts,
  address: string,
  port: number,
): Blocked | undefined {
  return blocked(peer, { src: sourceAddress(facts, address), dst: address, dport: port, direction: 'input' });
}

/** What the firewall on `on` does with the packet, when it does not let it through. */
function blocked(on: HostFacts, packet: PacketQuestion): Blocked | undefined {
  const answer = on.firewall.check(packet);
  return answer.verdict !== 'accept' ? { packet, answer } : undefined;
}

/** The firewall on `on` (the nginx host or the upstream's) drops or rejects nginx's connections. */
export function firewallDraft(
  ctx: CheckContext,
  target: UpstreamTarget,
  ep: Endpoint,
  address: string,
  port: number,
  { packet, answer }: Blocked,
  on: HostFacts,
): Draft {
  const where = formatEndpoint(address, port);
  const remote = on !== ctx.facts;
  const verb = answer.verdict === 'reject' ? 'rejects' : 'drops';
  const rule = answer.rule ?? `${answer.chain ?? ''} policy ${answer.verdict.toUpperCase()}`.trim();
  const effect =
    answer.verdict === 'reject'
      ? 'nginx sees "connection refused" at once'
      : 'nginx waits for proxy_connect_timeout and logs "upstream timed out"';
  const evidence: Evidence[] = [
    configEvidence(ctx.facts, ep.ref),
    { source: answer.firewall, text: rule },
    ...probeEvidence(probeFor(ctx.facts, address, port)),
    ...logEvidence(entriesFor(ctx, ep)),
  ];
  const hostName = remote ? on.target : ctx.facts.target;
  // Only commands whose rules, put in place, make the evaluator let this very packet through.
  const allow = on.firewall.allow(packet);
  const traffic =
    packet.direction === 'output'
      ? `out to ${packet.dst}`
      : `in from ${remote ? `nginx on ${ctx.facts.target} (${packet.src})` : `${packet.src} on lo`}`;
  return {
    cause: 'firewall-blocks-upstream',
    title: `The firewall on ${hostName} ${verb} nginx's connections to ${where}`,
    detail:
      `${answer.summary}. Something listens on ${where}, but the ${answer.firewall} ${answer.byPolicy ? 'policy' : 'rule'} ` +
      `${verb} the traffic, so ${effect} and answers 502. ${describeUses(target)}` +
      (answer.uncertain?.length ? ` Rules we could not fully evaluate: ${answer.uncertain.join('; ')}.` : ''),
    evidence,
    fix: {
      summary:
        `On ${hostName}: allow TCP ${port} ${traffic}, above the rule that ${verb} it` +
        (allow.ok ? '' : ` (no command offered: ${allow.error})`),
      ...(allow.ok ? { commands: allow.value } : {}),
    },
    ...(remote ? { host: on.target } : {}),
  };
}

/** The nginx host's address that faces `address`: the one sharing the longest prefix with it. */
function sourceAddress(facts: HostFacts, address: string): string {
  const candidates = facts.addresses.filter((a) => isIPv6(a) === isIPv6(address) && !isLoopback(a));
  const common = (a: string) => {
    let i = 0;
    while (i < a.length && a[i] === address[i]) i++;
    return i;
  };
  return candidates.sort((a, b) => common(b) - common(a))[0] ?? facts.address;
}

/**
 * The nginx host's probe times out or finds no route, and no firewall we can read (on the nginx host, or
 * on the upstream host when it is a peer) explains it: something on the path between does.
 */
export function unreachableDraft(
  ctx: CheckContext,
  target: UpstreamTarget,
  address: string,
  port: number,
  outcome: 'timeout' | 'no-route',
  peer: HostFacts | undefined,
  evidence: Evidence[],
): Draft {
  const { facts } = ctx;
  const where = formatEndpoint(address, port);
  const src = sourceAddress(facts, address);
  const peerNote = peer ? ` ${peer.target}'s firewall accepts the traffic and something listens there,` : '';
  return {
    cause: 'upstream-unreachable',
    title: `${facts.target} cannot reach ${where}: ${outcome === 'timeout' ? 'connections time out' : 'no route to host'}`,
    detail:
      `Packets to ${where} get no answer.${peerNote} and no firewall rule we can see on ${facts.target} explains it: ` +
      `look at the network path (routing, a cloud security group, a firewall in between). ${describeUses(target)}`,
    evidence,
    fix: {
      summary: `Open the network path from ${src} to ${where} (security group / network ACL / routing)`,
      commands: [`ip route get ${address}`, `traceroute -T -p ${port} ${address}`],
    },
  };
}
