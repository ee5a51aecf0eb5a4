import { afterAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { remediationRunnerFromEnv } from '../../../src/remediate/wiring.js';
import { PlanRunner } from '../../../src/remediate/runner.js';
import { remediationActionsFromEnv } from '../../../src/slack/actions.js';
import { createWebClient } from '../../../src/slack/calls.js';
import { redisForTest, testPrefix } from '../queue/support.js';

const redis = redisForTest();
const log = pino({ level: 'silent' });
const client = createWebClient({ token: 'xoxb-wiring', slackApiUrl: 'http://127.0.0.1:9/api/' });
const enqueuer = { requestRemediation: () => Promise.reject(new Error('unused')) };

afterAll(async () => {
  await redis.quit();
});

describe('wiring from the environment', () => {
  it('a worker gets a PlanRunner (with or without Slack)', () => {
    expect(remediationRunnerFromEnv({}, redis, testPrefix(), { log })).toBeInstanceOf(PlanRunner);
    expect(
      remediationRunnerFromEnv({ AUDIT_LOG: '/tmp/x.jsonl' }, redis, testPrefix(), { log, client }),
    ).toBeInstanceOf(PlanRunner);
  });

  it('the bot gets a register function, or one line naming the bad setting', () => {
    const good = remediationActionsFromEnv(
      { APPROVERS: 'U0A,S0B', FOUR_EYES: 'true' },
      { redis, prefix: 'p', enqueuer, client, log },
    );
    expect(good.ok && typeof good.value).toBe('function');
    const bad = remediationActionsFromEnv(
      { APPROVERS: '@alice' },
      { redis, prefix: 'p', enqueuer, client, log },
    );
    expect(bad).toEqual({ ok: false, error: expect.stringMatching(/^APPROVERS: expected Slack user ids/) });
  });
});
