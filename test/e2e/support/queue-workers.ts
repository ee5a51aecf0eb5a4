// `upstream-doctor worker` processes for the queue e2e tests, on a test's own key prefix, with short lock and
// stalled-check intervals so a killed worker's job is taken over in seconds (see cli-processes.ts for how
// they run).
import { spawnCli, type CliProcess } from '../../support/cli-processes.js';

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

export function spawnWorker(options: {
  prefix: string;
  inventory: string;
  env?: Record<string, string>;
}): WorkerProcess {
  const p = spawnCli(['worker', '--inventory', options.inventory], {
    QUEUE_PREFIX: options.prefix,
    WORKER_METRICS_PORT: '0',
    WORKER_METRICS_HOST: '127.0.0.1',
    ...FAST_RECOVERY,
    ...options.env,
  });
  return {
    ...p,
    pid: p.child.pid!,
    metricsPort: async () =>
      Number((await p.waitForLog((l) => l.msg === 'serving /healthz and /metrics')).port),
  };
}

/** Starts a worker and waits until its BullMQ workers are ready. */
export async function startWorker(options: Parameters<typeof spawnWorker>[0]): Promise<WorkerProcess> {
  const w = spawnWorker(options);
  await w.waitForLog((l) => l.msg === 'workers started', 60_000);
  return w;
}

export async function stopWorker(w: WorkerProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  await w.stop(signal);
}
