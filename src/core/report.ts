// From a snapshot to the report the CLI prints and the bot posts.
import type { Finding, HostSnapshot, Report } from './types.js';
import { analyze } from './analyze.js';
import { readSnapshot } from './read-snapshot.js';

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

export function reportOf(snapshot: HostSnapshot): Report {
  const findings = snapshot.unreachable ? [unreachableFinding(snapshot)] : analyze(readSnapshot(snapshot));
  return {
    target: snapshot.target,
    host: snapshot.address,
    startedAt: snapshot.startedAt,
    durationMs: snapshot.durationMs,
    findings,
  };
}

/** Exit codes of the design: 0 no critical finding, 1 critical findings, 2 the host could not be diagnosed. */
export function exitCodeOf(report: Report): 0 | 1 | 2 {
  if (report.findings.some((f) => f.cause === 'host-unreachable' || f.cause === 'sudo-password-required'))
    return 2;
  return report.findings.some((f) => f.severity === 'critical') ? 1 : 0;
}
