// Settings of the queue side (what the producer and the workers share) from the environment, checked with zod at start.
// A bad value stops the process with one line that names the setting: "WORKER_CONCURRENCY: expected …".
import { z } from 'zod';
import type { Result } from '../model/result.js';
import { DEFAULT_PREFIX } from './names.js';

export const wholeNumber = (min: number, max: number, fallback: number) => {
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

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

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

export type QueueSettings = z.output<typeof queueEnvSchema>;

export type SettingsResult<T> = Result<T>;

export function parseEnv<T>(schema: z.ZodType<T>, env: NodeJS.ProcessEnv): SettingsResult<T> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    return { ok: false, error: `${issue.path.map(String).join('.')}: ${issue.message}` };
  }
  return { ok: true, value: result.data };
}

export function checkSentinel<T extends QueueSettings>(r: SettingsResult<T>): SettingsResult<T> {
  if (r.ok && r.value.REDIS_SENTINELS && !r.value.REDIS_SENTINEL_NAME)
    return {
      ok: false,
      error: 'REDIS_SENTINEL_NAME: is required with REDIS_SENTINELS (the master group name)',
    };
  return r;
}

export function queueSettingsFrom(env: NodeJS.ProcessEnv): SettingsResult<QueueSettings> {
  return checkSentinel(parseEnv(queueEnvSchema, env));
}
