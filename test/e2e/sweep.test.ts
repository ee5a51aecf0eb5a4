// A fleet sweep end to end: 30 fake hosts sharing the tag `shop` (25 healthy, 4 with the same port mismatch in
// the same file, 1 with nginx down) over real SSH, a real `upstream-doctor bot` process, two real
// `upstream-doctor worker` processes, real Redis and the Slack Web API stand-in. `/502 tag:shop` must give
// exactly one parent message whose final text counts the hosts per cause, one thread reply per group (the
// mismatch group with its `Apply to canary` offer), and every host logged into exactly once, as each host's
// own sshd log says. `/502 web-17` afterwards gets its own thread. Then `diagnose tag:shop --summary` through
// the built binary prints the same groups and exits with the worst host's code.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { Lab, type LabHost } from '../../lab/index.js';
import { healthy, nginxNotRunning, portMismatch } from '../../lab/scenarios/index.js';
import { limitViolations } from '../../src/slack/blocks.js';
import { redisForTest, REDIS_URL, testPrefix } from '../unit/queue/support.js';
import { SlackApiStandIn } from '../support/slack-api.js';
import { cliEnv, spawnCli, tearDownBotAndWorker, type CliProcess } from '../support/cli-processes.js';
import { postSigned, slashCommandBody } from '../support/slack-requests.js';

const BIN = new URL('../../bin/upstream-doctor.js', import.meta.url).pathname;
const TOKEN = 'xoxb-e2e-sweep';
const SECRET = 'e2e-sweep-secret';
const CHANNEL = 'C0FLEET';
const USER = 'U0ALICE';
const HOSTS = 30;
const name = (i: number) => `web-${String(i).padStart(2, '0')}`;
const BROKEN = new Set([3, 8, 14, 22].map(name));
const DOWN = name(27);

let lab: Lab;
const hosts: LabHost[] = [];
let slack: SlackApiStandIn;
let redis: Redis;
let bot: CliProcess;
let workers: CliProcess[] = [];
let events: string;
let dir: string;
let inventory: string;
const prefix = testPrefix();

const textOf = (m: { text?: string; blocks?: unknown[] }) =>
  `${m.text ?? ''}\n${JSON.stringify(m.blocks ?? [])}`;

/** Logins sshd itself logged on a host (LogLevel INFO: one "Accepted publickey" line per session). */
async function logins(host: LabHost): Promise<number> {
  const log = await readFile(join(host.dir, 'sshd.log'), 'utf8').catch(() => '');
  return log.split('\n').filter((l) => l.includes('Accepted publickey')).length;
}

beforeAll(async () => {
  lab = await Lab.create({ prefix: 'udsw' });
  for (let i = 1; i <= HOSTS; i += 5) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(5, HOSTS - i + 1) }, (_, j) => {
        const n = name(i + j);
        const scenario = BROKEN.has(n) ? portMismatch : n === DOWN ? nginxNotRunning : healthy;
        return scenario.stage(lab, { name: n, warm: false });
      }),
    );
    hosts.push(...batch.map((s) => s.targetHost!));
  }
  // The lab's inventory with every host tagged `shop`.
  dir = await mkdtemp(join(tmpdir(), 'ud-sweep-'));
  const doc = parse(await readFile(lab.inventoryPath, 'utf8')) as {
    hosts: Record<string, { tags?: string[] }>;
  };
  for (const h of Object.values(doc.hosts)) h.tags = ['shop'];
  inventory = join(dir, 'hosts.yml');
  await writeFile(inventory, stringify(doc));

  redis = redisForTest();
  slack = await SlackApiStandIn.start({ token: TOKEN });
  const env = {
    ...cliEnv({ token: TOKEN, secret: SECRET, slackUrl: slack.url, redisUrl: REDIS_URL, prefix }),
    AUDIT_LOG: join(dir, 'audit.jsonl'),
  };
  workers = [0, 1].map(() => spawnCli(['worker', '--inventory', inventory], env));
  bot = spawnCli(['bot', '--inventory', inventory], env);
  const [listening] = await Promise.all([
    bot.waitForLog((l) => l.msg === 'bot listening', 60_000),
    ...workers.map((w) => w.waitForLog((l) => l.msg === 'workers started', 60_000)),
  ]);
  events = `http://127.0.0.1:${Number(listening.port)}/slack/events`;
}, 240_000);

afterAll(async () => {
  await Promise.all(workers.slice(1).map((w) => w.stop()));
  await tearDownBotAndWorker({ bot, worker: workers[0], slack, lab, redis, prefix, dir });
});

