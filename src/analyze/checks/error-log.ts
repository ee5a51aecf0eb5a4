// Causes that only nginx's error log can show (runbook step 7): the backend accepted the connection and then
// misbehaved — closed it, answered too slowly, sent headers too big, spoke another protocol — plus the
// "no live upstreams" errors, and SELinux's refusals (a variable upstream's resolver: variable-upstreams.ts).
import type { ErrorLogEntry, ErrorLogKind } from '../../model/facts.js';
import type { Cause, Evidence, Finding, Fix, Severity } from '../../model/types.js';
import { insertAfterLine, replaceLine } from '../edit.js';
import { entryMatchesEndpoint, entryMatchesTarget } from '../log-match.js';
import { formatEndpoint, listenersFor } from '../listeners.js';
import { unixListenersAt } from '../socket-paths.js';
import { inEffect, refOf, sibling } from '../../read/upstreams.js';
import { type UpstreamTarget } from '../../model/upstream.js';
import {
  type CheckContext,
  configEvidence,
  describeUses,
  listenerEvidence,
  logEvidence,
  passEvidence,
} from './context.js';
import { tlsDetail, tlsFix, tlsProblem, tlsSetting } from './tls-handshake.js';

/** The directive family of the pass directive: proxy_, fastcgi_, uwsgi_, scgi_, grpc_. */
function family(target: UpstreamTarget): string {
  return target.directive.replace(/_pass$/, '');
}

function targetEntries(ctx: CheckContext, target: UpstreamTarget, kinds: ErrorLogKind[]): ErrorLogEntry[] {
  // "NAME could not be resolved" for a variable upstream: variable-upstreams.ts, with the line that set NAME.
  return ctx.recent.filter(
    (e) => kinds.includes(e.kind) && entryMatchesTarget(e, target, ctx.facts.resolved),
  );
}

interface LogCause {
  cause: Cause;
  kinds: ErrorLogKind[];
  /** The directive whose value is part of the story (its line is evidence when set). */
  setting?: (t: UpstreamTarget, entries: ErrorLogEntry[]) => string | undefined;
  title: (t: UpstreamTarget, entries: ErrorLogEntry[]) => string;
  detail: (t: UpstreamTarget, entries: ErrorLogEntry[]) => string;
  fix: (ctx: CheckContext, t: UpstreamTarget, entries: ErrorLogEntry[]) => Fix;
}

