// `upstream-doctor worker` processes for the queue e2e tests, on a test's own key prefix, with short lock and
// stalled-check intervals so a killed worker's job is taken over in seconds (see cli-processes.ts for how
// they run). startWorker's processes record what each requester hears (recording-worker.ts) for the test
// to read (recorder.ts); spawnWorker runs the command as shipped, for what it does before it works.
import { spawnCli, type CliProcess } from '../../support/cli-processes.js';

const RECORDING_WORKER = new URL('../../support/recording-worker.ts', import.meta.url).pathname;

export interface WorkerProcess extends CliProcess {
  pid: number;
  /** Port of /healthz and /metrics (from the log). */
  metricsPort(): Promise<number>;
}

export const FAST_RECOVERY = {
  WORKER_LOCK_DURATION_MS: '2000',
  WORKER_STALLED_INTERVAL_MS: '1000',
  HOST_LOCK_TTL_MS: '3000',
};

interface WorkerOptions {
  prefix: string;
  inventory: string;
  env?: Record<string, string>;
}

function workerProcess(p: CliProcess): WorkerProcess {
  return {
    ...p,
    pid: p.child.pid!,
    metricsPort: async () =>
      Number((await p.waitForLog((l) => l.msg === 'serving /healthz and /metrics')).port),
  };
}

function workerEnv(options: WorkerOptions): Record<string, string> {
  return {
    QUEUE_PREFIX: options.prefix,
    WORKER_METRICS_PORT: '0',
    WORKER_METRICS_HOST: '127.0.0.1',
    ...FAST_RECOVERY,
    ...options.env,
  };
}

/** `upstream-doctor worker` as shipped (its Slack answers would go to SLACK_API_URL). */
export function spawnWorker(options: WorkerOptions): WorkerProcess {
  return workerProcess(spawnCli(['worker', '--inventory', options.inventory], workerEnv(options)));
}

/** A worker whose requesters are recorded, once its BullMQ workers are ready. */
export async function startWorker(options: WorkerOptions): Promise<WorkerProcess> {
  const w = workerProcess(spawnCli(['--inventory', options.inventory], workerEnv(options), RECORDING_WORKER));
  await w.waitForLog((l) => l.msg === 'workers started', 60_000);
  return w;
}

export async function stopWorker(w: WorkerProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  await w.stop(signal);
}
