// The processor of `diagnose` jobs: validate, check the host against the inventory, diagnose it under the
// host's lock and a hard time limit, and answer every requester once. The diagnosis itself (the visit and
// the reading of what the host printed) is the Diagnoser's (diagnoser.ts): this thread only waits for it,
// so its deadline fires on time whatever the host printed.
//
// Failures: SSH refused or timed out (and the rarer 'other') may pass, so the job is retried with backoff
// while attempts remain; auth, host-key and dns failures will not pass by themselves, so the report that
// says so is delivered at once, without retry (UnrecoverableError). On the last attempt the report is
// delivered whatever the reason. A host missing from the inventory ends the job with a failure message and a
// diagnosis over the time limit with a report saying it could not be diagnosed in N s (diagnosis-timeout),
// both without retry: an unknown name stays unknown, and a host that hung for the whole limit would make its
// requesters wait that long again.
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import type { NotifierFactory } from './notifier.js';
import type { HostSnapshot } from '../model/types.js';
import { exitCodeOf, timedOutReport } from '../analyze/report-outcome.js';
import type { InventoryResult } from '../inventory/index.js';
import { JobTimeoutError, withTimeLimit } from './collect.js';
import type { Diagnoser, Diagnosis } from './diagnoser.js';
import { FinalFailure, messageOf, RetryLater } from './errors.js';
import { RequesterFanout } from './fanout.js';
import { HostLockLost, HostLockTimeout, withHostLock, type HostLock } from './host-lock.js';
import { DIAGNOSE_QUEUE } from './names.js';
import { NO_OBSERVER, type JobObserver, type JobResult } from './observer.js';
import type { DiagnosisOutcome } from './outcome.js';
import { diagnosePayloadSchema, jobPayload, type DiagnosePayload } from './payloads.js';
import type { Requesters } from './requesters.js';

type Reason = NonNullable<HostSnapshot['unreachable']>['reason'];
/** SSH failures that may pass by themselves (sshd restarting, a host rebooting, a congested link). */
export const TRANSIENT_REASONS: ReadonlySet<Reason> = new Set<Reason>(['refused', 'timeout', 'other']);

export type { ProposeFix } from './diagnoser.js';

export interface DiagnoseLimits {
  /** Hard limit of one diagnosis (SSH to the host and its peers, and reading what they printed). */
  timeoutMs: number;
  hostLockTtlMs: number;
  hostLockWaitMs: number;
}

export interface DiagnoseDeps {
  requesters: Requesters;
  lock: HostLock;
  /** Read per job, so an edited hosts.yml applies without restarting workers. */
  loadInventory: () => Promise<InventoryResult>;
  diagnose: Diagnoser;
  notifierFor: NotifierFactory;
  limits: DiagnoseLimits;
  log: Logger;
  observer?: JobObserver;
  /** Names this worker in delivery markers and logs. */
  workerId: string;
}

/** What BullMQ keeps as the job's return value. */
export interface DiagnoseJobResult {
  target: string;
  exitCode: 0 | 1 | 2;
  causes: string[];
}

export function diagnoseProcessor(deps: DiagnoseDeps) {
  const observer = deps.observer ?? NO_OBSERVER;
  return async (job: Job, _token?: string, signal?: AbortSignal): Promise<DiagnoseJobResult> => {
    const started = performance.now();
    let result: JobResult = 'failed';
    try {
      const value = await runDiagnoseJob(deps, job, signal);
      result = value.exitCode === 0 ? 'ok' : 'critical';
      return value;
    } catch (err) {
      result = err instanceof FinalFailure ? err.result : 'retry';
      throw err;
    } finally {
      observer.jobDone(DIAGNOSE_QUEUE, result, (performance.now() - started) / 1000);
    }
  };
}

function isLastAttempt(job: Job): boolean {
  return job.attemptsMade + 1 >= Math.max(1, job.opts.attempts ?? 1);
}

/** The delay BullMQ will wait before the next attempt, for the progress line (exponential: delay·2^n). */
function nextDelayMs(job: Job): number {
  const b = job.opts.backoff;
  if (typeof b === 'number') return b;
  if (!b) return 0;
  const delay = b.delay ?? 0;
  return b.type === 'exponential' ? delay * 2 ** job.attemptsMade : delay;
}

