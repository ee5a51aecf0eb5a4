// The Slack notifier against the Web API stand-in, through a real WebClient.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { HostSnapshot, Report } from '../../../src/model/types.js';
import { reportOf } from '../../../src/analyze/report.js';
import { limitViolations } from '../../../src/slack/blocks.js';
import { createWebClient } from '../../../src/slack/calls.js';
import { slackNotifierFactory, SlackThreadNotifier } from '../../../src/slack/notifier.js';
import { SlackApiStandIn } from '../../support/slack-api.js';

const TOKEN = 'xoxb-notifier-test';
const USER = 'U0REQUESTER';
const snapshot = (name: string) =>
  (
    JSON.parse(readFileSync(new URL(`../../fixtures/snapshots/${name}.json`, import.meta.url), 'utf8')) as {
      snapshot: HostSnapshot;
    }
  ).snapshot;
const portMismatch: Report = reportOf(snapshot('port-mismatch'));
const withWarnings: Report = {
  ...portMismatch,
  findings: [
    ...portMismatch.findings,
    { cause: 'upstream-timeout', severity: 'warning', title: 'slow <!channel>', detail: 'd', evidence: [] },
  ],
};

let slack: SlackApiStandIn;

beforeAll(async () => {
  slack = await SlackApiStandIn.start({ token: TOKEN, notInChannel: ['C0GONE'] });
});
afterAll(async () => {
  await slack.close();
});

let sleeps: number[] = [];
beforeEach(() => {
  sleeps = [];
});

/** A parent message as the bot posts it, and a notifier for its thread. */
async function thread(channel = 'C0INCIDENT', options: { progressIntervalMs?: number } = {}) {
  const client = createWebClient({ token: TOKEN, slackApiUrl: slack.url });
  const parent = await client.chat.postMessage({ channel, text: 'Diagnosing port-mismatch' });
  const notifier = slackNotifierFactory({
    client,
    progressIntervalMs: options.progressIntervalMs ?? 60_000,
    sleep: async (ms) => {
      sleeps.push(ms);
      await new Promise((r) => setTimeout(r, 5));
    },
  })({ kind: 'slack', channel, threadTs: parent.ts!, userId: USER });
  return { client, parentTs: parent.ts!, notifier, channel };
}

const callsSince = (n: number) => slack.calls.slice(n);
const messageText = (m: { text?: string; blocks?: unknown[] }) => JSON.stringify(m.blocks ?? m.text);

