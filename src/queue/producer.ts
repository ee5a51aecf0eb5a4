// What the bot (or anything else that asks) uses to enqueue work. Payloads are checked here first.
//
// requestDiagnosis: one job per host while it is queued or running (BullMQ deduplication by host name);
// every requester is recorded on that job and hears its one answer. A requester who joins in the instant
// the job finishes gets the stored answer delivered from here (see requesters.ts for why none can slip).
//
// requestRemediation: job id `apply-<plan>` and a once-only marker per plan, so pressing Apply ten times
// enqueues one job; the others learn who asked first.
//
// requestRollout: a group's canary or its rest, in the remediate queue as `rollout` jobs with the job id
// `rollout-<group>-<stage>` (the press already moved the group's rollout by compare-and-set, so one press
// gets here; the job id makes even a second one a no-op).
import { randomBytes } from 'node:crypto';
import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Destination, NotifierFactory } from './notifier.js';
import { QueueKeys } from './keys.js';
import { DEFAULT_PREFIX, DIAGNOSE_QUEUE, REMEDIATE_QUEUE, ROLLOUT_JOB } from './names.js';
import type { DiagnosisOutcome } from './outcome.js';
import {
  diagnosePayloadSchema,
  InvalidPayloadError,
  parsePayload,
  remediatePayloadSchema,
  rolloutPayloadSchema,
  type DiagnosePayload,
  type RemediatePayload,
  type RemediationAction,
  type RolloutStageRequested,
} from './payloads.js';
import { Requesters } from './requesters.js';

/** Bounded retention: enough to look back at recent jobs, never an ever-growing Redis. */
export const RETENTION = {
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
} as const;

export interface ProducerOptions {
  /** Shared with the caller (not closed by close()). */
  connection: Redis;
  prefix?: string;
  /** Attempts of a diagnosis while its host is out of reach for a reason that may pass. */
  diagnoseAttempts?: number;
  /** First retry delay (doubled each time). */
  diagnoseBackoffMs?: number;
  /** Delivers a finished diagnosis to a requester who joined as it finished (the bot's Slack notifier). */
  notifierFor: NotifierFactory;
}

export interface DiagnosisTicket {
  jobId: string;
  /**
   * queued: a new job; joined: the host was already being diagnosed, this requester will hear the same
   * answer; answered: the job finished as this requester joined, and the answer was delivered from here.
   */
  status: 'queued' | 'joined' | 'answered';
  /** For `joined`: where the first requester hears about it (the bot links to that thread). */
  leader?: Destination;
  outcome?: DiagnosisOutcome;
}

export type RemediationTicket =
  | { status: 'queued'; jobId: string }
  /** The plan was requested before: by whom, when, and which job runs it. */
  | { status: 'duplicate'; jobId: string; requestedBy: string; requestedAt: string };

export class Producer {
  readonly diagnose: Queue;
  readonly remediate: Queue;
  private readonly requesters: Requesters;
  private readonly keys: QueueKeys;
  private readonly redis: Redis;

  constructor(private readonly options: ProducerOptions) {
    const prefix = options.prefix ?? DEFAULT_PREFIX;
    this.redis = options.connection;
    this.diagnose = new Queue(DIAGNOSE_QUEUE, { connection: options.connection, prefix });
    this.remediate = new Queue(REMEDIATE_QUEUE, { connection: options.connection, prefix });
    this.requesters = new Requesters(options.connection, prefix);
    this.keys = new QueueKeys(prefix);
  }

  private diagnoseJobOptions(target: string): JobsOptions {
    return {
      deduplication: { id: target },
      attempts: this.options.diagnoseAttempts ?? 3,
      backoff: { type: 'exponential', delay: this.options.diagnoseBackoffMs ?? 5_000 },
      ...RETENTION,
    };
  }

