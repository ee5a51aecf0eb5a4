// nginx and its backend disagree about the transport, not the backend: the config names a TCP address
// where nothing listens while the backend (php-fpm, gunicorn, uwsgi, puma…) listens on a unix socket, or it
// names a unix socket that does not exist while the backend listens on TCP. The runbook's "TCP vs socket"
// case; the fix is the one-line edit that points nginx at what listens. The other side is offered only when
// it is the one plausible place: a server that speaks what the directive sends (backend-kinds.ts), on the
// nginx host, that no upstream of the config already points at (that is another site's pool), and for a
// socket, a path that may be trusted (socket-trust.ts). Anything less certain stays "nothing listens".
import type { Listener } from '../../model/facts.js';
import type { Evidence } from '../../model/types.js';
import type { Endpoint, UpstreamTarget } from '../../model/upstream.js';
import { speaksTo } from '../backend-kinds.js';
import { replaceOnLine, sourceLine } from '../edit.js';
import { formatEndpoint, processNames } from '../listeners.js';
import { type CheckContext, type Draft, configEvidence, describeUses, listenerEvidence } from './context.js';
import { PLAIN_PATH, inSharedDir } from './socket-trust.js';

/**
 * Nothing listens on the TCP endpoint nginx dials on its own host (`token` is how the config line writes
 * it): the one socket of a server speaking the directive's protocol that no upstream uses, as the fix.
 */
export function socketInstead(
  ctx: CheckContext,
  target: UpstreamTarget,
  ep: Endpoint,
  token: string,
  more: Evidence[],
): Draft | undefined {
  const { facts } = ctx;
  if (!plainTransport(target)) return undefined;
  const used = new Set(allEndpoints(ctx).map((e) => e.path));
  const sockets = facts.listeners.filter(
    (l): l is Listener & { path: string } =>
      l.proto === 'unix' &&
      l.path !== undefined &&
      !used.has(l.path) &&
      !inSharedDir(l.path) &&
      // proxy_pass ends a socket path at the next ':', so a path holding one cannot be written there.
      PLAIN_PATH.test(l.path) &&
      !l.path.includes(':') &&
      speaksTo(target.directive, l),
  );
  if (sockets.length !== 1) return undefined;
  const socket = sockets[0]!;
  const line = sourceLine(facts.nginx.sources, ep.ref.file, ep.ref.line) ?? '';
  // A URI after the address (proxy_pass http://127.0.0.1:8000/api/) is set off from a socket path by ':'.
  const uriFollows = line.includes(`${token}/`);
  const edit = replaceOnLine(
    facts.nginx.sources,
    ep.ref.file,
    ep.ref.line,
    token,
    `unix:${socket.path}${uriFollows ? ':' : ''}`,
  );
  const name = processNames(socket);
  return {
    cause: 'upstream-address-mismatch',
    title: `nginx connects to ${token}, but ${name} listens on the unix socket ${socket.path}`,
    detail:
      `Nothing listens on ${token}, so every connection is refused and nginx answers 502. ` +
      `${name} serves ${socket.path} instead, and no other upstream points there: the config names a TCP ` +
      `address where the backend listens on a unix socket. ${describeUses(target)}`,
    evidence: [configEvidence(facts, ep.ref), listenerEvidence(socket), ...more],
    fix: edit
      ? { summary: `Point the upstream at unix:${socket.path}`, edit }
      : { summary: `Point the upstream at unix:${socket.path}` },
  };
}

/**
 * The unix socket nginx connects to does not exist: the one TCP port on the nginx host where a server
 * speaking the directive's protocol listens and that no upstream names, as the fix. `known` is the
 * evidence already gathered about the missing socket (the config line, its stat, the log lines).
 */
export function portInstead(
  ctx: CheckContext,
  target: UpstreamTarget,
  ep: Endpoint,
  known: Evidence[],
): Draft | undefined {
  const { facts } = ctx;
  if (!plainTransport(target)) return undefined;
  const usedPorts = new Set(allEndpoints(ctx).map((e) => e.port));
  const listeners = facts.listeners.filter(
    (l) =>
      l.proto === 'tcp' &&
      l.port !== undefined &&
      l.address !== undefined &&
      !usedPorts.has(l.port) &&
      speaksTo(target.directive, l),
  );
  // One server often listens on both families (0.0.0.0 and ::): it is one candidate, and IPv4 reads best.
  if (new Set(listeners.map((l) => l.port)).size !== 1) return undefined;
  const listener = listeners.find((l) => l.family === 'inet') ?? listeners[0]!;
  const where = formatEndpoint(dialAddress(listener.address!), listener.port);
  const path = ep.path!;
  const line = sourceLine(facts.nginx.sources, ep.ref.file, ep.ref.line) ?? '';
  // proxy_pass http://unix:/run/app.sock:/api/ → http://127.0.0.1:8000/api/: the ':' goes with the path.
  const from = `unix:${path}${line.includes(`unix:${path}:`) ? ':' : ''}`;
  const edit = replaceOnLine(facts.nginx.sources, ep.ref.file, ep.ref.line, from, where);
  const name = processNames(listener);
  return {
    cause: 'unix-socket-missing',
    title: `nginx connects to ${path}, but ${name} listens on ${where}`,
    detail:
      `${path} does not exist, so connect() fails and nginx answers 502. ${name} listens on TCP ${where} ` +
      `instead, and no other upstream points there: the config names a unix socket where the backend listens ` +
      `on TCP. ${describeUses(target)}`,
    evidence: [...known.slice(0, 1), listenerEvidence(listener), ...known.slice(1)],
    fix: edit
      ? { summary: `Point the upstream at ${where}`, edit }
      : { summary: `Point the upstream at ${where}` },
  };
}

/**
 * The protocol a backend process speaks says something only for http's plain transports: a stream
 * proxy_pass forwards bytes of any protocol, and https:// or suwsgi:// wrap it in TLS, which a socket
 * seldom speaks.
 */
function plainTransport(target: UpstreamTarget): boolean {
  const plain = target.scheme === undefined || target.scheme === 'http' || target.scheme === 'uwsgi';
  return plain && target.uses.every((u) => u.context === 'http');
}

function allEndpoints(ctx: CheckContext): Endpoint[] {
  return ctx.facts.upstreams.flatMap((t) => t.endpoints);
}

/** The address nginx on the same host dials to reach a listener bound to `bound`. */
function dialAddress(bound: string): string {
  if (bound === '0.0.0.0' || bound === '*') return '127.0.0.1';
  if (bound === '::') return '::1';
  return bound.startsWith('::ffff:') ? bound.slice('::ffff:'.length) : bound;
}
