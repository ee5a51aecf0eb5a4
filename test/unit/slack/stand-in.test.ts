// The Slack Web API stand-in answers a real WebClient the way Slack does, and the signing helpers produce what
// Bolt's own verifier accepts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySlackRequest, webApi } from '@slack/bolt';
import { SlackApiStandIn } from '../../support/slack-api.js';
import { blockActionsBody, signedHeaders, slashCommandBody } from '../../support/slack-requests.js';

const TOKEN = 'xoxb-stand-in';
let slack: SlackApiStandIn;
let client: webApi.WebClient;

beforeAll(async () => {
  slack = await SlackApiStandIn.start({
    token: TOKEN,
    usergroups: { S0OPS: ['U1', 'U2'] },
    notInChannel: ['C0OUTSIDE'],
  });
  client = new webApi.WebClient(TOKEN, {
    slackApiUrl: slack.url,
    retryConfig: { retries: 2, minTimeout: 10, maxTimeout: 20 },
  });
});

afterAll(async () => {
  await slack.close();
});

describe('Slack Web API stand-in', () => {
  it('posts, threads, updates and links messages, recording every call', async () => {
    const parent = await client.chat.postMessage({ channel: 'C1', text: 'Diagnosing web-01' });
    expect(parent.ok).toBe(true);
    const reply = await client.chat.postMessage({
      channel: 'C1',
      thread_ts: parent.ts!,
      text: 'root cause',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'root cause' } }],
    });
    await client.chat.update({ channel: 'C1', ts: parent.ts!, text: 'verdict' });
    expect(slack.messages.get(parent.ts!)?.history.map((h) => h.text)).toEqual([
      'Diagnosing web-01',
      'verdict',
    ]);
    expect(slack.replies('C1', parent.ts!).map((m) => m.ts)).toEqual([reply.ts]);
    expect(slack.messages.get(reply.ts!)?.blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: 'root cause' } },
    ]);
    const link = await client.chat.getPermalink({ channel: 'C1', message_ts: parent.ts! });
    expect(link.permalink).toBe(`${slack.base}/archives/C1/p${parent.ts!.replace('.', '')}`);
    await expect(client.chat.update({ channel: 'C1', ts: '9.9', text: 'x' })).rejects.toMatchObject({
      code: webApi.ErrorCode.PlatformError,
      data: { error: 'message_not_found' },
    });
    expect(slack.callsTo('chat.postMessage').every((c) => c.token === TOKEN)).toBe(true);
  });

  it('answers invalid_blocks for a message over Block Kit limits, and records why', async () => {
    const blocks = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    await expect(client.chat.postMessage({ channel: 'C1', text: 'x', blocks })).rejects.toMatchObject({
      data: { error: 'invalid_blocks' },
    });
    expect(slack.violations.at(-1)?.problems).toContain('blocks: 51 (max 50)');
  });

  it('answers not_in_channel for channels the bot is not in, and scripted errors', async () => {
    await expect(client.chat.postMessage({ channel: 'C0OUTSIDE', text: 'x' })).rejects.toMatchObject({
      data: { error: 'not_in_channel' },
    });
    slack.failNext('chat.postMessage', 'channel_not_found');
    await expect(client.chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({
      data: { error: 'channel_not_found' },
    });
    expect((await client.chat.postMessage({ channel: 'C1', text: 'x' })).ok).toBe(true);
  });

  it('rate limits with 429 + Retry-After; WebClient waits that long and retries', async () => {
    slack.rateLimitNext('chat.postEphemeral', 1);
    const started = Date.now();
    const answer = await client.chat.postEphemeral({ channel: 'C1', user: 'U1', text: 'hi' });
    expect(answer.ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(slack.callsTo('chat.postEphemeral').map((c) => c.status)).toEqual([429, 200]);
  });

  it('with rejectRateLimitedCalls the 429 surfaces with its Retry-After', async () => {
    const strict = new webApi.WebClient(TOKEN, { slackApiUrl: slack.url, rejectRateLimitedCalls: true });
    slack.rateLimitNext('chat.postMessage', 7);
    await expect(strict.chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({
      code: webApi.ErrorCode.RateLimitedError,
      retryAfter: 7,
    });
  });

  it('takes files through files.uploadV2 (upload URL, bytes, complete) into a thread', async () => {
    const parent = await client.chat.postMessage({ channel: 'C1', text: 'p' });
    await client.filesUploadV2({
      channel_id: 'C1',
      thread_ts: parent.ts!,
      filename: 'web-01-report.txt',
      title: 'report',
      content: 'line <!channel> & more\n',
      initial_comment: 'The full report',
    });
    const upload = [...slack.uploads.values()].find((u) => u.filename === 'web-01-report.txt')!;
    expect(upload).toMatchObject({
      content: 'line <!channel> & more\n',
      channel: 'C1',
      threadTs: parent.ts,
      title: 'report',
      initialComment: 'The full report',
      completed: true,
    });
    expect(slack.calls.map((c) => c.method)).toEqual(
      expect.arrayContaining(['files.getUploadURLExternal', 'upload', 'files.completeUploadExternal']),
    );
  });

  it('answers auth.test and usergroups.users.list, and refuses a wrong token', async () => {
    expect(await client.auth.test()).toMatchObject({ ok: true, user_id: 'U0BOTUSER' });
    expect((await client.usergroups.users.list({ usergroup: 'S0OPS' })).users).toEqual(['U1', 'U2']);
    const wrong = new webApi.WebClient('xoxb-wrong', { slackApiUrl: slack.url });
    await expect(wrong.auth.test()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
  });

  it('waitFor resolves on a later call and times out with a message', async () => {
    const seen = slack.waitFor(() => slack.callsTo('conversations.info').length > 0, 2000);
    await client.conversations.info({ channel: 'C1' });
    await seen;
    await expect(slack.waitFor(() => false, 50, 'nothing')).rejects.toThrow(/waiting for nothing/);
  });
});

describe('signed requests', () => {
  const secret = 'signing-secret';

  it("pass Bolt's own verifier, for slash commands and block_actions", () => {
    for (const body of [
      slashCommandBody({ text: 'web-01' }),
      blockActionsBody({ action_id: 'remediation_test', value: 'p1' }),
    ]) {
      const h = signedHeaders(secret, body);
      expect(() =>
        verifySlackRequest({
          signingSecret: secret,
          body,
          headers: {
            'x-slack-signature': h['x-slack-signature'],
            'x-slack-request-timestamp': Number(h['x-slack-request-timestamp']),
          },
        }),
      ).not.toThrow();
    }
  });

  it('fail it with another secret, another body or a stale timestamp', () => {
    const body = slashCommandBody({ text: 'web-01' });
    const verify = (h: ReturnType<typeof signedHeaders>, b = body) =>
      verifySlackRequest({
        signingSecret: secret,
        body: b,
        headers: {
          'x-slack-signature': h['x-slack-signature'],
          'x-slack-request-timestamp': Number(h['x-slack-request-timestamp']),
        },
      });
    expect(() => verify(signedHeaders('other', body))).toThrow(/signature mismatch/);
    expect(() => verify(signedHeaders(secret, body), `${body}x`)).toThrow(/signature mismatch/);
    expect(() => verify(signedHeaders(secret, body, Math.floor(Date.now() / 1000) - 301))).toThrow(/stale/);
  });

  it('slash command bodies carry the fields Slack sends', () => {
    const fields = new URLSearchParams(slashCommandBody({ text: 'web-01 web-02', channel_id: 'C9' }));
    expect(fields.get('command')).toBe('/502');
    expect(fields.get('text')).toBe('web-01 web-02');
    expect(fields.get('channel_id')).toBe('C9');
    expect(fields.get('response_url')).toMatch(/^https:/);
  });
});
