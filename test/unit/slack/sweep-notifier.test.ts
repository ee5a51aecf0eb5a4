// The sweep's coordinator against real Redis and the Slack Web API stand-in: two coordinators (two worker
// processes) record a sweep's hosts at once; the parent is edited with the count and at the end to the
// verdict, once; one reply per group; a group whose hosts all stored plans in the sweep's thread gets its
// `Apply to canary` offer (a PlanGroup, canary first); a failed job counts as could not be diagnosed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verdictOf } from '../../../src/analyze/fleet.js';
import { reportOf } from '../../../src/analyze/report.js';
import type { Destination, ProposedFix } from '../../../src/queue/notifier.js';
import { SweepStore } from '../../../src/queue/sweep.js';
import { PlanGroupStore } from '../../../src/remediate/plan-group.js';
import { PlanStore } from '../../../src/remediate/plan.js';
import { draftPlan } from '../../../src/remediate/propose.js';
import { limitViolations } from '../../../src/slack/blocks.js';
import { createWebClient } from '../../../src/slack/calls.js';
import { slackNotifierFactory } from '../../../src/slack/notifier.js';
import {
  SweepCoordinator,
  type SweepCoordinatorOptions,
  sweepAwareFactory,
} from '../../../src/slack/sweep-notifier.js';
import { SlackApiStandIn } from '../../support/slack-api.js';
import { dropPrefix, redisForTest, snapshotOf, testPrefix } from '../queue/support.js';

const TOKEN = 'xoxb-sweep-test';
const CHANNEL = 'C0SWEEP';
const USER = 'U0ALICE';
const redis = redisForTest();
// A trailing progress edit of the other coordinator may still fire after the end: Redis closed by then.
redis.on('error', () => undefined);
const prefix = testPrefix();
let slack: SlackApiStandIn;

beforeAll(async () => {
  slack = await SlackApiStandIn.start({ token: TOKEN });
});
afterAll(async () => {
  await slack.close();
  await dropPrefix(redis, prefix);
  await redis.quit();
});

function coordinator(owner: string, more: Partial<SweepCoordinatorOptions> = {}) {
  const client = createWebClient({ token: TOKEN, slackApiUrl: slack.url });
  const c = new SweepCoordinator({
    client,
    store: new SweepStore(redis, prefix),
    plans: new PlanStore(redis, prefix),
    groups: new PlanGroupStore(redis, prefix),
    owner,
    progressIntervalMs: 300,
    ...more,
  });
  return { client, c, factory: sweepAwareFactory(slackNotifierFactory({ client }), c) };
}

const sweepDestination = (parentTs: string, sweep: string): Destination => ({
  kind: 'slack',
  channel: CHANNEL,
  threadTs: parentTs,
  userId: USER,
  sweep,
});

/** A plan for a port-mismatch host, saved and offered in `threadTs`, as the fix its answer carries. */
async function savedFix(
  snapshot: ReturnType<typeof snapshotOf>,
  report: ReturnType<typeof reportOf>,
  host: string,
  offeredIn: { channel: string; threadTs: string },
): Promise<ProposedFix> {
  const plan = draftPlan(snapshot, report, { requestedBy: USER, offeredIn });
  if (!plan || 'withheld' in plan) throw new Error('expected a plan');
  await new PlanStore(redis, prefix).save(plan);
  return {
    id: plan.id,
    host,
    summary: plan.summary,
    unifiedDiff: plan.unifiedDiff,
    expiresAt: plan.expiresAt,
  };
}

/** A host's answer in `scenario`; a port-mismatch one carries a plan offered in the sweep's thread. */
async function answerOf(
  scenario: Parameters<typeof snapshotOf>[0],
  host: string,
  parentTs: string,
): Promise<[ReturnType<typeof reportOf>, ProposedFix | undefined]> {
  const snapshot = snapshotOf(scenario, host);
  const report = reportOf(snapshot);
  const fix =
    scenario === 'port-mismatch'
      ? await savedFix(snapshot, report, host, { channel: CHANNEL, threadTs: parentTs })
      : undefined;
  return [report, fix];
}

