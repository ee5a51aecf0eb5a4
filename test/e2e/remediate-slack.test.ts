// Approve-to-apply end to end, as it runs in production: a real `upstream-doctor bot` process and a real
// `upstream-doctor worker` process (configured only by their environment: APPROVERS, FOUR_EYES, AUDIT_LOG),
// real Redis, the Slack Web API stand-in, and a lab host whose nginx answers 502 (port mismatch) over SSH.
// A signed `/502 shop-01` gets a thread whose last reply offers the fix with its buttons; the requester
// (four eyes) and an outsider are refused; an approver's "Run nginx -t" checks a candidate copy; Apply turns
// the 502 into 200, the steps land in the thread, the buttons give way to the outcome, a fresh diagnosis
// confirms it in the same thread, and the audit trail has every press.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuditLine, type AuditEntry } from '../../src/audit/trail.js';
import { Lab, type LabHost } from '../../src/lab/index.js';
import { portMismatch } from '../../src/lab/scenarios/index.js';
import { dropPrefix, redisForTest, REDIS_URL, testPrefix, waitFor } from '../unit/queue/support.js';
import { SlackApiStandIn, type StoredMessage } from '../support/slack-api.js';
import { cliEnv, spawnCli, type CliProcess } from '../support/slack-processes.js';
import { blockActionsBody, postSigned, slashCommandBody } from '../support/slack-requests.js';

const TOKEN = 'xoxb-remediate-e2e';
const SECRET = 'remediate-e2e-secret';
const CHANNEL = 'C0INCIDENT';
const REQUESTER = 'U0REQ';
const APPROVER = 'U0ALICE';
const prefix = testPrefix();
let lab: Lab;
let host: LabHost;
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
  liveConfig = (await host.exec(['cat', '/etc/nginx/conf.d/shop.conf'])).stdout;
  redis = redisForTest();
  dir = await mkdtemp(join(tmpdir(), 'ud-remediate-slack-'));
  slack = await SlackApiStandIn.start({ token: TOKEN });
  const env = {
    ...cliEnv({ token: TOKEN, secret: SECRET, slackUrl: slack.url, redisUrl: REDIS_URL, prefix }),
    // The requester is an approver too: only the four-eyes rule stops them approving their own request.
    APPROVERS: `${APPROVER},${REQUESTER}`,
    FOUR_EYES: 'true',
    AUDIT_LOG: join(dir, 'audit.jsonl'),
  };
  worker = spawnCli(['worker', '--inventory', lab.inventoryPath], env);
  bot = spawnCli(['bot', '--inventory', lab.inventoryPath], env);
  const [listening] = await Promise.all([
    bot.waitForLog((l) => l.msg === 'bot listening', 60_000),
    worker.waitForLog((l) => l.msg === 'workers started', 60_000),
  ]);
  events = `http://127.0.0.1:${Number(listening.port)}/slack/events`;
}, 240_000);

afterAll(async () => {
  await Promise.all([bot?.stop(), worker?.stop()]);
  await slack?.close();
  await lab?.teardown();
  if (redis) {
    await dropPrefix(redis, prefix);
    await redis.quit();
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

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

describe('approve-to-apply through Slack, bot and worker as processes', () => {
  it('/502 offers the fix; refusals; nginx -t on a copy; Apply: 502 → 200, outcome, a confirming diagnosis', async () => {
    expect((await host.request()).status).toBe(502);
    const ack = await postSigned(
      events,
      slashCommandBody({ text: 'shop-01', channel_id: CHANNEL, user_id: REQUESTER }),
      { secret: SECRET },
    );
    expect(ack.status).toBe(200);
    await slack.waitFor(() => slack.callsTo('chat.postMessage').length > 0, 10_000, 'the parent');
    const parentTs = String(slack.callsTo('chat.postMessage')[0]!.answer.ts);
    await slack.waitFor(() => offerIn(parentTs) !== undefined, 90_000, 'the offered fix');
    const offer = offerIn(parentTs)!;
    expect(textOf(offer)).toContain('+    server 127.0.0.1:3000 max_fails=3;');
    const planId = /"value":"(p-[A-Za-z0-9_-]+)"/.exec(JSON.stringify(offer.blocks))![1]!;
    // The offer comes after the root cause in the thread.
    const replies = slack.replies(CHANNEL, parentTs);
    expect(replies.findIndex((m) => textOf(m).includes('*Root cause*'))).toBeLessThan(replies.indexOf(offer));

    const press = (action: string, user: string, id: string) =>
      postSigned(
        events,
        blockActionsBody({
          action_id: action,
          value: planId,
          user_id: user,
          channel_id: CHANNEL,
          message_ts: offer.ts,
          thread_ts: parentTs,
          response_url: slack.responseUrl(id),
        }),
        { secret: SECRET },
      );
    const answer = async (id: string) => {
      await slack.waitFor(() => slack.responses(id).length > 0, 10_000, `the answer to ${id}`);
      return String(slack.responses(id)[0]!.text);
    };

    expect((await press('remediation_apply', REQUESTER, 'self')).status).toBe(200);
    expect(await answer('self')).toContain('Four-eyes rule');
    expect((await press('remediation_apply', 'U0MALLORY', 'outsider')).status).toBe(200);
    expect(await answer('outsider')).toContain('not an approver');
    expect((await host.request()).status).toBe(502);

    // "Run nginx -t": a candidate copy is checked, the live file is untouched.
    const before = slack.replies(CHANNEL, parentTs).length;
    expect((await press('remediation_test', APPROVER, 'test')).status).toBe(200);
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
    expect((await host.exec(['cat', '/etc/nginx/conf.d/shop.conf'])).stdout).toBe(liveConfig);
    // The test's job is over once its audit entry is written (the thread hears the steps before that).
    await waitFor(async () => (await audit()).some((e) => e.action === 'test'), 10_000, 'the test audited');

    // Apply: the outcome replaces the buttons, the 502 is gone, a fresh diagnosis confirms it.
    expect((await press('remediation_apply', APPROVER, 'apply')).status).toBe(200);
    await slack.waitFor(
      () => textOf(slack.messages.get(offer.ts)!).includes('Applied and verified'),
      90_000,
      'the outcome on the offer',
    );
    expect((await host.request()).status).toBe(200);
    const settled = textOf(slack.messages.get(offer.ts)!);
    expect(settled).toContain(`approved by <@${APPROVER}>`);
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
    expect(verdict).toContain(`fix \`${planId}\` applied by <@${APPROVER}>`);
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

    const entries = await audit();
    expect(entries.map((e) => `${e.action}:${e.user}`)).toEqual([
      `refusal:${REQUESTER}`,
      'refusal:U0MALLORY',
      `request:${APPROVER}`,
      `test:${APPROVER}`,
      `request:${APPROVER}`,
      `approval:${APPROVER}`,
      `apply:${APPROVER}`,
    ]);
    expect(entries.every((e) => e.host === 'shop-01' && e.planId === planId)).toBe(true);
    expect(entries.at(-1)!.result).toMatch(/^applied/);
    expect(entries.at(-1)!.steps).toContain('✓ nginx reloaded');
    expect(entries.find((e) => e.action === 'test')!.steps).toContain(
      '✓ nginx -t with the edit: the configuration is valid',
    );
  }, 300_000);
});