describe('fleet sweep', () => {
  it('/502 tag:shop: one parent, edited as hosts finish, ending with the count per cause; one reply per group; each host visited once', async () => {
    expect((await Promise.all(hosts.map(logins))).every((n) => n === 0)).toBe(true);
    const ack = await postSigned(
      events,
      slashCommandBody({ text: 'tag:shop', channel_id: CHANNEL, user_id: USER }),
      { secret: SECRET },
    );
    expect(ack.status).toBe(200);
    const parents = () => slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === undefined);
    await slack.waitFor(() => parents().length > 0, 10_000, 'the parent');
    const parentTs = String(parents()[0]!.answer.ts);
    const parent = () => slack.messages.get(parentTs)!;
    await slack.waitFor(
      () => (parent().text ?? '').includes('with a cause of 502'),
      240_000,
      'the sweep verdict',
    );

    // Exactly one message in the channel: the sweep's parent.
    expect(parents()).toHaveLength(1);
    const verdict = parent();
    expect(verdict.text).toBe(
      'Sweep of tag:shop · 5 with a cause of 502, 25 healthy, 0 could not be diagnosed',
    );
    const lines = (verdict.blocks as { type: string; text?: { text: string } }[])
      .filter((b) => b.type === 'section')
      .map((b) => b.text!.text);
    expect(lines.slice(1)).toEqual([
      ':red_circle: *4 hosts* · `upstream-port-mismatch` · `/etc/nginx/conf.d/shop.conf:2` (8000 → 3000)',
      ':red_circle: *1 host* · `nginx-not-running`',
      ':large_green_circle: *25 healthy*',
    ]);
    // It was edited with the count as hosts finished, before the verdict.
    const counts = verdict.history
      .map((v) => /(\d+) of 30 hosts done/.exec(v.text ?? '')?.[1])
      .filter(Boolean);
    expect(counts.length).toBeGreaterThan(1);

    // One reply per group, the shared evidence once; the mismatch group offers its fix to a canary.
    const replies = slack.replies(CHANNEL, parentTs);
    expect(replies.map((r) => r.text)).toEqual([
      'upstream-port-mismatch: 4 hosts',
      'nginx-not-running: 1 host',
      'healthy: 25 hosts',
    ]);
    const mismatch = textOf(replies[0]!);
    expect(mismatch).toContain('`web-03`, `web-08`, `web-14`, `web-22`');
    expect(mismatch).toContain('remediation_apply_canary');
    expect(mismatch.split('server 127.0.0.1:3000').length - 1).toBeGreaterThanOrEqual(1);
    expect(textOf(replies[1]!)).toContain('`web-27`');

    for (const call of slack.calls.filter((c) => c.method.startsWith('chat.'))) {
      expect(call.answer.ok, `${call.method}: ${JSON.stringify(call.answer)}`).toBe(true);
      expect(limitViolations({ text: call.args.text, blocks: call.args.blocks })).toEqual([]);
    }
    expect(slack.violations).toEqual([]);

    // Both workers took part, and sshd on every host logged exactly one login.
    // (The last host's job completes just after it posted the verdict.)
    const completed = () => workers.map((w) => w.logs.filter((l) => l.msg === 'job completed').length);
    const total = () => completed().reduce((a, b) => a + b, 0);
    for (const end = Date.now() + 30_000; total() < HOSTS && Date.now() < end;)
      await new Promise((r) => setTimeout(r, 100));
    const done = completed();
    expect(done.reduce((a, b) => a + b, 0)).toBe(HOSTS);
    expect(done.every((n) => n > 0)).toBe(true);
    const perHost = Object.fromEntries(await Promise.all(hosts.map(async (h) => [h.name, await logins(h)])));
    expect(perHost).toEqual(Object.fromEntries(hosts.map((h) => [h.name, 1])));
  });

  it('/502 web-17 afterwards gets its own parent and thread', async () => {
    const mark = slack.calls.length;
    const ack = await postSigned(
      events,
      slashCommandBody({ text: 'web-17', channel_id: CHANNEL, user_id: USER }),
      { secret: SECRET },
    );
    expect(ack.status).toBe(200);
    const parent = () =>
      slack.calls.slice(mark).find((c) => c.method === 'chat.postMessage' && c.args.thread_ts === undefined);
    await slack.waitFor(() => parent() !== undefined, 10_000, 'the parent of web-17');
    const ts = String(parent()!.answer.ts);
    expect(textOf(parent()!.args)).toContain('Diagnosing `web-17`');
    await slack.waitFor(
      () => (slack.messages.get(ts)!.text ?? '').includes('no cause for a 502 found'),
      90_000,
      'web-17 verdict',
    );
    expect(slack.replies(CHANNEL, ts).some((m) => textOf(m).includes('No cause for a 502 found'))).toBe(true);
  });

  it('diagnose tag:shop --summary (the built binary): the same groups, exit code of the worst host', async () => {
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [BIN, 'diagnose', 'tag:shop', '--summary', '--inventory', inventory],
        {
          env: { ...process.env, NO_COLOR: '1' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout.split('\n')[0], run.stdout).toBe(
      '30 hosts: 5 with a cause of 502, 25 healthy, 0 could not be diagnosed',
    );
    expect(run.stdout).toContain(
      '✖ 4 hosts · upstream-port-mismatch · /etc/nginx/conf.d/shop.conf:2 (8000 → 3000)\n    web-03, web-08, web-14, web-22\n',
    );
    expect(run.stdout).toContain('✖ 1 host · nginx-not-running\n    web-27\n');
    expect(run.stdout).toContain('✔ 25 healthy\n');

    // The nginx-down host alone: exit 1; a healthy one alone: exit 0.
    const single = async (host: string) =>
      new Promise<number | null>((resolve) =>
        spawn(process.execPath, [BIN, 'diagnose', host, '--summary', '--inventory', inventory], {
          stdio: 'ignore',
        }).on('exit', resolve),
      );
    expect(await single('web-01')).toBe(0);
    expect(await single(DOWN)).toBe(1);

    // A host that is down makes it 2, and is its own group.
    await lab.addGhost('gone-01');
    await writeFile(join(dir, 'with-ghost.yml'), await readFile(lab.inventoryPath, 'utf8'));
    const withGhost = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [BIN, 'diagnose', 'web-01', 'gone-01', '--summary', '--inventory', join(dir, 'with-ghost.yml')],
        { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'ignore'] },
      );
      let stdout = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
      child.on('exit', (code) => resolve({ code, stdout }));
    });
    expect(withGhost.code).toBe(2);
    expect(withGhost.stdout).toContain('⚠ 1 could not be diagnosed (host-unreachable)\n    gone-01\n');
    expect(withGhost.stdout).toContain('✔ 1 healthy\n    web-01\n');
  });
});
