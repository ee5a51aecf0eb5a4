// A worker process's settings from the environment: the queue's (Redis, prefix, retries) and the worker's own
// (concurrency, deadlines, locks, log level, what a remediation may touch), checked with zod at start. A bad
// value stops the process with one line that names the setting, as the queue's settings do.
import { z } from 'zod';
import { parseRemediationRoots } from '../remediate/confine.js';
import {
  LOG_LEVELS,
  checkSentinel,
  parseEnv,
  queueEnvSchema,
  wholeNumber,
  type SettingsResult,
} from '../queue/settings.js';

export const workerEnvSchema = queueEnvSchema.extend({
  WORKER_CONCURRENCY: wholeNumber(1, 256, 4),
  /** /healthz and /metrics; 0 picks a free port (tests). */
  WORKER_METRICS_PORT: wholeNumber(0, 65535, 9464),
  WORKER_METRICS_HOST: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v === '' ? '0.0.0.0' : v)),
  /** Hard limit of one host visit; the SSH connections are closed when it passes. */
  DIAGNOSE_TIMEOUT_MS: wholeNumber(1_000, 3_600_000, 120_000),
  /** BullMQ job lock: a worker that stops renewing it (killed) loses its jobs to another after this. */
  WORKER_LOCK_DURATION_MS: wholeNumber(1_000, 600_000, 30_000),
  /** How often workers look for jobs whose worker was lost. */
  WORKER_STALLED_INTERVAL_MS: wholeNumber(500, 600_000, 30_000),
  /** A job that lost its worker more often than this fails (with an answer to its requesters). */
  WORKER_MAX_STALLED_COUNT: wholeNumber(0, 100, 2),
  /** Per-host lock lease, renewed while held; a dead holder's lock frees itself after this. */
  HOST_LOCK_TTL_MS: wholeNumber(1_000, 600_000, 30_000),
  /** How long a job waits for another job's lock on the same host before it gives up (and retries). */
  HOST_LOCK_WAIT_MS: wholeNumber(0, 3_600_000, 300_000),
  LOG_LEVEL: z
    .enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` })
    .optional()
    .transform((v) => v ?? 'info'),
  /** off: reports carry no fix to apply, and remediate jobs are refused with a message. */
  REMEDIATION: z
    .enum(['on', 'off', ''], { error: "expected 'on' or 'off'" })
    .optional()
    .transform((v) => (v === 'off' ? 'off' : 'on')),
  /** Hosts of a group's fix applied at once after its canary (canary-first fleet fix). */
  ROLLOUT_BATCH: wholeNumber(1, 100, 5),
  /** How long a proposed fix may be applied after its diagnosis (the host may drift after that). */
  PLAN_TTL_MS: wholeNumber(60_000, 24 * 3_600_000, 30 * 60_000),
  /** Directories besides the main config's own where a plan may write (real paths, comma separated). */
  REMEDIATION_ROOTS: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const parsed = parseRemediationRoots(raw);
      if (parsed.ok) return parsed.value;
      ctx.addIssue({ code: 'custom', message: parsed.error });
      return z.NEVER;
    }),
});

export type WorkerSettings = z.output<typeof workerEnvSchema>;

export function workerSettingsFrom(env: NodeJS.ProcessEnv): SettingsResult<WorkerSettings> {
  return checkSentinel(parseEnv(workerEnvSchema, env));
}
