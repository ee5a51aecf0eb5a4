// Approve-to-apply end to end, as it runs in production: a real `upstream-doctor bot` process and a real
// `upstream-doctor worker` process (configured only by their environment: APPROVERS, FOUR_EYES, AUDIT_LOG),
// real Redis, the Slack Web API stand-in, and a lab host whose nginx answers 502 (port mismatch) over SSH.
// A signed `/502 shop-01` gets a thread whose last reply offers the fix with its buttons; the requester
// (four eyes) and an outsider are refused; an approver's "Run nginx -t" checks a candidate copy; Apply turns
// the 502 into 200, the steps land in the thread, the buttons give way to the outcome, a fresh diagnosis
// confirms it in the same thread, and the audit trail has every press.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuditLine, type AuditEntry } from '../../src/audit/trail.js';
import { Lab, type LabHost } from '../../lab/index.js';
import { portMismatch } from '../../lab/scenarios/index.js';
import { redisForTest, REDIS_URL, testPrefix, waitFor } from '../unit/queue/support.js';
import { SlackApiStandIn, type StoredMessage } from '../support/slack-api.js';
import {
  cliEnv,
  spawnCli,
  startBotAndWorker,
  tearDownBotAndWorker,
  type CliProcess,
} from '../support/cli-processes.js';
import { blockActionsBody, postSigned, slashCommandBody } from '../support/slack-requests.js';

const TOKEN = 'xoxb-remediate-e2e';
const SECRET = 'remediate-e2e-secret';
const CHANNEL = 'C0INCIDENT';
const REQUESTER = 'U0REQ';
const APPROVER = 'U0ALICE';
const OTHER_APPROVER = 'U0BOB';
const SHOP_CONF = '/etc/nginx/conf.d/shop.conf';
const prefix = testPrefix();
let lab: Lab;
let host: LabHost;
let second: LabHost;
let env: Record<string, string>;
let redis: Redis;
let slack: SlackApiStandIn;
let bot: CliProcess;
let worker: CliProcess;
let dir: string;
let events: string;
let liveConfig: string;

const textOf = (m: { text?: string; blocks?: unknown[] }) =>
  `${m.text ?? ''}\n${JSON.stringify(m.blocks ?? [])}`;

beforeAll(async () => {
  lab = await Lab.create({ prefix: 'udrs' });
  host = (await portMismatch.stage(lab, { name: 'shop-01', warm: false })).targetHost!;
  second = (await portMismatch.stage(lab, { name: 'shop-02', warm: false })).targetHost!;
  liveConfig = await host.readFile(SHOP_CONF);
  redis = redisForTest();
  dir = await mkdtemp(join(tmpdir(), 'ud-remediate-slack-'));
  slack = await SlackApiStandIn.start({ token: TOKEN });
  env = {
    ...cliEnv({ token: TOKEN, secret: SECRET, slackUrl: slack.url, redisUrl: REDIS_URL, prefix }),
    // The requester is an approver too: only the four-eyes rule stops them approving their own request.
    APPROVERS: `${APPROVER},${OTHER_APPROVER},${REQUESTER}`,
    FOUR_EYES: 'true',
    AUDIT_LOG: join(dir, 'audit.jsonl'),
    // A killed worker's job and host lock are taken over within seconds, not the default half minute.
    WORKER_LOCK_DURATION_MS: '2000',
    WORKER_STALLED_INTERVAL_MS: '1000',
    HOST_LOCK_TTL_MS: '3000',
  };
  ({ bot, worker, events } = await startBotAndWorker(lab.inventoryPath, env));
}, 240_000);

afterAll(() => tearDownBotAndWorker({ bot, worker, slack, lab, redis, prefix, dir }));