describe('SweepCoordinator', () => {
  it('30 hosts from two processes: counted once each, one verdict, one reply per group, the group offered', async () => {
    const [a, b] = [coordinator('w1'), coordinator('w2')];
    const parent = await a.client.chat.postMessage({ channel: CHANNEL, text: 'Sweeping' });
    const parentTs = parent.ts!;
    const hosts = Array.from({ length: 30 }, (_, i) => `web-${String(i + 1).padStart(2, '0')}`);
    const sweep = await a.c.begin({ channel: CHANNEL, parentTs, userId: USER, label: 'tag:shop' }, hosts);
    const destination = sweepDestination(parentTs, sweep.id);
    const broken = new Set(['web-03', 'web-07', 'web-11', 'web-19']);

    const answer = async (host: string, i: number) => {
      const notifier = (i % 2 === 0 ? a : b).factory(destination);
      if (host === 'web-30')
        return notifier.failed(host, 'the job failed: job stalled more than allowable limit');
      const scenario =
        host === 'web-29' ? 'nginx-not-running' : broken.has(host) ? 'port-mismatch' : 'healthy';
      const [report, fix] = await answerOf(scenario, host, parentTs);
      await notifier.report(report, fix);
      // The same answer again (a job run twice) changes nothing.
      if (i % 7 === 0) await notifier.report(report, fix);
    };
    await Promise.all(
      hosts.map((h, i) => new Promise((r) => setTimeout(r, i * 20)).then(() => answer(h, i))),
    );

    await slack.waitFor(
      () => (slack.messages.get(parentTs)?.text ?? '').includes('with a cause of 502'),
      20_000,
      'the verdict',
    );
    const verdict = slack.messages.get(parentTs)!;
    expect(verdict.text).toBe(
      'Sweep of tag:shop · 5 with a cause of 502, 24 healthy, 1 could not be diagnosed',
    );
    const blocks = JSON.stringify(verdict.blocks);
    expect(blocks).toContain(
      ':red_circle: *4 hosts* · `upstream-port-mismatch` · `/etc/nginx/conf.d/shop.conf:2` (8000 → 3000)',
    );
    expect(blocks).toContain(':red_circle: *1 host* · `nginx-not-running`');
    expect(blocks).toContain(':warning: *1 could not be diagnosed* (`job-failed`)');
    expect(blocks).toContain(':large_green_circle: *24 healthy*');
    // Progress edits came before the verdict, throttled; the verdict was written once and is the last version.
    const edits = slack.callsTo('chat.update').filter((c) => c.args.ts === parentTs);
    expect(edits.length).toBeGreaterThan(1);
    expect(edits.length).toBeLessThan(30);
    expect(edits.filter((c) => String(c.args.text).includes('with a cause of 502'))).toHaveLength(1);
    expect(verdict.history.at(-1)!.text).toBe(verdict.text);

    const replies = slack.replies(CHANNEL, parentTs);
    expect(replies).toHaveLength(4);
    const [mismatch] = replies;
    expect(JSON.stringify(mismatch!.blocks)).toContain('`web-03`, `web-07`, `web-11`, `web-19`');
    expect(JSON.stringify(mismatch!.blocks)).toContain('Apply to canary');
    for (const m of [...replies, verdict]) expect(limitViolations(m)).toEqual([]);

    const groupId = (JSON.stringify(mismatch!.blocks).match(/"value":"(g-[A-Za-z0-9_-]{12})"/) ?? [])[1]!;
    const group = await new PlanGroupStore(redis, prefix).get(groupId);
    expect(group).toMatchObject({
      cause: 'upstream-port-mismatch',
      file: '/etc/nginx/conf.d/shop.conf',
      line: 2,
      offeredIn: { channel: CHANNEL, threadTs: parentTs },
      requestedBy: USER,
    });
    expect(group!.members.map((m) => m.host)).toEqual(['web-03', 'web-07', 'web-11', 'web-19']);
    expect(JSON.stringify(replies[1]!.blocks)).not.toContain('remediation_apply_canary');
  });

  it('a group whose plans were offered in another thread shows the fix text and says why, no button', async () => {
    const { client, c, factory } = coordinator('w3');
    const parentTs = (await client.chat.postMessage({ channel: CHANNEL, text: 'Sweeping' })).ts!;
    const sweep = await c.begin({ channel: CHANNEL, parentTs, userId: USER, label: 'web-*' }, ['a', 'b']);
    const destination = sweepDestination(parentTs, sweep.id);
    for (const host of ['a', 'b']) {
      const snapshot = snapshotOf('port-mismatch', host);
      const report = reportOf(snapshot);
      const plan = draftPlan(snapshot, report, {
        requestedBy: USER,
        offeredIn: { channel: 'C0OTHER', threadTs: '9.9' },
      });
      if (!plan || 'withheld' in plan) throw new Error('expected a plan');
      await new PlanStore(redis, prefix).save(plan);
      await factory(destination).report(report, {
        id: plan.id,
        host,
        summary: plan.summary,
        unifiedDiff: plan.unifiedDiff,
        expiresAt: plan.expiresAt,
      });
    }
    await slack.waitFor(() => slack.replies(CHANNEL, parentTs).length === 1, 10_000, 'the group reply');
    const reply = JSON.stringify(slack.replies(CHANNEL, parentTs)[0]!.blocks);
    expect(reply).not.toContain('remediation_apply_canary');
    expect(reply).toContain('offered in another thread');
    expect(reply).toContain('+    server 127.0.0.1:3000 max_fails=3;');
  });

  /** A sweep of 4 hosts (2 port-mismatch with plans offered in its thread, 1 nginx down, 1 healthy). */
  async function fourHosts(c: SweepCoordinator, client: ReturnType<typeof createWebClient>) {
    const parentTs = (await client.chat.postMessage({ channel: CHANNEL, text: 'Sweeping' })).ts!;
    const hosts = ['m1', 'm2', 'down', 'ok'];
    const sweep = await c.begin({ channel: CHANNEL, parentTs, userId: USER, label: 'tag:four' }, hosts);
    const answers = new Map<string, [ReturnType<typeof reportOf>, ProposedFix | undefined]>();
    for (const host of hosts) {
      const scenario = host.startsWith('m')
        ? 'port-mismatch'
        : host === 'down'
          ? 'nginx-not-running'
          : 'healthy';
      answers.set(host, await answerOf(scenario, host, parentTs));
    }
    const destination = sweepDestination(parentTs, sweep.id);
    return { parentTs, sweep, destination, answers };
  }

  const verdictShown = (parentTs: string) =>
    (slack.messages.get(parentTs)?.text ?? '').includes('with a cause of 502');

  /** Each reply's text once: no group was posted twice. */
  function expectNoRepeats(parentTs: string, count: number) {
    const texts = slack.replies(CHANNEL, parentTs).map((m) => JSON.stringify(m.blocks));
    expect(texts).toHaveLength(count);
    expect(new Set(texts).size).toBe(count);
  }

  it('a reply that fails (Slack 5xx) is tried again: the verdict comes, no reply is posted twice', async () => {
    const { client, c, factory } = coordinator('w-retry', { finalRetryDelaysMs: [50, 50] });
    const { parentTs, destination, answers } = await fourHosts(c, client);
    for (const host of ['m1', 'm2', 'down']) await factory(destination).report(...answers.get(host)!);
    const before = slack.replies(CHANNEL, parentTs).length;
    expect(before).toBe(0);
    // The first reply lands, the second fails.
    slack.failNext('chat.postMessage', 'internal_error', 1, 1);
    await factory(destination).report(...answers.get('ok')!);
    await slack.waitFor(() => verdictShown(parentTs), 10_000, 'the verdict');
    expectNoRepeats(parentTs, 3);
    expect(JSON.stringify(slack.replies(CHANNEL, parentTs)[0]!.blocks)).toContain('Apply to canary');
  });

  it('a verdict given up half-way is finished by the next record of a host (a job run again): only the rest is posted, the saved group reused', async () => {
    const gaveUp = coordinator('w-gave-up', { finalRetryDelaysMs: [] });
    const { parentTs, sweep, destination, answers } = await fourHosts(gaveUp.c, gaveUp.client);
    for (const host of ['m1', 'm2', 'down']) await gaveUp.factory(destination).report(...answers.get(host)!);
    slack.failNext('chat.postMessage', 'internal_error', 1, 1);
    await expect(gaveUp.factory(destination).report(...answers.get('ok')!)).rejects.toThrow(/internal_error/);
    expect(slack.replies(CHANNEL, parentTs)).toHaveLength(1);
    const savedGroup = await redis.hget(`${prefix}:sweep:${sweep.id}:posted`, '0:offer');
    expect(savedGroup).toMatch(/^g-/);

    const next = coordinator('w-next');
    await next.factory(destination).report(...answers.get('ok')!);
    await slack.waitFor(() => verdictShown(parentTs), 10_000, 'the verdict');
    expectNoRepeats(parentTs, 3);
    expect(JSON.stringify(slack.replies(CHANNEL, parentTs)[0]!.blocks)).toContain(savedGroup);
  });

  it('a finisher that died after its claim: the job run again waits out its lease and writes the verdict', async () => {
    const { client, c, factory } = coordinator('w-rerun', { finalLeaseMs: 500 });
    const { parentTs, sweep, destination, answers } = await fourHosts(c, client);
    for (const host of ['m1', 'm2', 'down']) await factory(destination).report(...answers.get(host)!);
    // The last host was recorded by a worker that claimed the verdict and died.
    const store = new SweepStore(redis, prefix);
    await store.record(sweep.id, { verdict: verdictOf(answers.get('ok')![0]) });
    expect(await store.claimFinal(sweep.id, 'w-died', 400)).toBe(true);
    // BullMQ runs the stalled job again: its answer records as "again".
    await factory(destination).report(...answers.get('ok')!);
    expect(verdictShown(parentTs)).toBe(true);
    expectNoRepeats(parentTs, 3);
    expect((await store.finalState(sweep.id)).state).toBe('done');
  });

  it('a progress edit that lands after the verdict is followed by the verdict again', async () => {
    const { client, c, factory } = coordinator('w-slow-edit', { editInFlightMs: 100 });
    const parentTs = (await client.chat.postMessage({ channel: CHANNEL, text: 'Sweeping' })).ts!;
    const sweep = await c.begin({ channel: CHANNEL, parentTs, userId: USER, label: 'two' }, ['a', 'b']);
    const destination = sweepDestination(parentTs, sweep.id);
    slack.delayNext('chat.update', 1500);
    const first = factory(destination).report(reportOf(snapshotOf('healthy', 'a')));
    await slack.waitFor(() => false, 300, 'nothing').catch(() => undefined);
    await factory(destination).report(reportOf(snapshotOf('nginx-not-running', 'b')));
    await first;
    const parent = slack.messages.get(parentTs)!;
    expect(parent.history.map((h) => h.text).some((t) => t?.includes('1 of 2'))).toBe(true);
    expect(parent.text).toContain('with a cause of 502');
  });
});
