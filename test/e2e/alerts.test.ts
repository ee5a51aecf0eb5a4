// Alert webhooks end to end, as they run in production: a real `upstream-doctor bot` process with
// ALERT_WEBHOOK_TOKEN and ALERT_CHANNEL, two real `upstream-doctor worker` processes, real Redis, the Slack
// Web API stand-in, and lab hosts whose nginx answers 502 (port mismatch) over SSH. Alertmanager's webhook
// body (its documented format: test/support/alertmanager.ts) naming a broken host by address and exporter
// port gets a parent in ALERT_CHANNEL saying which alert fired, then the root cause on it; the same payload
// again joins that thread (one parent, one SSH login in sshd's log); the resolved payload edits the parent
// to "resolved at …" with the verdict kept. A wrong token is 401 and bad JSON 400, with nothing queued
// (BullMQ's job counts in Redis) and no record made. An alert resolved while its diagnosis runs ends
// resolved, verdict and all; an unknown host posts nothing; /metrics counts each result.
import { readFile } from 'node:fs/promises';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab, type LabHost } from '../../lab/index.js';
import { sshdPaths } from '../../lab/sshd.js';
import { portMismatch } from '../../lab/scenarios/index.js';
import { DIAGNOSE_QUEUE } from '../../src/queue/names.js';
import { redisForTest, REDIS_URL, testPrefix } from '../unit/queue/support.js';
import { alertmanagerBody, type SampleAlert } from '../support/alertmanager.js';
import { SlackApiStandIn, type StoredMessage } from '../support/slack-api.js';
import { cliEnv, spawnCli, tearDownBotAndWorker, type CliProcess } from '../support/cli-processes.js';

const TOKEN = 'xoxb-alerts-e2e';
const SECRET = 'alerts-e2e-secret';
const ALERT_TOKEN = 'alerts-e2e-webhook-token-4f1c9a';
const CHANNEL = 'C0ALERTS';
const prefix = testPrefix();
let lab: Lab;
let host: LabHost;
let racing: LabHost;
let redis: Redis;
let slack: SlackApiStandIn;
let bot: CliProcess;
let workers: CliProcess[] = [];
let base: string;
let queue: Queue;

const textOf = (m: { text?: string; blocks?: unknown[] }) =>
  `${m.text ?? ''}\n${JSON.stringify(m.blocks ?? [])}`;
const logins = async (h: LabHost) =>
  (await readFile(sshdPaths(h.dir).log, 'utf8').catch(() => ''))
    .split('\n')
    .filter((l) => l.includes('Accepted')).length;

beforeAll(async () => {
  lab = await Lab.create({ prefix: 'udal' });
  host = (await portMismatch.stage(lab, { name: 'shop-01', warm: false })).targetHost!;
  racing = (await portMismatch.stage(lab, { name: 'shop-02', warm: false })).targetHost!;
  redis = redisForTest();
  slack = await SlackApiStandIn.start({ token: TOKEN });
  const env = {
    ...cliEnv({ token: TOKEN, secret: SECRET, slackUrl: slack.url, redisUrl: REDIS_URL, prefix }),
    ALERT_WEBHOOK_TOKEN: ALERT_TOKEN,
    ALERT_CHANNEL: CHANNEL,
  };
  workers = [0, 1].map(() => spawnCli(['worker', '--inventory', lab.inventoryPath], env));
  bot = spawnCli(['bot', '--inventory', lab.inventoryPath], env);
  const [listening] = await Promise.all([
    bot.waitForLog((l) => l.msg === 'bot listening', 60_000),
    ...workers.map((w) => w.waitForLog((l) => l.msg === 'workers started', 60_000)),
  ]);
  base = `http://127.0.0.1:${Number(listening.port)}`;
  queue = new Queue(DIAGNOSE_QUEUE, { connection: redis, prefix });
}, 240_000);

afterAll(async () => {
  await queue?.close();
  await Promise.all(workers.map((w) => w.stop()));
  await tearDownBotAndWorker({ bot, slack, lab, redis, prefix });
});

const send = (path: string, body: string, token = ALERT_TOKEN) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
  });

