// Settings of the queue side (producer and worker) from the environment, checked with zod at start.
// A bad value stops the process with one line that names the setting: "WORKER_CONCURRENCY: expected …".
import { z } from 'zod';
import { parseRemediationRoots } from '../remediate/confine.js';
import { DEFAULT_PREFIX } from './names.js';

const wholeNumber = (min: number, max: number, fallback: number) => {
  const expected = `expected a whole number from ${min} to ${max}`;
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw.trim() === '') return fallback;
      const n = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
      if (!Number.isSafeInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `${expected} (got ${JSON.stringify(raw)})` });
        return z.NEVER;
      }
      return n;
    });
};

const redisUrl = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    const value = raw === undefined || raw.trim() === '' ? 'redis://127.0.0.1:6379' : raw.trim();
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: `expected a URL like redis://host:6379 (got ${JSON.stringify(raw)})`,
      });
      return z.NEVER;
    }
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
      ctx.addIssue({
        code: 'custom',
        message: `expected a redis:// or rediss:// URL (got ${url.protocol}//…)`,
      });
      return z.NEVER;
    }
    if (url.pathname !== '' && url.pathname !== '/' && !/^\/\d{1,2}$/.test(url.pathname)) {
      ctx.addIssue({
        code: 'custom',
        message: 'expected a database number after the host (redis://host:6379/0)',
      });
      return z.NEVER;
    }
    return value;
  });

/** "host:port,host:port" → addresses; IPv6 in brackets ([::1]:26379). */
const sentinels = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    if (raw === undefined || raw.trim() === '') return undefined;
    const out: { host: string; port: number }[] = [];
    for (const part of raw.split(',').map((p) => p.trim())) {
      const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(part);
      const port = m ? Number(m[3]) : 0;
      if (!m || port < 1 || port > 65535) {
        ctx.addIssue({
          code: 'custom',
          message: `expected host:port[,host:port…] (got ${JSON.stringify(part)})`,
        });
        return z.NEVER;
      }
      out.push({ host: m[1] ?? m[2]!, port });
    }
    return out;
  });

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : v));

const prefix = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    if (raw === undefined || raw === '') return DEFAULT_PREFIX;
    if (!/^[A-Za-z0-9_.{}-]{1,64}$/.test(raw)) {
      ctx.addIssue({
        code: 'custom',
        message: "expected letters, digits, '.', '-', '_' (and {} for a Cluster hash tag)",
      });
      return z.NEVER;
    }
    return raw;
  });

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Environment variables read by the queue side, with their defaults (the names are the contract). */
export const queueEnvSchema = z.object({
  REDIS_URL: redisUrl,
  /** Redis Sentinel: the sentinels to ask for the master; REDIS_URL then gives password, db and TLS only. */
  REDIS_SENTINELS: sentinels,
  REDIS_SENTINEL_NAME: optionalText,
  REDIS_SENTINEL_PASSWORD: optionalText,
  QUEUE_PREFIX: prefix,
  /** Attempts of a diagnosis whose host was out of reach for a reason that may pass (refused, timeout). */
  DIAGNOSE_ATTEMPTS: wholeNumber(1, 10, 3),
  /** First retry delay; doubled each time. */
  DIAGNOSE_BACKOFF_MS: wholeNumber(0, 600_000, 5_000),
});

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

export type QueueSettings = z.output<typeof queueEnvSchema>;
export type WorkerSettings = z.output<typeof workerEnvSchema>;

export type SettingsResult<T> = { ok: true; settings: T } | { ok: false; error: string };

function parseEnv<T>(schema: z.ZodType<T>, env: NodeJS.ProcessEnv): SettingsResult<T> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    return { ok: false, error: `${issue.path.map(String).join('.')}: ${issue.message}` };
  }
  return { ok: true, settings: result.data };
}

function checkSentinel<T extends QueueSettings>(r: SettingsResult<T>): SettingsResult<T> {
  if (r.ok && r.settings.REDIS_SENTINELS && !r.settings.REDIS_SENTINEL_NAME)
    return {
      ok: false,
      error: 'REDIS_SENTINEL_NAME: is required with REDIS_SENTINELS (the master group name)',
    };
  return r;
}

export function queueSettingsFrom(env: NodeJS.ProcessEnv): SettingsResult<QueueSettings> {
  return checkSentinel(parseEnv(queueEnvSchema, env));
}

export function workerSettingsFrom(env: NodeJS.ProcessEnv): SettingsResult<WorkerSettings> {
  return checkSentinel(parseEnv(workerEnvSchema, env));
}
