// The queue end to end: real Redis, `upstream-doctor worker` processes (from source), real SSH to lab hosts.
// Must show: 10 requests → one SSH visit and 10 answers; refused then reachable → retried, one answer; a
// changed host key → answered at once, never retried; a worker SIGKILLed mid-visit → a second worker
// finishes the job, one answer; SIGTERM → the job in progress finishes, exit 0; a remediation and a
// diagnosis of one host never overlap.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { Lab, type LabHost } from '../../lab/index.js';
import { sshdPaths } from '../../lab/sshd.js';
import {
  firewallDrop,
  healthy,
  hostKeyChanged,
  portMismatch,
  type StagedScenario,
} from '../../lab/scenarios/index.js';
import { loadInventory } from '../../src/inventory/index.js';
import { sshCollector } from '../../src/queue/collect.js';
import { DIAGNOSE_QUEUE } from '../../src/queue/names.js';
import { Producer } from '../../src/queue/producer.js';
import type { RemediationRunner } from '../../src/queue/remediate-job.js';
import { SshTransport } from '../../src/transport/ssh.js';
import type { Transport } from '../../src/transport/types.js';
import { startWorkers } from '../../src/workers/index.js';
import {
  answersOf,
  readRecorder,
  recordingNotifiers,
  requester as rec,
  type RecordedCall,
} from '../support/recorder.js';
import { dropPrefix, redisForTest, silentLog, testPrefix, waitFor } from '../unit/queue/support.js';
import { spawnWorker, startWorker, stopWorker, type WorkerProcess } from './support/queue-workers.js';

let lab: Lab;
let redis: Redis;
const prefixes: string[] = [];
const workers: WorkerProcess[] = [];
let mismatch: StagedScenario;
let flaky: StagedScenario;
let rekeyed: StagedScenario;
let slow: StagedScenario;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function newPrefix(): string {
  const p = testPrefix();
  prefixes.push(p);
  return p;
}

function producerOn(prefix: string, backoffMs = 1_500): Producer {
  return new Producer({
    connection: redis,
    prefix,
    diagnoseAttempts: 3,
    diagnoseBackoffMs: backoffMs,
    notifierFor: recordingNotifiers(redis, prefix),
  });
}

/** SSH logins sshd accepted on a lab host so far (its own log). */
function logins(host: LabHost): number {
  return readFileSync(sshdPaths(host.dir).log, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('Accepted publickey')).length;
}

async function answers(prefix: string, id: string, timeoutMs = 30_000): Promise<RecordedCall[]> {
  return waitFor(
    async () => {
      const a = answersOf(await readRecorder(redis, prefix, id));
      return a.length > 0 && a;
    },
    timeoutMs,
    `an answer for ${id}`,
  );
}

async function progressSeen(
  prefix: string,
  id: string,
  includes: string,
  timeoutMs = 30_000,
): Promise<RecordedCall> {
  return waitFor(
    async () =>
      (await readRecorder(redis, prefix, id)).find(
        (c) => c.method === 'progress' && c.step.step.includes(includes),
      ),
    timeoutMs,
    `progress "${includes}" for ${id}`,
  );
}

beforeAll(async () => {
  redis = redisForTest();
  lab = await Lab.create({ prefix: 'udq' });
  [mismatch, flaky, rekeyed, slow] = await Promise.all([
    portMismatch.stage(lab, { name: 'q-mismatch' }),
    healthy.stage(lab, { name: 'q-flaky' }),
    hostKeyChanged.stage(lab, { name: 'q-rekeyed' }),
    // A firewall DROP makes the visit's connect probe wait for its timeout: seconds in the middle of a visit.
    firewallDrop.stage(lab, { name: 'q-slow' }),
  ]);
}, 240_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => stopWorker(w)));
  for (const p of prefixes) await dropPrefix(redis, p);
  redis?.disconnect();
  await lab?.teardown();
});

