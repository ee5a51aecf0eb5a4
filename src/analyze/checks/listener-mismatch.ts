// nginx dials an address and port no listening socket accepts: the backend listens on another port of that
// address (upstream-port-mismatch), on the same port at another address, such as loopback only or one
// family of localhost (upstream-address-mismatch), or nowhere at all (upstream-not-listening); on the nginx
// host or on an upstream host we could look inside. Runbook steps 1–3: "what listens, what does nginx point
// at, do they match". A backend on a unix socket of the nginx host instead is other-transport.ts's answer.
import type { Listener } from '../../model/facts.js';
import type { HostFacts } from '../../model/host-facts.js';
import type { Evidence } from '../../model/types.js';
import type { Endpoint, UpstreamTarget } from '../../model/upstream.js';
import { speaksOtherThan, speaksTo } from '../backend-kinds.js';
import { replaceOnLine } from '../edit.js';
import {
  accepts,
  formatEndpoint,
  isInfrastructure,
  isIPv6,
  isLoopback,
  listenersFor,
  processNames,
} from '../listeners.js';
import {
  type CheckContext,
  type Draft,
  configEvidence,
  describeUses,
  entriesFor,
  listenerEvidence,
  logEvidence,
  probeEvidence,
  probeFor,
} from './context.js';
import { socketInstead } from './other-transport.js';

/** Nothing accepts address:port on `on` (this host or a peer): port mismatch, address mismatch or nothing at all. */
export function notListening(
  ctx: CheckContext,
  target: UpstreamTarget,
  ep: Endpoint,
  address: string,
  port: number,
  on: HostFacts,
): Draft[] {
  const { facts } = ctx;
  const where = formatEndpoint(address, port);
  const remote = on !== facts;
  const hostNote = remote ? ` on ${on.target}` : '';
  const base: Evidence[] = [configEvidence(facts, ep.ref)];
  const logs = logEvidence(entriesFor(ctx, ep));
  const probe = probeEvidence(probeFor(facts, address, port));

  // Same port, other address: the app is bound to 127.0.0.1 while nginx dials the LAN IP, or the reverse.
  const samePort = on.listeners.filter(
    (l) => l.proto === 'tcp' && l.port === port && !isInfrastructure(l) && l.address !== undefined,
  );
  if (samePort.length > 0) {
    const l = samePort[0]!;
    const reachable = reachableAddress(l, on, facts, remote);
    const edit =
      reachable !== undefined
        ? replaceOnLine(
            facts.nginx.sources,
            ep.ref.file,
            ep.ref.line,
            hostToken(ep),
            addressToken(ep, reachable),
          )
        : undefined;
    return [
      {
        cause: 'upstream-address-mismatch',
        title: `nginx connects to ${where}, but ${processNames(l)} listens on ${formatEndpoint(l.address!, port)}${hostNote}`,
        detail:
          `Port ${port} is open${hostNote}, but only on ${l.address}: a connection to ${address} is refused. ` +
          (reachable !== undefined
            ? `Point nginx at ${formatEndpoint(reachable, port)}. `
            : `Make the backend listen on ${address} (or on all addresses) so nginx on ${facts.target} can reach it. `) +
          describeUses(target),
        evidence: [...base, listenerEvidence(l), ...logs, ...probe],
        fix: edit
          ? { summary: `Point the upstream at ${formatEndpoint(reachable!, port)}`, edit }
          : {
              summary: `Make ${processNames(l)}${hostNote} listen on ${address}:${port} (or 0.0.0.0:${port}), then restart it`,
            },
        ...(remote ? { host: on.target } : {}),
      },
    ];
  }

  // The directive's own kind of server on a unix socket beats a port whose owner does not speak it.
  const candidate = portCandidate(ctx, target, on, address, port);
  const socket =
    remote || (candidate && speaksTo(target.directive, candidate))
      ? undefined
      : socketInstead(ctx, target, ep, hostToken(ep), [...logs, ...probe]);
  if (socket) return [socket];
  if (candidate) {
    const edit = replaceOnLine(
      facts.nginx.sources,
      ep.ref.file,
      ep.ref.line,
      hostToken(ep),
      addressToken(ep, ep.host ?? address, candidate.port!),
    );
    return [
      {
        cause: 'upstream-port-mismatch',
        title: `nginx proxies to ${where}, but ${processNames(candidate)} listens on ${formatEndpoint(address, candidate.port!)}${hostNote}`,
        detail:
          `Nothing listens on ${where}${hostNote}, so every connection is refused and nginx answers 502. ` +
          `${processNames(candidate)} listens on port ${candidate.port} at that address and no other upstream points there: ` +
          `the config names the wrong port. ${describeUses(target)}`,
        evidence: [...base, listenerEvidence(candidate), ...logs, ...probe],
        fix: edit
          ? { summary: `Point the upstream at ${formatEndpoint(address, candidate.port!)}`, edit }
          : { summary: `Point the upstream at ${formatEndpoint(address, candidate.port!)}` },
        ...(remote ? { host: on.target } : {}),
      },
    ];
  }

  const service = on.services.find((s) => s.activeState !== 'active' && s.loadState === 'loaded');
  return [
    {
      cause: 'upstream-not-listening',
      title: `Nothing listens on ${where}${hostNote}`,
      detail:
        `No process${hostNote} listens on port ${port} at any address, so nginx's connections are refused and it answers 502: ` +
        `the backend is down or not installed.` +
        (service ? ` ${service.unit} is ${service.activeState} (${service.subState}).` : '') +
        ` ${describeUses(target)}`,
      evidence: [
        ...base,
        ...logs,
        ...probe,
        ...(service
          ? [
              {
                source: 'systemctl show',
                text: `${service.unit}: ActiveState=${service.activeState} SubState=${service.subState}${service.result ? ` Result=${service.result}` : ''}`,
              },
            ]
          : []),
      ],
      fix: {
        summary: service
          ? `Start ${service.unit}${hostNote} and find out why it stopped`
          : `Start the backend that should listen on ${where}${hostNote}`,
        commands: service
          ? [`systemctl start ${service.unit}`, `journalctl -u ${service.unit} -n 50`]
          : [`ss -tlnp`, `systemctl --failed`],
      },
      ...(remote ? { host: on.target } : {}),
    },
  ];
}