const alertOn = (h: LabHost, status: SampleAlert['status'], fingerprint: string): string =>
  JSON.stringify(
    alertmanagerBody([
      {
        status,
        alertname: 'Nginx502',
        // The exporter's address and port, as Prometheus labels a scraped target.
        instance: `${h.address}:9113`,
        summary: `<!channel> ${h.name} answers 502 to 12% of requests`,
        fingerprint,
      },
    ]),
  );

/** Jobs of the diagnose queue in any state. */
async function jobs(): Promise<number> {
  const counts = await queue.getJobCounts();
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/** Parents (not replies) posted in the alert channel that mention `name`. */
const parents = (name: string) =>
  slack
    .callsTo('chat.postMessage')
    .filter(
      (c) =>
        c.args.channel === CHANNEL && c.args.thread_ts === undefined && String(c.args.text).includes(name),
    );

const last = (m: StoredMessage) => m.history.at(-1)!;

describe('alert webhooks, bot and two workers as processes', () => {
  it('a wrong token is 401 and bad JSON 400: nothing queued, no record', async () => {
    const wrong = await send(
      '/alerts/alertmanager',
      alertOn(host, 'firing', 'aaaaaaaaaaaaaaaa'),
      'not-the-token',
    );
    expect(wrong.status).toBe(401);
    const bad = await send('/alerts/alertmanager', '{"version": "4", "alerts": [');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^the body is not JSON/);
    const shape = await send('/alerts/generic', JSON.stringify({ summary: 'which host?' }));
    expect(shape.status).toBe(400);
    expect(((await shape.json()) as { error: string }).error).toMatch(/^host: /);
    await new Promise((r) => setTimeout(r, 500));
    expect(await jobs()).toBe(0);
    expect(await redis.exists(`${prefix}:alert:aaaaaaaaaaaaaaaa`)).toBe(0);
    expect(parents('Nginx502')).toHaveLength(0);
  });

  it('firing → a parent in ALERT_CHANNEL with the root cause; again → the same thread, one login; resolved → "resolved at", the verdict kept', async () => {
    const before = await logins(host);
    const firing = alertOn(host, 'firing', '1a30ba71cca2921f');
    const answer = await send('/alerts/alertmanager', firing);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ ok: true, alerts: 1 });

    await slack.waitFor(() => parents('shop-01').length > 0, 15_000, 'the alert parent');
    const parentTs = String(parents('shop-01')[0]!.answer.ts);
    const opening = textOf(slack.messages.get(parentTs)!.history[0]!);
    expect(opening).toContain('alert `Nginx502` firing since 2026-12-03 09:41:26 UTC');
    expect(opening).toContain('shop-01 answers 502 to 12% of requests');
    expect(opening).not.toContain('<!channel>');
    expect(opening).toContain('Diagnosing `shop-01`');
    const verdictShown = () => textOf(last(slack.messages.get(parentTs)!)).includes('upstream-port-mismatch');
    await slack.waitFor(verdictShown, 90_000, 'the verdict on the parent');
    const verdict = textOf(last(slack.messages.get(parentTs)!));
    expect(verdict).toContain('alert `Nginx502` firing since');
    expect(verdict).toContain('asked by alert Nginx502');
    const thread = textOf({ blocks: slack.replies(CHANNEL, parentTs) });
    expect(thread).toContain('*Root cause*');
    expect(thread).toContain('+    server 127.0.0.1:3000 max_fails=3;');

    // Alertmanager repeats the notification: the same thread, no second diagnosis.
    expect((await send('/alerts/alertmanager', firing)).status).toBe(200);
    const JOINED = 'alert fired again: joins its thread';
    const firedAgain = () =>
      slack.replies(CHANNEL, parentTs).filter((m) => textOf(m).includes('fired again'));
    await slack.waitFor(() => firedAgain().length > 0, 10_000, 'the "fired again" reply');
    expect((await send('/alerts/alertmanager', firing)).status).toBe(200);
    // Waited for on the bot's log, not on the stand-in: the second repeat makes no Slack call, and the
    // stand-in checks its conditions only after calls. The bot logs that it held the reply back once it has.
    await bot.waitForLog((l) => l.msg === 'alert fired again: replied within the window already', 10_000);
    expect(bot.logs.filter((l) => l.msg === JOINED)).toHaveLength(2);
    expect(parents('shop-01')).toHaveLength(1);
    expect(await logins(host)).toBe(before + 1);
    expect(bot.logs.filter((l) => l.msg === 'alert diagnosis requested')).toHaveLength(1);
    // One "fired again" reply for the two repeats.
    expect(firedAgain()).toHaveLength(1);

    // Resolved: the parent says so, above the verdict it had.
    expect((await send('/alerts/alertmanager', alertOn(host, 'resolved', '1a30ba71cca2921f'))).status).toBe(
      200,
    );
    await slack.waitFor(
      () => textOf(last(slack.messages.get(parentTs)!)).includes('resolved at'),
      10_000,
      'the parent resolved',
    );
    const resolved = textOf(last(slack.messages.get(parentTs)!));
    expect(resolved).toMatch(
      /alert `Nginx502` resolved at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(firing since 2026-12-03 09:41:26 UTC\)/,
    );
    expect(resolved).toContain('upstream-port-mismatch');
    expect(resolved).toContain('asked by alert Nginx502');
    expect(await logins(host)).toBe(before + 1);
    const record = await redis.hgetall(`${prefix}:alert:1a30ba71cca2921f`);
    expect(record).toMatchObject({ state: 'resolved', ts: parentTs, target: 'shop-01' });
    expect(await redis.ttl(`${prefix}:alert:1a30ba71cca2921f`)).toBeGreaterThan(6 * 24 * 3600);
  });

  it('resolved while its diagnosis still runs: the parent ends resolved, with the verdict', async () => {
    expect((await send('/alerts/alertmanager', alertOn(racing, 'firing', '2b41cb82ddb3a330'))).status).toBe(
      200,
    );
    await slack.waitFor(() => parents('shop-02').length > 0, 15_000, 'the second parent');
    const parentTs = String(parents('shop-02')[0]!.answer.ts);
    expect((await send('/alerts/alertmanager', alertOn(racing, 'resolved', '2b41cb82ddb3a330'))).status).toBe(
      200,
    );
    const done = () => {
      const t = textOf(last(slack.messages.get(parentTs)!));
      return t.includes('resolved at') && t.includes('upstream-port-mismatch');
    };
    await slack.waitFor(done, 90_000, 'the verdict under the resolved line');
    // It said "resolved" before the verdict was there.
    const history = slack.messages.get(parentTs)!.history.map(textOf);
    expect(history.some((t) => t.includes('resolved at') && !t.includes('upstream-port-mismatch'))).toBe(
      true,
    );
  });

  it('an alert on a host the inventory does not know posts nothing; /metrics counts every result', async () => {
    const unknown = JSON.stringify(
      alertmanagerBody([
        {
          status: 'firing',
          alertname: 'Nginx502',
          instance: '192.0.2.77:9113',
          summary: 'elsewhere',
          fingerprint: 'cccccccccccccccc',
        },
      ]),
    );
    const posted = slack.callsTo('chat.postMessage').length;
    expect((await send('/alerts/alertmanager', unknown)).status).toBe(200);
    await bot.waitForLog((l) => l.msg === 'alert host not in the inventory: not diagnosed', 10_000);
    expect(slack.callsTo('chat.postMessage').length).toBe(posted);
    expect(await redis.exists(`${prefix}:alert:cccccccccccccccc`)).toBe(0);

    const metrics = await (await fetch(`${base}/metrics`)).text();
    const count = (route: string, result: string) =>
      Number(
        new RegExp(`upstream_doctor_alerts_total\\{route="${route}",result="${result}"\\} (\\d+)`).exec(
          metrics,
        )?.[1] ?? 0,
      );
    expect(count('alertmanager', 'queued')).toBe(2);
    expect(count('alertmanager', 'joined')).toBe(2);
    expect(count('alertmanager', 'resolved')).toBe(2);
    expect(count('alertmanager', 'unknown-host')).toBe(1);
    expect(count('alertmanager', 'rejected')).toBe(2);
    expect(count('generic', 'rejected')).toBe(1);
  });
});
