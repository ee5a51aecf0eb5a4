// A group's rollout state against the real Redis: each stage starts once however many presses race for it
// (compare-and-set in Lua), a missing record reads as `offered`, the members' outcomes and the offer's place
// are kept with the group's retention; and the batches a rollout makes of its members.
import { afterAll, describe, expect, it } from 'vitest';
import { newGroupId, PlanGroupStore, type PlanGroup } from '../../../src/remediate/plan-group.js';
import { batchesOf, namesOf } from '../../../src/remediate/rollout.js';
import { dropPrefix, redisForTest, testPrefix } from '../queue/support.js';

const redis = redisForTest();
const prefix = testPrefix();
const store = new PlanGroupStore(redis, prefix);

afterAll(async () => {
  await dropPrefix(redis, prefix);
  await redis.quit();
});

function group(hosts = ['web-01', 'web-02', 'web-03']): PlanGroup {
  const now = Date.now();
  return {
    id: newGroupId(),
    cause: 'upstream-port-mismatch',
    file: '/etc/nginx/conf.d/shop.conf',
    line: 2,
    summary: 'Point the upstream at 127.0.0.1:3000',
    unifiedDiff: '-a\n+b\n',
    members: hosts.map((host, i) => ({ host, planId: `p-${String(i).padStart(12, 'x')}` })),
    offeredIn: { channel: 'C0FLEET', threadTs: '1.000001' },
    requestedBy: 'U0SWEEPER',
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + 60_000).toISOString(),
  };
}

describe('a group rollout in Redis', () => {
  it('twenty presses race for the canary: exactly one starts it, the others learn who', async () => {
    const g = group();
    await store.save(g);
    expect((await store.rollout(g.id)).stage).toBe('offered');
    const users = Array.from({ length: 20 }, (_, i) => `U0P${i}`);
    const replies = await Promise.all(users.map((u) => store.advance(g, 'offered', 'canary', u)));
    const winners = replies.flatMap((r, i) => (r.ok ? [users[i]!] : []));
    expect(winners).toHaveLength(1);
    for (const r of replies) if (!r.ok) expect(r.state).toMatchObject({ stage: 'canary', by: winners[0] });
    const state = await store.rollout(g.id);
    expect(state).toMatchObject({ stage: 'canary', by: winners[0], members: {} });
    // The rest cannot start before the canary is verified, and starts once after.
    expect((await store.advance(g, 'canary-verified', 'rest', 'U0A')).ok).toBe(false);
    expect((await store.advance(g, 'canary', 'canary-verified', 'U0A', 'canary web-01 verified')).ok).toBe(
      true,
    );
    const rest = await Promise.all(users.map((u) => store.advance(g, 'canary-verified', 'rest', u)));
    expect(rest.filter((r) => r.ok)).toHaveLength(1);
  });

  it('keeps the offer and each member outcome beside the stage, expiring with the group', async () => {
    const g = group();
    await store.save(g);
    await store.setMessage(g, { channel: 'C0FLEET', ts: '2.000002' });
    await store.setMemberOutcome(g, g.members[0]!.planId, {
      status: 'applied',
      summary: 'applied and verified',
    });
    await store.setMemberOutcome(g, g.members[1]!.planId, { status: 'failed', summary: 'not fixed: → 502' });
    const state = await store.rollout(g.id);
    expect(state.stage).toBe('offered');
    expect(state.message).toEqual({ channel: 'C0FLEET', ts: '2.000002' });
    expect(state.members).toEqual({
      [g.members[0]!.planId]: { status: 'applied', summary: 'applied and verified' },
      [g.members[1]!.planId]: { status: 'failed', summary: 'not fixed: → 502' },
    });
    const ttl = await redis.ttl(`${prefix}:remediation:group:${g.id}:rollout`);
    expect(ttl).toBeGreaterThan(60);
    expect(ttl).toBeLessThanOrEqual(60 + 7 * 24 * 3600);
    // A record someone wrote by hand that is not ours reads as nothing started, never as a stage.
    await redis.hset(`${prefix}:remediation:group:${g.id}:rollout`, 'stage', 'launched', 'member:p-x', '{');
    expect(await store.rollout(g.id)).toMatchObject({ stage: 'offered' });
    expect(Object.keys((await store.rollout(g.id)).members)).toHaveLength(2);
  });

  it('a value that is not a group id is never looked up', async () => {
    expect(await store.get('g-../../x')).toBeUndefined();
    expect(await store.get(newGroupId())).toBeUndefined();
  });
});

describe('batches', () => {
  it('splits the members in order, the last batch smaller', () => {
    expect(batchesOf([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(batchesOf([1, 2, 3], 5)).toEqual([[1, 2, 3]]);
    expect(batchesOf([], 5)).toEqual([]);
    expect(batchesOf([1, 2], 0)).toEqual([[1], [2]]);
  });

  it('names at most ten hosts in a line', () => {
    const members = Array.from({ length: 13 }, (_, i) => ({ host: `web-${i}`, planId: 'p' }));
    expect(namesOf(members.slice(0, 2))).toBe('web-0, web-1');
    expect(namesOf(members)).toMatch(/web-9 and 3 more$/);
  });
});
