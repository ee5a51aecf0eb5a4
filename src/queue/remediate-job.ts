// The processor of `remediate` jobs. What a remediation does (plan → backup → write → nginx -t → reload →
// verify → roll back) belongs to the remediation module, which provides a RemediationRunner; this side
// guarantees the conditions it runs under:
// - under the host's lock (the same lock diagnose jobs take): nothing else runs on the host meanwhile;
// - never retried: attempts 1, and a plan's `apply` is claimed in Redis (SET NX) before it starts, so a
//   run that BullMQ restarts after losing its worker calls `interrupted()` instead of applying again;
// - at most once per plan id: the job id is derived from the plan id, and the producer refuses a second
//   request of the same plan (see producer.ts).
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Destination, Notifier, NotifierFactory } from './notifier.js';
import type { Inventory, InventoryResult, Target } from '../inventory/index.js';
import { FinalFailure, messageOf } from './errors.js';
import { HostLockTimeout, withHostLock, type HostLease, type HostLock } from './host-lock.js';
import { QueueKeys } from './keys.js';
import { REMEDIATE_QUEUE } from './names.js';
import { NO_OBSERVER, type JobObserver, type JobResult } from './observer.js';
import { jobPayload, remediatePayloadSchema, type RemediationAction } from './payloads.js';

export interface RemediationContext {
  jobId: string;
  planId: string;
  action: RemediationAction;
  target: Target;
  inventory: Inventory;
  /** Slack user id of whoever pressed the button. */
  requestedBy: string;
  /** The host lock held for this run: its fence is the fencing token to check or pass along. */
  lease: HostLease;
  /** Whether the lock is still ours (token and newest fence): check before every step that changes the host. */
  stillHeld(): Promise<boolean>;
  /** Aborted when the lock is lost or the job is cancelled: stop at the next safe point. */
  signal: AbortSignal;
  /** The requester's thread: the runner reports its steps and outcome here. */
  notifier: Notifier;
  /** Where `notifier` speaks, for work the runner hands on (the confirming diagnosis). */
  destination: Destination;
  log: Logger;
}

export interface RemediationOutcome {
  status: 'applied' | 'tested' | 'refused' | 'failed' | 'interrupted';
  /** One line for logs and the job's return value (the runner has already told the thread). */
  summary: string;
}

export interface RemediationRunner {
  run(ctx: RemediationContext): Promise<RemediationOutcome>;
  /**
   * Called instead of run() when an earlier run of this plan started and its worker was lost mid-way:
   * nothing is applied again; check the host (restore from the backup if the file is half-done) and report.
   * Without it, the requester is told that the run was interrupted and the host must be checked.
   */
  interrupted?(ctx: RemediationContext): Promise<RemediationOutcome>;
}

export interface RemediateDeps {
  redis: Redis;
  prefix: string;
  lock: HostLock;
  loadInventory: () => Promise<InventoryResult>;
  notifierFor: NotifierFactory;
  /** Absent in a worker without remediation: requests are then refused with a message. */
  runner?: RemediationRunner;
  limits: { hostLockTtlMs: number; hostLockWaitMs: number };
  log: Logger;
  observer?: JobObserver;
}

const CLAIM_RETENTION_SECONDS = 30 * 24 * 3600;

const RESULT_OF: Record<RemediationOutcome['status'], JobResult> = {
  applied: 'applied',
  tested: 'ok',
  refused: 'refused',
  failed: 'failed',
  interrupted: 'interrupted',
};

export function remediateProcessor(deps: RemediateDeps) {
  const observer = deps.observer ?? NO_OBSERVER;
  return async (job: Job, _token?: string, signal?: AbortSignal): Promise<RemediationOutcome> => {
    const started = performance.now();
    let result: JobResult = 'failed';
    try {
      const outcome = await runRemediateJob(deps, job, signal);
      result = RESULT_OF[outcome.status];
      return outcome;
    } catch (err) {
      result = err instanceof FinalFailure ? err.result : 'failed';
      throw err;
    } finally {
      observer.jobDone(REMEDIATE_QUEUE, result, (performance.now() - started) / 1000);
    }
  };
}

async function runRemediateJob(
  deps: RemediateDeps,
  job: Job,
  jobSignal?: AbortSignal,
): Promise<RemediationOutcome> {
  const payload = jobPayload(remediatePayloadSchema, job, REMEDIATE_QUEUE, deps.log);
  const notifier = deps.notifierFor(payload.destination);
  const stop = async (message: string, result: JobResult): Promise<never> => {
    await notifier
      .note(payload.target, `✗ ${message}`)
      .catch((err: unknown) => deps.log.warn({ err }, 'not delivered'));
    throw new FinalFailure(message, result);
  };
  if (!deps.runner)
    return stop('this worker cannot remediate (no remediation runner is configured)', 'refused');

  const loaded = await deps.loadInventory();
  if (!loaded.ok)
    return stop(`the inventory cannot be read: ${loaded.error[0] ?? 'unknown error'}`, 'failed');
  const target = loaded.value.hosts.find((h) => h.name === payload.target);
  if (!target) return stop(`${payload.target} is not in the inventory (${loaded.value.source})`, 'refused');

  // `apply` starts at most once per plan. The claim names this job (id and creation time): finding our own
  // claim means this job already started once and its worker was lost (stalled-job recovery).
  let interrupted = false;
  if (payload.action === 'apply') {
    const keys = new QueueKeys(deps.prefix);
    const me = `${job.id}@${job.timestamp}`;
    const claimed = await deps.redis.set(
      keys.planClaim(payload.planId),
      me,
      'EX',
      CLAIM_RETENTION_SECONDS,
      'NX',
    );
    if (claimed !== 'OK') {
      const holder = await deps.redis.get(keys.planClaim(payload.planId));
      if (holder !== me)
        return stop(`plan ${payload.planId} has already been applied (by job ${holder})`, 'refused');
      interrupted = true;
    }
  }

  const log = deps.log.child({ jobId: job.id, planId: payload.planId, target: target.name });
  const runner = deps.runner;
  try {
    return await withHostLock(
      deps.lock,
      target.name,
      { ttlMs: deps.limits.hostLockTtlMs, waitMs: deps.limits.hostLockWaitMs, signal: jobSignal },
      async (lease, lockSignal) => {
        const ctx: RemediationContext = {
          jobId: job.id!,
          planId: payload.planId,
          action: payload.action,
          target,
          inventory: loaded.value,
          requestedBy: payload.requestedBy,
          lease,
          stillHeld: () => deps.lock.holds(lease),
          signal: jobSignal ? AbortSignal.any([lockSignal, jobSignal]) : lockSignal,
          notifier,
          destination: payload.destination,
          log,
        };
        if (!interrupted) return runner.run(ctx);
        log.warn('remediation restarted after its worker was lost: not applied again');
        if (runner.interrupted) return runner.interrupted(ctx);
        await notifier.note(
          target.name,
          `✗ the remediation of plan ${payload.planId} was interrupted (its worker was lost) and was not applied again: check ${target.name}`,
        );
        return { status: 'interrupted', summary: 'interrupted; not applied again' };
      },
    );
  } catch (err) {
    if (err instanceof FinalFailure) throw err;
    if (err instanceof HostLockTimeout) return stop(`${err.message}; nothing was changed`, 'failed');
    log.error({ err }, 'remediation failed');
    return stop(`the remediation failed: ${messageOf(err)}`, interrupted ? 'interrupted' : 'failed');
  }
}
