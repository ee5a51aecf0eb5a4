// The queue's behaviour end to end in one process: real Redis and BullMQ, a fake host visit.
import { afterEach, describe, expect, it } from 'vitest';
import type { Job } from 'bullmq';
import type { HostSnapshot } from '../../../src/model/types.js';
import type { Collector } from '../../../src/queue/collect.js';
import { DIAGNOSE_QUEUE } from '../../../src/queue/names.js';
import type { RemediationRunner } from '../../../src/queue/remediate-job.js';
import { WorkerMetrics } from '../../../src/health/metrics.js';
import { PlanStore } from '../../../src/remediate/plan.js';
import { answersOf, notesOf, requester as rec } from '../../support/recorder.js';
import { startHarness, type Harness } from './harness.js';
import { snapshotOf, unreachableSnapshot, waitFor } from './support.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A fake host visit that counts its calls and answers from a script (one entry per call, the last repeats). */
function scripted(
  script: ((target: string, signal: AbortSignal) => Promise<HostSnapshot>)[],
): Collector & { calls: { target: string; at: number }[] } {
  const calls: { target: string; at: number }[] = [];
  const fn = async (
    _inv: unknown,
    target: { name: string },
    req: { onProgress: (s: string) => void; signal: AbortSignal },
  ) => {
    calls.push({ target: target.name, at: Date.now() });
    req.onProgress('connecting');
    const step = script[Math.min(calls.length - 1, script.length - 1)]!;
    return step(target.name, req.signal);
  };
  return Object.assign(fn, { calls }) as Collector & { calls: { target: string; at: number }[] };
}

const slowPortMismatch = (ms: number) => async (target: string) => {
  await sleep(ms);
  return snapshotOf('port-mismatch', target);
};

async function jobOf(id: string): Promise<Job> {
  const job = await h!.running.queues[DIAGNOSE_QUEUE].getJob(id);
  if (!job) throw new Error(`no job ${id}`);
  return job;
}

