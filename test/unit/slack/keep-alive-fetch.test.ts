// The bot's and the workers' transport to Slack (keep-alive-fetch.ts): WebClient over it against the Web API
// stand-in (calls reuse a few connections, uploads keep their bytes, response_url posts arrive), and the
// edges of fetch it must keep (compressed answers, a refused redirect, an oversized answer, an abort).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webClientOptions } from '../../../src/slack/calls.js';
import { keepAliveFetch, MAX_BODY_BYTES, MAX_SOCKETS } from '../../../src/slack/keep-alive-fetch.js';
import { SlackApiStandIn } from '../../support/slack-api.js';

const TOKEN = 'xoxb-keep-alive-test';
let slack: SlackApiStandIn;
let odd: Server;
let oddUrl: string;

beforeAll(async () => {
  slack = await SlackApiStandIn.start({ token: TOKEN });
  // Answers the stand-in does not give: gzip, a redirect, a body past the limit, one that never comes.
  odd = createServer((req, res) => {
    if (req.url === '/gzip')
      res
        .writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' })
        .end(gzipSync(JSON.stringify({ ok: true, packed: 'yes' })));
    else if (req.url === '/redirect') res.writeHead(302, { location: '/gzip' }).end();
    else if (req.url === '/huge') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(1024 * 1024, 120);
      let sent = 0;
      const more = () => {
        while (sent <= MAX_BODY_BYTES + chunk.length && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end();
      };
      more();
    } else if (req.url === '/never') res.writeHead(200).flushHeaders();
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => odd.listen(0, '127.0.0.1', resolve));
  oddUrl = `http://127.0.0.1:${(odd.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await slack.close();
  odd.closeAllConnections();
  await new Promise((r) => odd.close(r));
});

describe('keepAliveFetch', () => {
  it('carries WebClient calls over kept-alive connections, at most MAX_SOCKETS at once', async () => {
    const transport = keepAliveFetch();
    const client = new webApi.WebClient(TOKEN, {
      ...webClientOptions({ slackApiUrl: slack.url }),
      fetch: transport.fetch,
    });
    const before = slack.connections;
    for (let i = 0; i < 10; i++) await client.chat.postMessage({ channel: 'C0KEEP', text: `one ${i}` });
    expect(slack.connections - before).toBe(1);
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) => client.chat.postMessage({ channel: 'C0KEEP', text: `many ${i}` })),
    );
    expect(answers.every((a) => a.ok && typeof a.ts === 'string')).toBe(true);
    expect(slack.connections - before).toBeLessThanOrEqual(MAX_SOCKETS);
    const texts = slack.callsTo('chat.postMessage').map((c) => c.args.text);
    for (let i = 0; i < 60; i++) expect(texts).toContain(`many ${i}`);
    transport.destroy();
  });

  it('uploads a file (a FormData body) with its bytes intact', async () => {
    const client = new webApi.WebClient(TOKEN, webClientOptions({ slackApiUrl: slack.url }));
    const content = `report ✓ ${'x'.repeat(5000)}\n`;
    const done = await client.filesUploadV2({
      channel_id: 'C0KEEP',
      filename: 'report.txt',
      file: Buffer.from(content, 'utf8'),
    });
    expect(done.ok).toBe(true);
    const upload = [...slack.uploads.values()].find((u) => u.filename === 'report.txt');
    expect(upload?.content).toBe(content);
    expect(upload?.completed).toBe(true);
  });

  it('posts JSON to a response_url and reads the answer', async () => {
    const { fetch, destroy } = keepAliveFetch();
    const res = await fetch(slack.responseUrl('keep-alive'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ text: 'hello' }),
    });
    expect(res.ok).toBe(true);
    expect(await res.text()).toBe('ok');
    expect(slack.responses('keep-alive')).toEqual([{ text: 'hello' }]);
    destroy();
  });

  it('decodes a gzip answer, refuses a redirect when told to, and answers one otherwise', async () => {
    const { fetch, destroy } = keepAliveFetch();
    const packed = await fetch(`${oddUrl}/gzip`, { method: 'POST', body: 'a=1' });
    expect(await packed.json()).toEqual({ ok: true, packed: 'yes' });
    expect(packed.headers.get('content-type')).toBe('application/json');
    await expect(fetch(`${oddUrl}/redirect`, { method: 'POST', redirect: 'error' })).rejects.toThrow(
      /redirected \(302\)/,
    );
    const manual = await fetch(`${oddUrl}/redirect`, { method: 'POST', redirect: 'manual' });
    expect(manual.status).toBe(302);
    expect(manual.headers.get('location')).toBe('/gzip');
    destroy();
  });

  it('refuses an answer larger than MAX_BODY_BYTES, and stops at an abort', async () => {
    const { fetch, destroy } = keepAliveFetch();
    await expect(fetch(`${oddUrl}/huge`, { method: 'GET' })).rejects.toThrow(/more than/);
    await expect(
      fetch(`${oddUrl}/never`, { method: 'GET', signal: AbortSignal.timeout(200) }),
    ).rejects.toThrow();
    await expect(fetch('ftp://127.0.0.1/x', {})).rejects.toThrow(/unsupported protocol/);
    destroy();
  });
});
