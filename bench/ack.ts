// How fast the bot acks `/502`, next to a bare Bolt app that only acks: both as processes of their own, fed
// the same signed slash commands one after the other (interleaved, so machine noise hits both alike). The bot
// does its real work after each ack (the parent message to a Slack stand-in, the job into real Redis), so
// that work competes with the next request, as in production. Targets: p99 under 50 ms and within 1.5x of
// the bare app. Run: `npx tsx bench/ack.ts [--requests 200] [--warmup 20] [--gap-ms 0] [--json]` (Redis at
// REDIS_URL).
//
// `--burst N [--rounds R]`: N commands sent at once (each on its own connection, as Slack's would arrive in
// an incident), the acks' p50/p99 over R rounds, the bot's and the bare app's bursts taking turns; beside
// them the CPU time the bot's process spent per command (from /proc, ack and the work after it, until the
// last parent message is posted). Target: the bot's p99 within 2x of the bare app's.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { App, LogLevel } from '@slack/bolt';
import { Redis } from 'ioredis';
import { SlackApiStandIn } from '../test/support/slack-api.js';
import { postSigned, slashCommandBody } from '../test/support/slack-requests.js';
import { dropPrefix } from '../test/unit/queue/support.js';

const TOKEN = 'xoxb-bench';
const SECRET = 'bench-signing-secret';
const SELF = new URL(import.meta.url).pathname;
const CLI = new URL('../test/support/cli.ts', import.meta.url).pathname;

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '20' },
    // Hosts the commands cycle through: by default one per command, so each starts a job (the usual case);
    // fewer hosts make most commands join a queued job (more work after the ack: a permalink and an edit).
    hosts: { type: 'string' },
    // Pause between commands: 0 sends the next as soon as the last was acked (the bot's work after each ack
    // then overlaps the next request); a few ms lets that work finish first, as at any human command rate.
    'gap-ms': { type: 'string', default: '0' },
    // Commands sent all at once (instead of one after the other), and how many such bursts each app gets.
    burst: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    json: { type: 'boolean', default: false },
    // Internal: run the bare Bolt app in this process (the benchmark starts it as a child).
    bare: { type: 'boolean', default: false },
  },
});

/** The bare app: Bolt's HTTP receiver and a /502 listener that only acks. Prints its port. */
async function bare(): Promise<void> {
  const slackApiUrl = process.env.SLACK_API_URL!;
  const app = new App({
    token: TOKEN,
    signingSecret: SECRET,
    clientOptions: { slackApiUrl },
    logLevel: LogLevel.ERROR,
    deferInitialization: true,
  });
  app.command('/502', async ({ ack }) => {
    await ack();
  });
  await app.init();
  const server = (await app.start(0)) as import('node:http').Server;
  const port = (server.address() as import('node:net').AddressInfo).port;
  process.stdout.write(`${JSON.stringify({ msg: 'bot listening', port })}\n`);
}

interface Child {
  child: ChildProcess;
  port: number;
}

