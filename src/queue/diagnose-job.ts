// The processor of `diagnose` jobs: validate, check the host against the inventory, visit it under the
// host's lock and a hard time limit, and answer every requester once.
//
// Failures: SSH refused or timed out (and the rarer 'other') may pass, so the job is retried with backoff
// while attempts remain; auth, host-key and dns failures will not pass by themselves, so the report that
// says so is delivered at once, without retry (UnrecoverableError). On the last attempt the report is
// delivered whatever the reason. A host missing from the inventory and a visit over the time limit end the
// job with a failure message, without retry: an unknown name stays unknown, and a host that hung for the
// whole limit would make its requesters wait that long again.
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import type { Destination, NotifierFactory, ProposedFix } from '../core/notifier.js';
import type { HostSnapshot, Report } from '../core/types.js';
import { exitCodeOf, reportOf } from '../core/report.js';
import type { InventoryResult } from '../inventory/index.js';
import { JobTimeoutError, withTimeLimit, type Collector } from './collect.js';
import { FinalFailure, messageOf, RetryLater } from './errors.js';
import { RequesterFanout } from './fanout.js';
import { HostLockLost, HostLockTimeout, withHostLock, type HostLock } from './host-lock.js';
import { DIAGNOSE_QUEUE } from './names.js';
import { NO_OBSERVER, type JobObserver, type JobResult } from './observer.js';
import type { DiagnosisOutcome } from './outcome.js';
import { diagnosePayloadSchema, parsePayload, type DiagnosePayload } from './payloads.js';
import type { Requesters } from './requesters.js';

type Reason = NonNullable<HostSnapshot['unreachable']>['reason'];
/** SSH failures that may pass by themselves (sshd restarting, a host rebooting, a congested link). */
export const TRANSIENT_REASONS: ReadonlySet<Reason> = new Set<Reason>(['refused', 'timeout', 'other']);

export interface DiagnoseLimits {
  /** Hard limit of the host visit (SSH to the host and its peers). */
  timeoutMs: number;
  hostLockTtlMs: number;
  hostLockWaitMs: number;
}

export interface DiagnoseDeps {
  requesters: Requesters;
  lock: HostLock;
  /** Read per job, so an edited hosts.yml applies without restarting workers. */
  loadInventory: () => Promise<InventoryResult>;
  collect: Collector;
  notifierFor: NotifierFactory;
  limits: DiagnoseLimits;
  log: Logger;
  observer?: JobObserver;
  /** Names this worker in delivery markers and logs. */
  workerId: string;
  /**
   * Freezes the root cause's config edit as a plan an approver may apply (absent: reports carry no fix).
   * Called with the snapshot, which only the worker holds: the plan's sha256 is of the file as diagnosed.
   */
  proposeFix?: ProposeFix;
}

export type ProposeFix = (
  snapshot: HostSnapshot,
  report: Report,
  requester: Destination,
) => Promise<ProposedFix | undefined>;

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
  const parsed = parsePayload(diagnosePayloadSchema, job.data);
  if (!parsed.ok) {
    deps.log.error({ jobId: job.id, error: parsed.error }, 'invalid diagnose job');
    throw new FinalFailure(`invalid diagnose job: ${parsed.error}`, 'invalid');
  }
  const payload = parsed.value;
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
  if (!loaded.ok) return retryOrFail(`the inventory cannot be read: ${loaded.errors[0] ?? 'unknown error'}`);
  const inventory = loaded.inventory;
  const target = inventory.hosts.find((h) => h.name === name);
  if (!target) return failed(`${name} is not in the inventory (${inventory.source})`);

  const { limits } = deps;
  let snapshot: HostSnapshot;
  try {
    snapshot = await withHostLock(
      deps.lock,
      target.name,
      {
        ttlMs: limits.hostLockTtlMs,
        waitMs: limits.hostLockWaitMs,
        signal: jobSignal,
        onWait: () => void fanout.progress(name, `waiting for another job on ${name} to finish`),
      },
      (_lease, lockSignal) =>
        withTimeLimit(
          limits.timeoutMs,
          `the visit to ${name}`,
          jobSignal ? AbortSignal.any([lockSignal, jobSignal]) : lockSignal,
          (signal) =>
            deps.collect(inventory, target, {
              onProgress: (step) => void fanout.progress(name, step),
              signal,
            }),
        ),
    );
  } catch (err) {
    if (err instanceof JobTimeoutError)
      return failed(`${err.message}; stopped and its SSH connections closed`);
    if (err instanceof HostLockTimeout || err instanceof HostLockLost) return retryOrFail(err.message);
    deps.log.error({ err, jobId: job.id, target: name }, 'diagnosis failed');
    return retryOrFail(`internal error: ${messageOf(err)}`);
  }

  const u = snapshot.unreachable;
  if (u && TRANSIENT_REASONS.has(u.reason)) {
    if (!isLastAttempt(job)) return retryOrFail(u.message);
  }
  const report = reportOf(snapshot);
  // A plan that cannot be stored (Redis hiccup) costs the buttons, never the diagnosis.
  const fix = await deps.proposeFix?.(snapshot, report, payload.destination).catch((err: unknown) => {
    deps.log.warn({ err, jobId: job.id, target: name }, 'fix not proposed');
    return undefined;
  });
  return fix ? { kind: 'report', report, fix } : { kind: 'report', report };
}
