// How long `/502 host` takes to name the root cause in its Slack thread, through every process it crosses:
// the built bot (HTTP mode), the queue in real Redis, built worker processes (two by default), SSH to a lab
// host, and the Slack Web API stand-in, which records each call the moment it arrives. Beside it, in the same
// run, the floor: one OpenSSH `ssh` running the collector's commands on the same host (as bench/diagnose.ts
// does); the rest is what the bot, the queue, the worker and Slack add. Target: the median within floor +
// 150 ms. Each run also shows where the time went: the ack, the parent message, the first message in the
// thread (the worker's progress), the job queued and picked up (BullMQ's stamps), the root-cause reply, the parent edited to the verdict; and, as a second
// anchor, the same diagnosis run in this process (collectTarget and the analysis, no bot, queue or Slack).
//
// Run as root: `npx tsx bench/slack.ts [--runs 7] [--workers 2] [--slack-delay-ms 0] [--json]` (`npm run build` first: the bot
// and the workers are `bin/upstream-doctor.js`; Redis at REDIS_URL).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Lab, type LabHost } from '../lab/index.js';
import { healthy, portMismatch } from '../lab/scenarios/index.js';
import { reportOf } from '../src/analyze/report.js';
import { collectTarget } from '../src/collect/from-inventory.js';
import { loadInventory, selectHosts } from '../src/inventory/index.js';
import { DIAGNOSE_QUEUE } from '../src/queue/names.js';
import type { HostSnapshot } from '../src/model/types.js';
import { sshArgs } from '../test/e2e/scenarios/ssh.js';
import { type RecordedCall, SlackApiStandIn } from '../test/support/slack-api.js';
import { postSigned, slashCommandBody } from '../test/support/slack-requests.js';
import { dropPrefix } from '../test/unit/queue/support.js';

const TOKEN = 'xoxb-bench-slack';
const SECRET = 'bench-slack-signing-secret';
const CHANNEL = 'C0BENCH';
const BIN = new URL('../bin/upstream-doctor.js', import.meta.url).pathname;
const ROOT = new URL('../', import.meta.url).pathname;
/** What the floor may be exceeded by at the median. */
const TARGET_MS = 150;

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '7' },
    workers: { type: 'string', default: '2' },
    // The stand-in answers every Web API call after this long (Slack's own answers take tens of ms: at 0 the
    // Slack calls a run waits for one after the other cost almost nothing and hide).
    'slack-delay-ms': { type: 'string', default: '0' },
    json: { type: 'boolean', default: false },
  },
});
const RUNS = Number(values.runs);
const WORKERS = Number(values.workers);
const SLACK_DELAY_MS = Number(values['slack-delay-ms']);

interface Started {
  child: ChildProcess;
  /** The first log line whose msg is `msg`. */
  ready: Promise<Record<string, unknown>>;
}

/** The built binary as a process of its own, its JSON log lines read for `readyMsg`. */
function startBuilt(args: string[], env: Record<string, string>, readyMsg: string): Started {
  const child = spawn('setpriv', ['--pdeathsig', 'KILL', process.execPath, BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (c: Buffer) => {
      buffer += c.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.includes(`"${readyMsg}"`)) continue;
        resolve(JSON.parse(line) as Record<string, unknown>);
      }
    });
    child.once('exit', (code) => reject(new Error(`${args[0]} exited ${code}: ${stderr}`)));
  });
  return { child, ready };
}

function runSsh(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('ssh', args, { maxBuffer: 64 * 1024 * 1024 }, (error, _stdout, stderr) =>
      error && error.code === undefined ? reject(new Error(`ssh: ${stderr}`)) : resolve(),
    );
  });
}

