// Tie error-log lines to the upstream endpoints they are about, and keep only the recent ones.
import type { ErrorLogEntry } from '../model/facts.js';
import type { HostFacts } from '../model/host-facts.js';
import type { Endpoint, UpstreamTarget } from '../model/upstream.js';
import { parseAddress } from '../read/upstreams.js';

/** What nginx's `upstream: "…"` field names: an address and port, a unix socket, or a group/host name. */
export type LoggedUpstream = { kind: 'tcp'; host: string; port?: number } | { kind: 'unix'; path: string };

export function loggedUpstream(entry: ErrorLogEntry): LoggedUpstream | undefined {
  if (!entry.upstream) return undefined;
  const m = /^[a-z]+:\/\/(.*)$/i.exec(entry.upstream);
  const rest = m ? m[1]! : entry.upstream;
  if (rest.startsWith('unix:')) {
    // fastcgi://unix:/run/php/x.sock:  and  http://unix:/run/app.sock:/path
    const end = rest.indexOf(':', 5);
    return { kind: 'unix', path: end === -1 ? rest.slice(5) : rest.slice(5, end) };
  }
  const slash = rest.indexOf('/');
  const address = slash === -1 ? rest : rest.slice(0, slash);
  const parsed = parseAddress(address, undefined);
  return parsed.kind === 'unix' ? parsed : { kind: 'tcp', host: parsed.host, port: parsed.port };
}

/** What the host's resolver answered for each hostname the config names (`getent ahosts`): HostFacts.resolved. */
export type ResolvedNames = Readonly<Record<string, readonly string[]>>;

/**
 * Whether the entry is about this endpoint. nginx logs the address it connected to, the config names a host:
 * `proxy_pass https://api.internal:8443` shows as `upstream: "https://10.0.0.5:8443/"`, so a hostname's
 * endpoint also matches the addresses the host's resolver gives for it.
 */
export function entryMatchesEndpoint(
  entry: ErrorLogEntry,
  ep: Endpoint,
  resolved: ResolvedNames = {},
): boolean {
  const up = loggedUpstream(entry);
  if (!up) return false;
  if (up.kind === 'unix') return ep.kind === 'unix' && ep.path === up.path;
  if (ep.kind !== 'tcp' || up.port !== ep.port) return false;
  if (up.host === ep.host || ep.addresses.includes(up.host)) return true;
  return ep.host !== undefined && (resolved[ep.host]?.includes(up.host) ?? false);
}

export function entryMatchesTarget(
  entry: ErrorLogEntry,
  target: UpstreamTarget,
  resolved: ResolvedNames = {},
): boolean {
  if (target.endpoints.some((ep) => entryMatchesEndpoint(entry, ep, resolved))) return true;
  const up = loggedUpstream(entry);
  // "no live upstreams" and resolver errors name the group or the unresolved host, not an address.
  return (
    up?.kind === 'tcp' && (up.host === target.group?.name || `${target.scheme}://${up.host}` === target.id)
  );
}

/** The name a resolver line is about: "no resolver defined to resolve NAME", "NAME could not be resolved (…)". */
export function unresolvedName(entry: ErrorLogEntry): string | undefined {
  const m =
    /^no resolver defined to resolve (\S+)$/.exec(entry.message) ??
    /^(\S+) could not be resolved \(/.exec(entry.message);
  return m?.[1];
}

/** A variable upstream whose value lines do not all name a host: the request ($host, a header) decides it. */
function openEnded(target: UpstreamTarget): boolean {
  const sources = target.dynamic?.sources ?? [];
  return sources.length === 0 || sources.some((s) => s.host === undefined);
}

/**
 * Whether a resolver line (it names a host, no upstream address) is about this variable upstream: one of
 * its `set`/`map` lines names that host; else, when no variable upstream names it, an open-ended one (or,
 * with none of those either, every variable upstream: nginx did look the name up for one of them).
 */
export function resolverEntryMatches(
  entry: ErrorLogEntry,
  target: UpstreamTarget,
  targets: UpstreamTarget[],
): boolean {
  if (!target.dynamic || entry.upstream !== undefined) return false;
  const name = unresolvedName(entry);
  const names = (t: UpstreamTarget) => t.dynamic?.sources.some((s) => s.host === name) ?? false;
  if (names(target)) return true;
  const dynamic = targets.filter((t) => t.dynamic);
  if (dynamic.some(names)) return false;
  return openEnded(target) || !dynamic.some(openEnded);
}

/** nginx's "2026/11/23 10:35:12" as seconds, in the host's local time (comparable with clock.local). */
function localSeconds(time: string): number | undefined {
  const m = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(time);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!) / 1000;
}

/** How long ago (seconds) the entry was written, by the host's own clock; undefined when unknown. */
export function entryAge(entry: ErrorLogEntry, clock: HostFacts['clock']): number | undefined {
  if (!clock) return undefined;
  const now = localSeconds(clock.local);
  const then = localSeconds(entry.time);
  return now === undefined || then === undefined ? undefined : now - then;
}

/** Error-log lines that speak of the present incident: the last 30 minutes (all, when the clock is unknown). */
export const RECENT_SECONDS = 30 * 60;
/**
 * An entry dated later than the host's clock by more than this is not recent: nginx stamps entries with
 * that clock, so only a line someone else wrote (a client through an encoded newline, another writer) can
 * lie in the future — and "recent" until 2099 would make it outlive every fix.
 */
export const FUTURE_SKEW_SECONDS = 60;

export function recentEntries(facts: HostFacts): ErrorLogEntry[] {
  return facts.errorLog.filter((e) => {
    const age = entryAge(e, facts.clock);
    return age === undefined || (age <= RECENT_SECONDS && age >= -FUTURE_SKEW_SECONDS);
  });
}

/** The epoch second an entry was written, using the host's clock to convert local time. */
export function entryEpoch(entry: ErrorLogEntry, clock: HostFacts['clock']): number | undefined {
  const age = entryAge(entry, clock);
  return age === undefined || !clock ? undefined : clock.epoch - age;
}
