// The rollout processor called directly with a job as BullMQ hands it over, against real Redis and a real
// GroupRollout: a rollout job that ends without settling its stage (the inventory unreadable, an error after
// its last attempt, a worker lost too often) stops the group with why, on the offer and in the thread, instead
// of leaving it at `canary`/`rest` (presses answering "being applied") until it expires.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { AuditTrail } from '../../../src/audit/trail.js';
import { FinalFailure } from '../../../src/queue/errors.js';
import { HostLock } from '../../../src/queue/host-lock.js';
import { lastWord } from '../../../src/queue/last-word.js';
import { rolloutProcessor } from '../../../src/queue/rollout-job.js';
import { Requesters } from '../../../src/queue/requesters.js';
import { PlanStore, type Plan } from '../../../src/remediate/plan.js';
import {
  newGroupId,
  PlanGroupStore,
  type PlanGroup,
  type RolloutState,
} from '../../../src/remediate/plan-group.js';
import { GroupRollout } from '../../../src/remediate/rollout.js';
import { PlanRunner } from '../../../src/remediate/runner.js';
import { notesOf, readRecorder, recordingNotifiers, requester } from '../../support/recorder.js';
import { dropPrefix, inventoryOf, redisForTest, silentLog, testPrefix } from './support.js';

let redis: Redis;
let dir: string;
let groups: PlanGroupStore;
let plans: PlanStore;
let audit: AuditTrail;
const prefix = testPrefix();
const settled: RolloutState[] = [];

beforeAll(async () => {
  redis = redisForTest();
  dir = await mkdtemp(join(tmpdir(), 'udcf-rollout-job-'));
  groups = new PlanGroupStore(redis, prefix);
  plans = new PlanStore(redis, prefix);
  audit = new AuditTrail({ redis, prefix, file: join(dir, 'audit.jsonl') });
});
afterAll(async () => {
  await dropPrefix(redis, prefix);
  redis.disconnect();
  await rm(dir, { recursive: true, force: true });
});

function group(): PlanGroup {
  const now = Date.now();
  return {
    id: newGroupId(),
    cause: 'upstream-port-mismatch',
    file: '/etc/nginx/conf.d/shop.conf',
    line: 2,
    summary: 'Point the upstream at 127.0.0.1:3000',
    unifiedDiff: '-a\n+b\n',
    members: ['web-01', 'web-02'].map((host, i) => ({ host, planId: `p-${String(i).padStart(12, 'x')}` })),
    offeredIn: { channel: 'C0FLEET', threadTs: '1.000001' },
    requestedBy: 'U0SWEEPER',
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + 60_000).toISOString(),
  };
}

function rolloutJob(g: PlanGroup, stage: 'canary' | 'rest'): Job {
  return {
    id: `rollout-${g.id}-${stage}`,
    name: 'rollout',
    timestamp: 1_700_000_000_000,
    data: {
      groupId: g.id,
      stage,
      destination: requester(`thread-${g.id}`),
      requestedBy: 'U0APPROVER',
      requestedAt: new Date().toISOString(),
    },
    queueName: 'remediate',
    attemptsMade: 0,
    opts: { attempts: 1 },
    getState: async () => 'failed',
  } as unknown as Job;
}

function rolloutRunner(): GroupRollout {
  // Built after beforeAll: the stores exist.
  return new GroupRollout({
    groups,
    plans,
    audit,
    onSettled: async (_g, state) => {
      settled.push(state);
    },
  });
}

async function startedAt(stage: 'canary' | 'rest'): Promise<PlanGroup> {
  const g = group();
  await groups.save(g);
  expect((await groups.advance(g, 'offered', 'canary', 'U0APPROVER')).ok).toBe(true);
  if (stage === 'rest') {
    await groups.advance(g, 'canary', 'canary-verified', 'U0APPROVER', 'canary verified');
    await groups.advance(g, 'canary-verified', 'rest', 'U0APPROVER');
  }
  return g;
}

