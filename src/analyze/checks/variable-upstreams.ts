// Upstreams named through variables (`proxy_pass $upstream;`, `proxy_pass http://$backend:8080;`), the form
// container proxies ship: nginx resolves such a name for each request with its own `resolver`, never with
// /etc/resolv.conf, so they fail in their own ways ("no resolver defined", "could not be resolved"). The
// finding points at the `set` or `map` line that chose the name, and names it.
import type { ErrorLogEntry, ErrorLogKind } from '../../model/facts.js';
import type { Evidence, Finding } from '../../model/types.js';
import type { ConfigNode } from '../../model/nginx-config.js';
import type { UpstreamTarget, VariableSource } from '../../model/upstream.js';
import { inEffect, refOf } from '../../read/upstreams.js';
import { insertBeforeLine, replaceOnLine } from '../edit.js';
import { resolverEntryMatches, unresolvedName } from '../log-match.js';
import { type CheckContext, configEvidence, describeUses, logEvidence, passEvidence } from './context.js';

function resolverEntries(ctx: CheckContext, target: UpstreamTarget, kind: ErrorLogKind): ErrorLogEntry[] {
  return ctx.recent.filter((e) => e.kind === kind && resolverEntryMatches(e, target, ctx.facts.upstreams));
}

/** The distinct names the entries say nginx failed to resolve, in order. */
function namesOf(entries: ErrorLogEntry[]): string[] {
  return [...new Set(entries.map(unresolvedName).filter((n): n is string => n !== undefined))];
}

/** The value lines behind the failed names; without a name, every line whose host goes to the resolver. */
function sourcesFor(target: UpstreamTarget, names: string[]): VariableSource[] {
  const sources = target.dynamic?.sources ?? [];
  const naming = sources.filter((s) => s.host !== undefined && names.includes(s.host));
  return naming.length > 0 ? naming : sources.filter((s) => s.needsResolver);
}

/** "app.internal comes from /etc/nginx/conf.d/shop.conf:7 (`set $upstream http://app.internal:3000;`)" */
function whereSet(sources: VariableSource[]): string {
  return sources
    .slice(0, 3)
    .map((s) => `${s.host ?? s.value} comes from ${s.ref.file}:${s.ref.line} (\`${s.ref.text}\`)`)
    .join('; ');
}

function sourceEvidence(ctx: CheckContext, sources: VariableSource[]): Evidence[] {
  return sources.slice(0, 3).map((s) => configEvidence(ctx.facts, s.ref));
}

/** The host's own nameserver (/etc/resolv.conf: 127.0.0.11 in a Docker container), as `resolver` takes it. */
function hostNameserver(ctx: CheckContext): string {
  const nameserver =
    ctx.facts.nameservers.find((n) => !n.includes(':')) ?? ctx.facts.nameservers[0] ?? '127.0.0.53';
  return nameserver.includes(':') ? `[${nameserver}]` : nameserver;
}

/** proxy_pass with variables resolves names per request, which needs `resolver`. */
export function resolverMissing(ctx: CheckContext): Finding[] {
  const findings: Finding[] = [];
  for (const target of ctx.facts.upstreams) {
    if (!target.dynamic || target.dynamic.hasResolver) continue;
    const all = target.dynamic.sources;
    // Only address literals and upstream groups: nginx never asks a resolver.
    if (all.length > 0 && all.every((s) => !s.needsResolver)) continue;
    const entries = resolverEntries(ctx, target, 'no-resolver');
    const sources = sourcesFor(target, namesOf(entries));
    const use = target.uses[0]!;
    const ns = hostNameserver(ctx);
    // `resolver` is not allowed inside `if`: it goes before the `if` block then.
    const anchor = use.node.parent?.directive === 'if' ? use.node.parent : use.node;
    const edit = insertBeforeLine(ctx.facts.nginx.sources, anchor.file, anchor.line, [
      `resolver ${ns} valid=30s;`,
    ]);
    findings.push({
      cause: 'resolver-missing',
      severity: entries.length > 0 ? 'critical' : 'warning',
      title: `${use.ref.text} needs a resolver, and none is configured`,
      detail:
        `With a variable in the address nginx resolves the name for each request, using the \`resolver\` directive ` +
        `(it does not read /etc/resolv.conf). Without one, every request whose variable holds a hostname fails with 502` +
        (entries.length > 0 ? ` — the error log shows exactly that ("no resolver defined").` : '.') +
        (sources.length > 0 ? ` ${whereSet(sources)}.` : '') +
        ` ${describeUses(target)}`,
      evidence: [...sourceEvidence(ctx, sources), passEvidence(ctx.facts, target), ...logEvidence(entries)],
      fix: {
        summary: `Add \`resolver ${ns} valid=30s;\` (this host's nameserver) to the server or http block`,
        ...(edit ? { edit } : {}),
      },
    });
  }
  return findings;
}

/** What nginx's resolver answered, in words: "(3: Host not found)" is NXDOMAIN. */
function answerOf(entries: ErrorLogEntry[]): string {
  const errno = entries.at(-1)?.errno;
  if (errno === 3) return 'answers that the name does not exist (NXDOMAIN)';
  if (errno === 2) return 'fails to answer for it (SERVFAIL)';
  if (errno === 110) return 'does not answer in time';
  return `cannot resolve it (${entries.at(-1)?.errnoText ?? 'no answer'})`;
}