const LOG_CAUSES: LogCause[] = [
  {
    cause: 'upstream-ssl-handshake-failed',
    kinds: ['ssl-handshake'],
    title: (t, es) =>
      tlsProblem(es) === 'sni-required'
        ? `The backend behind ${t.id} requires SNI, and nginx sends no server name`
        : `The TLS handshake with ${t.id} fails`,
    detail: tlsDetail,
    setting: tlsSetting,
    fix: tlsFix,
  },
  {
    cause: 'upstream-protocol-mismatch',
    kinds: ['http2-protocol'],
    title: (t) => `The backend behind ${t.id} does not speak HTTP/2, which ${t.directive} needs`,
    detail: (t) =>
      `${t.directive} speaks HTTP/2 (gRPC) to the backend, and what came back is no HTTP/2 frame ` +
      `("upstream sent too large http2 frame" is an HTTP/1 answer read as a frame header): the port serves HTTP/1.x, ` +
      'or another protocol.',
    fix: (ctx, t) => {
      const use = t.uses[0]!;
      const edit =
        t.directive === 'grpc_pass'
          ? replaceLine(ctx.facts.nginx.sources, use.ref.file, use.ref.line, [
              `proxy_pass http://${t.id.replace(/^grpcs?:\/\//, '')};`,
            ])
          : undefined;
      return {
        summary:
          t.directive === 'grpc_pass'
            ? 'Point grpc_pass at the gRPC (HTTP/2) port of the backend, or proxy its HTTP/1 port with proxy_pass http://'
            : 'Point the pass directive at a backend that speaks HTTP/2',
        ...(edit ? { edit } : {}),
      };
    },
  },
  {
    cause: 'upstream-protocol-mismatch',
    kinds: ['invalid-header'],
    title: (t) => `The backend behind ${t.id} does not answer in the protocol nginx speaks to it`,
    detail: (t) =>
      `nginx sends ${t.directive === 'proxy_pass' ? 'HTTP' : family(t).toUpperCase()} but gets something else back ` +
      `("upstream sent no valid header"): the port belongs to another kind of service, or it expects ` +
      `${t.directive === 'proxy_pass' ? 'FastCGI (use fastcgi_pass) or TLS (use https://)' : 'HTTP (use proxy_pass)'}.`,
    fix: () => ({
      summary:
        'Use the pass directive that matches the backend (proxy_pass for HTTP, fastcgi_pass for php-fpm, https:// for TLS)',
    }),
  },
  {
    cause: 'upstream-invalid-response',
    kinds: ['invalid-response'],
    title: (t) => `The backend behind ${t.id} sends malformed responses`,
    detail: () =>
      'The backend speaks the right protocol, but nginx rejects what it sends (an invalid header line, a broken chunked ' +
      'body, a Content-Length it does not keep, or both Content-Length and Transfer-Encoding): a bug in the ' +
      'application or a proxy in front of it.',
    fix: () => ({
      summary:
        "Fix the backend's response (the log names what is wrong with it); nginx cannot pass it on as it is",
    }),
  },
  {
    cause: 'upstream-url-invalid',
    kinds: ['invalid-url'],
    title: (t) => `The address of ${t.id} is not a URL nginx can use when the request comes`,
    detail: () =>
      'The pass directive builds its address from variables, and for these requests they gave something nginx cannot ' +
      'connect to ("invalid URL prefix": no http:// or an empty value; "no port in upstream"), so it answers 500/502.',
    fix: (_ctx, t) => ({
      summary: `Make the variables in ${t.uses[0]!.ref.text.trim()} always give a full URL (scheme://host:port), with a default in the map or set`,
    }),
  },
  {
    cause: 'upstream-header-too-big',
    kinds: ['header-too-big'],
    title: (t) => `The backend behind ${t.id} sends response headers bigger than nginx's buffer`,
    detail: (t) =>
      `nginx reads the response header into ${family(t)}_buffer_size (4k or 8k by default); the backend's headers ` +
      `(often large cookies or a long Location/Link header) do not fit, so nginx gives up with 502.`,
    setting: (t) => `${family(t)}_buffer_size`,
    fix: (ctx, t) => {
      const f = family(t);
      const pass = t.uses[0]!.node;
      const summary = `Raise ${f}_buffer_size to 64k (and ${f}_buffers to match)`;
      // buffer_size must fit the header, and busy_buffers_size must stay below all buffers minus one, which
      // nginx -t checks: set the three together. A second copy of a directive in one block fails nginx -t,
      // so an existing buffer_size line is replaced; if the others are set here too, we leave it to a human.
      if (sibling(pass, `${f}_buffers`) || sibling(pass, `${f}_busy_buffers_size`)) return { summary };
      const directives = [`${f}_buffer_size 64k;`, `${f}_buffers 8 64k;`, `${f}_busy_buffers_size 128k;`];
      const existing = sibling(pass, `${f}_buffer_size`);
      const sources = ctx.facts.nginx.sources;
      const edit = existing
        ? replaceLine(sources, existing.file, existing.line, directives)
        : insertAfterLine(sources, pass.file, pass.line, directives);
      return { summary, ...(edit ? { edit } : {}) };
    },
  },
  {
    cause: 'upstream-closed-connection',
    kinds: ['prematurely-closed', 'reset-by-peer'],
    title: (t) => `The backend behind ${t.id} accepts connections and then closes them`,
    detail: (t, es) =>
      `nginx connects, sends the request, and the backend ${es.some((e) => e.kind === 'reset-by-peer') ? 'resets the connection' : 'closes the connection before a full response'}: ` +
      `it crashes on the request, hits its own limit (worker timeout, max body size), or speaks another protocol on that port.`,
    fix: () => ({
      summary: "Look at the backend's own log at the times of these errors: it is failing on these requests",
      commands: ['journalctl -u <backend> --since "-15min"'],
    }),
  },
  {
    cause: 'upstream-timeout',
    kinds: ['read-timeout'],
    title: (t) => `The backend behind ${t.id} answers too slowly (nginx gives up: 504)`,
    detail: (t) =>
      `nginx connected but got no response within ${family(t)}_read_timeout (60s by default): the backend is overloaded, ` +
      `stuck on a slow dependency (database, external API), or the request is legitimately long.`,
    setting: (t) => `${family(t)}_read_timeout`,
    fix: (_ctx, t) => ({
      summary: `Find what makes the backend slow; raise ${family(t)}_read_timeout only for routes that are slow by design`,
    }),
  },
  {
    cause: 'upstream-host-not-found',
    kinds: ['host-not-found'],
    title: (t) => `nginx cannot resolve the upstream host of ${t.id}`,
    detail: () =>
      'The name does not resolve (NXDOMAIN or no answer) with the resolver nginx uses, so there is nowhere to connect.',
    fix: () => ({ summary: 'Fix the name in the config or add it to DNS / /etc/hosts' }),
  },
  {
    cause: 'no-live-upstreams',
    kinds: ['no-live-upstreams'],
    title: (t) => `Every server of upstream ${t.group?.name ?? t.id} is marked failed ("no live upstreams")`,
    detail: (t) =>
      `After max_fails failures within fail_timeout nginx stops trying a server for fail_timeout; all servers of ` +
      `${t.group?.name ?? t.id} are in that state, so nginx answers 502 without connecting at all. ` +
      'When the servers are up again it recovers by itself after fail_timeout (10s by default), or at once on reload.',
    fix: () => ({
      summary: 'Bring the servers back (see the other findings); a reload clears the failed marks at once',
      commands: ['nginx -t && systemctl reload nginx'],
    }),
  },
];

