// End to end: the built `upstream-doctor doctor` binary against lab hosts over real SSH (a healthy root host,
// a non-root user with the README's sudoers rules, a host whose key changed, a sudo that wants a password),
// real Redis, and the Slack Web API stand-in for auth.test. One line per check, the fix on each FAIL.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { Lab } from '../../lab/index.js';
import {
  deploySudo,
  deploySudoApply,
  healthy,
  hostKeyChanged,
  sudoPassword,
} from '../../lab/scenarios/index.js';
import { SlackApiStandIn } from '../support/slack-api.js';

const BIN = new URL('../../bin/upstream-doctor.js', import.meta.url).pathname;
const TOKEN = 'xoxb-doctor-test';
const APP_TOKEN = 'xapp-doctor-test';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH, HOME: '/nonexistent', ...env } },
      (error, stdout, stderr) => resolve({ code: error ? (error.code as number | null) : 0, stdout, stderr }),
    );
  });
}

/** The line of a check ("ssh web-key"), or a failure naming what was printed. */
function line(run: Run, name: string): string {
  const found = run.stdout.split('\n').find((l) => new RegExp(`^(ok|FAIL|skip)\\s+${name}:`).test(l));
  if (!found) throw new Error(`no line for ${name} in:\n${run.stdout}`);
  return found;
}

let lab: Lab;
let slack: SlackApiStandIn;
let keyFingerprint: string;
let healthyInventory: string;

beforeAll(async () => {
  lab = await Lab.create({ prefix: 'udoc' });
  slack = await SlackApiStandIn.start({
    token: TOKEN,
    socketMode: { appToken: APP_TOKEN, url: 'ws://127.0.0.1:1/socket' },
  });
  const [, , , key] = await Promise.all([
    healthy.stage(lab, { name: 'web-ok', warm: false }),
    deploySudo.stage(lab, { name: 'web-sudo', warm: false }),
    deploySudoApply.stage(lab, { name: 'web-apply', warm: false }),
    hostKeyChanged.stage(lab, { name: 'web-key', warm: false }),
    sudoPassword.stage(lab, { name: 'web-pw', warm: false }),
  ]);
  keyFingerprint = key.expect.unreachable!.messageIncludes!;
  // The same lab with only the hosts that are set up right.
  const doc = parse(await readFile(lab.inventoryPath, 'utf8')) as { hosts: Record<string, unknown> };
  doc.hosts = { 'web-ok': doc.hosts['web-ok'], 'web-apply': doc.hosts['web-apply'] };
  healthyInventory = posix.join(lab.dir, 'healthy.yml');
  await writeFile(healthyInventory, stringify(doc));
}, 240_000);

afterAll(async () => {
  await slack?.close();
  await lab?.teardown();
});

const slackEnv = (): NodeJS.ProcessEnv => ({
  SLACK_BOT_TOKEN: TOKEN,
  SLACK_SIGNING_SECRET: 'doctor-test-secret',
  SLACK_API_URL: slack.url,
  REDIS_URL: 'redis://127.0.0.1:6379',
});

