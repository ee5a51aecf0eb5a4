// `upstream-doctor start`: the bot and a worker in one process; one bad setting stops both with one line,
// and SIGTERM (the stop signal here) ends both cleanly.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackApiStandIn } from '../../support/slack-api.js';
import { runCli, spawnCli } from '../../support/cli-processes.js';

const TOKEN = 'xoxb-start-test';
let slack: SlackApiStandIn;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  slack = await SlackApiStandIn.start({ token: TOKEN });
  dir = mkdtempSync(join(tmpdir(), 'ud-start-'));
  writeFileSync(join(dir, 'hosts.yml'), 'hosts:\n  web-01: { address: 10.0.0.11 }\n');
  env = {
    SLACK_BOT_TOKEN: TOKEN,
    SLACK_SIGNING_SECRET: 'start-secret',
    SLACK_API_URL: slack.url,
    PORT: '0',
    WORKER_METRICS_PORT: '0',
    QUEUE_PREFIX: `ud-start-${process.pid}`,
    UPSTREAM_DOCTOR_INVENTORY: join(dir, 'hosts.yml'),
  };
});

afterAll(async () => {
  await slack.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('upstream-doctor start', () => {
  it('a bad setting of either part stops both, naming it in one line', async () => {
    const run = await runCli(['start'], { ...env, SLACK_BOT_TOKEN: '' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('SLACK_BOT_TOKEN');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('runs the bot and a worker until SIGTERM, then exits 0', async () => {
    const p = spawnCli(['start'], env);
    await p.waitForLog(
      (l) => typeof l.msg === 'string' && /bot/i.test(l.msg) && /listen|ready|taking/i.test(l.msg),
      20_000,
    );
    await p.waitForLog((l) => typeof l.msg === 'string' && /worker/i.test(l.msg), 20_000);
    const { code } = await p.stop('SIGTERM');
    expect(code).toBe(0);
  });
});
