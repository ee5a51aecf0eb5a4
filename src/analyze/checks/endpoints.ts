// Every endpoint of every upstream nginx uses, asked in the runbooks' order (steps 1–4: what listens,
// what does nginx point at, do they match, does the firewall let it through). A unix socket goes to
// unix-sockets.ts; a TCP address to the listeners of the host that owns it (listener-mismatch.ts) and to
// the firewalls on the way (firewall-blocks.ts). Here is decided which of them speaks for an address, and
// how severe a finding is given the target's other servers.
import type { Finding } from '../../model/types.js';
import { isLoopback, listenersFor } from '../listeners.js';
import type { Endpoint, UpstreamTarget } from '../../model/upstream.js';
import {
  type CheckContext,
  type Draft,
  configEvidence,
  entriesFor,
  logEvidence,
  probeEvidence,
  probeFor,
} from './context.js';
import {
  blockedArriving,
  blockedLeaving,
  blockedLocally,
  firewallDraft,
  unreachableDraft,
} from './firewall-blocks.js';
import { localhostFamily, notListening, refusedUnseen } from './listener-mismatch.js';
import { unixSocketFindings } from './unix-sockets.js';

/** Findings per endpoint, and the targets they show to be down (whose log symptoms are then secondary). */
export function endpointFindings(ctx: CheckContext): { findings: Finding[]; down: Set<UpstreamTarget> } {
  const findings: Finding[] = [];
  const down = new Set<UpstreamTarget>();
  for (const target of ctx.facts.upstreams) {
    const live = target.endpoints.filter((ep) => !ep.down);
    const drafts = live.map((ep) =>
      ep.kind === 'unix' ? unixSocketFindings(ctx, target, ep) : tcpFindings(ctx, target, ep),
    );
    // nginx tries the next server on a refused or timed-out connect (backups last), so a 502 needs every
    // server to fail; one dead server of several is a warning.
    const allFail = drafts.length > 0 && drafts.every((d) => d.length > 0);
    if (allFail) down.add(target);
    drafts.forEach((ds, i) => {
      for (const d of ds) {
        // A localhost whose one family is missing fails every request that cannot be retried (POST), so it
        // is critical even though the other address works.
        const familyMismatch = d.cause === 'upstream-address-mismatch' && live[i]!.host === 'localhost';
        findings.push({ ...d, severity: allFail || familyMismatch ? 'critical' : 'warning' });
      }
    });
  }
  return { findings, down };
}

function tcpFindings(ctx: CheckContext, target: UpstreamTarget, ep: Endpoint): Draft[] {
  const { facts } = ctx;
  if (ep.port === undefined) return [];
  // What the host's resolver said wins over our defaults (a /etc/hosts without ::1 localhost is common).
  const addresses =
    (ep.host !== undefined && facts.resolved[ep.host]) || (ep.needsResolution ? [] : ep.addresses);
  // Hostnames that do not resolve are the resolver checks' business.
  const drafts: Draft[] = [];
  const failing = new Map<string, Draft[]>();
  for (const address of addresses) {
    const local = isLoopback(address) || facts.addresses.includes(address);
    const d = local
      ? localTcp(ctx, target, ep, address, ep.port)
      : remoteTcp(ctx, target, ep, address, ep.port);
    if (d.length > 0) failing.set(address, d);
  }
  // localhost → 127.0.0.1 and ::1: one family listening and the other not is an address mismatch of its own.
  if (ep.host === 'localhost' && failing.size === 1 && addresses.length === 2) {
    const [bad] = [...failing.keys()];
    const good = addresses.find((a) => a !== bad)!;
    drafts.push(localhostFamily(ctx, target, ep, bad!, good));
    return drafts;
  }
  for (const d of failing.values()) drafts.push(...d);
  return dedupe(drafts);
}

function dedupe(drafts: Draft[]): Draft[] {
  const seen = new Set<string>();
  return drafts.filter((d) => (seen.has(d.title) ? false : (seen.add(d.title), true)));
}

function localTcp(
  ctx: CheckContext,
  target: UpstreamTarget,
  ep: Endpoint,
  address: string,
  port: number,
): Draft[] {
  const { facts } = ctx;
  if (listenersFor(facts.listeners, address, port).length > 0) {
    const blocked = blockedLocally(facts, address, port);
    return blocked ? [firewallDraft(ctx, target, ep, address, port, blocked, facts)] : [];
  }
  return notListening(ctx, target, ep, address, port, facts);
}

function remoteTcp(
  ctx: CheckContext,
  target: UpstreamTarget,
  ep: Endpoint,
  address: string,
  port: number,
): Draft[] {
  const { facts } = ctx;
  const probe = probeFor(facts, address, port);
  const out = blockedLeaving(facts, address, port);
  if (out) return [firewallDraft(ctx, target, ep, address, port, out, facts)];

  const peer = facts.peers[address];
  if (peer) {
    if (listenersFor(peer.listeners, address, port).length === 0) {
      return notListening(ctx, target, ep, address, port, peer);
    }
    const into = blockedArriving(facts, peer, address, port);
    if (into) return [firewallDraft(ctx, target, ep, address, port, into, peer)];
  }
  if (!probe || probe.outcome === 'ok') return [];
  const evidence = [
    configEvidence(facts, ep.ref),
    ...probeEvidence(probe),
    ...logEvidence(entriesFor(ctx, ep)),
  ];
  if (probe.outcome === 'refused' && !peer) return [refusedUnseen(ctx, target, address, port, evidence)];
  if (probe.outcome === 'timeout' || probe.outcome === 'no-route') {
    return [unreachableDraft(ctx, target, address, port, probe.outcome, peer, evidence)];
  }
  return [];
}