/** localhost resolves to 127.0.0.1 and ::1, and the backend listens on only one of them. */
export function localhostFamily(
  ctx: CheckContext,
  target: UpstreamTarget,
  ep: Endpoint,
  bad: string,
  good: string,
): Draft {
  const port = ep.port!;
  const l = listenersFor(ctx.facts.listeners, good, port)[0];
  const edit = replaceOnLine(
    ctx.facts.nginx.sources,
    ep.ref.file,
    ep.ref.line,
    hostToken(ep),
    addressToken(ep, good),
  );
  return {
    cause: 'upstream-address-mismatch',
    title: `"localhost" is ${good} and ${bad} to nginx, but the backend listens only on ${formatEndpoint(good, port)}`,
    detail:
      `nginx resolves localhost to both ${good} and ${bad} and uses them in turn. Connections to ${formatEndpoint(bad, port)} are refused: ` +
      `requests that cannot be retried (POST) get 502 and every other request pays a failed connect. ${describeUses(target)}`,
    evidence: [
      configEvidence(ctx.facts, ep.ref),
      ...(l ? [listenerEvidence(l)] : []),
      ...logEvidence(entriesFor(ctx, ep)),
    ],
    fix: edit
      ? { summary: `Use ${formatEndpoint(good, port)} instead of localhost`, edit }
      : { summary: `Use ${formatEndpoint(good, port)} instead of localhost` },
  };
}

/**
 * The probe from the nginx host is refused, and the upstream's host is not one we could look inside: nothing
 * listens there, or its firewall rejects the connection.
 */
export function refusedUnseen(
  ctx: CheckContext,
  target: UpstreamTarget,
  address: string,
  port: number,
  evidence: Evidence[],
): Draft {
  const { facts } = ctx;
  const where = formatEndpoint(address, port);
  return {
    cause: 'upstream-not-listening',
    title: `Nothing accepts connections on ${where}`,
    detail:
      `Connecting from ${facts.target} to ${where} is refused: nothing listens there, or a firewall on that host ` +
      `REJECTs it (${address} is not in the inventory, so we could not look). ${describeUses(target)}`,
    evidence,
    fix: {
      summary: `Start the backend on ${where} (or add its host to the inventory so we can look inside)`,
      commands: [`ssh ${address} 'ss -tlnp sport = :${port}'`],
    },
  };
}

/** For a listener on the right port but wrong address: which address should nginx use instead? */
function reachableAddress(l: Listener, on: HostFacts, from: HostFacts, remote: boolean): string | undefined {
  const bound = l.address!;
  if (!remote) {
    if (bound === '0.0.0.0' || bound === '*') return '127.0.0.1';
    if (bound === '::') return '::1';
    return bound;
  }
  // From another host only a non-loopback address of the peer will do.
  if (isLoopback(bound)) return undefined;
  if (bound === '0.0.0.0' || bound === '::' || bound === '*') return on.address;
  return from !== on ? bound : undefined;
}

/** A backend listening on another port of the same address, not known to speak another protocol: the likely intended target. */
function portCandidate(
  ctx: CheckContext,
  target: UpstreamTarget,
  on: HostFacts,
  address: string,
  port: number,
): Listener | undefined {
  // A port another upstream (of this nginx, or of another nginx instance on the host) points at is taken.
  const used = new Set([
    ...ctx.facts.upstreams
      .flatMap((t) => t.endpoints.map((e) => e.port))
      .filter((p): p is number => p !== undefined),
    ...(ctx.facts.nginx.siblingPorts ?? []),
  ]);
  const candidates = on.listeners.filter(
    (l) =>
      l.proto === 'tcp' &&
      l.port !== undefined &&
      l.port !== port &&
      !isInfrastructure(l) &&
      !used.has(l.port) &&
      // php-fpm's port is no fix for a proxy_pass (nor gunicorn's for a fastcgi_pass).
      !speaksOtherThan(target.directive, l) &&
      accepts(l, address, l.port),
  );
  // Prefer a port that looks like the intended one: closest number first.
  return candidates.sort((a, b) => Math.abs(a.port! - port) - Math.abs(b.port! - port))[0];
}

/** The text in the config line that names this endpoint's address: "127.0.0.1:8000", "[::1]:3000", "localhost". */
function hostToken(ep: Endpoint): string {
  const line = ep.ref.text;
  const host = ep.host ?? '';
  const bracketed = isIPv6(host) ? `[${host}]` : host;
  const withPort = `${bracketed}:${ep.port}`;
  return line.includes(withPort) ? withPort : bracketed;
}

function addressToken(ep: Endpoint, address: string, port = ep.port!): string {
  const host = isIPv6(address) ? `[${address}]` : address;
  return `${host}:${port}`;
}
