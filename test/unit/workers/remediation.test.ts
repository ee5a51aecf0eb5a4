import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { workerRemediationFromEnv } from '../../../src/workers/remediation.js';
import { PlanRunner } from '../../../src/remediate/runner.js';
import { remediationActionsFromEnv } from '../../../src/slack/actions.js';
import { createWebClient } from '../../../src/slack/calls.js';
import { redisForTest, testPrefix } from '../queue/support.js';

const redis = redisForTest();
const log = pino({ level: 'silent' });
const client = createWebClient({ token: 'xoxb-wiring', slackApiUrl: 'http://127.0.0.1:9/api/' });
const enqueuer = { requestRemediation: () => Promise.reject(new Error('unused')) };
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ud-wiring-'));
});

afterAll(async () => {
  await redis.quit();
  await rm(dir, { recursive: true, force: true });
});

describe('wiring from the environment', () => {
  // Without CHANNEL_HOSTS the buttons never read the inventory.
  const everyChannel = {
    channelHosts: null,
    inventory: () => Promise.reject(new Error('not read without CHANNEL_HOSTS')),
  };

  it('a worker gets a PlanRunner and a fix proposer (with or without Slack)', async () => {
    const env = { AUDIT_LOG: join(dir, 'audit.jsonl') };
    const plain = await workerRemediationFromEnv(env, { redis, prefix: testPrefix(), log });
    expect(plain.ok && plain.value.runner).toBeInstanceOf(PlanRunner);
    expect(plain.ok && typeof plain.value.proposeFix).toBe('function');
    const slack = await workerRemediationFromEnv(env, { redis, prefix: testPrefix(), log, client });
    expect(slack.ok && slack.value.runner).toBeInstanceOf(PlanRunner);
  });

  it('an AUDIT_LOG that cannot be written stops the worker and the bot with one line', async () => {
    const missing = { AUDIT_LOG: join(dir, 'no-such-dir', 'audit.jsonl') };
    expect(await workerRemediationFromEnv(missing, { redis, prefix: 'p', log })).toEqual({
      ok: false,
      error: `AUDIT_LOG: ${join(dir, 'no-such-dir')} does not exist`,
    });
    expect(
      await remediationActionsFromEnv(
        { AUDIT_LOG: dir },
        { redis, prefix: 'p', enqueuer, client, log, ...everyChannel },
      ),
    ).toEqual({ ok: false, error: `AUDIT_LOG: ${dir} is a directory` });
  });

  it('the bot gets a register function, or one line naming the bad setting', async () => {
    const env = { AUDIT_LOG: join(dir, 'audit.jsonl') };
    const good = await remediationActionsFromEnv(
      { ...env, APPROVERS: 'U0A,S0B', FOUR_EYES: 'true' },
      { redis, prefix: 'p', enqueuer, client, log, ...everyChannel },
    );
    expect(good.ok && typeof good.value).toBe('function');
    const bad = await remediationActionsFromEnv(
      { ...env, APPROVERS: '@alice' },
      { redis, prefix: 'p', enqueuer, client, log, ...everyChannel },
    );
    expect(bad).toEqual({ ok: false, error: expect.stringMatching(/^APPROVERS: expected Slack user ids/) });
  });
});
