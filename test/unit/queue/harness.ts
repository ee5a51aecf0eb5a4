// In-process workers and a producer on a private prefix of the real Redis, with a fake host visit
// (a Collector) so queue behaviour is tested without SSH. The e2e suite does the same with real hosts.
import type { Redis } from 'ioredis';
import type { Inventory } from '../../../src/inventory/index.js';
import type { Collector } from '../../../src/queue/collect.js';
import type { JobObserver } from '../../../src/queue/observer.js';
import { Producer } from '../../../src/queue/producer.js';
import type { RemediationRunner } from '../../../src/queue/remediate-job.js';
import type { ProposeFix } from '../../../src/queue/diagnose-job.js';
import { PlanStore } from '../../../src/remediate/plan.js';
import { fixProposer } from '../../../src/remediate/propose.js';
import { startWorkers, type RunningWorkers } from '../../../src/workers/index.js';
import { answersOf, readRecorder, recordingNotifiers, type RecordedCall } from '../../support/recorder.js';
import { dropPrefix, inventoryOf, redisForTest, silentLog, testPrefix, waitFor } from './support.js';

export interface HarnessOptions {
  collect: Collector;
  runner?: RemediationRunner;
  hosts?: string[];
  attempts?: number;
  backoffMs?: number;
  timeoutMs?: number;
  hostLockWaitMs?: number;
  concurrency?: number;
  observer?: JobObserver;
  /** 'plans': the worker's real proposer over this harness's Redis and prefix. */
  proposeFix?: ProposeFix | 'plans';
}

export interface Harness {
  prefix: string;
  redis: Redis;
  inventory: Inventory;
  producer: Producer;
  running: RunningWorkers;
  calls(id: string): Promise<RecordedCall[]>;
  /** Waits until every requester id has at least one answer (report or failure); returns the answers. */
  answers(ids: string[], timeoutMs?: number): Promise<RecordedCall[][]>;
  close(): Promise<void>;
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const prefix = testPrefix();
  const redis = redisForTest();
  const inventory = inventoryOf(options.hosts ?? ['web-01', 'web-02']);
  const notifierFor = recordingNotifiers(redis, prefix);
  const running = await startWorkers({
    connection: redis,
    prefix,
    concurrency: options.concurrency ?? 4,
    notifierFor,
    loadInventory: async () => ({ ok: true, value: inventory }),
    collect: options.collect,
    remediationRunner: options.runner,
    proposeFix:
      options.proposeFix === 'plans' ? fixProposer(new PlanStore(redis, prefix)) : options.proposeFix,
    limits: {
      timeoutMs: options.timeoutMs ?? 10_000,
      hostLockTtlMs: 2_000,
      hostLockWaitMs: options.hostLockWaitMs ?? 10_000,
    },
    recovery: { lockDurationMs: 5_000, stalledIntervalMs: 5_000 },
    log: silentLog,
    observer: options.observer,
  });
  const producer = new Producer({
    connection: redis,
    prefix,
    diagnoseAttempts: options.attempts ?? 3,
    diagnoseBackoffMs: options.backoffMs ?? 50,
    notifierFor,
  });
  const calls = (id: string) => readRecorder(redis, prefix, id);
  return {
    prefix,
    redis,
    inventory,
    producer,
    running,
    calls,
    answers: (ids, timeoutMs = 15_000) =>
      waitFor(
        async () => {
          const all = await Promise.all(ids.map(async (id) => answersOf(await calls(id))));
          return all.every((a) => a.length > 0) && all;
        },
        timeoutMs,
        `answers for ${ids.join(', ')}`,
      ),
    close: async () => {
      await running.close();
      await producer.close();
      await dropPrefix(redis, prefix);
      redis.disconnect();
    },
  };
}
