// Is this HTTP request from Slack, and new? Slack signs each request with the app's signing secret (v0:
// HMAC-SHA256 over `v0:<timestamp>:<body>`), but a signed request stays valid for anyone who captures it: so
// besides the signature, the timestamp must be a plain integer (digits only: no sign, fraction or spaces,
// which Bolt's `Number()` would let through) no more than 5 minutes old and not ahead of our clock by more
// than a small skew, and the signature must not have been seen before. Seen signatures are remembered in
// Redis (SET NX with an expiry that outlives the timestamp's window), so every bot replica refuses a replay,
// and only after the signature checked out, so forged requests cannot fill Redis.
//
// Bolt's HTTPReceiver verifies as well (a second check, kept); this runs first, in front of it, the way
// bolt-js keeps verification small and apart from the receiver (src/receivers/verify-request.ts). Socket
// Mode has no signatures: its WebSocket is opened with the app-level token and authenticated by Slack.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Result } from '../model/result.js';

/** Slack's own limit on a request's age. */
export const MAX_AGE_SECONDS = 5 * 60;
/** How far ahead of our clock a timestamp may be (clocks drift; a request from the future is forged). */
export const MAX_AHEAD_SECONDS = 60;

export type Verdict = { ok: true } | { ok: false; status: 401 | 503; why: string };

/** A header's single value (a repeated header is no value). */
function single(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' ? header : undefined;
}

/** The timestamp in seconds if it is a plain integer within the window around `nowMs`, else why not. */
export function checkTimestamp(header: string | string[] | undefined, nowMs: number): Result<number> {
  const raw = single(header);
  if (raw === undefined || !/^[1-9][0-9]{0,11}$/.test(raw))
    return { ok: false, error: 'X-Slack-Request-Timestamp is not a whole number of seconds' };
  const seconds = Number(raw);
  const now = Math.floor(nowMs / 1000);
  if (seconds < now - MAX_AGE_SECONDS) return { ok: false, error: 'the request is more than 5 minutes old' };
  if (seconds > now + MAX_AHEAD_SECONDS)
    return { ok: false, error: `the request is stamped more than ${MAX_AHEAD_SECONDS} s in the future` };
  return { ok: true, value: seconds };
}

/** The v0 signature's hex digest if the header is one and it signs `seconds` and `body`, else undefined. */
export function checkSignature(
  secret: string,
  header: string | string[] | undefined,
  seconds: number,
  body: Buffer,
): string | undefined {
  const raw = single(header);
  const m = raw === undefined ? null : /^v0=([0-9a-f]{64})$/.exec(raw);
  if (!m) return undefined;
  const expected = createHmac('sha256', secret).update(`v0:${seconds}:`).update(body).digest();
  return timingSafeEqual(Buffer.from(m[1]!, 'hex'), expected) ? m[1] : undefined;
}

/** Signatures already honoured, shared by every bot process. */
export interface SeenSignatures {
  /** True the first time `signature` is offered while it is remembered (`forMs`), false after. */
  firstSighting(signature: string, forMs: number): Promise<boolean>;
}

export class RedisSeenSignatures implements SeenSignatures {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async firstSighting(signature: string, forMs: number): Promise<boolean> {
    const key = `${this.prefix}:slack:seen:${signature}`;
    return (await this.redis.set(key, '1', 'PX', Math.max(1000, Math.ceil(forMs)), 'NX')) === 'OK';
  }
}

export interface VerifyOptions {
  secret: string;
  seen: SeenSignatures;
  nowMs?: number;
  /** How long to wait for Redis before refusing (503): a replay must never slip through a slow store. */
  seenTimeoutMs?: number;
}

/** The whole check of one request: timestamp, signature, then first sighting. */
export async function verifySlackRequest(
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
  options: VerifyOptions,
): Promise<Verdict> {
  const nowMs = options.nowMs ?? Date.now();
  const stamp = checkTimestamp(headers['x-slack-request-timestamp'], nowMs);
  if (!stamp.ok) return { ok: false, status: 401, why: stamp.error };
  const signature = checkSignature(options.secret, headers['x-slack-signature'], stamp.value, body);
  if (!signature) return { ok: false, status: 401, why: 'the signature does not match' };
  // Remembered until the timestamp has left the window: after that the age check refuses it anyway.
  const forMs = (stamp.value + MAX_AGE_SECONDS + 1) * 1000 - nowMs;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), options.seenTimeoutMs ?? 2000);
  });
  try {
    const first = await Promise.race([options.seen.firstSighting(signature, forMs), timeout]);
    if (first === 'timeout')
      return { ok: false, status: 503, why: 'the store of seen signatures did not answer' };
    return first ? { ok: true } : { ok: false, status: 401, why: 'the request was seen before (a replay)' };
  } catch (err) {
    return {
      ok: false,
      status: 503,
      why: `the store of seen signatures failed: ${err instanceof Error ? err.message : String(err)}`,
    };
  } finally {
    clearTimeout(timer);
  }
}
