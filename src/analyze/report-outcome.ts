// What a finished (or abandoned) report means outside the analysis: its exit code, and the report of a host
// whose diagnosis passed its deadline. Apart from report.ts so that whoever only waits for reports and prints
// them (the CLI's main thread, the queue's job) loads none of the analysis behind them (issue 16).
import type { Report } from '../model/types.js';

/** Whole seconds for messages ("in 30 s"; a limit under a second still reads "in 1 s"). */
export function secondsOf(ms: number): number {
  return Math.max(1, Math.round(ms / 1000));
}

/**
 * The report of a host whose diagnosis passed its deadline: the visit was stopped (its connections closed,
 * the thread reading its output ended), so nothing is known about nginx, only that we could not tell.
 */
export function timedOutReport(
  target: { name: string; address: string },
  startedAt: Date,
  limitMs: number,
  setting: string,
): Report {
  const seconds = secondsOf(limitMs);
  const title = `${target.name} could not be diagnosed in ${seconds} s`;
  return {
    target: target.name,
    host: target.address,
    startedAt: startedAt.toISOString(),
    durationMs: limitMs,
    findings: [
      {
        cause: 'diagnosis-timeout',
        severity: 'critical',
        title,
        detail: `The diagnosis passed its deadline (${setting}) and was stopped: its SSH connections closed, the reading of what the host printed abandoned. Nothing was concluded about nginx.`,
        evidence: [{ source: 'upstream-doctor', text: `${title}: its deadline (${setting}) passed` }],
        fix: {
          summary: `Diagnose ${target.name} again; if it keeps timing out, check that the host answers commands promptly (load, a hung mount) or raise ${setting}`,
        },
      },
    ],
  };
}

/** Causes that mean the host could not be diagnosed (exit code 2): the report is incomplete. */
const UNDIAGNOSED = new Set<string>(['host-unreachable', 'sudo-password-required', 'diagnosis-timeout']);

/** Exit codes of the design: 0 no critical finding, 1 critical findings, 2 the host could not be diagnosed. */
export function exitCodeOf(report: Report): 0 | 1 | 2 {
  if (report.findings.some((f) => UNDIAGNOSED.has(f.cause))) return 2;
  return report.findings.some((f) => f.severity === 'critical') ? 1 : 0;
}
