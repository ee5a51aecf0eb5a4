// The remediation buttons in the bot (HTTP mode, signed block_actions) against the Slack stand-in, real
// Redis (plans, the remediate queue) and an audit file: who may press, four-eyes, expired and used plans,
// ten presses → one job, dismiss, and the buttons replaced by who did what.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Redis } from 'ioredis';
import { reportOf } from '../../../src/analyze/report.js';
import { AuditTrail } from '../../../src/audit/trail.js';
import { PlanStore, planFromFinding, type Plan } from '../../../src/remediate/plan.js';
import { Producer } from '../../../src/queue/producer.js';
import { startBot, type RunningBot } from '../../../src/slack/app.js';
import { createWebClient } from '../../../src/slack/calls.js';
import { limitViolations } from '../../../src/slack/blocks.js';
import { parseChannelHosts } from '../../../src/slack/channel-hosts.js';
import {
  approverSettingsFrom,
  Approvers,
  registerRemediationActions,
  renderPlan,
} from '../../../src/slack/actions.js';
import { RedisSeenSignatures } from '../../../src/slack/verify.js';
import { SlackApiStandIn } from '../../support/slack-api.js';
import { blockActionsBody, postSigned } from '../../support/slack-requests.js';
import { dropPrefix, redisForTest, snapshotOf, testPrefix, inventoryOf } from '../queue/support.js';

const TOKEN = 'xoxb-actions-test';
const SECRET = 'actions-test-signing-secret';
const CHANNEL = 'C0INCIDENT';
/** A channel the bot is in, where web-01 may not be touched (CHANNEL_HOSTS). */
const ELSEWHERE = 'C0ELSEWHERE';
const THREAD = '1.000001';
const inventory = { ok: true as const, value: inventoryOf(['web-01']) };

let slack: SlackApiStandIn;
let bot: RunningBot;
let url: string;
let redis: Redis;
let producer: Producer;
let dir: string;
let plans: PlanStore;
let audit: AuditTrail;
const prefix = testPrefix();
let seq = 0;

beforeAll(async () => {
  slack = await SlackApiStandIn.start({ token: TOKEN, usergroups: { S0ONCALL: ['U0GROUPIE'] } });
  redis = redisForTest();
  dir = await mkdtemp(join(tmpdir(), 'ud-actions-'));
  plans = new PlanStore(redis, prefix);
  audit = new AuditTrail({ redis, prefix, file: join(dir, 'audit.jsonl') });
  const client = createWebClient({ token: TOKEN, slackApiUrl: slack.url });
  producer = new Producer({ connection: redis, prefix, notifierFor: () => ({}) as never });
  const settings = approverSettingsFrom({ APPROVERS: 'U0ALICE, U0REQ,S0ONCALL', FOUR_EYES: 'true' });
  if (!settings.ok) throw new Error(settings.error);
  const log = pino({ level: 'silent' });
  const parsed = parseChannelHosts(`${CHANNEL}=web-*; ${ELSEWHERE}=db-*`);
  if (!parsed.ok) throw new Error(parsed.error);
  const rules = parsed.value;
  bot = await startBot({
    token: TOKEN,
    signingSecret: SECRET,
    seenSignatures: new RedisSeenSignatures(redis, prefix),
    port: 0,
    host: '127.0.0.1',
    slackApiUrl: slack.url,
    client,
    enqueuer: { requestDiagnosis: () => Promise.reject(new Error('not in this test')) },
    inventory: async () => inventory,
    channelHosts: null,
    log,
    register: registerRemediationActions({
      plans,
      audit,
      approvers: new Approvers(settings.value, client),
      enqueuer: producer,
      client,
      log,
      channelHosts: rules,
      inventory: async () => inventory,
    }),
  });
  url = `http://127.0.0.1:${bot.port}/slack/events`;
});

afterAll(async () => {
  await bot?.stop(1000);
  await slack?.close();
  await producer?.close();
  await dropPrefix(redis, prefix);
  await redis.quit();
  await rm(dir, { recursive: true, force: true });
});

/** A plan from the recorded port-mismatch snapshot, stored, and its message posted in a thread. */
async function postedPlan(
  options: { now?: Date; channel?: string } = {},
): Promise<{ plan: Plan; ts: string }> {
  const snapshot = snapshotOf('port-mismatch', 'web-01');
  const channel = options.channel ?? CHANNEL;
  const r = planFromFinding(reportOf(snapshot).findings[0]!, snapshot, {
    requestedBy: 'U0REQ',
    offeredIn: { channel, threadTs: THREAD },
    ...options,
  });
  if (!r.ok) throw new Error(r.error);
  await plans.save(r.value);
  const client = createWebClient({ token: TOKEN, slackApiUrl: slack.url });
  const m = renderPlan(r.value);
  const posted = await client.chat.postMessage({
    channel,
    thread_ts: THREAD,
    text: m.text,
    blocks: m.blocks,
  });
  return { plan: r.value, ts: posted.ts! };
}