describe('SlackThreadNotifier', () => {
  it('one progress message edited, root cause as threaded replies, file, then the parent edited to the verdict', async () => {
    const { parentTs, notifier, channel } = await thread('C0INCIDENT', { progressIntervalMs: 0 });
    const mark = slack.calls.length;
    for (const step of ['connecting', 'reading nginx config', 'listeners', 'firewall'])
      await notifier.progress({ target: 'port-mismatch', step });
    await notifier.report(withWarnings);

    const replies = slack.replies(channel, parentTs);
    const progress = replies[0]!;
    expect(progress.history).toHaveLength(5); // posted once, edited for 3 more steps, then "done"
    expect(messageText(progress)).toContain('4 steps done');
    const rootCause = replies[1]!;
    expect(messageText(rootCause)).toContain('upstream-port-mismatch');
    expect(messageText(rootCause)).toContain('/etc/nginx/conf.d/shop.conf:2');
    expect(messageText(rootCause)).toContain('&lt;!channel&gt;');
    const upload = [...slack.uploads.values()].find((u) => u.threadTs === parentTs);
    expect(upload?.content).toContain('upstream-port-mismatch');
    const parent = slack.messages.get(parentTs)!;
    expect(parent.history.at(-1)!.text).toContain('port-mismatch: nginx proxies to 127.0.0.1:8000');
    expect(messageText(parent)).toMatch(/:red_circle:/);
    // The verdict edit is the last call.
    const last = callsSince(mark).at(-1)!;
    expect(last).toMatchObject({ method: 'chat.update', args: { ts: parentTs } });
    for (const m of replies) for (const v of m.history) expect(limitViolations(v)).toEqual([]);
  });

  it('a proposed fix: its diff and three buttons come after the evidence, before the verdict', async () => {
    const { parentTs, notifier, channel } = await thread();
    const fix = {
      id: 'p-abcdefghijkl',
      host: 'port-mismatch',
      summary: 'point proxy_pass at 3000',
      unifiedDiff:
        '@@ -1 +1 @@\n-    proxy_pass http://127.0.0.1:8000;\n+    proxy_pass http://127.0.0.1:3000;',
      expiresAt: '2030-01-01T00:00:00.000Z',
    };
    await notifier.report(portMismatch, fix);
    const replies = slack.replies(channel, parentTs);
    const offer = replies.at(-1)!;
    expect(messageText(replies[0]!)).toContain('upstream-port-mismatch');
    expect(messageText(offer)).toContain('+    proxy_pass http://127.0.0.1:3000;');
    const buttons = (offer.blocks as { type: string; elements?: { action_id: string; value: string }[] }[])
      .filter((b) => b.type === 'actions')
      .flatMap((b) => b.elements ?? []);
    expect(buttons.map((b) => [b.action_id, b.value])).toEqual([
      ['remediation_test', fix.id],
      ['remediation_apply', fix.id],
      ['remediation_dismiss', fix.id],
    ]);
    expect(limitViolations(offer)).toEqual([]);
    // The verdict is the last call: the offer was posted before the parent was edited.
    const last = slack.calls.filter((c) => c.args.channel === channel).at(-1)!;
    expect(last.method).toBe('chat.update');
    expect(last.args.ts).toBe(parentTs);
  });

  it("a job's notes are one reply, edited line by line, escaped; the verdict on the parent stays", async () => {
    const { parentTs, notifier, channel } = await thread();
    await notifier.report(portMismatch);
    const verdict = slack.messages.get(parentTs)!.history.length;
    const before = slack.replies(channel, parentTs).length;
    await notifier.note('port-mismatch', '✓ backup: /etc/nginx/.shop.conf.ud-backup');
    await notifier.note('port-mismatch', '✗ nginx -t failed: unknown directive "<!here>"');
    const replies = slack.replies(channel, parentTs);
    expect(replies).toHaveLength(before + 1);
    const notes = replies.at(-1)!;
    expect(notes.history).toHaveLength(2);
    expect(messageText(notes)).toContain('✓ backup: /etc/nginx/.shop.conf.ud-backup');
    expect(messageText(notes)).toContain('unknown directive \\"&lt;!here&gt;\\"');
    expect(limitViolations(notes)).toEqual([]);
    expect(slack.messages.get(parentTs)!.history).toHaveLength(verdict);
  });

  it('a full notes reply, or a deleted one, continues in a new reply: no line is lost', async () => {
    const { parentTs, notifier, channel } = await thread();
    for (let i = 1; i <= 26; i++) await notifier.note('web-01', `step ${i}`);
    let replies = slack.replies(channel, parentTs);
    expect(replies).toHaveLength(2);
    expect(messageText(replies[0]!)).toContain('step 25');
    expect(messageText(replies[1]!)).toContain('step 26');
    slack.messages.delete(replies[1]!.ts);
    await notifier.note('web-01', 'step 27');
    replies = slack.replies(channel, parentTs);
    expect(messageText(replies.at(-1)!)).toContain('step 27');
    for (const r of replies) expect(limitViolations(r)).toEqual([]);
  });

  it('throttles progress: a burst of steps makes one post and one trailing edit', async () => {
    const { parentTs, notifier, channel } = await thread('C0INCIDENT', { progressIntervalMs: 150 });
    for (let i = 0; i < 20; i++) await notifier.progress({ target: 'port-mismatch', step: `step ${i}` });
    await new Promise((r) => setTimeout(r, 300));
    const progress = slack.replies(channel, parentTs)[0]!;
    expect(progress.history).toHaveLength(2);
    expect(messageText(progress)).toContain('step 19');
    await notifier.report(portMismatch);
    expect(slack.replies(channel, parentTs)[0]!.history).toHaveLength(3);
  });

  it('a rate-limited reply waits Retry-After and is delivered; a rate-limited progress edit is dropped', async () => {
    const { parentTs, notifier, channel } = await thread();
    slack.rateLimitNext('chat.postMessage', 1);
    const mark = slack.calls.length;
    await notifier.progress({ target: 'port-mismatch', step: 'connecting' });
    expect(sleeps).toEqual([]);
    expect(slack.replies(channel, parentTs)).toHaveLength(0);
    slack.rateLimitNext('chat.postMessage', 2);
    await notifier.report(portMismatch);
    expect(sleeps).toEqual([2000]);
    expect(
      callsSince(mark)
        .filter((c) => c.method === 'chat.postMessage')
        .map((c) => c.status),
    ).toEqual([429, 429, 200]);
    expect(messageText(slack.replies(channel, parentTs)[0]!)).toContain('upstream-port-mismatch');
  });

  it('retries are bounded: a Slack that keeps answering 429 ends in an error, not a hang', async () => {
    const { notifier } = await thread();
    slack.rateLimitNext('chat.postMessage', 1, 10);
    await expect(notifier.report(portMismatch)).rejects.toMatchObject({ retryAfter: 1 });
    expect(sleeps).toEqual([1000, 1000, 1000, 1000]);
    slack.clearScripted();
  });

  it('a Slack that keeps answering 429 longer than the wait budget is not waited for', async () => {
    const client = createWebClient({ token: TOKEN, slackApiUrl: slack.url });
    const parent = await client.chat.postMessage({ channel: 'C0INCIDENT', text: 'p' });
    const notifier = new SlackThreadNotifier(
      { kind: 'slack', channel: 'C0INCIDENT', threadTs: parent.ts!, userId: USER },
      { client, retry: { retries: 5, maxWaitMs: 30_000 }, sleep: async (ms) => void sleeps.push(ms) },
    );
    slack.rateLimitNext('chat.postMessage', 120);
    await expect(notifier.report(portMismatch)).rejects.toMatchObject({ retryAfter: 120 });
    expect(sleeps).toEqual([]);
  });

  it('not_in_channel: tells the requester how to invite the bot, and answers in a DM', async () => {
    const client = createWebClient({ token: TOKEN, slackApiUrl: slack.url });
    const mark = slack.calls.length;
    const notifier = slackNotifierFactory({ client })({
      kind: 'slack',
      channel: 'C0GONE',
      threadTs: '1.000001',
      userId: USER,
    });
    await notifier.progress({ target: 'port-mismatch', step: 'connecting' });
    await notifier.report(portMismatch);
    const calls = callsSince(mark);
    const ephemeral = calls.find((c) => c.method === 'chat.postEphemeral')!;
    expect(ephemeral.args).toMatchObject({ channel: 'C0GONE', user: USER });
    expect(String(ephemeral.args.text)).toContain('/invite @upstream-doctor');
    const dm = calls.find((c) => c.method === 'chat.postMessage' && c.args.channel === USER && c.answer.ok)!;
    const dmTs = String(dm.answer.ts);
    const inDm = slack.replies(USER, dmTs);
    expect(inDm.map(messageText).join('\n')).toContain('upstream-port-mismatch');
    expect(slack.messages.get(dmTs)!.text).toContain('port-mismatch: nginx proxies');
  });

  it('an alert asked: the verdict keeps the alert line; an unusable channel is an error, never a DM to "alert …"', async () => {
    const client = createWebClient({ token: TOKEN, slackApiUrl: slack.url });
    const alert = { name: 'Nginx502', summary: '<!here> 502s', since: '2026-12-03T09:41:26.739Z' };
    const parent = await client.chat.postMessage({ channel: 'C0INCIDENT', text: 'Alert Nginx502' });
    const notifier = slackNotifierFactory({ client })({
      kind: 'slack',
      channel: 'C0INCIDENT',
      threadTs: parent.ts!,
      userId: 'alert Nginx502',
      alert,
    });
    await notifier.report(portMismatch);
    const verdict = messageText(slack.messages.get(parent.ts!)!);
    expect(verdict).toContain('alert `Nginx502` firing since 2026-12-03 09:41:26 UTC');
    expect(verdict).toContain('&lt;!here&gt; 502s');
    expect(verdict).toContain('upstream-port-mismatch');
    expect(verdict).toContain('asked by alert Nginx502');

    const mark = slack.calls.length;
    const gone = slackNotifierFactory({ client })({
      kind: 'slack',
      channel: 'C0GONE',
      threadTs: '1.000002',
      userId: 'alert Nginx502',
      alert,
    });
    await expect(gone.report(portMismatch)).rejects.toThrow(/not_in_channel/);
    const calls = callsSince(mark);
    expect(calls.some((c) => c.method === 'chat.postEphemeral')).toBe(false);
    expect(calls.some((c) => c.args.channel === 'alert Nginx502')).toBe(false);
  });

  it('failed(): the thread and the parent say so', async () => {
    const { parentTs, notifier, channel } = await thread();
    await notifier.failed('port-mismatch', 'the visit to port-mismatch took longer than 120 s');
    expect(messageText(slack.replies(channel, parentTs)[0]!)).toContain('took longer than 120 s');
    expect(slack.messages.get(parentTs)!.text).toContain('the diagnosis failed');
  });

  it('a deleted parent: the verdict lands in the thread instead', async () => {
    const { parentTs, notifier, channel } = await thread();
    slack.messages.delete(parentTs);
    await notifier.report(portMismatch);
    const texts = slack.replies(channel, parentTs).map((m) => m.text ?? '');
    expect(texts.at(-1)).toContain('port-mismatch: nginx proxies');
  });
});
