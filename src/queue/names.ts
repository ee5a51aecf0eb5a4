// The queues between the bot and the workers, and the Redis key prefix they live under.

/** One job per host to diagnose (deduplicated by host while queued or running). */
export const DIAGNOSE_QUEUE = 'diagnose';
/** Remediation jobs: one per plan id, never retried automatically, under the host's lock. */
export const REMEDIATE_QUEUE = 'remediate';

/** The name of a group rollout's jobs in the remediate queue (beside single plans' jobs). */
export const ROLLOUT_JOB = 'rollout';

export type QueueName = typeof DIAGNOSE_QUEUE | typeof REMEDIATE_QUEUE;

/**
 * Prefix of every Redis key this program writes (BullMQ's and ours), so one Redis can host several
 * installations and tests. For Redis Cluster, use a hash tag (`{ud}`) so a job's keys share a slot.
 */
export const DEFAULT_PREFIX = 'upstream-doctor';