/** The config lines a log finding is about: the servers the log names, the group, the setting, the pass. */
function configEvidenceFor(
  ctx: CheckContext,
  target: UpstreamTarget,
  entries: ErrorLogEntry[],
  lc: LogCause,
): Evidence[] {
  const endpoints = target.endpoints.filter((ep) =>
    entries.some((e) => entryMatchesEndpoint(e, ep, ctx.facts.resolved)),
  );
  const name = lc.setting?.(target, entries);
  const setting = name ? inEffect(target.uses[0]!.node, name) : undefined;
  const refs = [
    ...(target.group && endpoints.length === 0 ? [target.group.ref] : []),
    ...endpoints.map((ep) => ep.ref),
    ...(setting ? [refOf(setting)] : []),
    target.uses[0]!.ref,
  ];
  const seen = new Set<string>();
  return refs
    .filter((r) => (seen.has(`${r.file}:${r.line}`) ? false : (seen.add(`${r.file}:${r.line}`), true)))
    .map((r) => configEvidence(ctx.facts, r));
}

/**
 * The kinds of a failed connect, which the endpoint checks explain by asking the host (listeners, sockets,
 * firewalls, SELinux), with the causes they give; the log alone does not say which one it is.
 */
const HOST_CHECKED: Partial<Record<ErrorLogKind, Cause[]>> = {
  'connect-refused': [
    'upstream-not-listening',
    'upstream-port-mismatch',
    'upstream-address-mismatch',
    'firewall-blocks-upstream',
  ],
  'no-route': ['upstream-unreachable', 'firewall-blocks-upstream'],
  'connect-timeout': ['upstream-unreachable', 'firewall-blocks-upstream'],
  'unix-socket-missing': ['unix-socket-missing'],
  'unix-socket-permission': ['unix-socket-permission'],
  'selinux-denied': ['selinux-denies-connect'],
  'backlog-full': ['upstream-backlog-full'],
  'no-resolver': ['resolver-missing'],
};

/** The causes an error-log line of this kind can end in (the table of nginx's messages is checked against it). */
export function causesOfKind(kind: ErrorLogKind): Cause[] {
  return [
    ...LOG_CAUSES.filter((lc) => lc.kinds.includes(kind)).map((lc) => lc.cause),
    ...(HOST_CHECKED[kind] ?? []),
  ];
}

