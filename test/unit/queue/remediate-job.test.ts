// The remediate processor called directly with a job as BullMQ hands it over: what happens when the same
// job is started again after its worker was lost (stalled-job recovery).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { FinalFailure } from '../../../src/queue/errors.js';
import { HostLock } from '../../../src/queue/host-lock.js';
import { lastWord } from '../../../src/queue/last-word.js';
import {
  remediateProcessor,
  runPlanUnderLock,
  type RemediationRunner,
} from '../../../src/queue/remediate-job.js';
import { Requesters } from '../../../src/queue/requesters.js';
import { answersOf, notesOf, readRecorder, recordingNotifiers, requester } from '../../support/recorder.js';
import { dropPrefix, inventoryOf, redisForTest, silentLog, testPrefix } from './support.js';

let redis: Redis;
const prefix = testPrefix();

beforeAll(() => {
  redis = redisForTest();
});
afterAll(async () => {
  await dropPrefix(redis, prefix);
  redis.disconnect();
});

function jobWith(data: unknown, id: string, queueName = 'remediate', timestamp = 1_700_000_000_000): Job {
  return {
    id,
    timestamp,
    data,
    queueName,
    attemptsMade: 0,
    opts: { attempts: 1 },
    getState: async () => 'failed',
  } as unknown as Job;
}

const payload = (planId: string, destination = `plan-${planId}`) => ({
  planId,
  action: 'apply',
  target: 'web-01',
  destination: requester(destination),
  requestedBy: 'U1',
  requestedAt: new Date().toISOString(),
});

function processorWith(runner: RemediationRunner) {
  return remediateProcessor({
    redis,
    prefix,
    lock: new HostLock(redis, prefix),
    loadInventory: async () => ({ ok: true, value: inventoryOf(['web-01']) }),
    notifierFor: recordingNotifiers(redis, prefix),
    runner,
    limits: { hostLockTtlMs: 2_000, hostLockWaitMs: 2_000 },
    log: silentLog,
  });
}

describe('remediate processor', () => {
  it('a restarted apply is never applied again: interrupted() runs instead, under the lock', async () => {
    const calls: string[] = [];
    const runner: RemediationRunner = {
      run: async () => {
        calls.push('run');
        return { status: 'applied', summary: 'applied' };
      },
      interrupted: async (ctx) => {
        calls.push(`interrupted:${await ctx.stillHeld()}`);
        return { status: 'interrupted', summary: 'checked the host' };
      },
    };
    const process = processorWith(runner);
    const job = jobWith(payload('p1'), 'apply-p1');
    expect((await process(job)).status).toBe('applied');
    expect((await process(job)).status).toBe('interrupted'); // the same job again: its worker was lost
    expect(calls).toEqual(['run', 'interrupted:true']);
  });

  it('without interrupted(), the requester is told to check the host', async () => {
    const process = processorWith({ run: async () => ({ status: 'applied', summary: '' }) });
    const job = jobWith(payload('p2'), 'apply-p2');
    await process(job);
    await process(job);
    const notes = notesOf(await readRecorder(redis, prefix, 'plan-p2'));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain('was interrupted');
  });

  it('another job of an already applied plan (re-enqueued after retention) is refused', async () => {
    let runs = 0;
    const process = processorWith({ run: async () => ({ status: 'applied', summary: String(++runs) }) });
    await process(jobWith(payload('p3'), 'apply-p3', 'remediate', 1));
    await expect(process(jobWith(payload('p3'), 'apply-p3', 'remediate', 2))).rejects.toBeInstanceOf(
      FinalFailure,
    );
    expect(runs).toBe(1);
    const notes = notesOf(await readRecorder(redis, prefix, 'plan-p3'));
    expect(notes[0]).toContain('has already been applied');
  });

  it('a runner that throws: the requester hears it, and the lock is released', async () => {
    const process = processorWith({
      run: async () => {
        throw new Error('disk full');
      },
    });
    await expect(process(jobWith(payload('p4'), 'apply-p4'))).rejects.toThrow(
      'the remediation failed: disk full',
    );
    expect(await redis.exists(`${prefix}:host-lock:web-01`)).toBe(0);
  });
});

