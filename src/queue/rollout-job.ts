// The processor of `rollout` jobs: a group's canary, or the rest of its hosts in batches. What a rollout does
// (which members, in which batches, when to stop) belongs to the remediation module, which provides a
// RolloutRunner; this side gives it the one operation it may use on a host, `applyMember`: the member's own
// plan run under that host's lock with the same once-only claim a remediate job takes (remediate-job.ts), so
// a member is applied once whether the rollout runs once, is resumed by another worker after its own was lost
// (BullMQ's stalled-job recovery restarts the same job: the claims are found ours, never applied again), or
// meets an `Apply & reload` of the same plan. Rollout jobs live in the remediate queue, job name `rollout`.
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import type { Inventory, Target } from '../inventory/index.js';
import { FinalFailure, messageOf } from './errors.js';
import { REMEDIATE_QUEUE } from './names.js';
import type { Destination, Notifier } from './notifier.js';
import { NO_OBSERVER, type JobResult } from './observer.js';
import { jobPayload, rolloutPayloadSchema, type RolloutStageRequested } from './payloads.js';
import {
  observeJob,
  runPlanUnderLock,
  type RemediateDeps,
  type RemediationOutcome,
  type RemediationRunner,
} from './remediate-job.js';

export interface RolloutContext {
  jobId: string;
  groupId: string;
  stage: RolloutStageRequested;
  /** Who pressed: every member's audit entries name them. */
  requestedBy: string;
  /** The group's thread. */
  destination: Destination;
  /** Read once when the job started: a member missing from it is refused. */
  inventory: Inventory;
  /** The rollout's own lines in the thread (each host's steps get a reply of their own). */
  notifier: Notifier;
  /** One member's plan applied under its host's lock, its steps in a reply of its own; never throws. */
  applyMember(planId: string, target: Target): Promise<RemediationOutcome>;
  /** Aborted when the worker stops: no new batch starts. */
  signal?: AbortSignal;
  log: Logger;
}

export interface RolloutOutcome {
  /** canary-verified / done: every member of the stage applied and verified; stopped: one was not. */
  status: 'canary-verified' | 'done' | 'stopped';
  summary: string;
}

/** A rollout job that ended without its runner settling the stage: which group, at which stage, and why. */
export interface RolloutEnd {
  groupId: string;
  stage: RolloutStageRequested;
  requestedBy: string;
  /** One line: why the rollout ended (it becomes the group's outcome on its offer). */
  summary: string;
  log: Logger;
}

export interface RolloutRunner {
  run(ctx: RolloutContext): Promise<RolloutOutcome>;
  /**
   * The job is over without run() having settled its stage (the inventory unreadable, an error after the last
   * attempt, a worker lost too often): the stage becomes `stopped` with `summary`, so the group is not stuck
   * at `canary`/`rest` until it expires. False when the stage had already moved on (nothing changed).
   */
  abandon(end: RolloutEnd): Promise<boolean>;
}

export interface RolloutDeps extends RemediateDeps {
  /** Absent in a worker without remediation: rollout jobs are then refused with a message. */
  rollout?: RolloutRunner;
  /** Runs each member's plan (a PlanRunner without a confirming diagnosis per host). */
  memberRunner?: RemediationRunner;
}

const RESULT_OF: Record<RolloutOutcome['status'], JobResult> = {
  'canary-verified': 'applied',
  done: 'applied',
  stopped: 'failed',
};

export function rolloutProcessor(deps: RolloutDeps) {
  const observer = deps.observer ?? NO_OBSERVER;
  return (job: Job, _token?: string, signal?: AbortSignal): Promise<RolloutOutcome> =>
    observeJob(
      observer,
      REMEDIATE_QUEUE,
      (o) => RESULT_OF[o.status],
      () => runRolloutJob(deps, job, signal),
    );
}

async function runRolloutJob(deps: RolloutDeps, job: Job, signal?: AbortSignal): Promise<RolloutOutcome> {
  const payload = jobPayload(rolloutPayloadSchema, job, REMEDIATE_QUEUE, deps.log);
  const notifier = deps.notifierFor(payload.destination);
  const where = `group ${payload.groupId}`;
  const { rollout, memberRunner } = deps;
  const stop = async (message: string, result: JobResult): Promise<never> => {
    const stopped = await rollout
      ?.abandon({
        groupId: payload.groupId,
        stage: payload.stage,
        requestedBy: payload.requestedBy,
        summary: `rollout (${payload.stage}) stopped: ${message}`,
        log: deps.log,
      })
      .catch((err: unknown) => {
        deps.log.warn({ err }, 'rollout not stopped');
        return false;
      });
    await notifier
      .note(where, `✗ ${message}${stopped ? '; the rollout is stopped' : ''}`)
      .catch((err: unknown) => deps.log.warn({ err }, 'not delivered'));
    throw new FinalFailure(message, result);
  };
  if (!rollout || !memberRunner)
    return stop('this worker cannot remediate (no remediation runner is configured)', 'refused');
  const loaded = await deps.loadInventory();
  if (!loaded.ok)
    return stop(
      `the inventory cannot be read: ${loaded.error[0] ?? 'unknown error'}; nothing was changed`,
      'failed',
    );
  const log = deps.log.child({ jobId: job.id, groupId: payload.groupId, stage: payload.stage });
  const applyMember = async (planId: string, target: Target): Promise<RemediationOutcome> => {
    const hostNotifier = deps.notifierFor(payload.destination);
    const said = (status: RemediationOutcome['status'], summary: string) =>
      hostNotifier
        .note(target.name, `✗ ${summary}`)
        .catch(() => undefined)
        .then(() => ({ status, summary }));
    try {
      const ran = await runPlanUnderLock(deps, memberRunner, {
        claimant: `${job.id}@${job.timestamp}`,
        jobId: job.id!,
        planId,
        action: 'apply',
        target,
        inventory: loaded.value,
        requestedBy: payload.requestedBy,
        notifier: hostNotifier,
        destination: payload.destination,
        signal,
      });
      if (ran.ok) return ran.outcome;
      return said(ran.result === 'refused' ? 'refused' : 'failed', ran.message);
    } catch (err) {
      log.error({ err, planId, target: target.name }, 'member apply failed');
      return said('failed', `the remediation failed: ${messageOf(err)}`);
    }
  };
  log.info('rollout started');
  return rollout.run({
    jobId: job.id!,
    groupId: payload.groupId,
    stage: payload.stage,
    requestedBy: payload.requestedBy,
    destination: payload.destination,
    inventory: loaded.value,
    notifier,
    applyMember,
    signal,
    log,
  });
}
