// `upstream-doctor bot` in-process: settings checked before anything starts, start to stop with exit 0.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bot } from '../../../src/cli/bot.js';
import type { CliIo } from '../../../src/cli/io.js';
import type { Destination } from '../../../src/queue/notifier.js';
import { SlackApiStandIn } from '../../support/slack-api.js';
import { postSigned, slashCommandBody } from '../../support/slack-requests.js';

const TOKEN = 'xoxb-cli-test';
const SECRET = 'cli-secret';
let slack: SlackApiStandIn;
let dir: string;
let inventory: string;

function io(env: NodeJS.ProcessEnv) {
  let stdout = '';
  let stderr = '';
  const value: CliIo = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    stdin: new PassThrough(),
    env,
  };
  return { io: value, out: () => stdout, err: () => stderr };
}

beforeAll(async () => {
  slack = await SlackApiStandIn.start({ token: TOKEN });
  dir = mkdtempSync(join(tmpdir(), 'hG-bot-cli-'));
  inventory = join(dir, 'hosts.yml');
  writeFileSync(inventory, 'hosts:\n  web-01: { address: 10.0.0.11 }\n');
});

afterAll(async () => {
  await slack.close();
  rmSync(dir, { recursive: true, force: true });
});

const good = () => ({
  SLACK_BOT_TOKEN: TOKEN,
  SLACK_SIGNING_SECRET: SECRET,
  SLACK_API_URL: slack.url,
  PORT: '0',
  LOG_LEVEL: 'info',
  UPSTREAM_DOCTOR_INVENTORY: inventory,
});

describe('upstream-doctor bot', () => {
  it('--help prints the environment it reads', async () => {
    const t = io({});
    expect(await bot(['--help'], t.io)).toBe(0);
    for (const name of [
      'SLACK_BOT_TOKEN',
      'SLACK_SIGNING_SECRET',
      'SLACK_APP_TOKEN',
      'PORT',
      'SLACK_API_URL',
      'CHANNEL_HOSTS',
      'ALERT_WEBHOOK_TOKEN',
      'ALERT_CHANNEL',
      'ALERT_HOST_LABEL',
    ])
      expect(t.out()).toContain(name);
  });

  it('bad settings: one line naming the setting, exit 2, nothing started', async () => {
    const cases: [NodeJS.ProcessEnv, string][] = [
      [
        { ...good(), SLACK_BOT_TOKEN: undefined },
        'upstream-doctor bot: SLACK_BOT_TOKEN: is required (the Bot User OAuth Token, xoxb-…)\n',
      ],
      [
        { ...good(), CHANNEL_HOSTS: 'general=web-01' },
        'upstream-doctor bot: CHANNEL_HOSTS: expected a channel id (C…, G…, D…) or *, got "general"\n',
      ],
      [
        { ...good(), ALERT_WEBHOOK_TOKEN: 'a-long-enough-alert-token' },
        'upstream-doctor bot: ALERT_CHANNEL: is required with ALERT_WEBHOOK_TOKEN (the channel id alerts post their threads in)\n',
      ],
      [
        { ...good(), REDIS_URL: 'http://x' },
        'upstream-doctor bot: REDIS_URL: expected a redis:// or rediss:// URL (got http://…)\n',
      ],
      [
        { ...good(), UPSTREAM_DOCTOR_INVENTORY: join(dir, 'missing.yml') },
        `upstream-doctor bot: inventory ${join(dir, 'missing.yml')} not found (from UPSTREAM_DOCTOR_INVENTORY)\n`,
      ],
      [
        { ...good(), SLACK_BOT_TOKEN: 'xoxb-wrong' },
        'upstream-doctor bot: SLACK_BOT_TOKEN: Slack refused it (invalid_auth)\n',
      ],
    ];
    for (const [env, line] of cases) {
      const t = io(env);
      expect(
        await bot([], t.io, {
          enqueuer: { requestDiagnosis: async () => ({ jobId: 'x', status: 'queued' }) },
        }),
      ).toBe(2);
      expect(t.err()).toBe(line);
    }
  });

  it('starts, answers /502, stops on its signal with exit 0', async () => {
    const requests: Destination[] = [];
    const stop = new AbortController();
    const t = io(good());
    let port = 0;
    const ready = new Promise<void>((resolve) => {
      void bot([], t.io, {
        enqueuer: {
          requestDiagnosis: async (r) => {
            requests.push(r.destination);
            return { jobId: 'j', status: 'queued' };
          },
        },
        stop: stop.signal,
        onReady: (info) => {
          port = info.port!;
          resolve();
        },
      }).then((code) => exits.push(code));
    });
    const exits: number[] = [];
    await ready;
    const r = await postSigned(
      `http://127.0.0.1:${port}/slack/events`,
      slashCommandBody({ text: 'web-01' }),
      { secret: SECRET },
    );
    expect(r.status).toBe(200);
    for (let i = 0; i < 100 && requests.length === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(requests).toHaveLength(1);
    stop.abort();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(exits).toEqual([0]);
    const logs = t
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string });
    expect(logs.map((l) => l.msg)).toEqual(
      expect.arrayContaining(['bot listening', 'diagnosis requested', 'stopped']),
    );
  });
});
