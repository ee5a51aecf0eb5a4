// Socket Mode: with SLACK_APP_TOKEN the bot opens a WebSocket (apps.connections.open through SLACK_API_URL),
// acks a /502 envelope by its envelope_id, and then does what it does over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Destination } from '../../../src/queue/notifier.js';
import { alertReceiver } from '../../../src/slack/alert-receiver.js';
import { startBot, type RunningBot } from '../../../src/slack/app.js';
import { createWebClient } from '../../../src/slack/calls.js';
import { inventoryOf } from '../queue/support.js';
import { SlackApiStandIn } from '../../support/slack-api.js';
import { SocketModeStandIn } from '../../support/slack-socket.js';

const TOKEN = 'xoxb-socket-test';
const APP_TOKEN = 'xapp-socket-test';
const inventory = { ok: true as const, value: inventoryOf(['web-01']) };

let socket: SocketModeStandIn;
let slack: SlackApiStandIn;
let bot: RunningBot;
const requests: { target: string; destination: Destination }[] = [];

beforeAll(async () => {
  socket = await SocketModeStandIn.start();
  slack = await SlackApiStandIn.start({ token: TOKEN, socketMode: { appToken: APP_TOKEN, url: socket.url } });
  bot = await startBot({
    token: TOKEN,
    appToken: APP_TOKEN,
    port: 0,
    slackApiUrl: slack.url,
    client: createWebClient({ token: TOKEN, slackApiUrl: slack.url }),
    enqueuer: {
      requestDiagnosis: async (r) => {
        requests.push(r);
        return { jobId: 'job-1', status: 'queued' };
      },
    },
    inventory: async () => inventory,
    channelHosts: null,
    log: pino({ level: 'silent' }),
  });
});

afterAll(async () => {
  await bot?.stop(1000);
  await socket?.close();
  await slack?.close();
});

const command = (text: string, id: string) => ({
  token: 'x',
  team_id: 'T0STANDIN',
  channel_id: 'C0INCIDENT',
  channel_name: 'incidents',
  user_id: 'U0ALICE',
  user_name: 'alice',
  command: '/502',
  text,
  api_app_id: 'A0UPSTREAM',
  response_url: slack.responseUrl(id),
  trigger_id: '1.2.3',
});

describe('Socket Mode', () => {
  it('connects with the app token through SLACK_API_URL', () => {
    expect(bot.mode).toBe('socket');
    expect(bot.port).toBeUndefined();
    const open = slack.callsTo('apps.connections.open');
    expect(open.at(-1)).toMatchObject({ token: APP_TOKEN, answer: { ok: true } });
    expect(socket.connections).toBe(1);
  });

  it('acks a /502 envelope by its id, then posts the parent and enqueues', async () => {
    socket.sendSlashCommand('env-1', command('web-01', 'sm1'));
    await socket.waitFor(() => socket.received.some((m) => m.envelope_id === 'env-1'), 5000, 'ack');
    await bot.idle();
    await slack.waitFor(() => slack.callsTo('chat.postMessage').length === 1, 5000, 'the parent');
    expect(JSON.stringify(slack.callsTo('chat.postMessage')[0]!.args.blocks)).toContain(
      'Diagnosing `web-01`',
    );
    expect(requests.map((r) => r.target)).toEqual(['web-01']);
  });

  it('help comes back in the ack payload', async () => {
    socket.sendSlashCommand('env-2', command('help', 'sm2'));
    await socket.waitFor(() => socket.received.some((m) => m.envelope_id === 'env-2'), 5000, 'ack');
    const ack = socket.received.find((m) => m.envelope_id === 'env-2')!;
    expect(JSON.stringify(ack.payload)).toContain('finds out why nginx answers 502');
    expect(requests).toHaveLength(1);
  });
});

describe('Socket Mode with the alert webhooks', () => {
  const ALERT_TOKEN = 'socket-mode-alert-token-0123';
  let alertSocket: SocketModeStandIn;
  let alertSlack: SlackApiStandIn;
  let alertBot: RunningBot;
  const received: unknown[] = [];
  beforeAll(async () => {
    alertSocket = await SocketModeStandIn.start();
    alertSlack = await SlackApiStandIn.start({
      token: TOKEN,
      socketMode: { appToken: APP_TOKEN, url: alertSocket.url },
    });
    const route = alertReceiver({
      token: ALERT_TOKEN,
      hostLabel: 'instance',
      accept: (_route, events) => (received.push(...events), true),
      log: pino({ level: 'silent' }),
    });
    alertBot = await startBot({
      token: TOKEN,
      appToken: APP_TOKEN,
      port: 0,
      host: '127.0.0.1',
      slackApiUrl: alertSlack.url,
      client: createWebClient({ token: TOKEN, slackApiUrl: alertSlack.url }),
      enqueuer: { requestDiagnosis: () => Promise.reject(new Error('not here')) },
      inventory: async () => inventory,
      channelHosts: null,
      log: pino({ level: 'silent' }),
      http: { route, idle: async () => undefined },
    });
  });
  afterAll(async () => {
    await alertBot?.stop(1000);
    await alertSocket?.close();
    await alertSlack?.close();
  });

  it('listens on PORT for the alert routes and /healthz only', async () => {
    expect(alertBot.mode).toBe('socket');
    const base = `http://127.0.0.1:${alertBot.port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const alert = await fetch(`${base}/alerts/generic`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ALERT_TOKEN}` },
      body: JSON.stringify({ host: 'web-01', summary: 'down' }),
    });
    expect(alert.status).toBe(200);
    expect(received).toMatchObject([{ host: 'web-01', summary: 'down' }]);
    expect((await fetch(`${base}/slack/events`, { method: 'POST', body: '{}' })).status).toBe(404);
  });
});
