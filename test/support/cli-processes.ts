// `upstream-doctor` commands (bot, worker, …) as real processes, from source through cli.ts (so tests run the code
// under test, not the last build), with their JSON log lines parsed as they come. Each dies with the test
// process (setpriv --pdeathsig), so a crashed test leaves nothing polling Redis. Another entry from source
// (recording-worker.ts) runs the same way.
import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Redis } from 'ioredis';
import { dropPrefix } from '../unit/queue/support.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const CLI = new URL('./cli.ts', import.meta.url).pathname;

export type LogLine = Record<string, unknown>;

export interface CliProcess {
  child: ChildProcess;
  logs: LogLine[];
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The first log line (so far or to come) for which `match` holds. */
  waitForLog(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `entry` with `args` (cli.ts: the upstream-doctor command, its subcommand first). */
export function spawnCli(args: string[], env: Record<string, string>, entry = CLI): CliProcess {
  const name = entry === CLI ? args[0] : basename(entry, '.ts');
  const child = spawn(
    'setpriv',
    ['--pdeathsig', 'KILL', process.execPath, '--import', 'tsx', entry, ...args],
    {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const logs: LogLine[] = [];
  const waiters: { match: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];
  let partial = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const text of lines) {
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        line = { msg: text, unparsed: true };
      }
      logs.push(line);
      for (const w of [...waiters])
        if (w.match(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
    }
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const waitForLog = (match: (l: LogLine) => boolean, timeoutMs = 30_000) => {
    const seen = logs.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise<LogLine>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`${name} ${child.pid}: no such log line within ${timeoutMs} ms; stderr: ${stderr}`),
          ),
        timeoutMs,
      );
      waiters.push({
        match,
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`${name} ${child.pid} exited; stderr: ${stderr}`));
      });
    });
  };
  return {
    child,
    logs,
    stderr: () => stderr,
    exited,
    waitForLog,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Runs the command to its end: exit code, stdout, stderr. */
export async function runCli(
  args: string[],
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = spawnCli(args, env);
  let stdout = '';
  p.child.stdout!.on('data', (c: string) => (stdout += c));
  const timer = setTimeout(() => p.child.kill('SIGKILL'), timeoutMs);
  const { code } = await p.exited;
  clearTimeout(timer);
  return { code, stdout, stderr: p.stderr() };
}

/** The environment of a bot and a worker against the Slack stand-in and a test's Redis prefix. */
export function cliEnv(o: {
  token: string;
  secret: string;
  slackUrl: string;
  redisUrl: string;
  prefix: string;
}): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: o.token,
    SLACK_SIGNING_SECRET: o.secret,
    SLACK_API_URL: o.slackUrl,
    REDIS_URL: o.redisUrl,
    QUEUE_PREFIX: o.prefix,
    PORT: '0',
    WORKER_METRICS_PORT: '0',
    WORKER_METRICS_HOST: '127.0.0.1',
  };
}

/** A bot (HTTP mode) and a worker on one inventory, both ready; `events` is the bot's Slack endpoint. */
export async function startBotAndWorker(
  inventory: string,
  env: Record<string, string>,
): Promise<{ bot: CliProcess; worker: CliProcess; events: string }> {
  const worker = spawnCli(['worker', '--inventory', inventory], env);
  const bot = spawnCli(['bot', '--inventory', inventory], env);
  const [listening] = await Promise.all([
    bot.waitForLog((l) => l.msg === 'bot listening', 60_000),
    worker.waitForLog((l) => l.msg === 'workers started', 60_000),
  ]);
  return { bot, worker, events: `http://127.0.0.1:${Number(listening.port)}/slack/events` };
}

/** What a bot-and-worker test started; any part may be missing (its beforeAll stopped half-way). */
export interface BotAndWorkerRun {
  bot?: CliProcess;
  worker?: CliProcess;
  slack?: { close(): Promise<void> };
  lab?: { teardown(): Promise<void> };
  redis?: Redis;
  prefix: string;
  dir?: string;
}

/** Stops the processes, then the stand-in and the lab, and removes the test's Redis keys and its directory. */
export async function tearDownBotAndWorker(run: BotAndWorkerRun): Promise<void> {
  await Promise.all([run.bot?.stop(), run.worker?.stop()]);
  await run.slack?.close();
  await run.lab?.teardown();
  if (run.redis) {
    await dropPrefix(run.redis, run.prefix);
    await run.redis.quit();
  }
  if (run.dir) await rm(run.dir, { recursive: true, force: true });
}