/** A variable upstream whose host nginx's resolver cannot find: the name, and the line that set it. */
export function variableHostNotFound(ctx: CheckContext): Finding[] {
  const findings: Finding[] = [];
  for (const target of ctx.facts.upstreams) {
    if (!target.dynamic) continue;
    const entries = resolverEntries(ctx, target, 'host-not-found');
    if (entries.length === 0) continue;
    const names = namesOf(entries);
    const sources = sourcesFor(target, names);
    const use = target.uses[0]!;
    const resolver = inEffect(use.node, 'resolver');
    // Its addresses, without valid=/ipv6=/status_zone= parameters.
    const addresses = resolver?.args.filter((a) => !a.includes('=')) ?? [];
    const resolverText = addresses.join(' ') || 'none';
    const name = names.join(', ') || 'the upstream host';
    const silent = resolver ? silentResolver(ctx, entries, addresses) : [];
    if (resolver && silent.length > 0) {
      findings.push(resolverSilent(ctx, target, resolver, silent, entries, sources, name));
      continue;
    }
    const where = sources.length > 0 ? `, or correct the name where it comes from: ${whereSet(sources)}` : '';
    findings.push({
      cause: 'upstream-host-not-found',
      severity: 'critical',
      title: `nginx cannot resolve ${name}, the upstream host of ${use.ref.text}`,
      detail:
        `nginx looks ${name} up for each request with its own resolver (${resolverText}; it does not read ` +
        `/etc/hosts or /etc/resolv.conf), and the resolver ${answerOf(entries)}, so there is nowhere to connect. ` +
        (sources.length > 0 ? `${whereSet(sources)}. ` : '') +
        `${entries.length} such error${entries.length === 1 ? '' : 's'} in the last 30 minutes. ${describeUses(target)}`,
      evidence: [
        ...sourceEvidence(ctx, sources),
        ...(resolver ? [configEvidence(ctx.facts, refOf(resolver))] : []),
        passEvidence(ctx.facts, target),
        ...logEvidence(entries),
      ],
      fix: {
        summary: `Make ${name} resolve with the resolver nginx uses (${resolverText})${where}`,
      },
    });
  }
  return findings;
}

/** The configured address a "while resolving, resolver: ADDRESS:53" line names, if it is one of them. */
function configuredResolver(entry: ErrorLogEntry, addresses: string[]): string | undefined {
  const logged = entry.resolver?.replace(/:53$/, '').replace(/^\[(.*)\]$/, '$1');
  return addresses.find((a) => a.replace(/:53$/, '').replace(/^\[(.*)\]$/, '$1') === logged);
}

/**
 * The log lines that show the configured resolver does not answer: its own errors ("recv() failed (111:
 * Connection refused) while resolving, resolver: …"), or, without them, lookups that timed out (110).
 */
function silentResolver(ctx: CheckContext, entries: ErrorLogEntry[], addresses: string[]): ErrorLogEntry[] {
  const own = ctx.recent.filter(
    (e) => e.kind === 'resolver-error' && configuredResolver(e, addresses) !== undefined,
  );
  if (own.length > 0) return own;
  return entries.every((e) => e.errno === 110) ? entries : [];
}

/** Lookups fail because nothing answers at the resolver's address: point `resolver` at one that does. */
function resolverSilent(
  ctx: CheckContext,
  target: UpstreamTarget,
  resolver: ConfigNode,
  silent: ErrorLogEntry[],
  /** The lookups that failed ("could not be resolved"). */
  entries: ErrorLogEntry[],
  sources: VariableSource[],
  name: string,
): Finding {
  const addresses = resolver.args.filter((a) => !a.includes('='));
  const failed = silent.map((e) => configuredResolver(e, addresses)).find((a) => a !== undefined);
  const address = failed ?? addresses[0]!;
  const ns = hostNameserver(ctx);
  // One address that is not the host's nameserver: replace it (a copy of Docker's 127.0.0.11 on a VM).
  const edit =
    addresses.length === 1 && address !== ns
      ? replaceOnLine(ctx.facts.nginx.sources, resolver.file, resolver.line, address, ns)
      : undefined;
  const ref = refOf(resolver);
  const own = silent.filter((e) => !entries.includes(e));
  return {
    cause: 'upstream-host-not-found',
    severity: 'critical',
    title: `nginx's resolver ${address} does not answer, so ${name} (the upstream host of ${target.uses[0]!.ref.text}) cannot be resolved`,
    detail:
      `nginx looks ${name} up for each request with the resolver at ${ref.file}:${ref.line}, and nothing answers ` +
      `DNS at ${address} (refused, or no answer within resolver_timeout): every such request fails with 502. ` +
      `This host's nameserver (/etc/resolv.conf) is ${ns}. ` +
      (sources.length > 0 ? `${whereSet(sources)}. ` : '') +
      describeUses(target),
    evidence: [
      configEvidence(ctx.facts, ref),
      ...sourceEvidence(ctx, sources),
      passEvidence(ctx.facts, target),
      // The resolver's own error first (it is older than the lookups that time out after it).
      ...logEvidence(own, 1),
      ...logEvidence(entries, own.length > 0 ? 2 : 3),
    ],
    fix: edit
      ? { summary: `Point \`resolver\` at this host's nameserver, ${ns}, which answers`, edit }
      : { summary: `Start the DNS server at ${address}, or point \`resolver\` at one that answers` },
  };
}
