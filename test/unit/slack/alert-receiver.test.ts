// The alert webhooks' HTTP side on a real server: the bearer token compared in constant time (wrong,
// missing, or the right one in another case of "Bearer"), 401 before the body is read, a body over 1 MB
// refused with 413 (declared or streamed: reading stops), bad JSON or shape 400 with the reason, and a good
// payload answered 200 with its alerts handed over only after the answer. Without a token the routes do not
// exist: the bot (started here against the Slack stand-in) answers 404.
import { request } from 'node:http';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../../src/slack/alert-payload.js';
import { alertReceiver, bearerMatches, MAX_ALERT_BODY } from '../../../src/slack/alert-receiver.js';
import { startBot, type RunningBot } from '../../../src/slack/app.js';
import { createWebClient } from '../../../src/slack/calls.js';
import { RedisSeenSignatures } from '../../../src/slack/verify.js';
import { parseInventory } from '../../../src/inventory/index.js';
import { SlackApiStandIn } from '../../support/slack-api.js';
import { alertmanagerBody } from '../../support/alertmanager.js';
import { dropPrefix, redisForTest, silentLog, testPrefix } from '../queue/support.js';

const TOKEN = 'alert-receiver-test-token-0123456789';
const accepted: { route: string; events: AlertEvent[]; answeredFirst: boolean }[] = [];
const rejected: number[] = [];
let server: Server;
let base: string;
let current: ServerResponse | undefined;

const sample = alertmanagerBody([
  {
    status: 'firing',
    alertname: 'Nginx502',
    instance: 'web-01:9113',
    summary: 'web-01 answers 502',
    fingerprint: '1a30ba71cca2921f',
  },
]);

beforeAll(async () => {
  const route = alertReceiver({
    token: TOKEN,
    hostLabel: 'instance',
    accept: (r, events) => {
      if (events.some((e) => e.summary === 'refuse me')) return false;
      // As AlertDiagnoses does: the work starts on a later turn, after the answer was written.
      const res = current;
      setImmediate(() => accepted.push({ route: r, events, answeredFirst: res?.writableEnded === true }));
      return true;
    },
    rejected: (_r, status) => rejected.push(status),
    log: silentLog,
  });
  server = createServer((req, res) => {
    current = res;
    if (!route(req, res)) res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  accepted.length = 0;
  rejected.length = 0;
});

const post = (path: string, body: string, auth: string | undefined = `Bearer ${TOKEN}`) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
    body,
  });

