// The Slack bot end to end: a real `upstream-doctor bot` process (HTTP mode), a real `upstream-doctor worker`
// process, real Redis, a lab host whose nginx answers 502 (port mismatch) over real SSH, and the Slack Web
// API stand-in. A signed `/502 web-01` must get 200 within 3 s, then a parent message, threaded replies whose
// blocks name the root cause, and the parent edited to the verdict; every message within Block Kit's limits;
// the error-log line carrying `<!channel>` (nginx logged our request's Host header) arrives escaped; a bad
// signature gets 401 and enqueues nothing.
import { writeFileSync } from 'node:fs';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab, type LabHost } from '../../lab/index.js';
import { portMismatch } from '../../lab/scenarios/index.js';
import { DIAGNOSE_QUEUE } from '../../src/queue/names.js';
import { limitViolations } from '../../src/slack/blocks.js';
import { dropPrefix, redisForTest, REDIS_URL, testPrefix } from '../unit/queue/support.js';
import { SlackApiStandIn, type StoredMessage } from '../support/slack-api.js';
import { cliEnv, runCli, spawnCli, startBotAndWorker, type CliProcess } from '../support/cli-processes.js';
import { postSigned, slashCommandBody } from '../support/slack-requests.js';

const TOKEN = 'xoxb-e2e-bot-token';
const SECRET = 'e2e-signing-secret';
const CHANNEL = 'C0INCIDENT';
const USER = 'U0ALICE';
const HOSTILE_HOST = '<!channel>';

let lab: Lab;
let web: LabHost;
let slack: SlackApiStandIn;
let redis: Redis;
let queue: Queue;
let bot: CliProcess;
let worker: CliProcess;
let events: string;
const prefix = testPrefix();

const env = () => cliEnv({ token: TOKEN, secret: SECRET, slackUrl: slack.url, redisUrl: REDIS_URL, prefix });