function start(args: string[], env: Record<string, string>): Promise<Child> {
  const child = spawn('setpriv', ['--pdeathsig', 'KILL', process.execPath, '--import', 'tsx', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (c: Buffer) => {
      buffer += c.toString();
      for (const line of buffer.split('\n')) {
        if (!line.includes('"bot listening"')) continue;
        resolve({ child, port: Number((JSON.parse(line) as { port: number }).port) });
      }
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}: ${stderr}`)));
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function summary(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 100) / 100;
  return {
    n: s.length,
    p50: r(percentile(s, 50)),
    p90: r(percentile(s, 90)),
    p99: r(percentile(s, 99)),
    max: r(s.at(-1)!),
  };
}

async function bench(): Promise<void> {
  const requests = Number(values.requests);
  const warmup = Number(values.warmup);
  const burst = values.burst === undefined ? undefined : Number(values.burst);
  const rounds = Number(values.rounds);
  // A burst's commands go to one app; each app's bursts name hosts of their own.
  const commands = burst === undefined ? warmup + requests : warmup + 2 * burst * rounds;
  const hostCount = values.hosts === undefined ? commands : Number(values.hosts);
  const gapMs = Number(values['gap-ms']);
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `bench-ack-${process.pid}`;
  const dir = mkdtempSync(join(tmpdir(), 'upstream-doctor-bench-ack-'));
  const inventory = join(dir, 'hosts.yml');
  // Hosts that are never contacted (no worker runs): the bot only checks names and enqueues.
  writeFileSync(
    inventory,
    `hosts:\n${Array.from({ length: hostCount }, (_, i) => `  web-${String(i + 1).padStart(3, '0')}: { address: 10.${Math.floor(i / 250)}.${i % 250}.1 }`).join('\n')}\n`,
  );
  const slack = await SlackApiStandIn.start({ token: TOKEN });
  const env = {
    SLACK_BOT_TOKEN: TOKEN,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.url,
    PORT: '0',
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'warn',
  };
  const children: Child[] = [];
  try {
    const [ours, theirs] = await Promise.all([
      start([CLI, 'bot', '--inventory', inventory], { ...env, LOG_LEVEL: 'info' }),
      start([SELF, '--bare'], env),
    ]);
    children.push(ours, theirs);
    const urls = {
      bot: `http://127.0.0.1:${ours.port}/slack/events`,
      bare: `http://127.0.0.1:${theirs.port}/slack/events`,
    };
    if (burst !== undefined) {
      await bursts({
        urls,
        pids: { bot: ours.child.pid!, bare: theirs.child.pid! },
        slack,
        burst,
        rounds,
        warmup,
        hostCount,
        prefix,
      });
      return;
    }
    const times: Record<'bot' | 'bare', number[]> = { bot: [], bare: [] };
    let failures = 0;
    for (let i = 0; i < warmup + requests; i++) {
      const host = `web-${String((i % hostCount) + 1).padStart(3, '0')}`;
      const body = slashCommandBody({ text: host, response_url: slack.responseUrl(`r${i}`) });
      // Alternate which app goes first, so neither always follows the other's work.
      const order: ('bot' | 'bare')[] = i % 2 === 0 ? ['bot', 'bare'] : ['bare', 'bot'];
      for (const which of order) {
        const r = await postSigned(urls[which], body, { secret: SECRET });
        if (r.status !== 200) failures += 1;
        if (i >= warmup) times[which].push(r.ms);
      }
      if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
    }
    // Let the bot finish the work of the last commands before counting what it did.
    await slack.waitFor(
      () => slack.callsTo('chat.postMessage').length >= warmup + requests,
      30_000,
      'parent messages',
    );
    const bot = summary(times.bot);
    const bareApp = summary(times.bare);
    const result = {
      requests,
      warmup,
      gapMs,
      failures,
      bot,
      bare: bareApp,
      ratio: {
        p50: Math.round((bot.p50 / bareApp.p50) * 100) / 100,
        p99: Math.round((bot.p99 / bareApp.p99) * 100) / 100,
      },
      work: {
        parentMessages: slack.callsTo('chat.postMessage').length,
        threadLinks: slack.callsTo('chat.update').length,
        webApiCalls: slack.calls.length,
        connections: slack.connections,
      },
      targets: {
        p99Under50ms: bot.p99 < 50,
        p99Within1_5xOfBare: bot.p99 <= 1.5 * bareApp.p99,
      },
    };
    if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else {
      process.stdout.write(
        [
          `ack latency of ${requests} signed /502 commands (ms, after ${warmup} warm-up, ${gapMs} ms between commands), ${failures} non-200 answers`,
          `${''.padEnd(22)} ${'p50'.padStart(8)} ${'p90'.padStart(8)} ${'p99'.padStart(8)} ${'max'.padStart(8)}`,
          row('upstream-doctor bot', bot),
          row('bare Bolt app (ack)', bareApp),
          `ratio bot/bare: p50 ${result.ratio.p50}x, p99 ${result.ratio.p99}x`,
          `targets: p99 < 50 ms ${result.targets.p99Under50ms ? 'met' : 'MISSED'}; p99 within 1.5x of bare ${result.targets.p99Within1_5xOfBare ? 'met' : 'MISSED'}`,
          `bot work after the acks: ${result.work.parentMessages} parent messages, ${result.work.threadLinks} links to running threads, jobs in Redis (prefix ${prefix}, removed)`,
          `Slack Web API: ${result.work.webApiCalls} calls over ${result.work.connections} TCP connections`,
          '',
        ].join('\n'),
      );
    }
  } finally {
    for (const c of children) c.child.kill('SIGKILL');
    await slack.close();
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
    await dropPrefix(redis, prefix);
    await redis.quit();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** CPU time (user + system, every thread) the process has used so far, in ms (/proc, 10 ms ticks). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at state; utime and stime are 14th and 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}
const TICKS_PER_SECOND = 100;

interface BurstContext {
  urls: Record<'bot' | 'bare', string>;
  pids: Record<'bot' | 'bare', number>;
  slack: SlackApiStandIn;
  burst: number;
  rounds: number;
  warmup: number;
  hostCount: number;
  prefix: string;
}

/**
 * `--burst`: after a sequential warm-up of both apps, `rounds` bursts of `burst` commands to each app in
 * turn (bot first in even rounds), every command of a burst sent at once on its own connection. A bot's
 * burst is over when every parent message is posted: its CPU time is counted from the first send to then.
 */
async function bursts(ctx: BurstContext): Promise<void> {
  const { urls, pids, slack, burst, rounds, warmup, hostCount } = ctx;
  let sent = 0;
  let failures = 0;
  const next = () => {
    const i = sent++;
    const host = `web-${String((i % hostCount) + 1).padStart(3, '0')}`;
    return slashCommandBody({ text: host, response_url: slack.responseUrl(`r${i}`) });
  };
  const parents = () => slack.callsTo('chat.postMessage').length;
  for (let i = 0; i < warmup; i++) {
    const body = next();
    for (const which of ['bot', 'bare'] as const) {
      const r = await postSigned(urls[which], body, { secret: SECRET });
      if (r.status !== 200) failures += 1;
    }
  }
  await slack.waitFor(() => parents() >= warmup, 30_000, 'warm-up parent messages');
  const times: Record<'bot' | 'bare', number[]> = { bot: [], bare: [] };
  const cpu: Record<'bot' | 'bare', number> = { bot: 0, bare: 0 };
  const wallMs: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const order: ('bot' | 'bare')[] = round % 2 === 0 ? ['bot', 'bare'] : ['bare', 'bot'];
    for (const which of order) {
      const bodies = Array.from({ length: burst }, next);
      const expected = parents() + burst;
      const before = cpuMs(pids[which]);
      const started = performance.now();
      const answers = await Promise.all(bodies.map((b) => postSigned(urls[which], b, { secret: SECRET })));
      for (const a of answers) {
        if (a.status !== 200) failures += 1;
        times[which].push(a.ms);
      }
      if (which === 'bot') {
        await slack.waitFor(() => parents() >= expected, 60_000, 'the burst’s parent messages');
        wallMs.push(performance.now() - started);
      } else await new Promise((r) => setTimeout(r, 50));
      cpu[which] += cpuMs(pids[which]) - before;
    }
  }
  const bot = summary(times.bot);
  const bareApp = summary(times.bare);
  const perCommand = (which: 'bot' | 'bare') => Math.round((cpu[which] / (burst * rounds)) * 100) / 100;
  const result = {
    burst,
    rounds,
    warmup,
    failures,
    bot,
    bare: bareApp,
    ratio: { p50: ratio(bot.p50, bareApp.p50), p99: ratio(bot.p99, bareApp.p99) },
    cpuMsPerCommand: { bot: perCommand('bot'), bare: perCommand('bare') },
    botBurstDoneMs: summary(wallMs),
    work: {
      parentMessages: parents(),
      webApiCalls: slack.calls.length,
      connections: slack.connections,
    },
    targets: { p99Within2xOfBare: bot.p99 <= 2 * bareApp.p99 },
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  process.stdout.write(
    [
      `ack latency of ${rounds} bursts of ${burst} signed /502 commands sent at once (ms, after ${warmup} sequential warm-up), ${failures} non-200 answers`,
      `${''.padEnd(22)} ${'p50'.padStart(8)} ${'p90'.padStart(8)} ${'p99'.padStart(8)} ${'max'.padStart(8)} ${'CPU ms/cmd'.padStart(11)}`,
      `${row('upstream-doctor bot', bot)} ${String(result.cpuMsPerCommand.bot).padStart(11)}`,
      `${row('bare Bolt app (ack)', bareApp)} ${String(result.cpuMsPerCommand.bare).padStart(11)}`,
      `ratio bot/bare: p50 ${result.ratio.p50}x, p99 ${result.ratio.p99}x; target p99 within 2x of bare ${result.targets.p99Within2xOfBare ? 'met' : 'MISSED'}`,
      `bot: a burst's last parent message posted after ${result.botBurstDoneMs.p50} ms (median of ${rounds})`,
      `Slack Web API: ${result.work.webApiCalls} calls over ${result.work.connections} TCP connections`,
      '',
    ].join('\n'),
  );
}

const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

function row(name: string, s: ReturnType<typeof summary>): string {
  return `${name.padEnd(22)} ${String(s.p50).padStart(8)} ${String(s.p90).padStart(8)} ${String(s.p99).padStart(8)} ${String(s.max).padStart(8)}`;
}

if (values.bare) await bare();
else await bench();