async function audit(): Promise<AuditEntry[]> {
  const text = await readFile(join(dir, 'audit.jsonl'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => parseAuditLine(l)!);
}

/** The reply offering a fix (the one with the Apply button), once it is in the thread. */
function offerIn(parentTs: string): StoredMessage | undefined {
  return slack.replies(CHANNEL, parentTs).find((m) => textOf(m).includes('remediation_apply'));
}

interface Offered {
  parentTs: string;
  offer: StoredMessage;
  planId: string;
}

/** `/502 NAME` from the requester, through to the thread's offer of a fix. */
async function diagnoseInSlack(name: string): Promise<Offered> {
  const ack = await postSigned(
    events,
    slashCommandBody({ text: name, channel_id: CHANNEL, user_id: REQUESTER }),
    { secret: SECRET },
  );
  expect(ack.status).toBe(200);
  const parent = () =>
    slack
      .callsTo('chat.postMessage')
      .find((c) => c.args.thread_ts === undefined && String(c.args.text).includes(`Diagnosing ${name}`));
  await slack.waitFor(() => parent() !== undefined, 10_000, `the parent for ${name}`);
  const parentTs = String(parent()!.answer.ts);
  await slack.waitFor(() => offerIn(parentTs) !== undefined, 90_000, `the offered fix for ${name}`);
  const offer = offerIn(parentTs)!;
  const planId = /"value":"(p-[A-Za-z0-9_-]+)"/.exec(JSON.stringify(offer.blocks))![1]!;
  return { parentTs, offer, planId };
}

/** A signed press of a button on the offer, as Slack sends it (the offer is a reply in the thread). */
function press(o: Offered, action: string, user: string, responseId: string) {
  return postSigned(
    events,
    blockActionsBody({
      action_id: action,
      value: o.planId,
      user_id: user,
      channel_id: CHANNEL,
      message_ts: o.offer.ts,
      thread_ts: o.parentTs,
      response_url: slack.responseUrl(responseId),
    }),
    { secret: SECRET },
  );
}

/** The ephemeral answer a press got. */
async function answer(responseId: string): Promise<string> {
  await slack.waitFor(() => slack.responses(responseId).length > 0, 10_000, `the answer to ${responseId}`);
  return String(slack.responses(responseId)[0]!.text);
}

describe('approve-to-apply through Slack, bot and worker as processes', () => {
  it('/502 offers the fix; refusals; nginx -t on a copy; ten presses of Apply apply once: 502 → 200, a confirming diagnosis', async () => {
    expect((await host.request()).status).toBe(502);
    const o = await diagnoseInSlack('shop-01');
    const { parentTs, offer, planId } = o;
    expect(textOf(offer)).toContain('+    server 127.0.0.1:3000 max_fails=3;');
    // The offer comes after the root cause in the thread.
    const replies = slack.replies(CHANNEL, parentTs);
    expect(replies.findIndex((m) => textOf(m).includes('*Root cause*'))).toBeLessThan(replies.indexOf(offer));

    expect((await press(o, 'remediation_apply', REQUESTER, 'self')).status).toBe(200);
    expect(await answer('self')).toContain('Four-eyes rule');
    expect((await press(o, 'remediation_apply', 'U0MALLORY', 'outsider')).status).toBe(200);
    expect(await answer('outsider')).toContain('not an approver');
    expect((await host.request()).status).toBe(502);

    // "Run nginx -t": a candidate copy is checked, the live file is untouched.
    const before = slack.replies(CHANNEL, parentTs).length;
    expect((await press(o, 'remediation_test', APPROVER, 'test')).status).toBe(200);
    expect(await answer('test')).toContain('Running nginx -t');
    await slack.waitFor(
      () =>
        slack
          .replies(CHANNEL, parentTs)
          .slice(before)
          .some((m) => textOf(m).includes('nginx -t with the edit: the configuration is valid')),
      60_000,
      'the nginx -t result in the thread',
    );
    expect(await host.readFile(SHOP_CONF)).toBe(liveConfig);
    // The test's job is over once its audit entry is written (the thread hears the steps before that).
    await waitFor(async () => (await audit()).some((e) => e.action === 'test'), 10_000, 'the test audited');

    // Two approvers press Apply ten times at once: one apply; the nine others are told it is taken.
    const presses = Array.from({ length: 10 }, (_, i) => i);
    const statuses = await Promise.all(
      presses.map((i) => press(o, 'remediation_apply', i % 2 ? APPROVER : OTHER_APPROVER, `apply-${i}`)),
    );
    expect(statuses.map((r) => r.status)).toEqual(presses.map(() => 200));
    await slack.waitFor(
      () => textOf(slack.messages.get(offer.ts)!).includes('Applied and verified'),
      90_000,
      'the outcome on the offer',
    );
    const answered = () => presses.filter((i) => slack.responses(`apply-${i}`).length > 0);
    await slack.waitFor(() => answered().length >= 9, 10_000, 'nine refusals');
    const refused = answered();
    expect(refused).toHaveLength(9);
    for (const i of refused)
      expect(String(slack.responses(`apply-${i}`)[0]!.text)).toMatch(/already|being applied/i);
    expect((await host.request()).status).toBe(200);
    const settled = textOf(slack.messages.get(offer.ts)!);
    expect(settled).toMatch(new RegExp(`approved by <@(${APPROVER}|${OTHER_APPROVER})>`));
    expect(settled).not.toContain('remediation_apply');
    expect(textOf({ blocks: slack.replies(CHANNEL, parentTs) })).toContain('nginx reloaded');
    await slack.waitFor(
      () => (slack.messages.get(parentTs)!.history.at(-1)!.text ?? '').includes('no cause for a 502'),
      90_000,
      'the confirming diagnosis on the parent',
    );
    // The parent says the fix held and who applied it; the thread says the last diagnosis is a check.
    const verdict = textOf(slack.messages.get(parentTs)!.history.at(-1)!);
    expect(verdict).toContain('fixed; diagnosed again after the apply');
    expect(verdict).toMatch(new RegExp(`fix \`${planId}\` applied by <@U0`));
    expect(textOf({ blocks: slack.replies(CHANNEL, parentTs) })).toContain(
      `Diagnosed again after fix \`${planId}\` was applied`,
    );
    // The healthy host offers nothing more: one offer in the thread.
    expect(slack.replies(CHANNEL, parentTs).filter((m) => textOf(m).includes('Proposed fix'))).toHaveLength(
      1,
    );
    expect(slack.violations).toEqual([]);
    // The thread as Slack holds it, for docs/thread.png (scripts/render-thread.ts).
    if (process.env.UD_DUMP_THREAD)
      await writeFile(
        process.env.UD_DUMP_THREAD,
        JSON.stringify([slack.messages.get(parentTs), ...slack.replies(CHANNEL, parentTs)], null, 1),
      );

    const entries = (await audit()).filter((e) => e.planId === planId);
    const count = (action: string) => entries.filter((e) => e.action === action).length;
    expect(entries.slice(0, 4).map((e) => `${e.action}:${e.user}`)).toEqual([
      `refusal:${REQUESTER}`,
      'refusal:U0MALLORY',
      `request:${APPROVER}`,
      `test:${APPROVER}`,
    ]);
    expect([count('approval'), count('apply'), count('rollback')]).toEqual([1, 1, 0]);
    expect(count('refusal')).toBe(2 + 9);
    const applied = entries.find((e) => e.action === 'apply')!;
    expect(applied.result).toMatch(/^applied/);
    expect(applied.steps).toContain('✓ nginx reloaded');
    expect(entries.find((e) => e.action === 'test')!.steps).toContain(
      '✓ nginx -t with the edit: the configuration is valid',
    );
  }, 300_000);

  it('a worker SIGKILLed in the middle of an apply: a whole file, nginx -t passing, and the next worker reports without applying again', async () => {
    const o = await diagnoseInSlack('shop-02');
    const original = await second.readFile(SHOP_CONF);
    expect((await press(o, 'remediation_apply', APPROVER, 'kill')).status).toBe(200);
    // The first change to the host is the backup: kill the worker as soon as the thread shows it.
    await slack.waitFor(
      () => slack.replies(CHANNEL, o.parentTs).some((m) => textOf(m).includes('✓ backup:')),
      60_000,
      'the backup step',
    );
    worker.child.kill('SIGKILL');
    await worker.exited;

    const text = await second.readFile(SHOP_CONF);
    const line = /server 127\.0\.0\.1:(8000|3000) max_fails=3;/.exec(text)?.[1];
    expect(text === original || text === original.replace(':8000 ', ':3000 '), text).toBe(true);
    expect(line).toBeDefined();
    expect((await second.exec(['nginx', '-t'])).code).toBe(0);

    // Another worker takes the job over once the dead one's lock expires: it checks, it does not apply again.
    worker = spawnCli(['worker', '--inventory', lab.inventoryPath], env);
    await slack.waitFor(
      () =>
        slack
          .replies(CHANNEL, o.parentTs)
          .some((m) => textOf(m).includes('interrupted (worker lost), not applied again')),
      90_000,
      'the report of the interrupted apply',
    );
    expect(await second.readFile(SHOP_CONF)).toBe(text);
    await slack.waitFor(
      () => textOf(slack.messages.get(o.offer.ts)!).includes('Failed: check the steps below and the host'),
      10_000,
      'the outcome on the offer',
    );
    expect((await second.exec(['nginx', '-t'])).code).toBe(0);
    const entries = (await audit()).filter((e) => e.planId === o.planId);
    expect(entries.map((e) => e.action)).toEqual(['request', 'approval', 'apply']);
    expect(entries.at(-1)!.result).toContain('interrupted (worker lost), not applied again');
  }, 300_000);
});
