import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import {
  HostLock,
  HostLockLost,
  HostLockTimeout,
  sleep,
  withHostLock,
} from '../../../src/queue/host-lock.js';
import { dropPrefix, redisForTest, testPrefix } from './support.js';

let redis: Redis;
const prefix = testPrefix();
let lock: HostLock;

beforeAll(() => {
  redis = redisForTest();
  lock = new HostLock(redis, prefix);
});
afterAll(async () => {
  await dropPrefix(redis, prefix);
  redis.disconnect();
});

describe('per-host lock', () => {
  it('lets one holder in at a time; fences grow with every acquisition', async () => {
    const a = await lock.tryAcquire('web-01', 5_000);
    expect(a).toBeDefined();
    expect(await lock.tryAcquire('web-01', 5_000)).toBeUndefined();
    expect(await lock.tryAcquire('web-02', 5_000)).toBeDefined(); // another host is independent
    expect(await lock.release(a!)).toBe(true);
    const b = await lock.tryAcquire('web-01', 5_000);
    expect(b!.fence).toBeGreaterThan(a!.fence);
    await lock.release(b!);
  });

  it('only the holder releases or extends', async () => {
    const a = (await lock.tryAcquire('web-03', 5_000))!;
    const impostor = { ...a, token: 'not-the-token' };
    expect(await lock.release(impostor)).toBe(false);
    expect(await lock.extend(impostor, 5_000)).toBe(false);
    expect(await lock.holds(a)).toBe(true);
    expect(await lock.extend(a, 10_000)).toBe(true);
    expect(await redis.pttl(`${prefix}:host-lock:web-03`)).toBeGreaterThan(5_000);
    expect(await lock.release(a)).toBe(true);
    expect(await lock.holds(a)).toBe(false);
  });

  it('a lapsed lease is taken over; the old holder is fenced out and cannot release the new lock', async () => {
    const old = (await lock.tryAcquire('web-04', 150))!;
    await sleep(250);
    const next = (await lock.tryAcquire('web-04', 5_000))!;
    expect(next).toBeDefined();
    expect(next.fence).toBeGreaterThan(old.fence);
    expect(await lock.holds(old)).toBe(false);
    expect(await lock.release(old)).toBe(false);
    expect(await lock.extend(old, 5_000)).toBe(false);
    expect(await lock.holds(next)).toBe(true);
    await lock.release(next);
  });

  it('of 20 concurrent acquirers exactly one wins', async () => {
    const leases = await Promise.all(Array.from({ length: 20 }, () => lock.tryAcquire('web-05', 5_000)));
    const winners = leases.filter((l) => l !== undefined);
    expect(winners).toHaveLength(1);
    await lock.release(winners[0]!);
  });

  it('acquire waits for the holder, and gives up after waitMs', async () => {
    const held = (await lock.tryAcquire('web-06', 5_000))!;
    let told = 0;
    const started = Date.now();
    await expect(
      lock.acquire('web-06', { ttlMs: 5_000, waitMs: 300, onWait: () => told++ }),
    ).rejects.toBeInstanceOf(HostLockTimeout);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(told).toBe(1);
    setTimeout(() => void lock.release(held), 200);
    const next = await lock.acquire('web-06', { ttlMs: 5_000, waitMs: 5_000 });
    expect(next.fence).toBeGreaterThan(held.fence);
    await lock.release(next);
  });

  it('withHostLock renews the lease while the holder works, then releases it', async () => {
    const seen = await withHostLock(lock, 'web-07', { ttlMs: 300, waitMs: 0 }, async (lease, signal) => {
      await sleep(900); // three leases long
      expect(signal.aborted).toBe(false);
      return lease;
    });
    expect(await lock.holds(seen)).toBe(false);
    expect(await redis.exists(`${prefix}:host-lock:web-07`)).toBe(0);
  });

  it('withHostLock aborts the holder when its lease is lost', async () => {
    const reason = await withHostLock(lock, 'web-08', { ttlMs: 300, waitMs: 0 }, async (_lease, signal) => {
      await redis.del(`${prefix}:host-lock:web-08`); // as if the lease lapsed during a long pause
      await sleep(600).catch(() => undefined);
      return signal.reason as unknown;
    });
    expect(reason).toBeInstanceOf(HostLockLost);
  });
});