describe('two worker processes on one queue', () => {
  let prefix: string;
  let producer: Producer;
  let pair: WorkerProcess[];

  beforeAll(async () => {
    prefix = newPrefix();
    producer = producerOn(prefix);
    pair = await Promise.all([0, 1].map(() => startWorker({ prefix, inventory: lab.inventoryPath })));
    workers.push(...pair);
  }, 120_000);
  afterAll(async () => {
    await producer?.close();
  });

  it('10 concurrent requests for one host: one SSH visit, 10 answers with the root cause', async () => {
    const host = mismatch.targetHost!;
    const before = logins(host);
    const ids = Array.from({ length: 10 }, (_, i) => `dedupe-${i}`);
    const tickets = await Promise.all(
      ids.map((id) => producer.requestDiagnosis({ target: 'q-mismatch', destination: rec(id) })),
    );
    expect(new Set(tickets.map((t) => t.jobId)).size).toBe(1);
    for (const id of ids) {
      const a = await answers(prefix, id);
      expect(a[0]!.method === 'report' && a[0]!.report.findings[0]!.cause, id).toBe('upstream-port-mismatch');
    }
    await sleep(1_000); // room for a duplicate answer or a second visit to show up
    for (const id of ids) expect(answersOf(await readRecorder(redis, prefix, id)), id).toHaveLength(1);
    expect(logins(host) - before).toBe(1);
  }, 60_000);

  it('SSH refused, then sshd back: retried with backoff, one answer with the real diagnosis', async () => {
    const host = flaky.targetHost!;
    await host.stopSshd();
    const before = logins(host);
    const ticket = await producer.requestDiagnosis({ target: 'q-flaky', destination: rec('flaky') });
    const retrying = await progressSeen(prefix, 'flaky', 'trying again');
    expect(retrying.method === 'progress' && retrying.step.step).toMatch(/refused.*\(attempt 2 of 3\)/);
    await host.startSshd();
    const [answer] = await answers(prefix, 'flaky');
    expect(answer!.method).toBe('report');
    expect(
      answer!.method === 'report' && answer!.report.findings.filter((f) => f.severity === 'critical'),
    ).toEqual([]);
    await sleep(500);
    expect(answersOf(await readRecorder(redis, prefix, 'flaky'))).toHaveLength(1);
    expect(logins(host) - before).toBe(1);
    const job = (await producer.diagnose.getJob(ticket.jobId))!;
    expect(await job.getState()).toBe('completed');
    expect(job.attemptsMade).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('a changed host key: the report says so at once, and the job is never retried', async () => {
    const ticket = await producer.requestDiagnosis({ target: 'q-rekeyed', destination: rec('rekeyed') });
    const [answer] = await answers(prefix, 'rekeyed');
    const finding = answer!.method === 'report' ? answer!.report.findings[0]! : undefined;
    expect(finding?.cause).toBe('host-unreachable');
    expect(finding?.detail).toContain(rekeyed.expect.unreachable!.messageIncludes!);
    await sleep(3_500); // longer than the first two backoffs together: a retry would have run by now
    const job = (await producer.diagnose.getJob(ticket.jobId))!;
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(answersOf(await readRecorder(redis, prefix, 'rekeyed'))).toHaveLength(1);
  }, 60_000);

  it('each worker serves /healthz and /metrics: job durations by queue and result, findings by cause', async () => {
    const texts = await Promise.all(
      pair.map(async (w) => {
        const base = `http://127.0.0.1:${await w.metricsPort()}`;
        const health = await fetch(`${base}/healthz`);
        expect(health.status).toBe(200);
        expect(await health.json()).toMatchObject({ ok: true, redis: 'ready', workers: 'running' });
        return (await fetch(`${base}/metrics`)).text();
      }),
    );
    const all = texts.join('\n');
    expect(all).toMatch(/upstream_doctor_job_duration_seconds_count\{queue="diagnose",result="critical"\} 1/);
    expect(all).toMatch(/upstream_doctor_job_duration_seconds_count\{queue="diagnose",result="retry"\} \d/);
    expect(all).toMatch(
      /upstream_doctor_job_duration_seconds_count\{queue="diagnose",result="unreachable"\} 1/,
    );
    expect(all).toMatch(
      /upstream_doctor_findings_total\{cause="upstream-port-mismatch",severity="critical"\} 1/,
    );
    expect(all).toMatch(/upstream_doctor_queue_jobs\{queue="diagnose",state="completed"\} 2/);
    // JSON log lines with the job's outcome.
    expect(
      pair.flatMap((w) => w.logs).some((l) => l.msg === 'job completed' && l.queue === DIAGNOSE_QUEUE),
    ).toBe(true);
  });
});

describe('a worker lost or stopped mid-job', () => {
  it('SIGKILL in the middle of a visit: a second worker process takes the job over, one answer', async () => {
    const prefix = newPrefix();
    const producer = producerOn(prefix);
    const host = slow.targetHost!;
    const before = logins(host);
    const first = await startWorker({ prefix, inventory: lab.inventoryPath });
    workers.push(first);
    await producer.requestDiagnosis({ target: 'q-slow', destination: rec('killed') });
    // The visit is under way: connected, and waiting on the connect probe the firewall drops.
    await progressSeen(prefix, 'killed', 'checking');
    expect(logins(host) - before).toBe(1);
    await stopWorker(first, 'SIGKILL');
    expect(answersOf(await readRecorder(redis, prefix, 'killed'))).toHaveLength(0);

    const second = await startWorker({ prefix, inventory: lab.inventoryPath });
    workers.push(second);
    const [answer] = await answers(prefix, 'killed', 60_000);
    expect(answer!.pid).toBe(second.pid);
    expect(answer!.method === 'report' && answer!.report.findings[0]!.cause).toBe(
      slow.expect.rootCause!.cause,
    );
    await sleep(1_000);
    expect(answersOf(await readRecorder(redis, prefix, 'killed'))).toHaveLength(1);
    expect(logins(host) - before).toBe(2); // the lost visit and the one that finished
    expect(second.logs.some((l) => l.msg === 'job completed')).toBe(true);
    await stopWorker(second, 'SIGTERM');
    await producer.close();
  }, 120_000);

  it('SIGTERM in the middle of a visit: the job finishes and answers, then the worker exits 0', async () => {
    const prefix = newPrefix();
    const producer = producerOn(prefix);
    const w = await startWorker({ prefix, inventory: lab.inventoryPath });
    workers.push(w);
    const ticket = await producer.requestDiagnosis({ target: 'q-slow', destination: rec('term') });
    await progressSeen(prefix, 'term', 'checking');
    const termAt = Date.now();
    w.child.kill('SIGTERM');
    const exit = await w.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    const a = answersOf(await readRecorder(redis, prefix, 'term'));
    expect(a).toHaveLength(1);
    expect(a[0]!.pid).toBe(w.pid);
    expect(a[0]!.at).toBeGreaterThan(termAt);
    expect(await (await producer.diagnose.getJob(ticket.jobId))!.getState()).toBe('completed');
    expect(w.logs.map((l) => l.msg)).toEqual(
      expect.arrayContaining(['stopping: finishing the jobs in progress', 'job completed', 'stopped']),
    );
    await producer.close();
  }, 120_000);
});

describe('the per-host lock', () => {
  it('a remediation and a diagnosis of one host never overlap, whichever comes first', async () => {
    const prefix = newPrefix();
    const producer = producerOn(prefix);
    const loaded = await loadInventory({ path: lab.inventoryPath });
    if (!loaded.ok) throw new Error(loaded.error.join('\n'));
    // Every SSH connection the diagnoses open and close, and when, by host.
    const connects: { host: string; at: number }[] = [];
    const closes: { host: string; at: number }[] = [];
    const transportFor = (t: Parameters<typeof sshTransport>[0]): Transport => {
      const inner = sshTransport(t);
      return {
        description: inner.description,
        sudoForPrivileged: inner.sudoForPrivileged,
        connect: async () => {
          connects.push({ host: t.name, at: Date.now() });
          return inner.connect();
        },
        run: (spec) => inner.run(spec),
        close: async () => {
          await inner.close();
          closes.push({ host: t.name, at: Date.now() });
        },
      };
    };
    const spans: Record<string, { start: number; end: number }> = {};
    const runner: RemediationRunner = {
      run: async (ctx) => {
        const start = Date.now();
        await sleep(1_500);
        if (!(await ctx.stillHeld())) throw new Error('lost the lock');
        spans[ctx.planId] = { start, end: Date.now() };
        await ctx.notifier.progress({ target: ctx.target.name, step: 'applied' });
        return { status: 'applied', summary: 'slept' };
      },
    };
    const running = await startWorkers({
      connection: redis,
      prefix,
      concurrency: 4,
      notifierFor: recordingNotifiers(redis, prefix),
      loadInventory: async () => loaded,
      collect: sshCollector({ transportFor }),
      remediationRunner: runner,
      limits: { timeoutMs: 60_000, hostLockTtlMs: 3_000, hostLockWaitMs: 60_000 },
      log: silentLog,
    });
    try {
      // Remediation first: the diagnosis waits for it.
      await producer.requestRemediation({
        planId: 'lock-1',
        action: 'apply',
        target: 'q-mismatch',
        destination: rec('plan-1'),
        requestedBy: 'U1',
      });
      await waitFor(
        async () => (await redis.exists(`${prefix}:host-lock:q-mismatch`)) === 1,
        10_000,
        'the lock',
      );
      await producer.requestDiagnosis({ target: 'q-mismatch', destination: rec('after-plan') });
      await answers(prefix, 'after-plan');
      const visit = connects.find((c) => c.host === 'q-mismatch')!;
      expect(spans['lock-1']).toBeDefined();
      expect(visit.at).toBeGreaterThanOrEqual(spans['lock-1']!.end);
      await progressSeen(prefix, 'after-plan', 'waiting for another job on q-mismatch');

      // Diagnosis first (a slow visit): the remediation waits for it.
      await producer.requestDiagnosis({ target: 'q-slow', destination: rec('before-plan') });
      await progressSeen(prefix, 'before-plan', 'checking');
      await producer.requestRemediation({
        planId: 'lock-2',
        action: 'apply',
        target: 'q-slow',
        destination: rec('plan-2'),
        requestedBy: 'U1',
      });
      await answers(prefix, 'before-plan');
      await progressSeen(prefix, 'plan-2', 'applied');
      // The visit (its connections to q-slow and to its upstream peer) ended before the remediation began.
      const slowVisitEnd = Math.max(...closes.filter((c) => c.host.startsWith('q-slow')).map((c) => c.at));
      const slowVisitStart = Math.min(...connects.filter((c) => c.host === 'q-slow').map((c) => c.at));
      expect(spans['lock-2']!.start).toBeGreaterThanOrEqual(slowVisitEnd);
      expect(slowVisitEnd - slowVisitStart).toBeGreaterThan(1_000); // it really was a slow visit to wait for
    } finally {
      await running.close();
      await producer.close();
    }
  }, 120_000);
});

function sshTransport(target: ConstructorParameters<typeof SshTransport>[0]): SshTransport {
  return new SshTransport(target, { env: process.env });
}

describe('upstream-doctor worker settings', () => {
  it.each([
    [
      { WORKER_CONCURRENCY: 'lots' },
      'WORKER_CONCURRENCY: expected a whole number from 1 to 256 (got "lots")',
    ],
    [
      { REDIS_URL: 'http://127.0.0.1:6379' },
      'REDIS_URL: expected a redis:// or rediss:// URL (got http://…)',
    ],
    [
      { REDIS_SENTINELS: '127.0.0.1:26379' },
      'REDIS_SENTINEL_NAME: is required with REDIS_SENTINELS (the master group name)',
    ],
  ])(
    'a bad setting stops the worker at start with one line naming it: %o',
    async (env, line) => {
      const w = spawnWorker({ prefix: newPrefix(), inventory: lab.inventoryPath, env });
      expect(await w.exited).toEqual({ code: 2, signal: null });
      expect(w.stderr()).toBe(`upstream-doctor worker: ${line}\n`);
      expect(w.logs).toEqual([]);
    },
    30_000,
  );
});
