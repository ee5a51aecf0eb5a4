// A per-host lock in Redis, so that a remediation and anything else on the same host never overlap.
//
// - acquire: SET PX if absent (a lease that frees itself if the holder dies) and INCR of a per-host counter in the
//   same Lua script, so every holder gets a fencing token larger than every earlier holder's.
// - release/extend: only by the holder (compare the random token first, in Lua).
// - fencing: a holder whose lease lapsed (paused process, lost network) and was taken over finds that the
//   current fence is no longer its own: `holds()` says so, and a remediation checks it before every step
//   that changes the host.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { QueueKeys } from './keys.js';
import { LuaScript } from './lua.js';

export interface HostLease {
  host: string;
  /** Random secret that proves ownership to release/extend. */
  token: string;
  /** Monotonic per host: a later holder always has a larger fence. */
  fence: number;
}

const ACQUIRE = new LuaScript(
  `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local fence = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. ':' .. fence, 'PX', ARGV[2])
return fence`,
  2,
);

const RELEASE = new LuaScript(
  `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`,
  1,
);

const EXTEND = new LuaScript(
  `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`,
  1,
);

/** The value stored under the lock key: token and fence, so a holder check compares both. */
const lockValue = (lease: HostLease) => `${lease.token}:${lease.fence}`;

export class HostLockTimeout extends Error {
  override name = 'HostLockTimeout';
}

export interface AcquireOptions {
  /** Lease length; renewed by withHostLock while the holder runs. */
  ttlMs: number;
  /** Give up after this long (0: one try). */
  waitMs: number;
  signal?: AbortSignal;
  /** Called once when the lock is busy and we start to wait (progress: "waiting for …"). */
  onWait?: (holder: string | null) => void;
}

export class HostLock {
  private readonly keys: QueueKeys;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.keys = new QueueKeys(prefix);
  }

  async tryAcquire(host: string, ttlMs: number): Promise<HostLease | undefined> {
    const token = randomBytes(12).toString('hex');
    const fence = Number(
      await ACQUIRE.run(this.redis, [this.keys.hostLock(host), this.keys.hostFence(host)], [token, ttlMs]),
    );
    return fence > 0 ? { host, token, fence } : undefined;
  }

  /** Polls until the lock is free (short steps first, then up to half a second), or waitMs passes. */
  async acquire(host: string, options: AcquireOptions): Promise<HostLease> {
    const deadline = Date.now() + options.waitMs;
    let pause = 25;
    let told = false;
    for (;;) {
      options.signal?.throwIfAborted();
      const lease = await this.tryAcquire(host, options.ttlMs);
      if (lease) return lease;
      if (!told) {
        told = true;
        options.onWait?.(await this.redis.get(this.keys.hostLock(host)));
      }
      const left = deadline - Date.now();
      if (left <= 0)
        throw new HostLockTimeout(`${host} stayed locked by another job for ${options.waitMs} ms`);
      await sleep(Math.min(pause, left), options.signal);
      pause = Math.min(pause * 2, 500);
    }
  }

  async extend(lease: HostLease, ttlMs: number): Promise<boolean> {
    return (
      Number(await EXTEND.run(this.redis, [this.keys.hostLock(lease.host)], [lockValue(lease), ttlMs])) === 1
    );
  }

  async release(lease: HostLease): Promise<boolean> {
    return Number(await RELEASE.run(this.redis, [this.keys.hostLock(lease.host)], [lockValue(lease)])) === 1;
  }

  /** Whether this lease still holds the lock: same token, and its fence is still the newest. */
  async holds(lease: HostLease): Promise<boolean> {
    const [value, fence] = await Promise.all([
      this.redis.get(this.keys.hostLock(lease.host)),
      this.redis.get(this.keys.hostFence(lease.host)),
    ]);
    return value === lockValue(lease) && Number(fence) === lease.fence;
  }
}

export class HostLockLost extends Error {
  override name = 'HostLockLost';
}

/**
 * Runs `fn` holding the host's lock, renewing the lease every third of its length. If a renewal fails (the
 * lease lapsed and someone else may hold it), `signal` aborts with HostLockLost so `fn` stops early; the
 * lock is released at the end either way (a no-op when it is no longer ours).
 */
export async function withHostLock<T>(
  lock: HostLock,
  host: string,
  options: AcquireOptions,
  fn: (lease: HostLease, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const lease = await lock.acquire(host, options);
  const controller = new AbortController();
  const renew = setInterval(
    () => {
      lock.extend(lease, options.ttlMs).then(
        (ok) => {
          if (!ok) controller.abort(new HostLockLost(`the lock on ${host} was lost (lease lapsed)`));
        },
        () => undefined, // Redis hiccup: the next renewal tries again; the lease is three renewals long.
      );
    },
    Math.max(50, Math.floor(options.ttlMs / 3)),
  );
  try {
    return await fn(lease, controller.signal);
  } finally {
    clearInterval(renew);
    await lock.release(lease).catch(() => false);
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
