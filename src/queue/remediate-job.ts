// The processor of `remediate` jobs. What a remediation does (plan → backup → write → nginx -t → reload →
// verify → roll back) belongs to the remediation module, which provides a RemediationRunner; this side
// guarantees the conditions it runs under:
// - under the host's lock (the same lock diagnose jobs take): nothing else runs on the host meanwhile;
// - never retried: attempts 1, and a plan's `apply` is claimed in Redis (SET NX) before it starts, so a
//   run that BullMQ restarts after losing its worker calls `interrupted()` instead of applying again; a run
//   that never obtained the host's lock (nothing was changed) gives its claim back, so the plan may be tried
//   again;
// - at most once per plan id: the job id is derived from the plan id, and the producer refuses a second
//   request of the same plan (see producer.ts).
// The run of one plan under its lock (runPlanUnderLock) is also what a group's rollout does for each member
// (rollout-job.ts), with the same claim: a plan is applied once, by a remediate job or by a rollout.
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Destination, Notifier, NotifierFactory } from './notifier.js';
import type { Inventory, InventoryResult, Target } from '../inventory/index.js';
import { FinalFailure, messageOf } from './errors.js';
import { HostLockTimeout, withHostLock, type HostLease, type HostLock } from './host-lock.js';
import { QueueKeys } from './keys.js';
import { LuaScript } from './lua.js';
import { REMEDIATE_QUEUE, type QueueName } from './names.js';
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

// KEYS[1] a plan's claim. ARGV[1] the claimant: the claim is removed only while it is still that run's.
const RELEASE_CLAIM = new LuaScript(
  `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`,
  1,
);

const RESULT_OF: Record<RemediationOutcome['status'], JobResult> = {
  applied: 'applied',
  tested: 'ok',
  refused: 'refused',
  failed: 'failed',
  interrupted: 'interrupted',
};

export function remediateProcessor(deps: RemediateDeps) {
  const observer = deps.observer ?? NO_OBSERVER;
  return (job: Job, _token?: string, signal?: AbortSignal): Promise<RemediationOutcome> =>
    observeJob(
      observer,
      REMEDIATE_QUEUE,
      (o) => RESULT_OF[o.status],
      () => runRemediateJob(deps, job, signal),
    );
}

/** Runs one attempt of a job and tells the observer how it ended and how long it took. */
export async function observeJob<T>(
  observer: JobObserver,
  queue: QueueName,
  resultOf: (outcome: T) => JobResult,
  run: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  let result: JobResult = 'failed';
  try {
    const outcome = await run();
    result = resultOf(outcome);
    return outcome;
  } catch (err) {
    result = err instanceof FinalFailure ? err.result : 'failed';
    throw err;
  } finally {
    observer.jobDone(queue, result, (performance.now() - started) / 1000);
  }
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
  const ran = await runPlanUnderLock(deps, deps.runner, {
    claimant: `${job.id}@${job.timestamp}`,
    jobId: job.id!,
    planId: payload.planId,
    action: payload.action,
    target,
    inventory: loaded.value,
    requestedBy: payload.requestedBy,
    notifier,
    destination: payload.destination,
    signal: jobSignal,
  });
  return ran.ok ? ran.outcome : stop(ran.message, ran.result);
}

/** One plan run on its host: what a remediate job does, and what a group's rollout does for each member. */
export type PlanRun = Pick<
  RemediationContext,
  'jobId' | 'planId' | 'action' | 'target' | 'inventory' | 'requestedBy' | 'notifier' | 'destination'
> & {
  /** Names this run in the plan's claim: finding the claim ours again means this run started before. */
  claimant: string;
  signal?: AbortSignal;
};

/** The runner's outcome, or why it never ran (told to nobody yet: the caller says it where it speaks). */
export type PlanRunResult =
  { ok: true; outcome: RemediationOutcome } | { ok: false; message: string; result: JobResult };

/**
 * Runs `runner` for one plan under its host's lock. `apply` starts at most once per plan: the claim names
 * the run, so a run whose worker was lost and that starts again finds its own claim and calls
 * `interrupted()` instead of applying again; a claim of another run refuses.
 */
export async function runPlanUnderLock(
  deps: Pick<RemediateDeps, 'redis' | 'prefix' | 'lock' | 'limits' | 'log'>,
  runner: RemediationRunner,
  run: PlanRun,
): Promise<PlanRunResult> {
  const { target, notifier } = run;
  const keys = new QueueKeys(deps.prefix);
  let interrupted = false;
  let claimedNow = false;
  if (run.action === 'apply') {
    const claimed = await deps.redis.set(
      keys.planClaim(run.planId),
      run.claimant,
      'EX',
      CLAIM_RETENTION_SECONDS,
      'NX',
    );
    if (claimed !== 'OK') {
      const holder = await deps.redis.get(keys.planClaim(run.planId));
      if (holder !== run.claimant)
        return {
          ok: false,
          message: `plan ${run.planId} has already been applied (by job ${holder})`,
          result: 'refused',
        };
      interrupted = true;
    } else claimedNow = true;
  }

  const log = deps.log.child({ jobId: run.jobId, planId: run.planId, target: target.name });
  let entered = false;
  try {
    const outcome = await withHostLock(
      deps.lock,
      target.name,
      { ttlMs: deps.limits.hostLockTtlMs, waitMs: deps.limits.hostLockWaitMs, signal: run.signal },
      async (lease, lockSignal) => {
        entered = true;
        const ctx: RemediationContext = {
          jobId: run.jobId,
          planId: run.planId,
          action: run.action,
          target,
          inventory: run.inventory,
          requestedBy: run.requestedBy,
          lease,
          stillHeld: () => deps.lock.holds(lease),
          signal: run.signal ? AbortSignal.any([lockSignal, run.signal]) : lockSignal,
          notifier,
          destination: run.destination,
          log,
        };
        if (!interrupted) return runner.run(ctx);
        log.warn('remediation restarted after its worker was lost: not applied again');
        if (runner.interrupted) return runner.interrupted(ctx);
        await notifier.note(
          target.name,
          `✗ the remediation of plan ${run.planId} was interrupted (its worker was lost) and was not applied again: check ${target.name}`,
        );
        return { status: 'interrupted' as const, summary: 'interrupted; not applied again' };
      },
    );
    return { ok: true, outcome };
  } catch (err) {
    // The lock was never ours, so the runner never ran: a claim this run took is given back (only while it
    // is still this run's), so the plan is not burnt for CLAIM_RETENTION_SECONDS by an apply that never began.
    if (claimedNow && !entered)
      await RELEASE_CLAIM.run(deps.redis, [keys.planClaim(run.planId)], [run.claimant]).catch((e: unknown) =>
        log.warn({ err: e }, 'plan claim not released'),
      );
    if (err instanceof FinalFailure) throw err;
    if (err instanceof HostLockTimeout)
      return { ok: false, message: `${err.message}; nothing was changed`, result: 'failed' };
    log.error({ err }, 'remediation failed');
    return {
      ok: false,
      message: `the remediation failed: ${messageOf(err)}`,
      result: interrupted ? 'interrupted' : 'failed',
    };
  }
}
