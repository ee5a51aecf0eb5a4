// Approve-to-apply end to end: a lab host with a port-mismatch 502, diagnosed over SSH, its plan shown in a
// Slack thread (the Web API stand-in), the bot taking signed button presses, a worker applying under the
// host lock. An outsider's press is refused; an approver's Apply turns the 502 into 200, the thread hears
// the steps, the buttons give way to who approved and the outcome, and the audit trail has it all.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Redis } from 'ioredis';
import { Lab, type LabHost } from '../../src/lab/index.js';
import { portMismatch } from '../../src/lab/scenarios/index.js';
import { loadInventory, type Inventory } from '../../src/inventory/index.js';
import { collectTarget } from '../../src/collect/from-inventory.js';
import { reportOf } from '../../src/core/report.js';
import { AuditTrail } from '../../src/audit/trail.js';
import { PlanStore } from '../../src/remediate/plan.js';
import { proposePlan } from '../../src/remediate/propose.js';
import { PlanRunner } from '../../src/remediate/runner.js';
import { Producer } from '../../src/queue/producer.js';
import { REMEDIATE_QUEUE } from '../../src/queue/names.js';
import { startWorkers, type RunningWorkers } from '../../workers/index.js';
import { startBot, type RunningBot } from '../../src/slack/app.js';
import { createWebClient } from '../../src/slack/calls.js';
import { slackNotifierFactory } from '../../src/slack/notifier.js';
import {
  approverSettingsFrom,
  Approvers,
  planOutcomeUpdater,
  registerRemediationActions,
  renderPlan,
} from '../../src/slack/actions.js';
import { SlackApiStandIn } from '../support/slack-api.js';
import { blockActionsBody, postSigned } from '../support/slack-requests.js';
import { dropPrefix, redisForTest, testPrefix } from '../unit/queue/support.js';

const TOKEN = 'xoxb-remediate-e2e';
const SECRET = 'remediate-e2e-secret';
const CHANNEL = 'C0INCIDENT';
const prefix = testPrefix();
const log = pino({ level: process.env.TEST_LOG ?? 'silent' });
let lab: Lab;
let host: LabHost;
let inventory: Inventory;
let redis: Redis;
let slack: SlackApiStandIn;
let bot: RunningBot;
let workers: RunningWorkers;
let producer: Producer;
let dir: string;
let url: string;
let plans: PlanStore;
let audit: AuditTrail;

beforeAll(async () => {
  lab = await Lab.create({ prefix: 'udhs' });
  host = (await portMismatch.stage(lab, { name: 'shop-01' })).targetHost!;
  const loaded = await loadInventory({ path: lab.inventoryPath });
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  inventory = loaded.inventory;
  redis = redisForTest();
  dir = await mkdtemp(join(tmpdir(), 'ud-remediate-slack-'));
  slack = await SlackApiStandIn.start({ token: TOKEN });
  const client = createWebClient({ token: TOKEN, slackApiUrl: slack.url });
  plans = new PlanStore(redis, prefix);
  audit = new AuditTrail({ redis, prefix, file: join(dir, 'audit.jsonl') });
  const notifierFor = slackNotifierFactory({ client, progressIntervalMs: 0 });
  producer = new Producer({ connection: redis, prefix, notifierFor });
  const settings = approverSettingsFrom({ APPROVERS: 'U0ALICE', FOUR_EYES: 'true' });
  if (!settings.ok) throw new Error(settings.error);
  bot = await startBot({
    token: TOKEN,
    signingSecret: SECRET,
    port: 0,
    host: '127.0.0.1',
    slackApiUrl: slack.url,
    client,
    enqueuer: { requestDiagnosis: () => Promise.reject(new Error('not in this test')) },
    inventory: () => loadInventory({ path: lab.inventoryPath }),
    channelHosts: null,
    log,
    register: registerRemediationActions({
      plans,
      audit,
      approvers: new Approvers(settings.value, client),
      enqueuer: producer,
      client,
      log,
    }),
  });
  url = `http://127.0.0.1:${bot.port}/slack/events`;
  workers = await startWorkers({
    connection: redis,
    prefix,
    concurrency: 2,
    notifierFor,
    loadInventory: () => loadInventory({ path: lab.inventoryPath }),
    remediationRunner: new PlanRunner({
      plans,
      audit,
      applyOptions: { reloadSettleMs: 500, verifyWindowMs: 700 },
      onSettled: planOutcomeUpdater(client, plans, log),
    }),
    limits: { timeoutMs: 60_000, hostLockTtlMs: 10_000, hostLockWaitMs: 60_000 },
    log,
    queues: [REMEDIATE_QUEUE],
  });
}, 240_000);

afterAll(async () => {
  await bot?.stop(1000);
  await workers?.close();
  await producer?.close();
  await slack?.close();
  await lab?.teardown();
  if (redis) {
    await dropPrefix(redis, prefix);
    await redis.quit();
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('approve-to-apply through Slack', () => {
  it('an outsider is refused; an approver applies: 502 → 200, steps in the thread, outcome on the buttons', async () => {
    expect((await host.request()).status).toBe(502);
    const snapshot = await collectTarget(
      inventory,
      inventory.hosts.find((h) => h.name === 'shop-01')!,
    );
    const plan = await proposePlan(plans, snapshot, reportOf(snapshot), { requestedBy: 'U0REQ' });
    expect(plan).toBeDefined();
    const client = createWebClient({ token: TOKEN, slackApiUrl: slack.url });
    const parent = await client.chat.postMessage({ channel: CHANNEL, text: 'Diagnosing shop-01' });
    const m = renderPlan(plan!);
    const posted = await client.chat.postMessage({
      channel: CHANNEL,
      thread_ts: parent.ts!,
      text: m.text,
      blocks: m.blocks,
    });
    const press = (user: string, id: string) =>
      postSigned(
        url,
        blockActionsBody({
          action_id: 'remediation_apply',
          value: plan!.id,
          user_id: user,
          channel_id: CHANNEL,
          message_ts: posted.ts!,
          response_url: slack.responseUrl(id),
        }),
        { secret: SECRET },
      );

    expect((await press('U0MALLORY', 'outsider')).status).toBe(200);
    await slack.waitFor(() => slack.responses('outsider').length > 0, 10_000, 'the refusal');
    expect(String(slack.responses('outsider')[0]!.text)).toContain('not an approver');
    expect((await host.request()).status).toBe(502);

    expect((await press('U0ALICE', 'alice')).status).toBe(200);
    await slack.waitFor(
      () => JSON.stringify(slack.messages.get(posted.ts!)?.blocks ?? []).includes('applied and verified'),
      60_000,
      'the outcome on the plan message',
    );
    expect((await host.request()).status).toBe(200);
    const final = JSON.stringify(slack.messages.get(posted.ts!)!.blocks);
    expect(final).toContain('Apply approved by <@U0ALICE>');
    expect(final).not.toContain('remediation_apply');
    // The steps went to the plan message's thread (the stand-in's action payload names the plan message).
    const thread = JSON.stringify([...slack.messages.values()].filter((x) => x.thread_ts === posted.ts));
    expect(thread).toContain('nginx reloaded');
    const actions = (await audit.readFile({ host: 'shop-01' })).map((e) => `${e.action}:${e.user}`);
    expect(actions).toEqual(['refusal:U0MALLORY', 'request:U0ALICE', 'approval:U0ALICE', 'apply:U0ALICE']);
    expect((await audit.readStream({ host: 'shop-01' })).length).toBe(4);
  }, 120_000);
});
