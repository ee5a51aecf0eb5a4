import { afterAll, describe, expect, it } from 'vitest';
import { failedVerdict } from '../../../src/analyze/fleet.js';
import { SweepStore } from '../../../src/queue/sweep.js';
import { dropPrefix, redisForTest, testPrefix } from './support.js';

const redis = redisForTest();
const prefix = testPrefix();
afterAll(async () => {
  await dropPrefix(redis, prefix);
  await redis.quit();
});

const about = { channel: 'C1', parentTs: '1.2', userId: 'U1', label: 'tag:prod' };

describe('SweepStore', () => {
  it('counts each listed host once, whoever records it and however often; the last one sees done = total', async () => {
    const store = new SweepStore(redis, prefix);
    const sweep = await store.create(about, ['a', 'b', 'a', 'c']);
    expect(sweep.total).toBe(3);
    expect(await store.get(sweep.id)).toEqual(sweep);
    const results = await Promise.all(
      ['a', 'b', 'a', 'b', 'c', 'c', 'zzz'].map((h) =>
        store.record(sweep.id, { verdict: failedVerdict(h, 'x') }),
      ),
    );
    expect(results.filter((r) => r.status === 'recorded')).toHaveLength(3);
    expect(results.filter((r) => r.status === 'again')).toHaveLength(3);
    expect(results.at(-1)).toEqual({ status: 'unknown', done: 0, total: 0 });
    expect(results.filter((r) => r.status === 'recorded' && r.done === r.total)).toHaveLength(1);
    expect(await store.progress(sweep.id)).toEqual({ done: 3, total: 3 });
    expect((await store.outcomes(sweep.id)).map((o) => o.verdict.host).sort()).toEqual(['a', 'b', 'c']);
  });

  it('every key expires; an expired sweep records nothing', async () => {
    const store = new SweepStore(redis, prefix, 60);
    const sweep = await store.create(about, ['a', 'b']);
    await store.record(sweep.id, { verdict: failedVerdict('a', 'x') });
    await store.claimEdit(sweep.id, 2000);
    await store.claimFinal(sweep.id, 'me', 1000);
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:sweep:${sweep.id}*`, 'COUNT', 100);
      cursor = next;
      keys.push(...found);
    } while (cursor !== '0');
    expect(keys.length).toBe(5); // the sweep, its members, outcomes, edit hold and final claim
    for (const k of keys) expect(await redis.pttl(k), k).toBeGreaterThan(0);
    await redis.del(...keys);
    expect((await store.record(sweep.id, { verdict: failedVerdict('b', 'x') })).status).toBe('unknown');
  });

  it('the final verdict is claimed once; an outcome that is not ours is skipped', async () => {
    const store = new SweepStore(redis, prefix);
    const sweep = await store.create(about, ['a']);
    expect(await store.claimFinal(sweep.id, 'w1', 5000)).toBe(true);
    expect(await store.claimFinal(sweep.id, 'w2', 5000)).toBe(false);
    await redis.hset(`${prefix}:sweep:${sweep.id}:outcomes`, 'a', '{"verdict":{"host":1}}');
    expect(await store.outcomes(sweep.id)).toEqual([]);
  });

  it('the final claim: renewed or taken back only by its owner, released only by it; no edit starts once claimed', async () => {
    const store = new SweepStore(redis, prefix);
    const sweep = await store.create(about, ['a']);
    expect(await store.startEdit(sweep.id, 5000)).toBe(true);
    expect(await store.editInFlight(sweep.id)).toBe(true);
    await store.edited(sweep.id);
    expect(await store.editInFlight(sweep.id)).toBe(false);
    expect(await store.editsLanded(sweep.id)).toBe(1);
    expect(await store.claimFinal(sweep.id, 'w1', 5000)).toBe(true);
    expect(await store.startEdit(sweep.id, 5000)).toBe(false);
    expect(await store.editInFlight(sweep.id)).toBe(false);
    expect(await store.renewFinal(sweep.id, 'w2', 5000)).toBe(false);
    await store.releaseFinal(sweep.id, 'w2');
    expect((await store.finalState(sweep.id)).state).toBe('finishing');
    expect(await store.renewFinal(sweep.id, 'w1', 5000)).toBe(true);
    await store.releaseFinal(sweep.id, 'w1');
    expect((await store.finalState(sweep.id)).state).toBe('free');
    // Lapsed and free: its owner takes it back; once done, nobody renews it.
    expect(await store.renewFinal(sweep.id, 'w1', 5000)).toBe(true);
    await store.finalDone(sweep.id);
    expect(await store.renewFinal(sweep.id, 'w1', 5000)).toBe(false);
    expect((await store.finalState(sweep.id)).state).toBe('done');
    await store.markPosted(sweep.id, '0:0');
    await store.markPosted(sweep.id, '0:offer', 'g-x');
    expect(await store.posted(sweep.id)).toEqual(
      new Map([
        ['0:0', '1'],
        ['0:offer', 'g-x'],
      ]),
    );
  });
});
