// Slack Web API errors as the bot acts on them, and a bounded retry for rate limits. Our WebClient is built
// with `rejectRateLimitedCalls: true`: WebClient's own rate-limit handling would wait any Retry-After (even
// minutes) up to ten times; here a progress edit can give up at once and a final answer waits, but boundedly.
// Every client of a process reaches Slack through one pool of kept-alive connections (keep-alive-fetch.ts).
import { webApi } from '@slack/bolt';
import { sharedFetch } from './keep-alive-fetch.js';

export type WebClient = webApi.WebClient;

/** Slack's `error` of a platform error (`{ ok: false, error }`), e.g. "not_in_channel". */
export function slackErrorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; data?: { error?: unknown } };
  return e.code === webApi.ErrorCode.PlatformError && typeof e.data?.error === 'string'
    ? e.data.error
    : undefined;
}

/** Seconds Slack asked us to wait (HTTP 429), when `err` is a rate-limit error. */
export function retryAfterOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; retryAfter?: unknown };
  return e.code === webApi.ErrorCode.RateLimitedError && typeof e.retryAfter === 'number'
    ? e.retryAfter
    : undefined;
}

/** Errors that mean the bot cannot post in that channel at all (until someone invites it, or ever). */
export const CHANNEL_UNUSABLE: ReadonlySet<string> = new Set([
  'not_in_channel',
  'channel_not_found',
  'is_archived',
  'restricted_action',
]);

export function channelUnusable(err: unknown): boolean {
  const code = slackErrorCode(err);
  return code !== undefined && CHANNEL_UNUSABLE.has(code);
}

/** One line for logs and messages: Slack's error code, or the error's message. */
export function describeSlackError(err: unknown): string {
  const code = slackErrorCode(err);
  if (code) return code;
  const retryAfter = retryAfterOf(err);
  if (retryAfter !== undefined) return `rate limited (retry after ${retryAfter} s)`;
  return err instanceof Error ? err.message : String(err);
}

export interface RetryPolicy {
  /** Retries after a 429, at most. */
  retries: number;
  /** Total time spent waiting on Retry-After, at most; past it, the error is thrown. */
  maxWaitMs: number;
}

export const FINAL_ANSWER_RETRY: RetryPolicy = { retries: 4, maxWaitMs: 90_000 };
export const NO_RETRY: RetryPolicy = { retries: 0, maxWaitMs: 0 };

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `call`; on a rate-limit error waits the Retry-After Slack gave (a second when it gave none) and tries
 * again, within `policy`. Any other error is thrown at once.
 */
export async function withRateLimitRetry<T>(
  call: () => Promise<T>,
  policy: RetryPolicy,
  sleep: Sleep = realSleep,
): Promise<T> {
  let waited = 0;
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const retryAfter = retryAfterOf(err);
      if (retryAfter === undefined || attempt >= policy.retries) throw err;
      const waitMs = Math.max(1, retryAfter) * 1000;
      if (waited + waitMs > policy.maxWaitMs) throw err;
      waited += waitMs;
      await sleep(waitMs);
    }
  }
}

export interface ClientOptions {
  token: string;
  /** Slack's Web API base URL (tests point it at a stand-in). */
  slackApiUrl?: string;
  /** Milliseconds before one HTTP request is abandoned. */
  timeoutMs?: number;
}

/** WebClient options used by the bot and the notifier alike. */
export function webClientOptions(options: Omit<ClientOptions, 'token'>): webApi.WebClientOptions {
  return {
    ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
    rejectRateLimitedCalls: true,
    // Network errors and 5xx: a few quick retries (p-retry); platform errors are never retried by WebClient.
    retryConfig: { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 2000 },
    timeout: options.timeoutMs ?? 15_000,
    // Kept-alive connections, at most MAX_SOCKETS to Slack, whatever Node's default dispatcher does.
    fetch: sharedFetch(),
  };
}

export function createWebClient(options: ClientOptions): WebClient {
  return new webApi.WebClient(options.token, webClientOptions(options));
}