/** The raw commands a diagnosis ran, as one script for `ssh host '…'` (bench/diagnose.ts's floor). */
function rawScript(snapshot: HostSnapshot): string {
  return Object.values(snapshot.results)
    .map((r) => `${r.command} >/dev/null 2>&1`)
    .join('\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** Milliseconds from sending the command to each step a run goes through. */
interface RunTimes {
  ack: number;
  parent: number;
  /** The job in Redis (its timestamp), and taken by a worker (processedOn): BullMQ's own stamps. */
  queued: number;
  pickedUp: number;
  firstInThread: number;
  rootCause: number;
  verdict: number;
}

const STEPS: (keyof RunTimes)[] = [
  'ack',
  'parent',
  'queued',
  'pickedUp',
  'firstInThread',
  'rootCause',
  'verdict',
];

/** One signed `/502 host`, timed to each step as the stand-in records the call (its waiters run at once). */
async function oneRun(
  queue: Queue,
  slack: SlackApiStandIn,
  events: string,
  host: string,
  marker: string,
  n: number,
): Promise<RunTimes> {
  const from = slack.calls.length;
  const seen: Partial<RunTimes> = {};
  let parentTs: string | undefined;
  let verdictText = '';
  const newCalls = (method: string): RecordedCall[] =>
    slack.calls.slice(from).filter((c) => c.method === method && c.status === 200);
  const body = slashCommandBody({
    text: host,
    channel_id: CHANNEL,
    response_url: slack.responseUrl(`bench-${n}`),
  });
  const t0 = performance.now();
  const t0Epoch = Date.now();
  const done = slack.waitFor(
    () => {
      const at = performance.now() - t0;
      if (parentTs === undefined) {
        const parent = newCalls('chat.postMessage').find((c) => c.args.thread_ts === undefined);
        if (!parent) return false;
        parentTs = String(parent.answer.ts);
        seen.parent ??= at;
      }
      const replies = newCalls('chat.postMessage').filter((c) => c.args.thread_ts === parentTs);
      if (replies.length > 0) seen.firstInThread ??= at;
      if (replies.some((c) => String(c.args.text ?? '').includes(marker))) seen.rootCause ??= at;
      const verdict = newCalls('chat.update').find((c) => c.args.ts === parentTs);
      if (verdict) {
        seen.verdict ??= at;
        verdictText = String(verdict.args.text ?? '');
      }
      return seen.verdict !== undefined;
    },
    120_000,
    `the verdict on ${host}`,
  );
  const ack = await postSigned(events, body, { secret: SECRET });
  if (ack.status !== 200) throw new Error(`/502 ${host}: the bot answered ${ack.status}`);
  seen.ack = ack.ms;
  await done;
  // A loaded machine can make a host answer otherwise than staged: say so rather than time a wrong answer.
  if (seen.rootCause === undefined)
    throw new Error(`/502 ${host}: no reply with ${JSON.stringify(marker)}; the verdict: ${verdictText}`);
  const job = (await queue.getJobs(['completed', 'active', 'failed'], 0, 50)).find(
    (j) => (j.data as { destination?: { threadTs?: string } }).destination?.threadTs === parentTs,
  );
  seen.queued = job ? job.timestamp - t0Epoch : NaN;
  seen.pickedUp = job?.processedOn ? job.processedOn - t0Epoch : NaN;
  return seen as RunTimes;
}

async function main(): Promise<void> {
  const lab = await Lab.create({ prefix: 'udbt' });
  const prefix = `bench-slack-${process.pid}`;
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const slack = await SlackApiStandIn.start({ token: TOKEN, delayMs: SLACK_DELAY_MS });
  const children: ChildProcess[] = [];
  let redis: Redis | undefined;
  let queue: Queue | undefined;
  try {
    const [good, broken] = await Promise.all([
      healthy.stage(lab, { name: 'web-01' }),
      portMismatch.stage(lab, { name: 'web-02' }),
    ]);
    const hosts: { host: LabHost; marker: string }[] = [
      { host: good.targetHost!, marker: 'no cause for a 502 found' },
      { host: broken.targetHost!, marker: '[upstream-port-mismatch]' },
    ];
    const loaded = await loadInventory({ path: lab.inventoryPath });
    if (!loaded.ok) throw new Error(loaded.error.join('\n'));
    const inventory = loaded.value;
    /** The diagnosis itself, in this process: the collector's visit over SSH and the analysis. */
    const diagnoseHere = async (name: string) => {
      const chosen = selectHosts(inventory, [name]);
      if (!chosen.ok) throw new Error(chosen.error.join('\n'));
      const snapshot = await collectTarget(inventory, chosen.value[0]!);
      reportOf(snapshot);
      return snapshot;
    };
    const scripts = new Map<string, string>();
    for (const { host } of hosts) scripts.set(host.name, rawScript(await diagnoseHere(host.name)));
    const sshOptions = (() => {
      const args = sshArgs(lab, 'LOGIN', []);
      return args.slice(0, args.indexOf('LOGIN'));
    })();

    const env = {
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.url,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      PORT: '0',
      WORKER_METRICS_PORT: '0',
      WORKER_METRICS_HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    };
    const bot = startBuilt(['bot', '--inventory', lab.inventoryPath], env, 'bot listening');
    const workers = Array.from({ length: WORKERS }, () =>
      startBuilt(['worker', '--inventory', lab.inventoryPath], env, 'workers started'),
    );
    children.push(bot.child, ...workers.map((w) => w.child));
    const [listening] = await Promise.all([bot.ready, ...workers.map((w) => w.ready)]);
    const events = `http://127.0.0.1:${Number(listening!.port)}/slack/events`;
    redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
    queue = new Queue(DIAGNOSE_QUEUE, { connection: redis, prefix });

    // One warm-up each (the workers' threads and SSH code loaded, Redis scripts cached), then runs that
    // alternate the bot's path and the floor, so machine noise hits both alike.
    for (const [i, { host, marker }] of hosts.entries())
      await oneRun(queue, slack, events, host.name, marker, -1 - i);
    const results = [];
    let n = 0;
    for (const { host, marker } of hosts) {
      const runs: RunTimes[] = [];
      const floor: number[] = [];
      const here: number[] = [];
      for (let r = 0; r < RUNS; r++) {
        runs.push(await oneRun(queue, slack, events, host.name, marker, n++));
        let t0 = performance.now();
        await runSsh([...sshOptions, `root@${host.address}`, scripts.get(host.name)!]);
        floor.push(performance.now() - t0);
        t0 = performance.now();
        await diagnoseHere(host.name);
        here.push(performance.now() - t0);
      }
      const steps = Object.fromEntries(
        STEPS.map((s) => [s, Math.round(median(runs.map((x) => x[s])))]),
      ) as unknown as RunTimes;
      const floorMs = Math.round(median(floor));
      results.push({
        host: host.name,
        cause: marker,
        runs: RUNS,
        rootCauseMs: steps.rootCause,
        floorMs,
        overFloorMs: steps.rootCause - floorMs,
        inProcessMs: Math.round(median(here)),
        targetMet: steps.rootCause <= floorMs + TARGET_MS,
        steps,
        rootCauseAll: runs.map((x) => Math.round(x.rootCause)),
        floorAll: floor.map((x) => Math.round(x)),
        inProcessAll: here.map((x) => Math.round(x)),
      });
    }
    if (values.json) {
      process.stdout.write(
        `${JSON.stringify({ workers: WORKERS, slackDelayMs: SLACK_DELAY_MS, results }, null, 2)}\n`,
      );
      return;
    }
    const lines = [
      `/502 → root cause in the thread: built bot, ${WORKERS} worker process${WORKERS === 1 ? '' : 'es'}, Redis, SSH to a lab host, the Slack stand-in; Slack answering in ${SLACK_DELAY_MS} ms; median of ${RUNS} runs (ms)`,
      `${'host'.padEnd(8)} ${'root cause'.padStart(10)} ${'ssh floor'.padStart(10)} ${'over floor'.padStart(10)} ${'in-process'.padStart(10)}   target (floor + ${TARGET_MS} ms)`,
    ];
    for (const r of results)
      lines.push(
        `${r.host.padEnd(8)} ${String(r.rootCauseMs).padStart(10)} ${String(r.floorMs).padStart(10)} ${String(r.overFloorMs).padStart(10)} ${String(r.inProcessMs).padStart(10)}   ${r.targetMet ? 'met' : 'MISSED'}  (${r.cause})`,
      );
    lines.push('where the time went (median ms from sending the command):');
    lines.push(`${'host'.padEnd(8)} ${STEPS.map((s) => s.padStart(13)).join(' ')}`);
    for (const r of results)
      lines.push(`${r.host.padEnd(8)} ${STEPS.map((s) => String(r.steps[s]).padStart(13)).join(' ')}`);
    lines.push('');
    process.stdout.write(lines.join('\n'));
  } finally {
    for (const c of children) c.kill('SIGKILL');
    await slack.close();
    await queue?.close();
    redis ??= new Redis(redisUrl, { maxRetriesPerRequest: 3 });
    await dropPrefix(redis, prefix);
    await redis.quit();
    await lab.teardown();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/slack: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