describe('a rollout job that ends without settling its stage', () => {
  it('the inventory cannot be read: the group is stopped with why, the offer and the thread say so', async () => {
    const g = await startedAt('canary');
    settled.length = 0;
    const rollout = rolloutRunner();
    const process = rolloutProcessor({
      redis,
      prefix,
      lock: new HostLock(redis, prefix),
      loadInventory: async () => ({ ok: false, error: ['inventory.yml: unreadable'] }),
      notifierFor: recordingNotifiers(redis, prefix),
      runner: new PlanRunner({ plans, audit, roots: [] }),
      limits: { hostLockTtlMs: 2_000, hostLockWaitMs: 2_000 },
      log: silentLog,
      rollout,
      memberRunner: new PlanRunner({ plans, audit, roots: [] }),
    });
    await expect(process(rolloutJob(g, 'canary'))).rejects.toBeInstanceOf(FinalFailure);
    const state = await groups.rollout(g.id);
    expect(state.stage).toBe('stopped');
    expect(state.result).toContain('the inventory cannot be read');
    expect(settled.map((s) => s.stage)).toEqual(['stopped']);
    const notes = notesOf(await readRecorder(redis, prefix, `thread-${g.id}`));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain('the rollout is stopped');
  });

  it('lost too often (the last word): the rest stage is stopped, once however often it is reported', async () => {
    const g = await startedAt('rest');
    settled.length = 0;
    const deps = {
      requesters: new Requesters(redis, prefix),
      notifierFor: recordingNotifiers(redis, prefix),
      log: silentLog,
      workerId: 'w1',
      rollout: rolloutRunner(),
    };
    const job = rolloutJob(g, 'rest');
    const err = new Error('job stalled more than allowable limit');
    await lastWord(deps, job, err);
    await lastWord(deps, job, err);
    const state = await groups.rollout(g.id);
    expect(state.stage).toBe('stopped');
    expect(state.result).toContain('job stalled more than allowable limit');
    expect(settled.map((s) => s.stage)).toEqual(['stopped']);
    const notes = notesOf(await readRecorder(redis, prefix, `thread-${g.id}`));
    expect(notes[0]).toContain('the rollout is stopped');
  });

  it('a stage that already moved on is left as it is', async () => {
    const g = await startedAt('canary');
    await groups.advance(g, 'canary', 'canary-verified', 'U0APPROVER', 'canary verified');
    settled.length = 0;
    const stopped = await rolloutRunner().abandon({
      groupId: g.id,
      stage: 'canary',
      requestedBy: 'U0APPROVER',
      summary: 'rollout (canary) stopped: late',
      log: silentLog,
    });
    expect(stopped).toBe(false);
    expect(await groups.rollout(g.id)).toMatchObject({ stage: 'canary-verified', result: 'canary verified' });
    expect(settled).toEqual([]);
  });
});

function planOf(id: string, host: string, after: string): Plan {
  const now = Date.now();
  const before = `    proxy_pass http://shop;${' '.repeat(1200)}# long line`;
  return {
    id,
    host,
    file: '/etc/nginx/conf.d/shop.conf',
    realFile: '/etc/nginx/conf.d/shop.conf',
    line: 2,
    before,
    after,
    unifiedDiff: `-${before}\n+${after}\n`,
    sha256AtDiagnosis: '0'.repeat(64),
    cause: 'upstream-port-mismatch',
    summary: 'Point the upstream at 127.0.0.1:3000',
    nginx: { binary: '/usr/sbin/nginx', configPath: '/etc/nginx/nginx.conf' },
    verify: { address: '127.0.0.1', port: 80, path: '/', hostHeader: 'shop.example' },
    errorLogs: [],
    requestedBy: 'U0SWEEPER',
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + 60_000).toISOString(),
  };
}

describe("a member whose edit is not the canary's", () => {
  it('differs past the cut the sweep groups by: refused before its batch, nothing applied, the group stopped', async () => {
    // The same first 1,000 characters (all the sweep's grouping sees), then a different tail.
    const common = `    proxy_pass http://127.0.0.1:3000;${' '.repeat(1100)}`;
    const g: PlanGroup = { ...group(), members: [] };
    const hosts = ['web-01', 'web-02', 'web-03'];
    g.members = hosts.map((host, i) => ({ host, planId: `p-${String(i).padStart(12, 'd')}` }));
    const tails = ['# ok', '# ok', '; include /tmp/evil.conf;'];
    for (const [i, m] of g.members.entries()) await plans.save(planOf(m.planId, m.host, common + tails[i]));
    await groups.save(g);
    await groups.advance(g, 'offered', 'canary', 'U0APPROVER');
    await groups.advance(g, 'canary', 'canary-verified', 'U0APPROVER', 'canary verified');
    await groups.advance(g, 'canary-verified', 'rest', 'U0APPROVER');
    settled.length = 0;
    const applied: string[] = [];
    const memberRunner = {
      run: async (ctx: { planId: string }) => {
        applied.push(ctx.planId);
        return { status: 'applied' as const, summary: 'applied' };
      },
    };
    const process = rolloutProcessor({
      redis,
      prefix,
      lock: new HostLock(redis, prefix),
      loadInventory: async () => ({ ok: true, value: inventoryOf(hosts) }),
      notifierFor: recordingNotifiers(redis, prefix),
      limits: { hostLockTtlMs: 2_000, hostLockWaitMs: 2_000 },
      log: silentLog,
      rollout: rolloutRunner(),
      memberRunner,
    });
    const outcome = await process(rolloutJob(g, 'rest'));
    expect(outcome.status).toBe('stopped');
    expect(outcome.summary).toContain("the edit of web-03 is not the canary's (its after differs)");
    expect(outcome.summary).toContain('1 untouched (web-02)');
    expect(applied).toEqual([]);
    const state = await groups.rollout(g.id);
    expect(state.stage).toBe('stopped');
    expect(state.members[g.members[2]!.planId]?.status).toBe('refused');
    const refusals = (await audit.readFile()).filter((e) => e.action === 'refusal' && e.host === 'web-03');
    expect(refusals).toHaveLength(1);
  });
});