describe('upstream-doctor doctor', () => {
  it('a set-up with problems: one line per check, each FAIL with its fix, exit 1', async () => {
    const run = await cli(['doctor', '--inventory', lab.inventoryPath], slackEnv());
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(line(run, 'redis')).toMatch(/^ok\s+redis:\s+redis:\/\/127\.0\.0\.1:6379\/? answers/);
    expect(line(run, 'slack settings')).toMatch(/^ok\s/);
    expect(line(run, 'slack token')).toMatch(/^ok\s.*auth\.test: bot upstream-doctor \(U0BOTUSER\)/);
    expect(slack.callsTo('auth.test')).not.toHaveLength(0);
    expect(line(run, 'inventory')).toMatch(/^ok\s.*: 5 hosts$/);

    expect(line(run, 'ssh web-ok')).toMatch(/^ok\s.*root@.*host key verified/);
    expect(line(run, 'sudo web-ok')).toMatch(/^ok\s.*root: no sudo needed/);
    expect(line(run, 'apply web-ok')).toMatch(/^ok\s.*root: no sudo needed/);

    // The README's sudoers rules are enough for every privileged command of a diagnosis.
    expect(line(run, 'ssh web-sudo')).toMatch(/^ok\s.*deploy@/);
    expect(line(run, 'sudo web-sudo')).toMatch(/^ok\s.*sudo -n runs all \d+ privileged/);
    // ...but not for applying a fix: that takes the apply rules too, which web-apply has.
    const apply = line(run, 'apply web-sudo');
    expect(apply).toMatch(/^FAIL\s.*\d+ of the \d+ commands of an apply refused by sudo/);
    expect(apply).toMatch(
      /→ fix: install the apply rules .* for deploy on web-sudo .*or set REMEDIATION=off/,
    );
    expect(line(run, 'sudo web-apply')).toMatch(/^ok\s/);
    expect(line(run, 'apply web-apply')).toMatch(/^ok\s.*sudo -n allows all \d+ commands of an apply/);

    const key = line(run, 'ssh web-key');
    expect(key).toMatch(/^FAIL\s/);
    expect(key).toContain(keyFingerprint);
    expect(key).toMatch(/→ fix: .*ssh-keygen -R .* -f .*known_hosts/);

    expect(line(run, 'ssh web-pw')).toMatch(/^ok\s/);
    const pw = line(run, 'sudo web-pw');
    expect(pw).toMatch(/^FAIL\s.*sudo requires a password for deploy/);
    expect(pw).toMatch(/→ fix: install the sudoers rules .* for deploy on web-pw/);

    expect(line(run, 'apply web-pw')).toMatch(/^FAIL\s/);
    expect(run.stdout).toMatch(/\n4 checks failed\n$/);
  }, 60_000);

  it('a set-up that is right: every check ok, exit 0', async () => {
    const run = await cli(['doctor'], { ...slackEnv(), UPSTREAM_DOCTOR_INVENTORY: healthyInventory });
    expect(run.stdout).not.toMatch(/^FAIL/m);
    expect(run.stdout).toMatch(/\nall checks passed\n$/);
    expect(run.code).toBe(0);
    expect(line(run, 'inventory')).toContain(`${healthyInventory}: 2 hosts`);
  }, 60_000);

  it('a refused Slack token, Redis down and a broken inventory are each a FAIL with what to do', async () => {
    const inventory = posix.join(lab.dir, 'broken.yml');
    await writeFile(inventory, 'hosts:\n  web-01: { port: 22 }\n');
    const run = await cli(['doctor', '--inventory', inventory], {
      ...slackEnv(),
      SLACK_BOT_TOKEN: 'xoxb-revoked',
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    expect(run.code).toBe(1);
    expect(line(run, 'slack token')).toMatch(
      /^FAIL\s.*Slack refused SLACK_BOT_TOKEN \(invalid_auth\).*→ fix: copy the Bot User OAuth Token/,
    );
    expect(line(run, 'redis')).toMatch(
      /^FAIL\s.*cannot reach redis:\/\/127\.0\.0\.1:1.*→ fix: start Redis, or set REDIS_URL/,
    );
    expect(line(run, 'inventory')).toMatch(/^FAIL\s.*address.*→ fix: /);
  }, 60_000);

  it('Socket Mode: the app-level token is asked too (apps.connections.open), and a wrong one is a FAIL', async () => {
    const good = await cli(['doctor', '--inventory', healthyInventory], {
      ...slackEnv(),
      SLACK_APP_TOKEN: APP_TOKEN,
    });
    expect(line(good, 'slack settings')).toMatch(/^ok\s.*Socket Mode/);
    expect(line(good, 'slack app token')).toMatch(/^ok\s.*apps\.connections\.open/);
    expect(good.code).toBe(0);
    const bad = await cli(['doctor', '--inventory', healthyInventory], {
      ...slackEnv(),
      SLACK_APP_TOKEN: 'xapp-wrong',
    });
    expect(line(bad, 'slack app token')).toMatch(
      /^FAIL\s.*Slack refused SLACK_APP_TOKEN \(invalid_auth\).*→ fix: .*connections:write/,
    );
    expect(bad.code).toBe(1);
  }, 60_000);

  it('without Slack settings the Slack check is skipped, not failed', async () => {
    const run = await cli(['doctor', '--inventory', healthyInventory], {
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(line(run, 'slack')).toMatch(/^skip\s+slack:\s+SLACK_BOT_TOKEN is not set/);
    expect(run.code).toBe(0);
  }, 60_000);
});
