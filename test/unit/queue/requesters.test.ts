import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import type { Destination, Notifier } from '../../../src/queue/notifier.js';
import type { Report } from '../../../src/model/types.js';
import { QueueKeys, destinationKey } from '../../../src/queue/keys.js';
import type { DiagnosisOutcome } from '../../../src/queue/outcome.js';
import { parseOutcome } from '../../../src/queue/outcome.js';
import { Requesters } from '../../../src/queue/requesters.js';
import { dropPrefix, redisForTest, testPrefix } from './support.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let redis: Redis;
const prefix = testPrefix();
const keys = new QueueKeys(prefix);
let requesters: Requesters;
let nextJob = 0;

const report = (target: string): Report => ({
  target,
  host: '192.0.2.1',
  startedAt: new Date().toISOString(),
  durationMs: 5,
  findings: [],
});
const outcome = (target = 'web-01'): DiagnosisOutcome => ({ kind: 'report', report: report(target) });
/** The Slack thread `ts` of one channel: each is a requester of its own. */
const thread = (ts: string): Destination => ({ kind: 'slack', channel: 'C1', threadTs: ts, userId: 'U1' });

/** A job id whose BullMQ hash exists, as while the job is queued or running. */
async function liveJob(): Promise<string> {
  const id = `j${++nextJob}`;
  await redis.hset(keys.bullJob('diagnose', id), 'name', 'diagnose');
  return id;
}

function countingNotifier(): Notifier & { answers: number } {
  const n = {
    answers: 0,
    progress: async () => undefined,
    report: async () => {
      n.answers++;
    },
    failed: async () => {
      n.answers++;
    },
    note: async () => undefined,
  };
  return n;
}

beforeAll(() => {
  redis = redisForTest();
  requesters = new Requesters(redis, prefix, { deliveryLeaseMs: 500 });
});
afterAll(async () => {
  await dropPrefix(redis, prefix);
  redis.disconnect();
});

describe('requesters of a diagnosis job', () => {
  it('collects every requester once (the same thread asking twice is one requester)', async () => {
    const job = await liveJob();
    for (const d of [thread('a'), thread('b'), thread('a')])
      expect(await requesters.join(job, d)).toEqual({ status: 'joined' });
    expect((await requesters.list(job)).map(destinationKey).sort()).toEqual(['slack:C1:a', 'slack:C1:b']);
  });

  it('seal stores the outcome and returns everyone; a later join gets the outcome instead', async () => {
    const job = await liveJob();
    await requesters.join(job, thread('a'));
    const sealed = await requesters.seal(job, outcome());
    expect(sealed.to).toEqual([thread('a')]);
    const late = await requesters.join(job, thread('late'));
    expect(late.status).toBe('finished');
    expect(late.status === 'finished' && late.outcome).toEqual(sealed.outcome);
    expect((await requesters.list(job)).map(destinationKey)).toEqual(['slack:C1:a']);
  });

  it('the first sealed outcome wins (a re-run after a lost worker answers the same)', async () => {
    const job = await liveJob();
    const first = await requesters.seal(job, outcome('first'));
    const second = await requesters.seal(job, { kind: 'failed', target: 'x', message: 'later' });
    expect(second.outcome).toEqual(first.outcome);
  });

  it('a job that is gone (removed, no outcome) says so: the producer enqueues afresh', async () => {
    expect(await requesters.join('never-existed', thread('a'))).toEqual({ status: 'gone' });
  });

  it('no requester falls between the list and the outcome, however joins and seal interleave', async () => {
    // Joins (the producer) and the seal (a worker) on two connections, so they really race in Redis.
    const worker = redisForTest();
    const sealer = new Requesters(worker, prefix);
    const seen = { listed: 0, finished: 0 };
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 25 }),
          fc.integer({ min: 0, max: 6 }),
          async (delays, sealDelay) => {
            const job = await liveJob();
            // One requester surely before the seal, one surely after, the rest at random around it.
            const before = thread('before');
            await requesters.join(job, before);
            const dests = delays.map((_, i) => thread(`r${i}`));
            const joins = dests.map(async (d, i) => {
              await sleep(delays[i]!);
              return requesters.join(job, d);
            });
            const sealed = await (async () => {
              await sleep(sealDelay);
              return sealer.seal(job, outcome());
            })();
            const after = await requesters.join(job, thread('after'));
            const results = [{ status: 'joined' } as const, ...(await Promise.all(joins)), after];
            const all = [before, ...dests, thread('after')];
            const listed = new Set(sealed.to.map(destinationKey));
            results.forEach((r, i) => {
              const inList = listed.has(destinationKey(all[i]!));
              // Exactly one of: the worker answers it (listed), or the producer does (finished).
              expect(
                inList !== (r.status === 'finished'),
                `requester ${i}: ${r.status}, listed ${inList}`,
              ).toBe(true);
              if (i > 0 && i < results.length - 1) seen[inList ? 'listed' : 'finished']++;
            });
          },
        ),
        { numRuns: 40 },
      );
    } finally {
      worker.disconnect();
    }
    // The random requesters landed on both sides of the seal (else the race was never run).
    expect(seen.listed).toBeGreaterThan(0);
    expect(seen.finished).toBeGreaterThan(0);
  });

  it('delivers once per destination, even to two deliverers at once', async () => {
    const job = await liveJob();
    const n = countingNotifier();
    const o = outcome();
    const results = await Promise.all([
      requesters.deliverOnce(job, thread('a'), n, o, 'w1'),
      requesters.deliverOnce(job, thread('a'), n, o, 'w2'),
      requesters.deliverOnce(job, thread('a'), n, o, 'producer'),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(n.answers).toBe(1);
    expect(await requesters.deliverOnce(job, thread('a'), n, o, 'w3')).toBe(false);
    expect(n.answers).toBe(1);
  });

  it('a failed delivery can be tried again; a deliverer that died frees its lease after the lease time', async () => {
    const job = await liveJob();
    const o = outcome();
    const broken: Notifier = {
      progress: async () => undefined,
      report: async () => {
        throw new Error('slack is down');
      },
      failed: async () => undefined,
      note: async () => undefined,
    };
    await expect(requesters.deliverOnce(job, thread('a'), broken, o, 'w1')).rejects.toThrow('slack is down');
    const n = countingNotifier();
    expect(await requesters.deliverOnce(job, thread('a'), n, o, 'w2')).toBe(true);

    // A deliverer that took the marker and died: its lease (500 ms here) lapses, then the next one delivers.
    await redis.set(keys.delivery(job, 'slack:C1:b'), 'delivering:dead', 'PX', 500);
    const started = Date.now();
    expect(await requesters.deliverOnce(job, thread('b'), n, o, 'w3')).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(n.answers).toBe(2);
  });

  it('reads only outcomes it wrote; garbage in Redis reads as no outcome', () => {
    expect(parseOutcome('{"kind":"report"}')).toBeUndefined();
    expect(parseOutcome('not json')).toBeUndefined();
    expect(parseOutcome(null)).toBeUndefined();
    fc.assert(fc.property(fc.string(), (s) => void parseOutcome(s)));
  });
});
