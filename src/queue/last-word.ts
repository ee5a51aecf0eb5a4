// A job can fail without its processor answering: BullMQ fails a job that lost its worker too often
// (stalled more than maxStalledCount), and an error can escape after the last attempt (Redis gone while
// answering). The worker's 'failed' event lands here: if the job is really over and nobody was answered,
// its requesters hear that it failed. Never silent; never twice (seal and deliverOnce, as usual). A group's
// rollout job that ends this way also stops its group (RolloutRunner.abandon), so the group is not left at
// `canary`/`rest` with presses answering "being applied" until it expires.
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import type { NotifierFactory } from './notifier.js';
import { FinalFailure } from './errors.js';
import { RequesterFanout } from './fanout.js';
import { DIAGNOSE_QUEUE, REMEDIATE_QUEUE, ROLLOUT_JOB } from './names.js';
import {
  diagnosePayloadSchema,
  parsePayload,
  remediatePayloadSchema,
  rolloutPayloadSchema,
} from './payloads.js';
import type { Requesters } from './requesters.js';
import type { RolloutRunner } from './rollout-job.js';

export interface LastWordDeps {
  requesters: Requesters;
  notifierFor: NotifierFactory;
  log: Logger;
  workerId: string;
  /** A group's rollout that failed this way is stopped (not left at `canary`/`rest` until it expires). */
  rollout?: Pick<RolloutRunner, 'abandon'>;
}

export async function lastWord(deps: LastWordDeps, job: Job | undefined, err: Error): Promise<void> {
  // Our processors answer before they throw a FinalFailure; an attempt that will be retried is not over.
  if (!job?.id || err instanceof FinalFailure) return;
  if ((await job.getState()) !== 'failed') return;
  const message = `the job failed: ${err.message}`;
  if (job.queueName === DIAGNOSE_QUEUE) {
    const payload = parsePayload(diagnosePayloadSchema, job.data);
    if (!payload.ok) return;
    const fanout = new RequesterFanout(
      deps.requesters,
      deps.notifierFor,
      job.id,
      payload.value.destination,
      deps.workerId,
      deps.log,
    );
    await fanout.finish({ kind: 'failed', target: payload.value.target, message });
  } else if (job.queueName === REMEDIATE_QUEUE && job.name === ROLLOUT_JOB) {
    const payload = parsePayload(rolloutPayloadSchema, job.data);
    if (!payload.ok) return;
    const { groupId, stage, requestedBy } = payload.value;
    const stopped = await deps.rollout
      ?.abandon({
        groupId,
        stage,
        requestedBy,
        summary: `rollout (${stage}) stopped: ${message}`,
        log: deps.log,
      })
      .catch((e: unknown) => {
        deps.log.warn({ err: e }, 'rollout not stopped');
        return false;
      });
    await deps
      .notifierFor(payload.value.destination)
      .note(
        `group ${groupId}`,
        `✗ rollout (${stage}): ${message}${stopped ? '; the rollout is stopped' : ''}; check the hosts`,
      );
  } else if (job.queueName === REMEDIATE_QUEUE) {
    const payload = parsePayload(remediatePayloadSchema, job.data);
    if (!payload.ok) return;
    await deps.notifierFor(payload.value.destination).note(payload.value.target, `✗ ${message}`);
  }
}
