// What a worker tells its metrics about each job, without the queue code knowing Prometheus.
import type { Report } from '../model/types.js';
import type { QueueName } from './names.js';

/**
 * How one run of a job ended:
 * ok / critical: a report without / with a critical finding; unreachable: a report saying the host could not
 * be reached; failed: no report (timeout, unknown host, error on the last attempt); retry: will run again;
 * invalid: a payload that does not parse; applied / refused: remediation outcomes; interrupted: a remediation
 * whose earlier run was lost (not re-applied).
 */
export type JobResult =
  'ok' | 'critical' | 'unreachable' | 'failed' | 'retry' | 'invalid' | 'applied' | 'refused' | 'interrupted';

export interface JobObserver {
  jobDone(queue: QueueName, result: JobResult, seconds: number): void;
  /** Every report that reached its requesters, for findings-by-cause counts. */
  reported(report: Report): void;
}

export const NO_OBSERVER: JobObserver = { jobDone: () => undefined, reported: () => undefined };
