// From a snapshot to the report the CLI prints and the bot posts.
import type { Finding, HostSnapshot, Report } from '../model/types.js';
import { analyze, orderFindings } from './analyze.js';
import { readSnapshot } from '../read/snapshot.js';
import { provenEdits } from './prove-edit.js';
import type { HostFacts } from '../model/host-facts.js';
import { instanceOf, instanceView } from '../read/instances.js';

// What a report means for the exit code, and the report of a deadline passed: in report-outcome.ts, so that
// the CLI's main thread (which only waits and prints) does not load the analysis to know them.
export { exitCodeOf, secondsOf, timedOutReport } from './report-outcome.js';

const REASONS: Record<NonNullable<HostSnapshot['unreachable']>['reason'], string> = {
  refused: 'the SSH port refused the connection',
  timeout: 'the connection timed out',
  auth: 'SSH authentication failed',
  'host-key': 'the host key is unknown or has changed',
  dns: 'the host name does not resolve',
  other: 'the connection failed',
};

function unreachableFinding(snapshot: HostSnapshot): Finding {
  const u = snapshot.unreachable!;
  return {
    cause: 'host-unreachable',
    severity: 'critical',
    title: `Could not diagnose ${snapshot.target}: ${REASONS[u.reason]}`,
    detail: u.message,
    evidence: [{ source: 'ssh', text: u.message }],
    fix: {
      summary:
        u.reason === 'host-key'
          ? "Check the key with the host's owner; if the change is expected, update known_hosts (ssh-keygen -R, then ssh-keyscan)"
          : u.reason === 'auth'
            ? "Install the bot's public key in the SSH user's authorized_keys, or fix identityFile in the inventory"
            : 'Check that the host is up and its sshd reachable from the worker (address and port in the inventory)',
    },
  };
}

/**
 * Each nginx instance diagnosed on its own (read/instances.ts), its findings marked with `instance`; a finding
 * every instance has alike (a host's firewall, a gap in what sudo allowed) is listed once, under the first.
 */
function instancesReport(snapshot: HostSnapshot): Pick<Report, 'findings' | 'instances'> {
  const views = [snapshot, ...snapshot.instances!.map((i) => instanceView(snapshot, i.master))];
  const facts = views.map(readSnapshot);
  const portsOf = (f: HostFacts) => f.upstreams.flatMap((t) => t.endpoints.flatMap((e) => e.port ?? []));
  const seen = new Set<string>();
  const findings: Finding[] = [];
  const instances = [];
  for (const [i, view] of views.entries()) {
    const instance = instanceOf(view);
    if (instance) instances.push(instance);
    const siblingPorts = facts.filter((_, j) => j !== i).flatMap(portsOf);
    const own = { ...facts[i]!, nginx: { ...facts[i]!.nginx, siblingPorts } };
    for (const f of provenEdits(view, analyze(own))) {
      const key = JSON.stringify([f.cause, f.host, f.title]);
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push(instance ? { ...f, instance } : f);
    }
  }
  return { findings: orderFindings(findings), instances };
}

export function reportOf(snapshot: HostSnapshot): Report {
  const about = {
    target: snapshot.target,
    host: snapshot.address,
    startedAt: snapshot.startedAt,
    durationMs: snapshot.durationMs,
  };
  if (snapshot.unreachable) return { ...about, findings: [unreachableFinding(snapshot)] };
  if (snapshot.instances?.length) return { ...about, ...instancesReport(snapshot) };
  // Config edits pass through their proof here: the analyzer re-run on the edited config (prove-edit.ts).
  return { ...about, findings: provenEdits(snapshot, analyze(readSnapshot(snapshot))) };
}
