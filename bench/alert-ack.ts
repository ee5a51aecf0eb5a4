// How fast the bot answers Alertmanager's webhook while Slack or Redis are in trouble, next to its own
// /healthz (the anchor: a request the bot answers without any work), both asked of the same bot process,
// interleaved. Alertmanager retries on 5xx and times out; the answer must not wait for the work it starts.
// Two runs: Slack answering every call after `--slack-delay-ms` (default 3000), and Redis unreachable
// (REDIS_URL to a closed port: the claim of every alert waits for a connection that never comes). Each alert
// names a different inventory host, so each starts its own work (a claim, a parent message, a job).
// Run: `npx tsx bench/alert-ack.ts [--requests 100] [--warmup 10] [--slack-delay-ms 3000] [--json]`.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { alertmanagerBody } from '../test/support/alertmanager.js';
import { SlackApiStandIn } from '../test/support/slack-api.js';
import { dropPrefix } from '../test/unit/queue/support.js';

const TOKEN = 'xoxb-bench-alerts';
const ALERT_TOKEN = 'bench-alert-webhook-token-0123456789';
const CLI = new URL('../test/support/cli.ts', import.meta.url).pathname;

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '100' },
    warmup: { type: 'string', default: '10' },
    'slack-delay-ms': { type: 'string', default: '3000' },
    json: { type: 'boolean', default: false },
  },
});

function startBot(env: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn('setpriv', ['--pdeathsig', 'KILL', process.execPath, '--import', 'tsx', CLI, 'bot'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (c: Buffer) => {
      buffer += c.toString();
      for (const line of buffer.split('\n'))
        if (line.includes('"bot listening"'))
          resolve({ child, port: Number((JSON.parse(line) as { port: number }).port) });
    });
    child.once('exit', (code) => reject(new Error(`bot exited ${code}: ${stderr}`)));
  });
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
function summary(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 100) / 100;
  return { n: s.length, p50: r(percentile(s, 50)), p99: r(percentile(s, 99)), max: r(s.at(-1)!) };
}

async function timed(url: string, init?: RequestInit): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(url, init);
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - t0 };
}

async function run(scenario: 'slow-slack' | 'redis-down', hosts: number, warmup: number, requests: number) {
  const delayMs = Number(values['slack-delay-ms']);
  const slack = await SlackApiStandIn.start({
    token: TOKEN,
    ...(scenario === 'slow-slack' ? { delayMs } : {}),
  });
  const dir = mkdtempSync(join(tmpdir(), 'upstream-doctor-bench-alerts-'));
  const inventory = join(dir, 'hosts.yml');
  writeFileSync(
    inventory,
    `hosts:\n${Array.from({ length: hosts }, (_, i) => `  web-${i + 1}: { address: 10.9.${Math.floor(i / 250)}.${(i % 250) + 1} }`).join('\n')}\n`,
  );
  const redisUrl =
    scenario === 'redis-down' ? 'redis://127.0.0.1:1' : (process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const prefix = `bench-alert-ack-${process.pid}`;
  const bot = await startBot({
    SLACK_BOT_TOKEN: TOKEN,
    SLACK_SIGNING_SECRET: 'bench-secret',
    SLACK_API_URL: slack.url,
    PORT: '0',
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    UPSTREAM_DOCTOR_INVENTORY: inventory,
    ALERT_WEBHOOK_TOKEN: ALERT_TOKEN,
    ALERT_CHANNEL: 'C0ALERTS',
    // 'bot listening' is an info line.
    LOG_LEVEL: 'info',
  });
  const base = `http://127.0.0.1:${bot.port}`;
  const times = { alert: [] as number[], healthz: [] as number[] };
  let failures = 0;
  try {
    for (let i = 0; i < warmup + requests; i++) {
      const body = JSON.stringify(
        alertmanagerBody([
          {
            status: 'firing',
            alertname: 'Nginx502',
            instance: `web-${i + 1}:9113`,
            summary: 'bench',
            fingerprint: `${scenario === 'redis-down' ? 'd' : 's'}${String(i).padStart(15, '0')}`,
          },
        ]),
      );
      const alert = () =>
        timed(`${base}/alerts/alertmanager`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ALERT_TOKEN}`, 'content-type': 'application/json' },
          body,
        });
      const health = () => timed(`${base}/healthz`);
      // Alternate which goes first, so neither always follows the other's work.
      let a: { status: number; ms: number };
      let h: { status: number; ms: number };
      if (i % 2 === 0) {
        a = await alert();
        h = await health();
      } else {
        h = await health();
        a = await alert();
      }
      if (a.status !== 200 || h.status !== 200) failures += 1;
      if (i >= warmup) {
        times.alert.push(a.ms);
        times.healthz.push(h.ms);
      }
    }
    return { scenario, failures, alert: summary(times.alert), healthz: summary(times.healthz) };
  } finally {
    bot.child.kill('SIGKILL');
    await slack.close();
    rmSync(dir, { recursive: true, force: true });
    if (scenario === 'slow-slack') {
      const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
      await dropPrefix(redis, prefix);
      await redis.quit();
    }
  }
}

const requests = Number(values.requests);
const warmup = Number(values.warmup);
const results = [];
for (const scenario of ['slow-slack', 'redis-down'] as const)
  results.push(await run(scenario, warmup + requests, warmup, requests));
if (values.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
else {
  const row = (name: string, s: ReturnType<typeof summary>) =>
    `  ${name.padEnd(26)} ${String(s.p50).padStart(8)} ${String(s.p99).padStart(8)} ${String(s.max).padStart(8)}`;
  const lines = [
    `answer latency (ms) of ${requests} Alertmanager webhooks, each a new alert on its own host, after ${warmup} warm-up`,
  ];
  for (const r of results) {
    lines.push(
      r.scenario === 'slow-slack'
        ? `Slack answering after ${values['slack-delay-ms']} ms, ${r.failures} non-200 answers:`
        : `Redis unreachable, ${r.failures} non-200 answers:`,
      `  ${''.padEnd(26)} ${'p50'.padStart(8)} ${'p99'.padStart(8)} ${'max'.padStart(8)}`,
      row('POST /alerts/alertmanager', r.alert),
      row('GET /healthz (anchor)', r.healthz),
    );
  }
  lines.push(
    `target: every answer within 1000 ms: ${results.every((r) => r.alert.max < 1000 && r.failures === 0) ? 'met' : 'MISSED'}`,
    '',
  );
  process.stdout.write(lines.join('\n'));
}