describe('diagnose jobs', () => {
  it('10 requests for one host: one visit, 10 answers, also for requesters who join while it runs', async () => {
    const collect = scripted([slowPortMismatch(400)]);
    h = await startHarness({ collect });
    const ids = Array.from({ length: 10 }, (_, i) => `r${i}`);
    const early = await Promise.all(
      ids.slice(0, 5).map((id) => h!.producer.requestDiagnosis({ target: 'web-01', destination: rec(id) })),
    );
    await waitFor(async () => collect.calls.length > 0, 5_000, 'the visit to start');
    const late = await Promise.all(
      ids.slice(5).map((id) => h!.producer.requestDiagnosis({ target: 'web-01', destination: rec(id) })),
    );
    const tickets = [...early, ...late];
    expect(new Set(tickets.map((t) => t.jobId)).size).toBe(1);
    expect(tickets.filter((t) => t.status === 'queued')).toHaveLength(1);
    expect(tickets.filter((t) => t.status === 'joined').every((t) => t.leader?.kind === 'slack')).toBe(true);

    const answers = await h.answers(ids);
    await sleep(300); // room for a duplicate to show up
    for (const id of ids) {
      const a = answersOf(await h.calls(id));
      expect(a, id).toHaveLength(1);
      expect(a[0]!.method).toBe('report');
    }
    expect(answers[0]![0]!.method === 'report' && answers[0]![0]!.report.findings[0]!.cause).toBe(
      'upstream-port-mismatch',
    );
    expect(collect.calls).toHaveLength(1);
    // The late requesters also heard progress lines after they joined? At least the first did.
    expect((await h.calls('r0')).some((c) => c.method === 'progress')).toBe(true);

    // Once finished, the next request is a fresh diagnosis.
    const again = await h.producer.requestDiagnosis({ target: 'web-01', destination: rec('next') });
    expect(again.status).toBe('queued');
    expect(again.jobId).not.toBe(tickets[0]!.jobId);
    await h.answers(['next']);
    expect(collect.calls).toHaveLength(2);
  });

  it('different hosts run in parallel, each deduplicated on its own', async () => {
    const collect = scripted([slowPortMismatch(300)]);
    h = await startHarness({ collect, hosts: ['web-01', 'web-02', 'web-03'] });
    const reqs = ['web-01', 'web-02', 'web-03'].flatMap((t) =>
      [1, 2].map((i) => ({ target: t, id: `${t}-${i}` })),
    );
    await Promise.all(
      reqs.map((r) => h!.producer.requestDiagnosis({ target: r.target, destination: rec(r.id) })),
    );
    await h.answers(reqs.map((r) => r.id));
    expect(collect.calls.map((c) => c.target).sort()).toEqual(['web-01', 'web-02', 'web-03']);
  });

  it('SSH refused, then reachable: retried with backoff, one answer with the real report', async () => {
    const collect = scripted([async (t) => unreachableSnapshot(t, 'refused'), slowPortMismatch(0)]);
    h = await startHarness({ collect, attempts: 3, backoffMs: 200 });
    const t = await h.producer.requestDiagnosis({ target: 'web-01', destination: rec('a') });
    const [answers] = await h.answers(['a']);
    expect(answers).toHaveLength(1);
    expect(answers![0]!.method === 'report' && answers![0]!.report.findings[0]!.cause).toBe(
      'upstream-port-mismatch',
    );
    expect(collect.calls).toHaveLength(2);
    expect(collect.calls[1]!.at - collect.calls[0]!.at).toBeGreaterThanOrEqual(190);
    const progress = (await h.calls('a')).filter((c) => c.method === 'progress').map((c) => c.step.step);
    expect(progress).toContain('ssh to web-01: refused; trying again in 0 s (attempt 2 of 3)');
    const job = await waitFor(async () => {
      const j = await jobOf(t.jobId);
      return (await j.getState()) === 'completed' && j;
    });
    expect(job.attemptsMade).toBe(2); // BullMQ counts the successful attempt too
  });

  it('transient every time: the host-unreachable report after the last attempt, once', async () => {
    const collect = scripted([async (t) => unreachableSnapshot(t, 'timeout')]);
    h = await startHarness({ collect, attempts: 3, backoffMs: 20 });
    const t = await h.producer.requestDiagnosis({ target: 'web-01', destination: rec('a') });
    const [answers] = await h.answers(['a']);
    await sleep(200);
    expect(answersOf(await h.calls('a'))).toHaveLength(1);
    expect(answers![0]!.method === 'report' && answers![0]!.report.findings[0]!.cause).toBe(
      'host-unreachable',
    );
    expect(collect.calls).toHaveLength(3);
    expect(await (await jobOf(t.jobId)).getState()).toBe('failed');
  });

  it.each(['host-key', 'auth', 'dns'] as const)(
    '%s failure: answered at once, never retried',
    async (reason) => {
      const collect = scripted([async (t) => unreachableSnapshot(t, reason), slowPortMismatch(0)]);
      h = await startHarness({ collect, attempts: 3, backoffMs: 20 });
      const t = await h.producer.requestDiagnosis({ target: 'web-01', destination: rec('a') });
      const [answers] = await h.answers(['a']);
      expect(answers![0]!.method === 'report' && answers![0]!.report.findings[0]!.cause).toBe(
        'host-unreachable',
      );
      const job = await waitFor(async () => {
        const j = await jobOf(t.jobId);
        return (await j.getState()) === 'failed' && j;
      });
      expect(job.attemptsMade).toBe(1);
      await sleep(200);
      expect(collect.calls).toHaveLength(1);
    },
  );

  it('an unknown host: told so, no visit, no retry', async () => {
    const collect = scripted([slowPortMismatch(0)]);
    h = await startHarness({ collect });
    await h.producer.requestDiagnosis({ target: 'web-99', destination: rec('a') });
    const [answers] = await h.answers(['a']);
    expect(answers).toEqual([expect.objectContaining({ method: 'failed', target: 'web-99' })]);
    expect(answers![0]!.method === 'failed' && answers![0]!.message).toContain('not in the inventory');
    expect(collect.calls).toHaveLength(0);
  });

  it('a visit over the time limit is aborted (its connections closed) and answered as not diagnosed in N s, not retried', async () => {
    let aborted = false;
    const collect = scripted([
      (_t, signal) =>
        new Promise<HostSnapshot>((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            reject(new Error('closed'));
          });
        }),
    ]);
    h = await startHarness({ collect, timeoutMs: 500 });
    const started = Date.now();
    await h.producer.requestDiagnosis({ target: 'web-01', destination: rec('a') });
    const [answers] = await h.answers(['a']);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(aborted).toBe(true);
    const answer = answers![0]!;
    expect(answer.method).toBe('report');
    const finding = answer.method === 'report' ? answer.report.findings[0] : undefined;
    expect(finding?.cause).toBe('diagnosis-timeout');
    expect(finding?.title).toBe('web-01 could not be diagnosed in 1 s');
    await sleep(200);
    expect(collect.calls).toHaveLength(1);
  });

  it('a job with a foreign payload fails as invalid; the worker carries on', async () => {
    const collect = scripted([slowPortMismatch(0)]);
    h = await startHarness({ collect });
    const bad = await h.running.queues[DIAGNOSE_QUEUE].add(DIAGNOSE_QUEUE, { target: 'web 01; rm -rf /' });
    await waitFor(async () => (await bad.getState()) === 'failed', 5_000, 'the bad job to fail');
    expect((await h.running.queues[DIAGNOSE_QUEUE].getJob(bad.id!))!.failedReason).toMatch(
      /^invalid diagnose job: /,
    );
    await h.producer.requestDiagnosis({ target: 'web-01', destination: rec('a') });
    await h.answers(['a']);
  });

  it('counts job durations by queue and result, and findings by cause', async () => {
    const metrics = new WorkerMetrics(async () => ({ diagnose: { waiting: 2 }, remediate: {} }), {
      defaultMetrics: false,
    });
    const collect = scripted([slowPortMismatch(0)]);
    h = await startHarness({ collect, observer: metrics });
    await h.producer.requestDiagnosis({ target: 'web-01', destination: rec('a') });
    await h.producer.requestDiagnosis({ target: 'web-99', destination: rec('b') });
    await h.answers(['a', 'b']);
    await sleep(100);
    const text = await metrics.text();
    expect(text).toContain(
      'upstream_doctor_job_duration_seconds_count{queue="diagnose",result="critical"} 1',
    );
    expect(text).toContain('upstream_doctor_job_duration_seconds_count{queue="diagnose",result="failed"} 1');
    expect(text).toContain(
      'upstream_doctor_findings_total{cause="upstream-port-mismatch",severity="critical"} 1',
    );
    expect(text).toContain('upstream_doctor_queue_jobs{queue="diagnose",state="waiting"} 2');
  });
});

