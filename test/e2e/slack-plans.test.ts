// Plans confined and presses bound, end to end: a real `upstream-doctor bot` and `worker` as processes, real
// Redis, the Slack stand-in (it signs requests) and a lab host whose shop.conf is a symlink out of /etc/nginx
// (to /var/www/shop, where a site's owner may write). The thread shows the fix with the reason and no
// buttons; a forged press (a guessed plan id) is refused and audited and changes nothing; a replayed signed
// `/502` (same body, same headers) starts no second diagnosis: one parent, one SSH login, one job.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuditLine } from '../../src/audit/trail.js';
import { Lab, type LabHost } from '../../lab/index.js';
import { sshdPaths } from '../../lab/sshd.js';
import { portMismatch, SHOP_CONF } from '../../lab/scenarios/index.js';
import { redisForTest, REDIS_URL, testPrefix } from '../unit/queue/support.js';
import { SlackApiStandIn } from '../support/slack-api.js';
import {
  cliEnv,
  startBotAndWorker,
  tearDownBotAndWorker,
  type CliProcess,
} from '../support/cli-processes.js';
import { blockActionsBody, postSigned, signedHeaders, slashCommandBody } from '../support/slack-requests.js';

const TOKEN = 'xoxb-slack-plans-e2e';
const SECRET = 'slack-plans-e2e-secret';
const CHANNEL = 'C0INCIDENT';
const OUTSIDE = '/var/www/shop/shop.conf';
const prefix = testPrefix();
let lab: Lab;
let host: LabHost;
let inside: LabHost;
let outThread = '';
let redis: Redis;
let slack: SlackApiStandIn;
let bot: CliProcess;
let worker: CliProcess;
let dir: string;
let events: string;

const textOf = (m: { text?: string; blocks?: unknown[] }) =>
  `${m.text ?? ''}\n${JSON.stringify(m.blocks ?? [])}`;
const logins = async () =>
  (await readFile(sshdPaths(host.dir).log, 'utf8').catch(() => ''))
    .split('\n')
    .filter((l) => l.includes('Accepted')).length;

beforeAll(async () => {
  lab = await Lab.create({ prefix: 'udsp' });
  host = (await portMismatch.stage(lab, { name: 'out-01', warm: false })).targetHost!;
  await host.execOk(['mkdir', '-p', '/var/www/shop']);
  await host.execOk(['mv', SHOP_CONF, OUTSIDE]);
  await host.execOk(['ln', '-s', OUTSIDE, SHOP_CONF]);
  await host.execOk(['nginx', '-s', 'reload']);
  inside = (await portMismatch.stage(lab, { name: 'in-01', warm: false })).targetHost!;
  redis = redisForTest();
  dir = await mkdtemp(join(tmpdir(), 'ud-slack-plans-'));
  slack = await SlackApiStandIn.start({ token: TOKEN });
  const env = {
    ...cliEnv({ token: TOKEN, secret: SECRET, slackUrl: slack.url, redisUrl: REDIS_URL, prefix }),
    APPROVERS: 'U0ALICE',
    AUDIT_LOG: join(dir, 'audit.jsonl'),
  };
  ({ bot, worker, events } = await startBotAndWorker(lab.inventoryPath, env));
}, 240_000);

afterAll(() => tearDownBotAndWorker({ bot, worker, slack, lab, redis, prefix, dir }));