export function errorLogFindings(ctx: CheckContext, explained: Set<UpstreamTarget>): Finding[] {
  const findings: Finding[] = [];
  for (const target of ctx.facts.upstreams) {
    for (const lc of LOG_CAUSES) {
      const entries = targetEntries(ctx, target, lc.kinds);
      if (entries.length === 0) continue;
      // When an endpoint finding already explains this target, its log symptoms are secondary.
      // So are warnings alone (a duplicate header nginx ignored): nginx answered the request all the same.
      const onlyWarnings = entries.every(
        (e) => e.level === 'warn' || e.level === 'notice' || e.level === 'info',
      );
      const severity: Severity = explained.has(target) || onlyWarnings ? 'warning' : 'critical';
      findings.push({
        cause: lc.cause,
        severity,
        title: lc.title(target, entries),
        detail: `${lc.detail(target, entries)} ${entries.length} such error${entries.length === 1 ? '' : 's'} in the last 30 minutes. ${describeUses(target)}`,
        evidence: [...configEvidenceFor(ctx, target, entries, lc), ...logEvidence(entries)],
        fix: lc.fix(ctx, target, entries),
      });
    }
  }
  return findings;
}

/** SELinux (Red Hat family) lets nginx connect only to "http ports" unless httpd_can_network_connect is on. */
export function selinuxDenies(ctx: CheckContext): Finding[] {
  const { selinux } = ctx.facts;
  if (!selinux || selinux.mode !== 'enforcing' || selinux.booleans.httpd_can_network_connect !== false)
    return [];
  const tcpTargets = ctx.facts.upstreams.filter((t) => t.endpoints.some((e) => e.kind === 'tcp'));
  if (tcpTargets.length === 0) return [];
  const denied = ctx.recent.filter((e) => e.kind === 'selinux-denied');
  return [
    {
      cause: 'selinux-denies-connect',
      severity: denied.length > 0 ? 'critical' : 'warning',
      title: 'SELinux forbids nginx to connect to its upstreams (httpd_can_network_connect is off)',
      detail:
        'SELinux is enforcing and the boolean httpd_can_network_connect is off, so nginx may only connect to ports ' +
        'labelled http_port_t; connect() to anything else fails with "13: Permission denied".',
      evidence: [{ source: 'getsebool', text: selinux.raw.trim() }, ...logEvidence(denied)],
      fix: {
        summary: 'Allow nginx to make network connections',
        commands: ['setsebool -P httpd_can_network_connect 1'],
      },
    },
  ];
}

/** A listener whose accept queue is full refuses (unix: EAGAIN) or drops new connections. */
export function backlogFull(ctx: CheckContext): Finding[] {
  const findings: Finding[] = [];
  for (const target of ctx.facts.upstreams) {
    for (const ep of target.endpoints) {
      const listeners =
        ep.kind === 'unix'
          ? unixListenersAt(ctx.facts, ep.path!)
          : ep.addresses.flatMap((a) => listenersFor(ctx.facts.listeners, a, ep.port ?? 0));
      const full = listeners.find((l) => l.sendQ > 0 && l.recvQ >= l.sendQ);
      const eagain = ctx.recent.filter(
        (e) => e.errno === 11 && entryMatchesTarget(e, target, ctx.facts.resolved),
      );
      if (!full && eagain.length === 0) continue;
      const where = ep.kind === 'unix' ? ep.path! : formatEndpoint(ep.addresses[0] ?? ep.host ?? '', ep.port);
      const php = listeners.some((l) => l.processes.some((p) => p.name.startsWith('php-fpm')));
      findings.push({
        cause: 'upstream-backlog-full',
        severity: eagain.length > 0 ? 'critical' : 'warning',
        title: `The backend on ${where} is saturated: its accept queue is full`,
        detail:
          (full ? `${full.recvQ} connections wait in a queue of ${full.sendQ}. ` : '') +
          `The backend accepts connections more slowly than they arrive, so new ones are refused ("Resource temporarily unavailable") and nginx answers 502.` +
          (php ? ' For php-fpm this means every child is busy: pm.max_children is reached.' : ''),
        evidence: [
          passEvidence(ctx.facts, target),
          ...listeners.slice(0, 1).map((l) => listenerEvidence(full ?? l)),
          ...logEvidence(eagain),
        ],
        fix: {
          summary: php
            ? 'Raise pm.max_children in the php-fpm pool (if memory allows) and find the slow requests (slowlog)'
            : 'Give the backend more workers, or find what makes its requests slow',
        },
      });
    }
  }
  return findings;
}