  async requestDiagnosis(request: { target: string; destination: Destination }): Promise<DiagnosisTicket> {
    const checked = parsePayload(diagnosePayloadSchema, {
      target: request.target,
      destination: request.destination,
      requestedAt: new Date().toISOString(),
    });
    if (!checked.ok) throw new InvalidPayloadError(checked.error);
    const payload: DiagnosePayload = checked.value;

    // A job can vanish between add() and join() only if it finished and was removed meanwhile, and its
    // outcome expired: then a fresh job is the right answer. Twice in a row cannot happen in practice.
    for (let round = 0; round < 3; round++) {
      // Our own job id: when BullMQ returns another one, the host's job already existed (deduplicated).
      const candidate = `d-${randomBytes(9).toString('base64url')}`;
      const job = await this.diagnose.add(DIAGNOSE_QUEUE, payload, {
        ...this.diagnoseJobOptions(payload.target),
        jobId: candidate,
      });
      const jobId = job.id!;
      const joined = await this.requesters.join(jobId, payload.destination);
      if (joined.status === 'gone') continue;
      if (joined.status === 'finished') {
        const notifier = this.options.notifierFor(payload.destination);
        await this.requesters.deliverOnce(
          jobId,
          payload.destination,
          notifier,
          joined.outcome,
          `producer:${process.pid}`,
        );
        return { jobId, status: 'answered', outcome: joined.outcome };
      }
      if (jobId === candidate) return { jobId, status: 'queued' };
      const existing = await this.diagnose.getJob(jobId);
      const leader = parsePayload(diagnosePayloadSchema, existing?.data);
      return { jobId, status: 'joined', leader: leader.ok ? leader.value.destination : undefined };
    }
    throw new Error(
      `the diagnose job for ${payload.target} kept vanishing; is something deleting queue keys?`,
    );
  }

  async requestRemediation(request: {
    planId: string;
    action: RemediationAction;
    target: string;
    destination: Destination;
    requestedBy: string;
  }): Promise<RemediationTicket> {
    const checked = parsePayload(remediatePayloadSchema, {
      ...request,
      requestedAt: new Date().toISOString(),
    });
    if (!checked.ok) throw new InvalidPayloadError(checked.error);
    const payload: RemediatePayload = checked.value;
    if (payload.action === 'test') {
      const job = await this.remediate.add(REMEDIATE_QUEUE, payload, { attempts: 1, ...RETENTION });
      return { status: 'queued', jobId: job.id! };
    }
    const jobId = `apply-${payload.planId}`;
    const marker = JSON.stringify({
      jobId,
      requestedBy: payload.requestedBy,
      requestedAt: payload.requestedAt,
    });
    const first = await this.redis.set(
      this.keys.planRequested(payload.planId),
      marker,
      'EX',
      30 * 24 * 3600,
      'NX',
    );
    if (first !== 'OK') {
      const earlier = JSON.parse(
        (await this.redis.get(this.keys.planRequested(payload.planId))) ?? marker,
      ) as {
        jobId: string;
        requestedBy: string;
        requestedAt: string;
      };
      return { status: 'duplicate', ...earlier };
    }
    await this.remediate.add(REMEDIATE_QUEUE, payload, { jobId, attempts: 1, ...RETENTION });
    return { status: 'queued', jobId };
  }

  async requestRollout(request: {
    groupId: string;
    stage: RolloutStageRequested;
    destination: Destination;
    requestedBy: string;
  }): Promise<{ jobId: string }> {
    const checked = parsePayload(rolloutPayloadSchema, { ...request, requestedAt: new Date().toISOString() });
    if (!checked.ok) throw new InvalidPayloadError(checked.error);
    const jobId = `rollout-${checked.value.groupId}-${checked.value.stage}`;
    await this.remediate.add(ROLLOUT_JOB, checked.value, { jobId, attempts: 1, ...RETENTION });
    return { jobId };
  }

  /** Closes the queues (not the shared connection). */
  async close(): Promise<void> {
    await Promise.all([this.diagnose.close(), this.remediate.close()]);
  }
}
