// `upstream-doctor worker`: runs the diagnose and remediate queues until SIGTERM (then finishes the jobs in
// progress and exits 0). Settings come from the environment and are checked before anything starts: a bad
// one stops the process with one line naming it (exit 2).
import type { DestinationStream } from 'pino';
import type { NotifierFactory } from '../queue/notifier.js';
import { loadInventory } from '../inventory/index.js';
import { createLogger } from '../health/log.js';
import { WorkerMetrics } from '../health/metrics.js';
import { startHealthServer } from '../health/server.js';
import { connectRedis, describeRedis } from '../queue/connection.js';
import { DIAGNOSE_QUEUE, REMEDIATE_QUEUE } from '../queue/names.js';
import { terminalNotifiers } from '../queue/notifiers/terminal.js';
import type { RemediationRunner } from '../queue/remediate-job.js';
import { workerSettingsFrom } from '../workers/settings.js';
import { InventoryCache } from '../slack/inventory-cache.js';
import { slackNotifierFromEnv } from '../slack/notifier.js';
import { SweepCoordinator, sweepAwareFactory } from '../slack/sweep-notifier.js';
import { SweepStore } from '../queue/sweep.js';
import { PlanStore } from '../remediate/plan.js';
import { PlanGroupStore } from '../remediate/plan-group.js';
import { Producer } from '../queue/producer.js';
import { workerRemediationFromEnv, type WorkerRemediation } from '../workers/remediation.js';
import { startWorkers, type RunningWorkers } from '../workers/index.js';
import { exitAfterDrain } from './exit.js';
import { type CliIo, inventoryOption } from './io.js';
import { waitForStop } from './stop-signal.js';

export const WORKER_USAGE = `usage: upstream-doctor worker [--inventory FILE]

Works on the diagnose and remediate queues until SIGTERM (finishes the jobs in progress, then exits 0).
Logs are JSON lines on stdout; reports for destinations without a channel here are printed on stderr.

environment (defaults in brackets):
  REDIS_URL                  redis://host:port/db, or rediss:// for TLS  [redis://127.0.0.1:6379]
  REDIS_SENTINELS            host:port,host:port: ask these Sentinels for the master (REDIS_URL then
                             gives only password, db and TLS)
  REDIS_SENTINEL_NAME        the Sentinel master group name (required with REDIS_SENTINELS)
  REDIS_SENTINEL_PASSWORD    password of the Sentinels themselves, if any
  QUEUE_PREFIX               prefix of every Redis key  [upstream-doctor]
  UPSTREAM_DOCTOR_INVENTORY  hosts.yml, unless --inventory is given; re-read when it changes  [./hosts.yml]
  WORKER_CONCURRENCY         jobs at once per queue  [4]
  WORKER_METRICS_PORT        /healthz and /metrics (0: any free port)  [9464]
  WORKER_METRICS_HOST        address to serve them on  [0.0.0.0]
  DIAGNOSE_TIMEOUT_MS        deadline of one diagnosis (visit and reading; past it the host is reported
                             as could not be diagnosed in N s)  [120000]
  DIAGNOSE_ATTEMPTS          tries while SSH is refused or times out (set where jobs are enqueued)  [3]
  DIAGNOSE_BACKOFF_MS        first retry delay, doubled each time (same)  [5000]
  WORKER_LOCK_DURATION_MS    a lost worker's job is taken over after about this  [30000]
  WORKER_STALLED_INTERVAL_MS how often to look for jobs of lost workers  [30000]
  WORKER_MAX_STALLED_COUNT   takeovers before a job fails (its requesters are told)  [2]
  HOST_LOCK_TTL_MS           per-host lock lease, renewed while held  [30000]
  HOST_LOCK_WAIT_MS          how long a job waits for another job on its host  [300000]
  LOG_LEVEL                  fatal, error, warn, info, debug, trace, silent  [info]
  REMEDIATION                on: reports whose root cause has a config edit offer it as a plan to apply
                             (approved in Slack); off: no plans, remediate jobs refused  [on]
  PLAN_TTL_MS                how long a proposed fix may be applied after its diagnosis  [1800000]
  ROLLOUT_BATCH              a group's fix after its canary: hosts applied at once, in parallel; the
                             rollout stops after a batch with a host not fixed  [5]
  REMEDIATION_ROOTS          directories besides the main config's where a fix may write, real paths,
                             comma separated (files elsewhere get the fix text, no buttons)  [none]
  AUDIT_LOG                  the remediation audit trail, JSON lines (also a Redis stream)  [./audit.jsonl]
  SLACK_BOT_TOKEN            answer Slack threads (without it, Slack answers are printed on stderr)
  SLACK_API_URL              Slack's Web API base URL  [Slack's]`;

