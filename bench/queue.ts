// Queue benchmark against the real Redis at REDIS_URL (default 127.0.0.1:6379), on a private key prefix
// that is deleted afterwards:
// 1. throughput: N no-op diagnose jobs (N distinct hosts, so deduplication merges nothing), enqueued through
//    the Producer and completed by W workers (each its own Redis connection and BullMQ Worker), measured
//    from the first enqueue to the last answer delivered; next to bare BullMQ (empty processor, plain add)
//    on the same machine, for scale;
// 2. added latency of one job: enqueue → the worker starts the host visit, with idle workers, repeated.
// The "no-op" host visit returns an empty snapshot at once: everything else (payload checks, inventory
// lookup, host lock, report, seal, once-only delivery to each requester) runs as in production; the answers
// go to a notifier that counts them.
//
//   npm run bench:queue -- [--jobs 1000] [--workers 2] [--concurrency 4] [--samples 50]
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { HostSnapshot } from '../src/model/types.js';
import { createLogger } from '../src/health/log.js';
import type { Collector } from '../src/queue/collect.js';
import type { NotifierFactory } from '../src/queue/notifier.js';
import { Producer } from '../src/queue/producer.js';
import { startWorkers, type RunningWorkers } from '../src/workers/index.js';
import { requester } from '../test/support/recorder.js';
import { dropPrefix, inventoryOf } from '../test/unit/queue/support.js';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '1000' },
    workers: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '4' },
    samples: { type: 'string', default: '50' },
  },
});
const JOBS = Number(values.jobs);
const WORKERS = Number(values.workers);
const CONCURRENCY = Number(values.concurrency);
const SAMPLES = Number(values.samples);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const connect = () => new Redis(REDIS_URL, { maxRetriesPerRequest: null });
const log = createLogger({ level: process.env.LOG_LEVEL === 'info' ? 'info' : 'silent' });