async function runDiagnoseJob(
  deps: DiagnoseDeps,
  job: Job,
  jobSignal?: AbortSignal,
): Promise<DiagnoseJobResult> {
  const payload = jobPayload(diagnosePayloadSchema, job, DIAGNOSE_QUEUE, deps.log);
  const jobId = job.id!;
  const fanout = new RequesterFanout(
    deps.requesters,
    deps.notifierFor,
    jobId,
    payload.destination,
    deps.workerId,
    deps.log.child({ jobId, target: payload.target }),
  );

  // A worker lost after it sealed the outcome: answer whoever is still unanswered, never visit again.
  const earlier = await deps.requesters.outcome(jobId);
  const outcome = earlier ?? (await diagnose(deps, job, payload, fanout, jobSignal));
  return settle(deps, await fanout.finish(outcome));
}

/** The job's end after the answers went out: a result for BullMQ, or a FinalFailure (no retry). */
function settle(deps: DiagnoseDeps, outcome: DiagnosisOutcome): DiagnoseJobResult {
  if (outcome.kind === 'failed') throw new FinalFailure(outcome.message, 'failed');
  const report = outcome.report;
  (deps.observer ?? NO_OBSERVER).reported(report);
  const unreachable = report.findings.find((f) => f.cause === 'host-unreachable');
  if (unreachable) throw new FinalFailure(unreachable.detail, 'unreachable');
  const timedOut = report.findings.find((f) => f.cause === 'diagnosis-timeout');
  if (timedOut) throw new FinalFailure(timedOut.title, 'failed');
  return { target: report.target, exitCode: exitCodeOf(report), causes: report.findings.map((f) => f.cause) };
}

async function diagnose(
  deps: DiagnoseDeps,
  job: Job,
  payload: DiagnosePayload,
  fanout: RequesterFanout,
  jobSignal: AbortSignal | undefined,
): Promise<DiagnosisOutcome> {
  const name = payload.target;
  const failed = (message: string): DiagnosisOutcome => ({ kind: 'failed', target: name, message });
  const retryOrFail = async (message: string): Promise<DiagnosisOutcome> => {
    if (isLastAttempt(job)) return failed(message);
    const attempts = job.opts.attempts ?? 1;
    await fanout.progress(
      name,
      `${message}; trying again in ${Math.round(nextDelayMs(job) / 1000)} s (attempt ${job.attemptsMade + 2} of ${attempts})`,
    );
    throw new RetryLater(message);
  };

  const loaded = await deps.loadInventory();
  if (!loaded.ok) return retryOrFail(`the inventory cannot be read: ${loaded.error[0] ?? 'unknown error'}`);
  const inventory = loaded.value;
  const target = inventory.hosts.find((h) => h.name === name);
  if (!target) return failed(`${name} is not in the inventory (${inventory.source})`);

  const { limits } = deps;
  let diagnosis: Diagnosis;
  let started = new Date();
  try {
    diagnosis = await withHostLock(
      deps.lock,
      target.name,
      {
        ttlMs: limits.hostLockTtlMs,
        waitMs: limits.hostLockWaitMs,
        signal: jobSignal,
        onWait: () => void fanout.progress(name, `waiting for another job on ${name} to finish`),
      },
      (_lease, lockSignal) => {
        started = new Date();
        return withTimeLimit(
          limits.timeoutMs,
          `the diagnosis of ${name}`,
          jobSignal ? AbortSignal.any([lockSignal, jobSignal]) : lockSignal,
          (signal) =>
            deps.diagnose(inventory, target, {
              onProgress: (step) => void fanout.progress(name, step),
              signal,
              requester: payload.destination,
            }),
        );
      },
    );
  } catch (err) {
    if (err instanceof JobTimeoutError)
      return {
        kind: 'report',
        report: timedOutReport(target, started, limits.timeoutMs, 'DIAGNOSE_TIMEOUT_MS'),
      };
    if (err instanceof HostLockTimeout || err instanceof HostLockLost) return retryOrFail(err.message);
    deps.log.error({ err, jobId: job.id, target: name }, 'diagnosis failed');
    return retryOrFail(`internal error: ${messageOf(err)}`);
  }

  const u = diagnosis.unreachable;
  if (u && TRANSIENT_REASONS.has(u.reason)) {
    if (!isLastAttempt(job)) return retryOrFail(u.message);
  }
  const report = diagnosis.report;
  // A plan that cannot be stored (Redis hiccup) costs the buttons, never the diagnosis.
  const fix = await diagnosis.proposeFix?.().catch((err: unknown) => {
    deps.log.warn({ err, jobId: job.id, target: name }, 'fix not proposed');
    return undefined;
  });
  return fix ? { kind: 'report', report, fix } : { kind: 'report', report };
}