describe('a fix outside /etc/nginx, through Slack, bot and worker as processes', () => {
  it('no buttons and why; a forged press refused and audited; a replayed /502 starts nothing', async () => {
    const before = await logins();
    const body = slashCommandBody({ text: 'out-01', channel_id: CHANNEL, user_id: 'U0REQ' });
    const headers = signedHeaders(SECRET, body);
    expect((await postSigned(events, body, { secret: SECRET, headers })).status).toBe(200);
    // The same request again, at once and later: refused, nothing started.
    expect((await postSigned(events, body, { secret: SECRET, headers })).status).toBe(401);
    const parents = () =>
      slack
        .callsTo('chat.postMessage')
        .filter((c) => c.args.thread_ts === undefined && String(c.args.text).includes('out-01'));
    await slack.waitFor(() => parents().length > 0, 10_000, 'the parent');
    const parentTs = String(parents()[0]!.answer.ts);
    outThread = parentTs;
    const offer = () => slack.replies(CHANNEL, parentTs).find((m) => textOf(m).includes('No buttons'));
    await slack.waitFor(() => offer() !== undefined, 90_000, 'the fix without buttons');
    expect((await postSigned(events, body, { secret: SECRET, headers })).status).toBe(401);
    const shown = textOf(offer()!);
    expect(shown).toContain(
      `${SHOP_CONF} (really ${OUTSIDE}) is outside /etc/nginx: apply it by hand, or add its directory to REMEDIATION_ROOTS`,
    );
    expect(shown).toContain('+    server 127.0.0.1:3000 max_fails=3;');
    expect(shown).not.toContain('remediation_');
    expect(parents()).toHaveLength(1);
    expect(await logins()).toBe(before + 1);
    expect(bot.logs.filter((l) => l.msg === 'diagnosis requested')).toHaveLength(1);
    expect(bot.logs.filter((l) => l.msg === 'request refused')).toHaveLength(2);

    // A forged press in that thread with a guessed plan id: refused, audited, nothing queued or written.
    const original = await host.readFile(OUTSIDE);
    const press = await postSigned(
      events,
      blockActionsBody({
        action_id: 'remediation_apply',
        value: 'p-AAAAAAAAAAAA',
        user_id: 'U0ALICE',
        channel_id: CHANNEL,
        message_ts: offer()!.ts,
        thread_ts: parentTs,
        response_url: slack.responseUrl('forged'),
      }),
      { secret: SECRET },
    );
    expect(press.status).toBe(200);
    await slack.waitFor(() => slack.responses('forged').length > 0, 10_000, 'the refusal');
    expect(String(slack.responses('forged')[0]!.text)).toContain('no longer exists');
    const audit = (await readFile(join(dir, 'audit.jsonl'), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((l) => parseAuditLine(l)!);
    expect(audit).toMatchObject([{ action: 'refusal', user: 'U0ALICE', planId: 'p-AAAAAAAAAAAA' }]);
    expect(await host.readFile(OUTSIDE)).toBe(original);
    expect((await host.request()).status).toBe(502);
  }, 180_000);

  it("a real plan's button pressed from another channel or another thread: refused and audited; in its own thread it runs", async () => {
    const body = slashCommandBody({ text: 'in-01', channel_id: CHANNEL, user_id: 'U0REQ' });
    expect((await postSigned(events, body, { secret: SECRET })).status).toBe(200);
    const parent = () =>
      slack
        .callsTo('chat.postMessage')
        .find((c) => c.args.thread_ts === undefined && String(c.args.text).includes('in-01'));
    await slack.waitFor(() => parent() !== undefined, 10_000, 'the parent');
    const parentTs = String(parent()!.answer.ts);
    const offer = () => slack.replies(CHANNEL, parentTs).find((m) => textOf(m).includes('remediation_apply'));
    await slack.waitFor(() => offer() !== undefined, 90_000, 'the offer');
    const planId = /"value":"(p-[A-Za-z0-9_-]+)"/.exec(JSON.stringify(offer()!.blocks))![1]!;
    const pressAs = async (id: string, action: string, channel: string, thread: string) => {
      const r = await postSigned(
        events,
        blockActionsBody({
          action_id: action,
          value: planId,
          user_id: 'U0ALICE',
          channel_id: channel,
          message_ts: offer()!.ts,
          thread_ts: thread,
          response_url: slack.responseUrl(id),
        }),
        { secret: SECRET },
      );
      expect(r.status).toBe(200);
      await slack.waitFor(() => slack.responses(id).length > 0, 10_000, `the answer to ${id}`);
      return String(slack.responses(id)[0]!.text);
    };
    expect(await pressAs('other-channel', 'remediation_apply', 'C0OTHER', parentTs)).toContain(
      'only in the thread where it was offered',
    );
    expect(await pressAs('other-thread', 'remediation_apply', CHANNEL, outThread)).toContain(
      'only in the thread where it was offered',
    );
    expect(await pressAs('own-thread', 'remediation_test', CHANNEL, parentTs)).toContain('Running nginx -t');
    const audit = (await readFile(join(dir, 'audit.jsonl'), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((l) => parseAuditLine(l)!)
      .filter((e) => e.planId === planId);
    expect(audit.slice(0, 3).map((e) => `${e.action}:${e.host}`)).toEqual([
      'refusal:in-01',
      'refusal:in-01',
      'request:in-01',
    ]);
    expect((await inside.request()).status).toBe(502);
  }, 180_000);
});