/** Presses a button; resolves with what the presser was told (ephemeral), or '' when nothing was said. */
async function press(
  action_id: string,
  plan: Plan,
  user: string,
  ts: string,
  expectAnswer = true,
  where: { channel?: string; threadTs?: string } = {},
): Promise<string> {
  const id = `a${++seq}`;
  const body = blockActionsBody({
    action_id,
    value: plan.id,
    user_id: user,
    channel_id: where.channel ?? CHANNEL,
    message_ts: ts,
    thread_ts: where.threadTs ?? THREAD,
    response_url: slack.responseUrl(id),
  });
  const answer = await postSigned(url, body, { secret: SECRET });
  expect(answer.status).toBe(200);
  if (!expectAnswer) return '';
  await slack.waitFor(() => slack.responses(id).length > 0, 10_000, `an answer to ${id}`);
  return String(slack.responses(id)[0]!.text);
}

const remediateJobs = async () => (await producer.remediate.getJobs(['waiting', 'active', 'delayed'])).length;

describe('renderPlan', () => {
  it('shows the diff and three buttons whose value is the plan id only; Apply asks for confirmation', async () => {
    const { plan } = await postedPlan();
    const m = renderPlan(plan);
    expect(limitViolations(m)).toEqual([]);
    const actions = m.blocks.find((b) => b.type === 'actions');
    expect(actions?.type === 'actions' && actions.elements.map((e) => [e.action_id, e.value])).toEqual([
      ['remediation_test', plan.id],
      ['remediation_apply', plan.id],
      ['remediation_dismiss', plan.id],
    ]);
    expect(actions?.type === 'actions' && actions.elements[1]!.confirm?.title.text).toBe('Apply this fix?');
    expect(JSON.stringify(m.blocks)).toContain('+    server 127.0.0.1:3000 max_fails=3;');
  });
});

describe('approverSettingsFrom', () => {
  it('splits users and groups, reads FOUR_EYES, names a bad setting', () => {
    expect(approverSettingsFrom({ APPROVERS: 'U1AB,S2CD, W3EF', FOUR_EYES: 'yes' })).toEqual({
      ok: true,
      value: { users: ['U1AB', 'W3EF'], groups: ['S2CD'], fourEyes: true },
    });
    expect(approverSettingsFrom({ APPROVERS: 'alice' })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^APPROVERS: /),
    });
    expect(approverSettingsFrom({ FOUR_EYES: 'maybe' })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^FOUR_EYES: /),
    });
  });
});

