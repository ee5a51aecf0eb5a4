// What a job carries, as zod schemas: checked when the bot enqueues and again when a worker takes the job
// (Redis is shared state: a job written by an older or foreign producer must not crash a worker).
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { z } from 'zod';
import { FinalFailure } from './errors.js';
import type { QueueName } from './names.js';
import type { Destination } from './notifier.js';
import type { Result } from '../model/result.js';

const text = (what: string, max = 200) =>
  z
    .string({ error: `expected ${what}` })
    .min(1, { error: `expected ${what}` })
    .max(max, { error: `${what} is too long` });

/** Inventory host names: the inventory's own rule (letters, digits, '.', '-', '_'). */
export const hostNameSchema = text('an inventory host name', 253).regex(/^[A-Za-z0-9._-]+$/, {
  error: "expected an inventory host name (letters, digits, '.', '-', '_')",
});

/** Plan ids become BullMQ job ids and Redis key parts: no ':' and nothing exotic. */
export const planIdSchema = text('a plan id', 100).regex(/^[A-Za-z0-9_-]+$/, {
  error: "expected a plan id (letters, digits, '-', '_')",
});

/** The alert behind a diagnosis (notifier.ts AlertContext): cut to these lengths before it is queued. */
export const alertContextSchema = z.strictObject({
  name: text('an alert name', 200),
  summary: z.string().max(1000, { error: 'the alert summary is too long' }),
  since: z.iso.datetime({ error: 'expected an ISO 8601 time' }),
});

/** Sweep ids as sweep.ts makes them: `s-` and 12 base64url characters (a Redis key part). */
export const sweepIdSchema = text('a sweep id', 20).regex(/^s-[A-Za-z0-9_-]{12}$/, {
  error: 'expected a sweep id (s-…)',
});

export const destinationSchema: z.ZodType<Destination> = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('slack'),
    channel: text('a Slack channel id'),
    threadTs: text('a Slack message ts'),
    userId: text('a Slack user id'),
    confirmsPlan: planIdSchema.optional(),
    alert: alertContextSchema.optional(),
    sweep: sweepIdSchema.optional(),
  }),
]);

export const diagnosePayloadSchema = z.strictObject({
  /** Inventory name of the host; checked against the inventory when a worker takes the job. */
  target: hostNameSchema,
  /** Who asked first. Later requesters of the same host join through the job's requester list. */
  destination: destinationSchema,
  requestedAt: z.iso.datetime({ error: 'expected an ISO 8601 time' }),
});
export type DiagnosePayload = z.infer<typeof diagnosePayloadSchema>;

export const REMEDIATION_ACTIONS = ['apply', 'test'] as const;
export type RemediationAction = (typeof REMEDIATION_ACTIONS)[number];

export const remediatePayloadSchema = z.strictObject({
  planId: planIdSchema,
  /** `apply` changes the host (at most once per plan); `test` checks a candidate config and changes nothing. */
  action: z.enum(REMEDIATION_ACTIONS, { error: "expected 'apply' or 'test'" }),
  target: hostNameSchema,
  destination: destinationSchema,
  /** Who pressed the button (Slack user id), for the thread and the audit trail. */
  requestedBy: text('who asked'),
  requestedAt: z.iso.datetime({ error: 'expected an ISO 8601 time' }),
});
export type RemediatePayload = z.infer<typeof remediatePayloadSchema>;

/** Group ids (remediate/plan-group.ts makes them): part of a BullMQ job id. */
export const groupIdSchema = z.string({ error: 'expected a group id' }).regex(/^g-[A-Za-z0-9_-]{12}$/, {
  error: 'expected a group id (g- and 12 letters, digits, - or _)',
});

export const ROLLOUT_STAGES_REQUESTED = ['canary', 'rest'] as const;
export type RolloutStageRequested = (typeof ROLLOUT_STAGES_REQUESTED)[number];

/** A group's canary, or the rest of its hosts in batches: each member applied under its own host's lock. */
export const rolloutPayloadSchema = z.strictObject({
  groupId: groupIdSchema,
  stage: z.enum(ROLLOUT_STAGES_REQUESTED, { error: "expected 'canary' or 'rest'" }),
  /** The group's thread: each host's steps and the rollout's progress go there. */
  destination: destinationSchema,
  /** Who pressed the button (Slack user id): every member's audit entries name them. */
  requestedBy: text('who asked'),
  requestedAt: z.iso.datetime({ error: 'expected an ISO 8601 time' }),
});
export type RolloutPayload = z.infer<typeof rolloutPayloadSchema>;

/** Checks a payload; the error is one line naming the field ("destination.channel: expected …"). */
export function parsePayload<T>(schema: z.ZodType<T>, data: unknown): Result<T> {
  const result = schema.safeParse(data);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0]!;
  const where = issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
  return { ok: false, error: `${where}${issue.message}` };
}

/**
 * The payload of a job a worker took, checked again (Redis is shared state). One that no producer of ours
 * wrote ends the job for good, logged: retrying cannot make it valid.
 */
export function jobPayload<T>(schema: z.ZodType<T>, job: Job, queue: QueueName, log: Logger): T {
  const parsed = parsePayload(schema, job.data);
  if (parsed.ok) return parsed.value;
  log.error({ jobId: job.id, error: parsed.error }, `invalid ${queue} job`);
  throw new FinalFailure(`invalid ${queue} job: ${parsed.error}`, 'invalid');
}

/** A payload the producer refused: a bug in the caller, never user input that reached us unchecked. */
export class InvalidPayloadError extends Error {
  override name = 'InvalidPayloadError';
}
