// What the bot does with alerts after the answer, in-process against real Redis and the Slack stand-in,
// with a recording enqueuer: ten concurrent deliveries of one alert make one parent and one request; its
// record's claim, open and resolve in Redis; a repeat joins (one "fired again" reply per window); resolved
// before the parent exists is shown by whoever opens it; a parent Slack refuses releases the claim so the
// next delivery tries again; hostile names and summaries are escaped and bounded.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { reportOf } from '../../../src/analyze/report.js';
import { AlertMetrics } from '../../../src/health/alert-metrics.js';
import { destinationKey } from '../../../src/queue/keys.js';
import { Requesters } from '../../../src/queue/requesters.js';
import { type Plan, PlanStore } from '../../../src/remediate/plan.js';
import { parseInventory } from '../../../src/inventory/index.js';
import type { Destination } from '../../../src/queue/notifier.js';
import { AlertDiagnoses } from '../../../src/slack/alert-diagnosis.js';
import { alertLine, renderAlertParent } from '../../../src/slack/alert-message.js';
import type { AlertEvent } from '../../../src/slack/alert-payload.js';
import { AlertThreads } from '../../../src/slack/alert-threads.js';
import { parseChannelHosts } from '../../../src/slack/channel-hosts.js';
import { limitViolations } from '../../../src/slack/blocks.js';
import { createWebClient } from '../../../src/slack/calls.js';
import type { DiagnosisEnqueuer, DiagnosisTicketLike } from '../../../src/slack/enqueuer.js';
import { SlackApiStandIn } from '../../support/slack-api.js';
import { dropPrefix, redisForTest, silentLog, snapshotOf, testPrefix } from '../queue/support.js';

const TOKEN = 'xoxb-alert-diagnosis';
const CHANNEL = 'C0ALERTS';
const redis = redisForTest();
const prefix = testPrefix();
const inventory = parseInventory(
  'hosts:\n  web-01: { address: 10.0.0.11 }\n  web-02: { address: 10.0.0.12 }\n',
  {
    source: '<test>',
    baseDir: '/',
    home: '/root',
    localUser: 'root',
  },
);
let slack: SlackApiStandIn;

class RecordingEnqueuer implements DiagnosisEnqueuer {
  requests: { target: string; destination: Destination }[] = [];
  fail = false;
  async requestDiagnosis(r: { target: string; destination: Destination }): Promise<DiagnosisTicketLike> {
    if (this.fail) throw new Error('redis is down');
    this.requests.push(r);
    return { jobId: `job-${this.requests.length}`, status: 'queued' };
  }
}

function alerts(enqueuer: DiagnosisEnqueuer, metrics = new AlertMetrics({ defaultMetrics: false })) {
  return new AlertDiagnoses({
    client: createWebClient({ token: TOKEN, slackApiUrl: slack.url }),
    enqueuer,
    inventory: () => Promise.resolve(inventory),
    redis,
    prefix,
    channel: CHANNEL,
    metrics,
    log: silentLog,
    verdictPollMs: 20,
  });
}

const event = (fingerprint: string, over: Partial<AlertEvent> = {}): AlertEvent => ({
  fingerprint,
  status: 'firing',
  name: 'Nginx502',
  summary: 'web-01 answers 502',
  since: '2026-12-03T09:41:26.739Z',
  host: '10.0.0.11:9113',
  ...over,
});
const parents = () =>
  slack
    .callsTo('chat.postMessage')
    .filter((c) => c.args.thread_ts === undefined && c.args.channel === CHANNEL);

beforeAll(async () => {
  slack = await SlackApiStandIn.start({ token: TOKEN });
});
beforeEach(() => {
  slack.calls.length = 0;
});
afterAll(async () => {
  await slack.close();
  await dropPrefix(redis, prefix);
  await redis.quit();
});