/** What an embedding process or a test adds instead of what the environment gives. */
export interface WorkerExtras {
  slack?: NotifierFactory;
  remediationRunner?: RemediationRunner;
  /** Stops the worker like SIGTERM (in-process use and tests). */
  stop?: AbortSignal;
}

export async function worker(args: string[], io: CliIo, extras: WorkerExtras = {}): Promise<number> {
  const values = inventoryOption(args, WORKER_USAGE, io);
  if (!values) return 0;
  const checked = workerSettingsFrom(io.env);
  if (!checked.ok) {
    io.stderr.write(`upstream-doctor worker: ${checked.error}\n`);
    return 2;
  }
  const settings = checked.value;
  const inventoryPath = values.inventory;
  const inventory = await loadInventory({ path: inventoryPath, env: io.env });
  if (!inventory.ok) {
    io.stderr.write(`upstream-doctor worker: ${inventory.error[0]}\n`);
    return 2;
  }

  const log = createLogger({ level: settings.LOG_LEVEL, destination: io.stdout as DestinationStream });
  // Slack threads: the embedding process's notifier, else one built from SLACK_BOT_TOKEN; without a token,
  // Slack destinations are printed on stderr (the terminal notifier).
  const fromEnv = slackNotifierFromEnv(io.env, log);
  if (!fromEnv.ok) {
    io.stderr.write(`upstream-doctor worker: ${fromEnv.error}\n`);
    return 2;
  }
  const prefix = settings.QUEUE_PREFIX;
  const redis = connectRedis(settings, {
    role: 'worker',
    connectionName: `upstream-doctor-worker-${process.pid}`,
  });
  // A fleet sweep's hosts are recorded in their sweep; whoever records the last one posts the verdict.
  const slack =
    extras.slack ??
    (fromEnv.value
      ? sweepAwareFactory(
          fromEnv.value.factory,
          new SweepCoordinator({
            client: fromEnv.value.client,
            store: new SweepStore(redis, prefix),
            plans: new PlanStore(redis, prefix),
            groups: new PlanGroupStore(redis, prefix),
            log,
            owner: `worker:${process.pid}`,
          }),
        )
      : undefined);
  let lastRedisError = '';
  redis.on('error', (err: Error) => {
    // ioredis repeats the same error on every reconnect attempt: log each new one once.
    if (err.message !== lastRedisError)
      log.error({ err: err.message, redis: describeRedis(settings) }, 'redis error');
    lastRedisError = err.message;
  });
  redis.on('ready', () => {
    lastRedisError = '';
    log.info({ redis: describeRedis(settings) }, 'redis ready');
  });

  const notifierFor = slack ?? terminalNotifiers(io.stderr);
  // With remediation: enqueues the diagnosis that confirms an apply (into the thread Apply was pressed in).
  let producer: Producer | undefined;
  const stopEarly = async (line: string): Promise<number> => {
    await producer?.close().catch(() => undefined);
    redis.disconnect();
    io.stderr.write(`upstream-doctor worker: ${line}\n`);
    return 2;
  };
  let remediation: WorkerRemediation | undefined;
  if (settings.REMEDIATION === 'on') {
    const confirmations = new Producer({
      connection: redis,
      prefix,
      diagnoseAttempts: settings.DIAGNOSE_ATTEMPTS,
      diagnoseBackoffMs: settings.DIAGNOSE_BACKOFF_MS,
      notifierFor,
    });
    producer = confirmations;
    const wired = await workerRemediationFromEnv(io.env, {
      redis,
      prefix,
      log,
      ...(fromEnv.value ? { client: fromEnv.value.client } : {}),
      planTtlMs: settings.PLAN_TTL_MS,
      roots: settings.REMEDIATION_ROOTS,
      rolloutBatch: settings.ROLLOUT_BATCH,
      rediagnose: async (host, destination) => {
        await confirmations.requestDiagnosis({ target: host, destination });
      },
    });
    if (!wired.ok) return stopEarly(wired.error);
    remediation = wired.value;
  }
  // Set once the workers run; the metrics and health callbacks read it (they may be called before).
  const state: { running?: RunningWorkers } = {};
  const metrics = new WorkerMetrics(async () => {
    const running = state.running;
    if (!running) return { [DIAGNOSE_QUEUE]: {}, [REMEDIATE_QUEUE]: {} };
    const [d, r] = await Promise.all([
      running.queues[DIAGNOSE_QUEUE].getJobCounts(),
      running.queues[REMEDIATE_QUEUE].getJobCounts(),
    ]);
    return { [DIAGNOSE_QUEUE]: d, [REMEDIATE_QUEUE]: r };
  });
  let health;
  try {
    health = await startHealthServer({
      port: settings.WORKER_METRICS_PORT,
      host: settings.WORKER_METRICS_HOST,
      metrics,
      health: async () => ({
        ok: redis.status === 'ready' && (state.running?.running() ?? false),
        redis: redis.status,
        workers: state.running?.running() ? 'running' : 'stopped',
        workerId: state.running?.workerId,
      }),
    });
  } catch (err) {
    return stopEarly(
      `WORKER_METRICS_PORT: cannot listen on ${settings.WORKER_METRICS_HOST}:${settings.WORKER_METRICS_PORT} (${(err as Error).message})`,
    );
  }
  log.info({ port: health.port }, 'serving /healthz and /metrics');

  const inventoryCache = new InventoryCache({ path: inventoryPath, env: io.env });
  const running = await startWorkers({
    connection: redis,
    prefix,
    concurrency: settings.WORKER_CONCURRENCY,
    notifierFor,
    // Per job, as the bot does: one stat() while hosts.yml is unchanged, re-read and parsed when it changed.
    loadInventory: () => inventoryCache.current(),
    remediationRunner: extras.remediationRunner ?? remediation?.runner,
    ...(remediation
      ? { rollout: { runner: remediation.rollout, memberRunner: remediation.memberRunner } }
      : {}),
    ...(remediation
      ? { plans: { store: remediation.plans, ttlMs: settings.PLAN_TTL_MS, roots: remediation.roots } }
      : {}),
    limits: {
      timeoutMs: settings.DIAGNOSE_TIMEOUT_MS,
      hostLockTtlMs: settings.HOST_LOCK_TTL_MS,
      hostLockWaitMs: settings.HOST_LOCK_WAIT_MS,
    },
    recovery: {
      lockDurationMs: settings.WORKER_LOCK_DURATION_MS,
      stalledIntervalMs: settings.WORKER_STALLED_INTERVAL_MS,
      maxStalledCount: settings.WORKER_MAX_STALLED_COUNT,
    },
    log,
    observer: metrics,
  });
  state.running = running;

  // SIGTERM (or SIGINT, or the embedding process's stop signal): take no new job, finish the ones in
  // progress, exit 0. A second signal while finishing exits at once with 1.
  const why = await waitForStop(extras.stop);

  log.info({ signal: why }, 'stopping: finishing the jobs in progress');
  const impatient = () => {
    log.warn('second signal: exiting without finishing');
    void exitAfterDrain(1);
  };
  process.once('SIGTERM', impatient);
  process.once('SIGINT', impatient);
  try {
    await running.close();
    await producer?.close();
    await health.close();
    await redis.quit().catch(() => redis.disconnect());
  } finally {
    process.off('SIGTERM', impatient);
    process.off('SIGINT', impatient);
  }
  log.info('stopped');
  return 0;
}
