// Helpers for queue tests against the real Redis on 127.0.0.1:6379: every test run gets its own key prefix
// and deletes exactly its keys afterwards (the shared database is never flushed).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import type { HostSnapshot } from '../../../src/model/types.js';
import { parseInventory, type Inventory, type InventoryResult } from '../../../src/inventory/index.js';
import { createLogger } from '../../../src/health/log.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function testPrefix(): string {
  return `ud-test-${randomBytes(5).toString('hex')}`;
}

export function redisForTest(): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: null });
}

/** Deletes every key under the prefix (SCAN, never KEYS or FLUSH). */
export async function dropPrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}

export const silentLog = createLogger({ level: 'silent' });

/** An inventory with these host names (addresses in TEST-NET, never contacted: tests use fake collectors). */
export function inventoryOf(names: string[]): Inventory {
  const text = `hosts:\n${names.map((n, i) => `  ${n}: { address: 192.0.2.${(i % 250) + 1}, user: root }`).join('\n')}\n`;
  const r: InventoryResult = parseInventory(text, {
    source: '<test>',
    baseDir: '/',
    home: '/root',
    localUser: 'root',
  });
  if (!r.ok) throw new Error(r.error.join('\n'));
  return r.value;
}

/** A recorded snapshot of a lab scenario (test/fixtures/snapshots), as if taken from `target`. */
export function snapshotOf(scenario: string, target: string): HostSnapshot {
  const url = new URL(`../../fixtures/snapshots/${scenario}.json`, import.meta.url);
  const { snapshot } = JSON.parse(readFileSync(url, 'utf8')) as { snapshot: HostSnapshot };
  return { ...snapshot, target, startedAt: new Date().toISOString() };
}

export function unreachableSnapshot(
  target: string,
  reason: NonNullable<HostSnapshot['unreachable']>['reason'],
): HostSnapshot {
  return {
    target,
    address: '192.0.2.1',
    startedAt: new Date().toISOString(),
    durationMs: 1,
    results: {},
    unreachable: { reason, message: `ssh to ${target}: ${reason}` },
  };
}

export async function waitFor<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
