// `upstream-doctor worker` processes for the queue e2e tests: run from source with tsx, on a test's own key
// prefix, with short lock and stalled-check intervals so a killed worker's job is taken over in seconds.
// Each dies with the test process (setpriv --pdeathsig), so a crashed test leaves no worker polling Redis.
import { spawn, type ChildProcess } from 'node:child_process';

const ROOT = new URL('../../../', import.meta.url).pathname;
const CLI = new URL('./queue-cli.ts', import.meta.url).pathname;

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  /** JSON log lines so far (stdout). */
  logs: Record<string, unknown>[];
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first log line for which `match` is true. */
  waitForLog(
    match: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  /** Port of /healthz and /metrics (from the log). */
  metricsPort(): Promise<number>;
}

export const FAST_RECOVERY = {
  WORKER_LOCK_DURATION_MS: '2000',
  WORKER_STALLED_INTERVAL_MS: '1000',
  HOST_LOCK_TTL_MS: '3000',
};

export function spawnWorker(options: {
  prefix: string;
  inventory: string;
  env?: Record<string, string>;
}): WorkerProcess {
  const child = spawn(
    'setpriv',
    [
      '--pdeathsig',
      'KILL',
      process.execPath,
      '--import',
      'tsx',
      CLI,
      'worker',
      '--inventory',
      options.inventory,
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        QUEUE_PREFIX: options.prefix,
        WORKER_METRICS_PORT: '0',
        WORKER_METRICS_HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        ...FAST_RECOVERY,
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const logs: Record<string, unknown>[] = [];
  const waiters: {
    match: (l: Record<string, unknown>) => boolean;
    resolve: (l: Record<string, unknown>) => void;
  }[] = [];
  let partial = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const text of lines) {
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text) as Record<string, unknown>;
      } catch {
        line = { msg: text, unparsed: true };
      }
      logs.push(line);
      for (const w of [...waiters]) {
        if (w.match(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const waitForLog = (match: (l: Record<string, unknown>) => boolean, timeoutMs = 30_000) => {
    const seen = logs.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`worker ${child.pid}: no such log line within ${timeoutMs} ms; stderr: ${stderr}`),
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
      void exited.then(() => reject(new Error(`worker ${child.pid} exited; stderr: ${stderr}`)));
    });
  };
  return {
    child,
    pid: child.pid!,
    logs,
    stderr: () => stderr,
    exited,
    waitForLog,
    metricsPort: async () =>
      Number((await waitForLog((l) => l.msg === 'serving /healthz and /metrics')).port),
  };
}

/** Starts a worker and waits until its BullMQ workers are ready. */
export async function startWorker(options: Parameters<typeof spawnWorker>[0]): Promise<WorkerProcess> {
  const w = spawnWorker(options);
  await w.waitForLog((l) => l.msg === 'workers started', 60_000);
  return w;
}

export async function stopWorker(w: WorkerProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (w.child.exitCode !== null || w.child.signalCode !== null) return;
  w.child.kill(signal);
  await w.exited;
}