/** Hosts h0… for the throughput run, w0… to warm up, l0… for the latency samples: no job joins another. */
function inventoryWith(n: number, warm: number, samples: number) {
  return inventoryOf([
    ...Array.from({ length: n }, (_, i) => `h${i}`),
    ...Array.from({ length: warm }, (_, i) => `w${i}`),
    ...Array.from({ length: samples }, (_, i) => `l${i}`),
  ]);
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const ms = (n: number) => `${n.toFixed(2)} ms`;

/** Bare BullMQ: plain add, empty processor. */
async function bareBullmq(): Promise<number> {
  const prefix = `ud-bench-${randomBytes(4).toString('hex')}`;
  const redis = connect();
  const queue = new Queue('bare', { connection: redis, prefix });
  let done = 0;
  let finish: () => void = () => undefined;
  const all = new Promise<void>((r) => (finish = r));
  const conns = Array.from({ length: WORKERS }, connect);
  const workers = conns.map(
    (c) =>
      new Worker(
        'bare',
        async () => {
          if (++done === JOBS) finish();
        },
        { connection: c, prefix, concurrency: CONCURRENCY, removeOnComplete: { count: 1000 } },
      ),
  );
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  const start = performance.now();
  await Promise.all(Array.from({ length: JOBS }, (_, i) => queue.add('bare', { i })));
  await all;
  const seconds = (performance.now() - start) / 1000;
  await Promise.all(workers.map((w) => w.close()));
  await queue.close();
  await dropPrefix(redis, prefix);
  for (const c of [redis, ...conns]) c.disconnect();
  return JOBS / seconds;
}

async function main(): Promise<void> {
  const prefix = `ud-bench-${randomBytes(4).toString('hex')}`;
  const producerRedis = connect();
  const inventory = inventoryWith(JOBS, 20, SAMPLES);
  let visits = 0;
  let delivered = 0;
  let onDelivered: () => void = () => undefined;
  let onVisit: (at: number) => void = () => undefined;
  const noopVisit: Collector = async (_inventory, target) => {
    visits++;
    onVisit(performance.now());
    const snapshot: HostSnapshot = {
      target: target.name,
      address: target.address,
      startedAt: new Date().toISOString(),
      durationMs: 0,
      results: {},
    };
    return snapshot;
  };
  // Answers go to a counting notifier: the delivery path (seal, once-only marker) runs in full.
  const notifierFor: NotifierFactory = () => ({
    progress: async () => undefined,
    report: async () => {
      delivered++;
      onDelivered();
    },
    failed: async (_t, message) => {
      throw new Error(`bench job failed: ${message}`);
    },
    note: async () => undefined,
  });
  const workerConns = Array.from({ length: WORKERS }, connect);
  const running: RunningWorkers[] = [];
  for (const c of workerConns)
    running.push(
      await startWorkers({
        connection: c,
        prefix,
        concurrency: CONCURRENCY,
        notifierFor,
        loadInventory: async () => ({ ok: true, value: inventory }),
        collect: noopVisit,
        limits: { timeoutMs: 60_000, hostLockTtlMs: 30_000, hostLockWaitMs: 60_000 },
        log,
        queues: ['diagnose'],
      }),
    );
  const producer = new Producer({ connection: producerRedis, prefix, notifierFor });
  const dest = (i: number) => requester(`r${i}`);

  try {
    // Warm-up: connections, Lua script caches, JIT.
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        producer.requestDiagnosis({ target: `w${i}`, destination: dest(-1 - i) }),
      ),
    );
    await new Promise<void>((r) => {
      onDelivered = () => delivered >= 20 && r();
      if (delivered >= 20) r();
    });
    visits = 0;
    delivered = 0;

    // 1. Throughput.
    const all = new Promise<void>((r) => (onDelivered = () => delivered === JOBS && r()));
    const start = performance.now();
    let enqueued = 0;
    const enqueueing = (async () => {
      // 50 requests in flight at a time, as a busy bot would send them.
      const next = async (): Promise<void> => {
        while (enqueued < JOBS) {
          const i = enqueued++;
          const ticket = await producer.requestDiagnosis({ target: `h${i}`, destination: dest(i) });
          if (ticket.status !== 'queued') throw new Error(`h${i}: ${ticket.status}, expected a new job`);
        }
      };
      await Promise.all(Array.from({ length: 50 }, next));
    })();
    await enqueueing;
    const enqueueSeconds = (performance.now() - start) / 1000;
    await all;
    const seconds = (performance.now() - start) / 1000;
    if (visits !== JOBS) throw new Error(`expected ${JOBS} visits, saw ${visits}`);

    // 2. Latency of one job with idle workers: enqueue → visit starts, and enqueue → answer delivered.
    await new Promise((r) => setTimeout(r, 500));
    const toStart: number[] = [];
    const toAnswer: number[] = [];
    for (let s = 0; s < SAMPLES; s++) {
      delivered = 0;
      const began = performance.now();
      const visited = new Promise<number>((r) => (onVisit = r));
      const answered = new Promise<number>((r) => (onDelivered = () => r(performance.now())));
      await producer.requestDiagnosis({ target: `l${s}`, destination: dest(JOBS + s) });
      toStart.push((await visited) - began);
      toAnswer.push((await answered) - began);
      onVisit = () => undefined;
    }
    toStart.sort((a, b) => a - b);
    toAnswer.sort((a, b) => a - b);

    const bare = await bareBullmq();
    const cpu = cpus();
    console.log(
      `queue benchmark: ${JOBS} no-op diagnose jobs, ${WORKERS} workers × concurrency ${CONCURRENCY}`,
    );
    console.log(
      `machine: ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}, Redis ${REDIS_URL}`,
    );
    console.log(
      `throughput (enqueue → answer delivered): ${(JOBS / seconds).toFixed(0)} jobs/s (${seconds.toFixed(2)} s; enqueueing took ${enqueueSeconds.toFixed(2)} s)`,
    );
    console.log(`bare BullMQ (plain add, empty processor), same workers: ${bare.toFixed(0)} jobs/s`);
    console.log(
      `added latency, enqueue → visit starts (${SAMPLES} jobs, idle workers): p50 ${ms(pct(toStart, 50))}, p95 ${ms(pct(toStart, 95))}, max ${ms(toStart.at(-1)!)}`,
    );
    console.log(
      `enqueue → answer delivered (no-op visit): p50 ${ms(pct(toAnswer, 50))}, p95 ${ms(pct(toAnswer, 95))}, max ${ms(toAnswer.at(-1)!)}`,
    );
  } finally {
    await Promise.all(running.map((r) => r.close()));
    await producer.close();
    await dropPrefix(producerRedis, prefix);
    for (const c of [producerRedis, ...workerConns]) c.disconnect();
  }
}

await main();