describe('bearerMatches', () => {
  it('is true for the token only', () => {
    expect(bearerMatches(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(bearerMatches(`bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(bearerMatches(`Bearer ${TOKEN}x`, TOKEN)).toBe(false);
    expect(bearerMatches(`Bearer ${TOKEN.slice(0, -1)}`, TOKEN)).toBe(false);
    expect(bearerMatches(TOKEN, TOKEN)).toBe(false);
    expect(bearerMatches(`Basic ${TOKEN}`, TOKEN)).toBe(false);
    expect(bearerMatches(undefined, TOKEN)).toBe(false);
    expect(bearerMatches('Bearer ', TOKEN)).toBe(false);
  });
});

describe('the alert routes', () => {
  it('a good payload: 200, and its alerts handed over after the answer', async () => {
    const res = await post('/alerts/alertmanager', JSON.stringify(sample));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, alerts: 1 });
    expect(accepted).toHaveLength(1);
    expect(accepted[0]).toMatchObject({ route: 'alertmanager', answeredFirst: true });
    expect(accepted[0]!.events[0]).toMatchObject({ fingerprint: '1a30ba71cca2921f', host: 'web-01:9113' });
    const generic = await post('/alerts/generic', JSON.stringify({ host: 'web-01', summary: 'down' }));
    expect(generic.status).toBe(200);
    expect(accepted[1]).toMatchObject({ route: 'generic', events: [{ host: 'web-01', summary: 'down' }] });
  });

  it('a wrong or missing token: 401, nothing handed over', async () => {
    for (const auth of ['', 'Bearer wrong', `Token ${TOKEN}`]) {
      const res = await post('/alerts/alertmanager', JSON.stringify(sample), auth);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: string }).error).toContain('bearer token');
    }
    expect(accepted).toEqual([]);
    expect(rejected).toEqual([401, 401, 401]);
  });

  it('bad JSON or a bad shape: 400 with the reason, nothing handed over', async () => {
    const bad = await post('/alerts/alertmanager', '{"version": "4", "alerts": [');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^the body is not JSON/);
    const shape = await post('/alerts/alertmanager', JSON.stringify({ ...sample, alerts: 'none' }));
    expect(shape.status).toBe(400);
    expect(((await shape.json()) as { error: string }).error).toBe('alerts: expected a list of alerts');
    const generic = await post('/alerts/generic', JSON.stringify({ summary: 'no host' }));
    expect(generic.status).toBe(400);
    expect(accepted).toEqual([]);
    expect(rejected).toEqual([400, 400, 400]);
  });

  it('more than 500 alerts in one payload: 400 naming max_alerts; too many in hand: 503, retried later', async () => {
    const many = sample as { alerts: unknown[] };
    const big = await post(
      '/alerts/alertmanager',
      JSON.stringify({ ...many, alerts: Array.from({ length: 501 }, () => many.alerts[0]) }),
    );
    expect(big.status).toBe(400);
    expect(((await big.json()) as { error: string }).error).toMatch(/more than 500 alerts.*max_alerts/);
    const busy = await post('/alerts/generic', JSON.stringify({ host: 'web-01', summary: 'refuse me' }));
    expect(busy.status).toBe(503);
    expect(accepted).toEqual([]);
  });

  it('only POST', async () => {
    const res = await fetch(`${base}/alerts/alertmanager`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });

  it('a body over 1 MB: 413 with the reason, declared or streamed; exactly 1 MB is read', async () => {
    const declared = await post('/alerts/alertmanager', ' '.repeat(MAX_ALERT_BODY + 1));
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { error: string }).error).toBe(
      'the body is larger than 1048576 bytes',
    );

    // Chunked, no Content-Length: refused once the chunks pass 1 MB, while the client is still sending.
    const streamed = await new Promise<{ status: number; body: string; sent: number }>((resolve, reject) => {
      let sent = 0;
      const req = request(`${base}/alerts/alertmanager`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'transfer-encoding': 'chunked' },
      });
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, sent }));
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        // 8 MB at most: far past the cap, so the answer must come before the client is done.
        while (sent < 8 * MAX_ALERT_BODY) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    expect(streamed.status).toBe(413);
    expect(streamed.body).toContain('larger than 1048576 bytes');

    const exact = JSON.stringify(sample);
    const padded = exact + ' '.repeat(MAX_ALERT_BODY - Buffer.byteLength(exact));
    expect((await post('/alerts/alertmanager', padded)).status).toBe(200);
    expect(rejected).toEqual([413, 413]);
  });
});

describe('the bot without ALERT_WEBHOOK_TOKEN', () => {
  const redis = redisForTest();
  const prefix = testPrefix();
  let slack: SlackApiStandIn;
  let bot: RunningBot;
  beforeAll(async () => {
    slack = await SlackApiStandIn.start({ token: 'xoxb-alert-receiver' });
    const inventory = parseInventory('hosts:\n  web-01: { address: 10.0.0.11 }\n', {
      source: '<test>',
      baseDir: '/',
      home: '/root',
      localUser: 'root',
    });
    bot = await startBot({
      token: 'xoxb-alert-receiver',
      signingSecret: 'secret',
      seenSignatures: new RedisSeenSignatures(redis, prefix),
      port: 0,
      host: '127.0.0.1',
      slackApiUrl: slack.url,
      client: createWebClient({ token: 'xoxb-alert-receiver', slackApiUrl: slack.url }),
      enqueuer: { requestDiagnosis: () => Promise.reject(new Error('nothing may be queued')) },
      inventory: () => Promise.resolve(inventory),
      channelHosts: null,
      log: silentLog,
    });
  });
  afterAll(async () => {
    await bot.stop(100);
    await slack.close();
    await dropPrefix(redis, prefix);
    await redis.quit();
  });

  it('answers 404 on the alert routes', async () => {
    for (const path of ['/alerts/alertmanager', '/alerts/generic']) {
      const res = await fetch(`http://127.0.0.1:${bot.port}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify(sample),
      });
      expect(res.status).toBe(404);
    }
  });
});
