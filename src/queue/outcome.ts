// How a diagnosis job ends for its requesters: a report (also when the host was out of reach: the
// report then says why), or a failure message when there is no report at all.
import type { Notifier, ProposedFix } from './notifier.js';
import type { Report } from '../model/types.js';

export type DiagnosisOutcome =
  { kind: 'report'; report: Report; fix?: ProposedFix } | { kind: 'failed'; target: string; message: string };

export function deliverOutcome(notifier: Notifier, outcome: DiagnosisOutcome): Promise<void> {
  return outcome.kind === 'report'
    ? notifier.report(outcome.report, outcome.fix)
    : notifier.failed(outcome.target, outcome.message);
}

/** Our own JSON from Redis; anything else (a foreign or corrupt value) reads as undefined. */
export function parseOutcome(json: string | null): DiagnosisOutcome | undefined {
  if (json === null) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const o = value as Record<string, unknown>;
  if (o.kind === 'report' && typeof o.report === 'object' && o.report !== null)
    return value as DiagnosisOutcome;
  if (o.kind === 'failed' && typeof o.target === 'string' && typeof o.message === 'string')
    return value as DiagnosisOutcome;
  return undefined;
}