describe('fixes proposed with the answer', () => {
  it("a root cause with a config edit: every requester hears the same plan, stored as the first one's", async () => {
    const collect = scripted([slowPortMismatch(300)]);
    h = await startHarness({ collect, proposeFix: 'plans' });
    await h.producer.requestDiagnosis({ target: 'web-01', destination: rec('first') });
    await waitFor(async () => collect.calls.length > 0, 5_000, 'the visit to start');
    await h.producer.requestDiagnosis({ target: 'web-01', destination: rec('second') });
    const [a, b] = (await h.answers(['first', 'second'])).map((calls) => calls[0]);
    if (a?.method !== 'report' || b?.method !== 'report') throw new Error('expected two reports');
    expect(a.fix).toBeDefined();
    expect(b.fix).toEqual(a.fix);
    expect(a.fix!.host).toBe('web-01');
    expect(a.fix!.unifiedDiff).toContain('+    server 127.0.0.1:3000 max_fails=3;');
    const offered = a.fix!;
    if (offered.withheld !== undefined) throw new Error(`withheld: ${offered.withheld}`);
    const plan = await new PlanStore(h.redis, h.prefix).get(offered.id);
    expect(plan).toMatchObject({
      host: 'web-01',
      requestedBy: rec('first').userId,
      cause: 'upstream-port-mismatch',
    });
    expect((await new PlanStore(h.redis, h.prefix).state(offered.id))?.status).toBe('pending');
  });

  it('no edit, no plan; a proposer that fails costs the buttons, never the answer', async () => {
    h = await startHarness({
      collect: scripted([async (t) => snapshotOf('healthy', t), slowPortMismatch(0)]),
      proposeFix: () => Promise.reject(new Error('redis went away')),
    });
    await h.producer.requestDiagnosis({ target: 'web-01', destination: rec('healthy') });
    const healthy = (await h.answers(['healthy']))[0]?.[0];
    expect(healthy?.method === 'report' && healthy.fix).toBeUndefined();
    await h.producer.requestDiagnosis({ target: 'web-02', destination: rec('broken') });
    const broken = (await h.answers(['broken']))[0]?.[0];
    expect(broken?.method === 'report' && broken.report.findings[0]?.cause).toBe('upstream-port-mismatch');
    expect(broken?.method === 'report' && broken.fix).toBeUndefined();
  });
});