describe('remediation buttons', () => {
  it('refuses someone who is not an approver, ephemerally, and audits the try', async () => {
    const { plan, ts } = await postedPlan();
    const before = await remediateJobs();
    const told = await press('remediation_apply', plan, 'U0MALLORY', ts);
    expect(told).toContain('not an approver');
    expect(await remediateJobs()).toBe(before);
    const refusals = (await audit.readFile()).filter((e) => e.planId === plan.id && e.action === 'refusal');
    expect(refusals).toMatchObject([{ user: 'U0MALLORY', host: 'web-01' }]);
    expect((await plans.state(plan.id))?.status).toBe('pending');
  });

  it('four-eyes: the requester may not apply their own fix, but may run the test', async () => {
    const { plan, ts } = await postedPlan();
    expect(await press('remediation_apply', plan, 'U0REQ', ts)).toContain('Four-eyes');
    expect(await press('remediation_test', plan, 'U0REQ', ts)).toContain('Running nginx -t');
  });

  it('a member of an approver group applies: one job, the buttons replaced by who approved', async () => {
    const { plan, ts } = await postedPlan();
    const before = await remediateJobs();
    await press('remediation_apply', plan, 'U0GROUPIE', ts, false);
    await slack.waitFor(
      () => (slack.messages.get(ts)?.history.length ?? 0) > 1,
      10_000,
      'the plan message to be updated',
    );
    const now = JSON.stringify(slack.messages.get(ts)!.blocks);
    expect(now).toContain('Approved by <@U0GROUPIE>');
    expect(now).not.toContain('remediation_apply');
    expect(await remediateJobs()).toBe(before + 1);
    const job = await producer.remediate.getJob(`apply-${plan.id}`);
    expect(job?.data).toMatchObject({
      planId: plan.id,
      action: 'apply',
      target: 'web-01',
      requestedBy: 'U0GROUPIE',
    });
    // The steps and the confirming diagnosis go into the thread the fix was offered in.
    expect(job?.data.destination).toEqual({
      kind: 'slack',
      channel: CHANNEL,
      threadTs: THREAD,
      userId: 'U0GROUPIE',
    });
  });

  it('ten presses at once queue one apply; the others hear who asked first', async () => {
    const { plan, ts } = await postedPlan();
    const before = await remediateJobs();
    const ids = Array.from({ length: 10 }, () => `a${++seq}`);
    await Promise.all(
      ids.map((id, i) =>
        postSigned(
          url,
          blockActionsBody({
            action_id: 'remediation_apply',
            value: plan.id,
            user_id: i % 2 ? 'U0ALICE' : 'U0GROUPIE',
            channel_id: CHANNEL,
            message_ts: ts,
            thread_ts: THREAD,
            response_url: slack.responseUrl(id),
          }),
          { secret: SECRET },
        ),
      ),
    );
    await slack.waitFor(
      () => ids.filter((id) => slack.responses(id).length > 0).length === 9,
      15_000,
      'nine refusals',
    );
    expect(await remediateJobs()).toBe(before + 1);
    for (const id of ids.filter((x) => slack.responses(x).length > 0))
      expect(String(slack.responses(id)[0]!.text)).toMatch(/Already requested by <@U0(ALICE|GROUPIE)>/);
  });

  it('an expired plan is refused with a clear message', async () => {
    const { plan, ts } = await postedPlan({ now: new Date(Date.now() - 31 * 60_000) });
    expect(await press('remediation_apply', plan, 'U0ALICE', ts)).toContain('expired');
  });

  it('dismiss replaces the buttons; a later Apply hears it was dismissed', async () => {
    const { plan, ts } = await postedPlan();
    await press('remediation_dismiss', plan, 'U0REQ', ts, false);
    await slack.waitFor(() =>
      JSON.stringify(slack.messages.get(ts)?.blocks).includes('Dismissed by <@U0REQ>'),
    );
    expect((await plans.state(plan.id))?.status).toBe('dismissed');
    expect(await press('remediation_apply', plan, 'U0ALICE', ts)).toContain('dismissed by U0REQ');
    expect((await audit.readFile()).some((e) => e.planId === plan.id && e.action === 'dismiss')).toBe(true);
  });

  it('a malformed value (not a plan id, a wrong length, control characters) is refused and audited', async () => {
    const { plan, ts } = await postedPlan();
    const values = ['rm -rf /', `${plan.id}x`, plan.id.slice(0, -1), 'p-\u001b[31mred\u0007xx', ''];
    for (const value of values)
      expect(await press('remediation_apply', { ...plan, id: value }, 'U0ALICE', ts)).toContain(
        'does not carry a plan',
      );
    const refused = (await audit.readFile()).filter(
      (e) => e.action === 'refusal' && e.result.includes('malformed button value'),
    );
    expect(refused.slice(-values.length).map((e) => [e.user, e.host, e.planId])).toEqual(
      values.map(() => ['U0ALICE', '?', '?']),
    );
    expect(refused.at(-2)!.result).toBe(
      'remediation_apply: malformed button value (13 characters: "p-?[31mred?xx")',
    );
    expect((await plans.state(plan.id))?.status).toBe('pending');
  });

  it('a press from another channel, or another thread of the same channel, is refused and audited', async () => {
    const { plan, ts } = await postedPlan();
    const before = await remediateJobs();
    expect(await press('remediation_apply', plan, 'U0ALICE', ts, true, { channel: ELSEWHERE })).toContain(
      'only in the thread where it was offered',
    );
    expect(await press('remediation_test', plan, 'U0ALICE', ts, true, { threadTs: '2.000002' })).toContain(
      'only in the thread where it was offered',
    );
    expect(await press('remediation_dismiss', plan, 'U0REQ', ts, true, { channel: ELSEWHERE })).toContain(
      'only in the thread where it was offered',
    );
    expect(await remediateJobs()).toBe(before);
    expect((await plans.state(plan.id))?.status).toBe('pending');
    const refusals = (await audit.readFile()).filter((e) => e.planId === plan.id && e.action === 'refusal');
    expect(refusals.map((e) => e.user)).toEqual(['U0ALICE', 'U0ALICE', 'U0REQ']);
    expect(refusals[0]!.result).toMatch(/^remediation_apply: This fix may be approved only in the thread/);
  });

  it('a plan offered in a channel CHANNEL_HOSTS does not let reach its host: refused there too', async () => {
    const { plan, ts } = await postedPlan({ channel: ELSEWHERE });
    expect(await press('remediation_apply', plan, 'U0ALICE', ts, true, { channel: ELSEWHERE })).toContain(
      'may no longer touch that host (CHANNEL_HOSTS)',
    );
    const last = (await audit.readFile()).filter((e) => e.planId === plan.id).at(-1)!;
    expect(last).toMatchObject({ action: 'refusal', host: 'web-01', user: 'U0ALICE' });
  });

  it('a plan never offered in Slack (a CLI diagnosis) cannot be pressed into action', async () => {
    const snapshot = snapshotOf('port-mismatch', 'web-01');
    const r = planFromFinding(reportOf(snapshot).findings[0]!, snapshot, { requestedBy: 'cli' });
    if (!r.ok) throw new Error(r.error);
    await plans.save(r.value);
    expect(await press('remediation_apply', r.value, 'U0ALICE', '1.5')).toContain('not offered in Slack');
  });
});