describe('AlertDiagnoses', () => {
  it('ten concurrent deliveries of one alert: one parent, one diagnosis, nine joins', async () => {
    const enqueuer = new RecordingEnqueuer();
    const metrics = new AlertMetrics({ defaultMetrics: false });
    const a = alerts(enqueuer, metrics);
    for (let i = 0; i < 10; i++) a.accept('alertmanager', [event('f00000000000000a')]);
    await a.idle();
    expect(parents()).toHaveLength(1);
    expect(enqueuer.requests).toHaveLength(1);
    expect(enqueuer.requests[0]).toMatchObject({
      target: 'web-01',
      destination: {
        channel: CHANNEL,
        threadTs: String(parents()[0]!.answer.ts),
        userId: 'alert Nginx502',
        alert: { name: 'Nginx502', summary: 'web-01 answers 502', since: '2026-12-03T09:41:26.739Z' },
      },
    });
    expect(await metrics.text()).toMatch(/result="queued"\} 1\n/);
    expect(await metrics.text()).toMatch(/result="joined"\} 9\n/);
    // The nine came while the thread was being made: no reply. Later repeats: one reply per half hour.
    const replies = () => slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts !== undefined);
    expect(replies()).toHaveLength(0);
    a.accept('alertmanager', [event('f00000000000000a')]);
    a.accept('alertmanager', [event('f00000000000000a')]);
    await a.idle();
    expect(replies()).toHaveLength(1);
    expect(JSON.stringify(replies()[0]!.args.blocks)).toContain('`Nginx502` fired again at');
    expect(parents()).toHaveLength(1);
    const record = await new AlertThreads(redis, prefix).get('f00000000000000a');
    expect(record).toMatchObject({
      state: 'firing',
      target: 'web-01',
      jobId: 'job-1',
      requester: 'alert Nginx502',
    });
    await a.close();
  });

  it('resolved: the parent says so at once, and nothing is queued; a second resolved is ignored', async () => {
    const enqueuer = new RecordingEnqueuer();
    const a = alerts(enqueuer);
    a.accept('generic', [event('f00000000000000b')]);
    await a.idle();
    const ts = String(parents()[0]!.answer.ts);
    a.accept('generic', [event('f00000000000000b', { status: 'resolved' })]);
    a.accept('generic', [event('f00000000000000b', { status: 'resolved' })]);
    await a.idle();
    expect(enqueuer.requests).toHaveLength(1);
    const updates = slack.callsTo('chat.update').filter((c) => c.args.ts === ts);
    expect(updates).toHaveLength(1);
    expect(JSON.stringify(updates[0]!.args.blocks)).toMatch(
      /resolved at .* UTC \(firing since 2026-12-03 09:41:26 UTC\)/,
    );
    // Firing after it resolved: a new thread.
    a.accept('generic', [event('f00000000000000b')]);
    await a.idle();
    expect(parents()).toHaveLength(2);
    await a.close();
  });

  it('a parent Slack refuses, or a queue that fails, releases the claim: the next delivery tries again', async () => {
    const enqueuer = new RecordingEnqueuer();
    const a = alerts(enqueuer);
    slack.failNext('chat.postMessage', 'not_in_channel');
    a.accept('alertmanager', [event('f00000000000000c')]);
    await a.idle();
    expect(await redis.exists(`${prefix}:alert:f00000000000000c`)).toBe(0);
    enqueuer.fail = true;
    a.accept('alertmanager', [event('f00000000000000c')]);
    await a.idle();
    expect(await redis.exists(`${prefix}:alert:f00000000000000c`)).toBe(0);
    const failed = slack.callsTo('chat.update').at(-1)!;
    expect(JSON.stringify(failed.args.blocks)).toContain('could not queue the diagnosis');
    enqueuer.fail = false;
    a.accept('alertmanager', [event('f00000000000000c')]);
    await a.idle();
    expect(enqueuer.requests).toHaveLength(1);
    await a.close();
  });

  it('a host CHANNEL_HOSTS does not give ALERT_CHANNEL posts nothing and is counted', async () => {
    const enqueuer = new RecordingEnqueuer();
    const metrics = new AlertMetrics({ defaultMetrics: false });
    const rules = parseChannelHosts(`${CHANNEL}=web-02; *=web-*`);
    if (!rules.ok) throw new Error(rules.error);
    const a = new AlertDiagnoses({
      client: createWebClient({ token: TOKEN, slackApiUrl: slack.url }),
      enqueuer,
      inventory: () => Promise.resolve(inventory),
      redis,
      prefix,
      channel: CHANNEL,
      channelHosts: rules.value,
      metrics,
      log: silentLog,
    });
    expect(a.accept('alertmanager', [event('f00000000000000c')])).toBe(true);
    await a.idle();
    expect(parents()).toHaveLength(0);
    expect(enqueuer.requests).toHaveLength(0);
    expect(await metrics.text()).toMatch(/result="forbidden-host"[^\n]* 1/);
    expect(a.accept('alertmanager', [event('f00000000000000d', { host: 'web-02' })])).toBe(true);
    await a.idle();
    expect(enqueuer.requests.map((r) => r.target)).toEqual(['web-02']);
  });

  it('more alerts in hand than maxPending: refused whole, nothing started', async () => {
    const enqueuer = new RecordingEnqueuer();
    const a = new AlertDiagnoses({
      client: createWebClient({ token: TOKEN, slackApiUrl: slack.url }),
      enqueuer,
      inventory: () => Promise.resolve(inventory),
      redis,
      prefix,
      channel: CHANNEL,
      maxPending: 2,
      metrics: new AlertMetrics({ defaultMetrics: false }),
      log: silentLog,
    });
    expect(
      a.accept('generic', [event('f00000000000000e'), event('f00000000000000f'), event('f000000000000010')]),
    ).toBe(false);
    expect(a.accept('generic', [event('f000000000000011', { host: 'web-02' })])).toBe(true);
    await a.idle();
    expect(enqueuer.requests.map((r) => r.target)).toEqual(['web-02']);
  });

  it('unknown and missing hosts post nothing', async () => {
    const enqueuer = new RecordingEnqueuer();
    const metrics = new AlertMetrics({ defaultMetrics: false });
    const a = alerts(enqueuer, metrics);
    a.accept('alertmanager', [
      event('f00000000000000d', { host: 'db-09:9100' }),
      event('f00000000000000e', { host: undefined }),
    ]);
    await a.idle();
    expect(slack.calls).toEqual([]);
    expect(await metrics.text()).toMatch(/result="unknown-host"\} 2\n/);
    await a.close();
  });
});