describe('remediate jobs', () => {
  const plan = (id: string, action: 'apply' | 'test' = 'apply', target = 'web-01') => ({
    planId: id,
    action,
    target,
    destination: rec(`plan-${id}`),
    requestedBy: 'U1',
  });

  it('ten presses of Apply: one job, one run; the rest learn who asked first', async () => {
    let runs = 0;
    const runner: RemediationRunner = {
      run: async (ctx) => {
        runs++;
        await ctx.notifier.progress({
          target: ctx.target.name,
          step: `applying ${ctx.planId} (fence ${ctx.lease.fence})`,
        });
        return { status: 'applied', summary: 'ok' };
      },
    };
    h = await startHarness({ collect: scripted([slowPortMismatch(0)]), runner });
    const tickets = await Promise.all(
      Array.from({ length: 10 }, () => h!.producer.requestRemediation(plan('p1'))),
    );
    expect(tickets.filter((t) => t.status === 'queued')).toHaveLength(1);
    const dup = tickets.find((t) => t.status === 'duplicate');
    expect(dup).toMatchObject({ status: 'duplicate', jobId: 'apply-p1', requestedBy: 'U1' });
    await waitFor(async () => (await h!.calls('plan-p1')).length > 0, 5_000);
    await sleep(300);
    expect(runs).toBe(1);
    // A test of the same plan may run again and again; it changes nothing.
    await h.producer.requestRemediation(plan('p1', 'test'));
    await h.producer.requestRemediation(plan('p1', 'test'));
    await waitFor(async () => runs === 3, 5_000, 'two test runs');
  });

  it('a remediation and a diagnosis of one host never overlap; other hosts are not held up', async () => {
    const spans: Record<string, [number, number]> = {};
    const runner: RemediationRunner = {
      run: async (ctx) => {
        const start = Date.now();
        expect(await ctx.stillHeld()).toBe(true);
        await sleep(800);
        spans[ctx.planId] = [start, Date.now()];
        return { status: 'applied', summary: 'ok' };
      },
    };
    const collect = scripted([slowPortMismatch(50)]);
    h = await startHarness({ collect, runner });
    await h.producer.requestRemediation(plan('p2'));
    await waitFor(
      async () => (await h!.redis.exists(`${h!.prefix}:host-lock:web-01`)) === 1,
      5_000,
      'the lock',
    );
    await h.producer.requestDiagnosis({ target: 'web-01', destination: rec('d1') });
    await h.producer.requestDiagnosis({ target: 'web-02', destination: rec('d2') });
    await h.answers(['d1', 'd2']);
    const [rStart, rEnd] = spans.p2!;
    const d1 = collect.calls.find((c) => c.target === 'web-01')!;
    const d2 = collect.calls.find((c) => c.target === 'web-02')!;
    expect(d1.at).toBeGreaterThanOrEqual(rEnd);
    expect(d2.at).toBeLessThan(rEnd);
    expect(d2.at).toBeGreaterThanOrEqual(rStart - 1000);
    const progress = (await h.calls('d1')).filter((c) => c.method === 'progress').map((c) => c.step.step);
    expect(progress[0]).toBe('waiting for another job on web-01 to finish');
  });

  it('a worker without a remediation runner refuses with a message', async () => {
    h = await startHarness({ collect: scripted([slowPortMismatch(0)]) });
    await h.producer.requestRemediation(plan('p3'));
    const notes = await waitFor(
      async () => {
        const n = notesOf(await h!.calls('plan-p3'));
        return n.length > 0 && n;
      },
      10_000,
      'the refusal',
    );
    expect(notes[0]).toContain('no remediation runner');
  });
});
