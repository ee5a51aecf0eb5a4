// BullMQ worker entry points: wiring only. The processors live in src/queue/ (diagnose-job.ts,
// remediate-job.ts); `upstream-doctor worker` (src/cli/worker.ts) and `npm start` call startWorkers().
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { NotifierFactory } from '../queue/notifier.js';
import type { InventoryResult } from '../inventory/index.js';
import type { Collector } from '../queue/collect.js';
import { diagnoseProcessor, type DiagnoseLimits } from '../queue/diagnose-job.js';
import { inProcessDiagnoser, type Diagnoser, type ProposeFix } from '../queue/diagnoser.js';
import { HostLock } from '../queue/host-lock.js';
import { lastWord } from '../queue/last-word.js';
import { DIAGNOSE_QUEUE, REMEDIATE_QUEUE, ROLLOUT_JOB, type QueueName } from '../queue/names.js';
import type { JobObserver } from '../queue/observer.js';
import { RETENTION } from '../queue/producer.js';
import { remediateProcessor, type RemediationRunner } from '../queue/remediate-job.js';
import { Requesters } from '../queue/requesters.js';
import { rolloutProcessor, type RolloutRunner } from '../queue/rollout-job.js';
import type { PlanStore } from '../remediate/plan.js';
import { DiagnosisPool, threadDiagnoser } from './diagnosis-pool.js';

export interface StartWorkersOptions {
  /** Shared; BullMQ opens its own blocking connections from it. Not closed by close(). */
  connection: Redis;
  prefix: string;
  /** Jobs each queue's worker runs at once. */
  concurrency: number;
  notifierFor: NotifierFactory;
  loadInventory: () => Promise<InventoryResult>;
  /**
   * A scripted host visit analysed in this thread, with `proposeFix` for its plans (benchmarks pass a no-op
   * one, tests a counting one). Default: every diagnosis over SSH in a pool of `concurrency` threads, with
   * plans drafted there and stored in `plans`.
   */
  collect?: Collector;
  proposeFix?: ProposeFix;
  /** Where the default diagnoser stores the plans it drafts (with remediation on); absent: no plans. */
  plans?: { store: PlanStore; ttlMs?: number; roots?: readonly string[] };
  remediationRunner?: RemediationRunner;
  /** A group's canary and rest (`rollout` jobs in the remediate queue) and the runner of each member's plan. */
  rollout?: { runner: RolloutRunner; memberRunner: RemediationRunner };
  limits: DiagnoseLimits;
  /** BullMQ's lock and stalled-job recovery (a killed worker's job is taken over after about lock + interval). */
  recovery?: { lockDurationMs?: number; stalledIntervalMs?: number; maxStalledCount?: number };
  log: Logger;
  observer?: JobObserver;
  /** Which queues to work on (default both). */
  queues?: QueueName[];
  /** Default: host:pid:random. */
  workerId?: string;
}

export interface RunningWorkers {
  workerId: string;
  workers: Worker[];
  /** For queue depth (metrics) and health; they share the connection. */
  queues: Record<QueueName, Queue>;
  running(): boolean;
  /** Finishes the jobs in progress, then stops (SIGTERM). */
  close(): Promise<void>;
}

export async function startWorkers(options: StartWorkersOptions): Promise<RunningWorkers> {
  const { connection, prefix, log } = options;
  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const lockDurationMs = options.recovery?.lockDurationMs ?? 30_000;
  const requesters = new Requesters(connection, prefix, { deliveryLeaseMs: lockDurationMs });
  const lock = new HostLock(connection, prefix);
  const workerOptions = {
    connection,
    prefix,
    concurrency: options.concurrency,
    lockDuration: lockDurationMs,
    stalledInterval: options.recovery?.stalledIntervalMs ?? 30_000,
    maxStalledCount: options.recovery?.maxStalledCount ?? 2,
    name: workerId,
    ...RETENTION,
  };
  const wanted = new Set(options.queues ?? [DIAGNOSE_QUEUE, REMEDIATE_QUEUE]);
  const workers: Worker[] = [];
  let pool: DiagnosisPool | undefined;
  if (wanted.has(DIAGNOSE_QUEUE)) {
    let diagnose: Diagnoser;
    if (options.collect) diagnose = inProcessDiagnoser(options.collect, options.proposeFix);
    else {
      // One warm thread per job BullMQ may run at once, so a job never waits for a thread.
      pool = new DiagnosisPool(options.concurrency);
      diagnose = threadDiagnoser(pool, options.plans ? { plans: options.plans } : {});
    }
    const processor = diagnoseProcessor({
      requesters,
      lock,
      loadInventory: options.loadInventory,
      diagnose,
      notifierFor: options.notifierFor,
      limits: options.limits,
      log,
      observer: options.observer,
      workerId,
    });
    workers.push(new Worker(DIAGNOSE_QUEUE, processor, workerOptions));
  }
  if (wanted.has(REMEDIATE_QUEUE)) {
    const remediateDeps = {
      redis: connection,
      prefix,
      lock,
      loadInventory: options.loadInventory,
      notifierFor: options.notifierFor,
      runner: options.remediationRunner,
      limits: options.limits,
      log,
      observer: options.observer,
    };
    const remediate = remediateProcessor(remediateDeps);
    const rollout = rolloutProcessor({
      ...remediateDeps,
      rollout: options.rollout?.runner,
      memberRunner: options.rollout?.memberRunner,
    });
    // One queue, two kinds of job: a plan's (`remediate`) and a group's rollout (`rollout`).
    const processor = (job: Job, token?: string, signal?: AbortSignal) =>
      job.name === ROLLOUT_JOB ? rollout(job, token, signal) : remediate(job, token, signal);
    workers.push(new Worker(REMEDIATE_QUEUE, processor, workerOptions));
  }
  const lastWordDeps = {
    requesters,
    notifierFor: options.notifierFor,
    log,
    workerId,
    ...(options.rollout?.runner ? { rollout: options.rollout.runner } : {}),
  };
  for (const w of workers) {
    w.on('failed', (job, err) => {
      log.info({ jobId: job?.id, queue: w.name, err: err.message }, 'job attempt failed');
      lastWord(lastWordDeps, job, err).catch((e: unknown) =>
        log.error({ err: e }, 'could not answer a failed job'),
      );
    });
    w.on('completed', (job) => log.info({ jobId: job.id, queue: w.name }, 'job completed'));
    w.on('stalled', (jobId) =>
      log.warn({ jobId, queue: w.name }, 'job stalled (its worker was lost); requeued'),
    );
    w.on('error', (err) => log.error({ err, queue: w.name }, 'worker error'));
  }
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  const queues = {
    [DIAGNOSE_QUEUE]: new Queue(DIAGNOSE_QUEUE, { connection, prefix }),
    [REMEDIATE_QUEUE]: new Queue(REMEDIATE_QUEUE, { connection, prefix }),
  } as Record<QueueName, Queue>;
  log.info({ workerId, queues: [...wanted], concurrency: options.concurrency, prefix }, 'workers started');
  let closing: Promise<void> | undefined;
  return {
    workerId,
    workers,
    queues,
    running: () => !closing && workers.every((w) => w.isRunning()),
    close: () =>
      (closing ??= (async () => {
        await Promise.all(workers.map((w) => w.close()));
        await pool?.close();
        await Promise.all(Object.values(queues).map((q) => q.close()));
        log.info({ workerId }, 'workers stopped');
      })()),
  };
}