async function jobCount(): Promise<number> {
  const counts = await queue.getJobCounts();
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/** Every text a message carries (fallback, sections, contexts), as one string. */
const textOf = (m: { text?: string; blocks?: unknown[] }) =>
  `${m.text ?? ''}\n${JSON.stringify(m.blocks ?? [])}`;

beforeAll(async () => {
  lab = await Lab.create({ prefix: 'hg' });
  const staged = await portMismatch.stage(lab, { name: 'web-01', warm: false });
  web = staged.targetHost!;
  // Real log lines that carry an untrusted string: nginx writes the request's Host header into error.log.
  const statuses = await Promise.all([1, 2, 3].map(() => web.request('/', { hostHeader: HOSTILE_HOST })));
  expect(statuses.map((s) => s.status)).toEqual([502, 502, 502]);
  const log = await web.exec(['cat', '/var/log/nginx/error.log']);
  expect(log.stdout).toContain(`host: "${HOSTILE_HOST}"`);

  slack = await SlackApiStandIn.start({ token: TOKEN });
  redis = redisForTest();
  queue = new Queue(DIAGNOSE_QUEUE, { connection: redis, prefix });
  ({ bot, worker, events } = await startBotAndWorker(lab.inventoryPath, env()));
}, 240_000);

afterAll(async () => {
  await Promise.all([bot?.stop(), worker?.stop()]);
  await queue?.close();
  if (redis) {
    await dropPrefix(redis, prefix);
    await redis.quit();
  }
  await slack?.close();
  await lab?.teardown();
});

describe('/502 end to end', () => {
  it('a bad signature gets 401 and enqueues nothing', async () => {
    const before = await jobCount();
    const body = slashCommandBody({ text: 'web-01', channel_id: CHANNEL, user_id: USER });
    const forged = await postSigned(events, body, { secret: 'a-guess' });
    expect(forged.status).toBe(401);
    const stale = await postSigned(events, body, {
      secret: SECRET,
      timestamp: Math.floor(Date.now() / 1000) - 600,
    });
    expect(stale.status).toBe(401);
    await new Promise((r) => setTimeout(r, 500));
    expect(await jobCount()).toBe(before);
    expect(slack.callsTo('chat.postMessage')).toEqual([]);
  });

  it('a signed /502 web-01: 200 within 3 s, parent, threaded root cause, parent edited to the verdict', async () => {
    const body = slashCommandBody({
      text: 'web-01',
      channel_id: CHANNEL,
      user_id: USER,
      response_url: slack.responseUrl('e2e'),
    });
    const ack = await postSigned(events, body, { secret: SECRET });
    expect(ack.status).toBe(200);
    expect(ack.ms).toBeLessThan(3000);

    // The parent: posted by the bot in the channel, not in a thread.
    await slack.waitFor(() => slack.callsTo('chat.postMessage').length > 0, 10_000, 'the parent message');
    const parentCall = slack.callsTo('chat.postMessage')[0]!;
    expect(parentCall.args).toMatchObject({ channel: CHANNEL });
    expect(parentCall.args.thread_ts).toBeUndefined();
    const parentTs = String(parentCall.answer.ts);
    expect(textOf(parentCall.args)).toContain(`Diagnosing \`web-01\` for <@${USER}>`);

    // The verdict: the parent edited once the worker is done.
    const parent = (): StoredMessage => slack.messages.get(parentTs)!;
    await slack.waitFor(
      () => parent().history.some((v) => (v.text ?? '').includes('upstream-port-mismatch')),
      90_000,
      'the parent edited to the verdict',
    );
    const verdict = parent().history.at(-1)!;
    expect(verdict.text).toContain('web-01: nginx proxies to 127.0.0.1:8000');
    expect(JSON.stringify(verdict.blocks)).toMatch(
      /^\[\{"type":"section","text":\{"type":"mrkdwn","text":":red_circle: `web-01`/,
    );

    // Threaded replies: progress, then the root cause with its evidence and the fix.
    const replies = slack.replies(CHANNEL, parentTs);
    expect(replies.length).toBeGreaterThanOrEqual(2);
    const rootCause = replies.find((m) => textOf(m).includes('*Root cause*'))!;
    expect(rootCause).toBeDefined();
    const root = textOf(rootCause);
    expect(root).toContain('`upstream-port-mismatch`');
    expect(root).toContain('/etc/nginx/conf.d/shop.conf:2');
    expect(root).toContain('+    server 127.0.0.1:3000 max_fails=3;');
    // The log line with the Host header arrived, escaped.
    expect(root).toContain('host: \\"&lt;!channel&gt;\\"');

    // Progress was one message, edited, not a stream of replies.
    const progress = replies.filter(
      (m) => textOf(m).includes(':hourglass_flowing_sand:') || textOf(m).includes(':white_check_mark:'),
    );
    expect(progress).toHaveLength(1);
    expect(textOf(progress[0]!)).toMatch(/steps? done in/);

    // Everything posted or edited: within Block Kit's limits, and no raw `<!` anywhere.
    const posted = slack.calls.filter((c) =>
      ['chat.postMessage', 'chat.update', 'chat.postEphemeral'].includes(c.method),
    );
    expect(posted.length).toBeGreaterThanOrEqual(4);
    for (const call of posted) {
      expect(call.answer.ok, `${call.method}: ${JSON.stringify(call.answer)}`).toBe(true);
      expect(limitViolations({ text: call.args.text, blocks: call.args.blocks })).toEqual([]);
      // Our own `<!date^…>` (a plan's expiry) is the only `<!` allowed: never a broadcast from a log line.
      expect(JSON.stringify(call.args).replace(/<!date\^\d+\^[^|>]*\|[^>]*>/g, '')).not.toContain('<!');
    }
    expect(slack.violations).toEqual([]);
    if (process.env.HG_DUMP) writeFileSync(process.env.HG_DUMP, JSON.stringify([...slack.messages.values()]));
    // The ack was empty and nothing had to go through response_url.
    expect(slack.responses('e2e')).toEqual([]);
  });

  it('a second /502 while the first is queued joins it: its parent links to that thread, both get the verdict', async () => {
    // No worker while the two commands arrive, so the second surely finds the first job waiting.
    expect((await worker.stop('SIGTERM')).code).toBe(0);
    const mark = slack.calls.length;
    const parents = () =>
      slack.calls
        .slice(mark)
        .filter((c) => c.method === 'chat.postMessage' && c.args.thread_ts === undefined)
        .map((c) => String(c.answer.ts));
    const first = await postSigned(
      events,
      slashCommandBody({ text: 'web-01', channel_id: CHANNEL, user_id: USER }),
      {
        secret: SECRET,
      },
    );
    await slack.waitFor(() => parents().length === 1, 10_000, 'parent 1');
    const second = await postSigned(
      events,
      slashCommandBody({ text: 'web-01', channel_id: 'C0OTHER', user_id: 'U0BOB' }),
      { secret: SECRET },
    );
    expect([first.status, second.status]).toEqual([200, 200]);
    await slack.waitFor(() => parents().length === 2, 10_000, 'parent 2');
    const [ts1, ts2] = parents() as [string, string];
    const link = `/archives/${CHANNEL}/p${ts1.replace('.', '')}|this thread>`;
    await slack.waitFor(
      () => JSON.stringify(slack.messages.get(ts2)!.blocks).includes(link),
      10_000,
      'parent 2 linking to the running thread',
    );
    expect(await jobCount()).toBeGreaterThan(0);

    worker = spawnCli(['worker', '--inventory', lab.inventoryPath], env());
    await slack.waitFor(
      () => [ts1, ts2].every((ts) => (slack.messages.get(ts)!.text ?? '').includes('upstream-port-mismatch')),
      90_000,
      'both parents edited to the verdict',
    );
    expect(slack.replies(CHANNEL, ts1).some((m) => textOf(m).includes('*Root cause*'))).toBe(true);
    expect(slack.replies('C0OTHER', ts2).some((m) => textOf(m).includes('*Root cause*'))).toBe(true);
    expect(slack.violations).toEqual([]);
  });
});

describe('upstream-doctor bot: settings', () => {
  it('a missing token stops it with one line naming the setting, exit 2', async () => {
    const run = await runCli(['bot', '--inventory', lab.inventoryPath], { ...env(), SLACK_BOT_TOKEN: '' });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'upstream-doctor bot: SLACK_BOT_TOKEN: is required (the Bot User OAuth Token, xoxb-…)\n',
    );
  });

  it('a token Slack refuses stops it at start (auth.test), exit 2', async () => {
    const run = await runCli(['bot', '--inventory', lab.inventoryPath], {
      ...env(),
      SLACK_BOT_TOKEN: 'xoxb-wrong',
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('upstream-doctor bot: SLACK_BOT_TOKEN: Slack refused it (invalid_auth)\n');
  });
});
