// What every check receives: the host's facts plus a few derived views computed once, and the evidence
// builders the checks share (a config line, a listener, a probe, log lines).
import type { ErrorLogEntry, Listener, ProbeResult } from '../../model/facts.js';
import type { HostFacts } from '../../model/host-facts.js';
import type { Evidence, Finding } from '../../model/types.js';
import { entryMatchesEndpoint, recentEntries } from '../log-match.js';
import { formatEndpoint } from '../listeners.js';
import type { Endpoint, UpstreamTarget, UpstreamUse } from '../../model/upstream.js';
import { sourceLine } from '../edit.js';

export interface CheckContext {
  facts: HostFacts;
  /** Error-log lines of the last 30 minutes. */
  recent: ErrorLogEntry[];
}

export function contextOf(facts: HostFacts): CheckContext {
  return { facts, recent: recentEntries(facts) };
}

export type Check = (ctx: CheckContext) => Finding[];

/** A finding before its severity is known (it depends on whether the target's other servers work). */
export type Draft = Omit<Finding, 'severity'>;

/** Evidence for a config directive: the line as written in its file. */
export function configEvidence(
  facts: HostFacts,
  ref: { file: string; line: number; text: string },
): Evidence {
  const line = sourceLine(facts.nginx.sources, ref.file, ref.line);
  return { source: facts.nginx.configSource, file: ref.file, line: ref.line, text: line?.trim() || ref.text };
}

export function listenerEvidence(listener: Listener): Evidence {
  return { source: listener.proto === 'unix' ? 'ss -xlp' : 'ss -tlnp', text: listener.raw.trim() };
}

/** The connect the collector tried from the nginx host to address:port, if it tried one. */
export function probeFor(facts: HostFacts, address: string, port: number): ProbeResult | undefined {
  const key = formatEndpoint(address, port);
  return facts.probes.find((p) => p.target === key);
}

export function probeEvidence(probe: ProbeResult | undefined): Evidence[] {
  return probe
    ? [
        {
          source: 'probe',
          text: `connect ${probe.target}: ${probe.outcome}${probe.detail ? ` (${probe.detail})` : ''}`,
        },
      ]
    : [];
}

/** At most `max` log lines, newest first: enough to show the pattern, not to flood a thread. */
export function logEvidence(entries: ErrorLogEntry[], max = 3): Evidence[] {
  return entries
    .slice(-max)
    .reverse()
    .map((e) => ({ source: 'error.log', file: e.file, text: e.raw }));
}

export function entriesFor(ctx: CheckContext, ep: Endpoint): ErrorLogEntry[] {
  return ctx.recent.filter((e) => entryMatchesEndpoint(e, ep, ctx.facts.resolved));
}

/** "server shop.example.com (listen 80), location /api" */
export function describeUse(use: UpstreamUse): string {
  const server = use.serverNames.length > 0 ? use.serverNames.join(' ') : 'default server';
  const listen = use.listen.length > 0 ? ` (listen ${use.listen.join(', ')})` : '';
  const location = use.location ? `, location ${use.location}` : '';
  return `${use.context === 'stream' ? 'stream ' : ''}server ${server}${listen}${location}`;
}

export function describeUses(target: UpstreamTarget): string {
  const uses = target.uses.slice(0, 3).map(describeUse);
  const more = target.uses.length > 3 ? ` and ${target.uses.length - 3} more` : '';
  return `Used by ${uses.join('; ')}${more}.`;
}

export function passEvidence(facts: HostFacts, target: UpstreamTarget): Evidence {
  return configEvidence(facts, target.uses[0]!.ref);
}