describe('resolved after the diagnosis', () => {
  it('keeps the verdict, and says what became of its fix', async () => {
    const enqueuer = new RecordingEnqueuer();
    const a = alerts(enqueuer);
    a.accept('alertmanager', [event('f0000000000000f1')]);
    await a.idle();
    const { destination } = enqueuer.requests[0]!;
    const jobId = 'job-1';
    const report = reportOf(snapshotOf('port-mismatch', 'web-01'));
    const expiresAt = new Date(Date.now() + 60_000).toISOString();
    const fix = { id: 'p-alertfix01', host: 'web-01', summary: 's', unifiedDiff: '-a\n+b', expiresAt };
    // As a worker ends the job: the outcome sealed, delivered to the alert's thread.
    const requesters = new Requesters(redis, prefix);
    await requesters.seal(jobId, { kind: 'report', report, fix });
    await redis.set(`${prefix}:diagnosis:${jobId}:delivered:${destinationKey(destination)}`, 'done');
    const plans = new PlanStore(redis, prefix);
    await plans.save({ id: fix.id, expiresAt } as Plan);
    await plans.transition(fix.id, 'pending', 'applying', 'U0ALICE');
    await plans.transition(fix.id, 'applying', 'applied', 'U0ALICE');

    a.accept('alertmanager', [event('f0000000000000f1', { status: 'resolved' })]);
    await a.idle();
    const edit = slack.callsTo('chat.update').at(-1)!;
    expect(edit.args.ts).toBe(destination.threadTs);
    const shown = JSON.stringify(edit.args.blocks);
    expect(shown).toContain('resolved at');
    expect(shown).toContain('upstream-port-mismatch');
    expect(shown).toContain('asked by alert Nginx502');
    expect(shown).toContain('fix `p-alertfix01`: :white_check_mark: applied and verified by <@U0ALICE>');
    await a.close();
  });
});

describe('AlertThreads', () => {
  it('a resolve during the claim is reported by open, so the claimer shows it', async () => {
    const threads = new AlertThreads(redis, prefix);
    const facts = { since: '2026-12-03T09:41:26.739Z', name: 'N', summary: '', target: 'web-01' };
    expect(await threads.claim('f0000000000000ff', facts)).toEqual({ status: 'new' });
    expect((await threads.resolve('f0000000000000ff', '2026-12-03T10:00:00.000Z')).status).toBe('resolved');
    expect(
      await threads.open(
        'f0000000000000ff',
        { channel: CHANNEL, ts: '1.2', jobId: 'j', requester: 'alert N' },
        facts,
      ),
    ).toEqual({ status: 'resolved', resolvedAt: '2026-12-03T10:00:00.000Z' });
    expect(await threads.resolve('f0000000000000ff', '2026-12-03T10:01:00.000Z')).toEqual({
      status: 'already',
    });
    expect(await threads.resolve('f0000000000000fe', '2026-12-03T10:01:00.000Z')).toEqual({
      status: 'unknown',
    });
  });

  it('a repeat during a claim does not extend it: a claimer that died lets the next delivery try again', async () => {
    const threads = new AlertThreads(redis, prefix);
    const facts = { since: '2026-12-03T09:41:26.739Z', name: 'N', summary: '', target: 'web-01' };
    expect(await threads.claim('f0000000000000fd', facts)).toEqual({ status: 'new' });
    await threads.refresh('f0000000000000fd');
    // Still the claim's own lease (2 minutes), not the firing record's week.
    expect(await redis.pttl(threads.key('f0000000000000fd'))).toBeLessThanOrEqual(120_000);
    await threads.open(
      'f0000000000000fd',
      { channel: CHANNEL, ts: '1.3', jobId: 'j', requester: 'alert N' },
      facts,
    );
    await threads.refresh('f0000000000000fd');
    expect(await redis.ttl(threads.key('f0000000000000fd'))).toBeGreaterThan(6 * 24 * 3600);
  });
});

describe('alert messages', () => {
  it('escape and bound what the payload said', () => {
    const alert = {
      name: '<!channel> *Bold* `x`',
      summary: `<@U0ALICE> :fire: ${'&'.repeat(2000)}`,
      since: '2026-12-03T09:41:26.739Z',
    };
    const parent = renderAlertParent(alert, 'web-01');
    const shown = JSON.stringify(parent);
    expect(shown).not.toMatch(/<!channel>|<@U0ALICE>/);
    expect(limitViolations(parent)).toEqual([]);
    expect(alertLine(alert).length).toBeLessThanOrEqual(1500);
    expect(alertLine({ ...alert, since: 'nonsense' })).toContain('an unknown time');
  });
});