describe('a plan whose host lock was never obtained', () => {
  it('gives its claim back (nothing was changed), so the plan can be applied later, once', async () => {
    const lock = new HostLock(redis, prefix);
    const held = await lock.tryAcquire('web-01', 10_000);
    expect(held).toBeDefined();
    let runs = 0;
    const runner: RemediationRunner = { run: async () => ({ status: 'applied', summary: String(++runs) }) };
    const process = remediateProcessor({
      redis,
      prefix,
      lock,
      loadInventory: async () => ({ ok: true, value: inventoryOf(['web-01']) }),
      notifierFor: recordingNotifiers(redis, prefix),
      runner,
      limits: { hostLockTtlMs: 2_000, hostLockWaitMs: 100 },
      log: silentLog,
    });
    await expect(process(jobWith(payload('p5'), 'apply-p5', 'remediate', 1))).rejects.toThrow(
      'nothing was changed',
    );
    expect(runs).toBe(0);
    expect(await redis.exists(`${prefix}:plan:p5:claimed`)).toBe(0);
    await lock.release(held!);
    // Tried again (a rollout member, a new job): applied, and only once however many runs race for it.
    const member = (claimant: string) =>
      runPlanUnderLock(
        { redis, prefix, lock, limits: { hostLockTtlMs: 2_000, hostLockWaitMs: 2_000 }, log: silentLog },
        runner,
        {
          claimant,
          jobId: claimant,
          planId: 'p5',
          action: 'apply',
          target: inventoryOf(['web-01']).hosts[0]!,
          inventory: inventoryOf(['web-01']),
          requestedBy: 'U1',
          notifier: recordingNotifiers(redis, prefix)(requester('plan-p5')),
          destination: requester('plan-p5'),
        },
      );
    const results = await Promise.all(['r1', 'r2', 'r3'].map(member));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.message.includes('has already been applied'))).toHaveLength(2);
    expect(runs).toBe(1);
  });

  it('a claim found ours again (a restarted run) is kept even when the lock times out', async () => {
    const lock = new HostLock(redis, prefix);
    await redis.set(`${prefix}:plan:p6:claimed`, 'apply-p6@1');
    const held = await lock.tryAcquire('web-01', 10_000);
    const process = remediateProcessor({
      redis,
      prefix,
      lock,
      loadInventory: async () => ({ ok: true, value: inventoryOf(['web-01']) }),
      notifierFor: recordingNotifiers(redis, prefix),
      runner: { run: async () => ({ status: 'applied', summary: '' }) },
      limits: { hostLockTtlMs: 2_000, hostLockWaitMs: 100 },
      log: silentLog,
    });
    await expect(process(jobWith(payload('p6'), 'apply-p6', 'remediate', 1))).rejects.toThrow(
      'nothing was changed',
    );
    await lock.release(held!);
    // It may have started applying before its worker was lost: it is never applied afresh.
    expect(await redis.get(`${prefix}:plan:p6:claimed`)).toBe('apply-p6@1');
  });
});

describe('the last word on a job that failed outside its processor', () => {
  it('tells every requester once, however often the failure is reported', async () => {
    const requesters = new Requesters(redis, prefix);
    const deps = {
      requesters,
      notifierFor: recordingNotifiers(redis, prefix),
      log: silentLog,
      workerId: 'w',
    };
    const data = {
      target: 'web-01',
      destination: requester('lw-a'),
      requestedAt: new Date().toISOString(),
    };
    await redis.hset(`${prefix}:diagnose:77`, 'name', 'diagnose');
    await requesters.join('77', requester('lw-b'));
    const job = jobWith(data, '77', 'diagnose');
    const err = new Error('job stalled more than allowable limit');
    await lastWord(deps, job, err);
    await lastWord(deps, job, err);
    for (const id of ['lw-a', 'lw-b']) {
      const answers = answersOf(await readRecorder(redis, prefix, id));
      expect(answers, id).toHaveLength(1);
      expect(answers[0]!.method === 'failed' && answers[0]!.message).toBe(
        'the job failed: job stalled more than allowable limit',
      );
    }
    // A FinalFailure was answered by the processor already: nothing more.
    await lastWord(deps, jobWith(data, '78', 'diagnose'), new FinalFailure('x', 'failed'));
    expect(await redis.exists(`${prefix}:diagnosis:78:outcome`)).toBe(0);
  });
});
