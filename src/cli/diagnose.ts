// `upstream-doctor diagnose HOST… [--inventory F] [--json] [--local] [--timeout S]`: collect → analyze →
// print, for several hosts at once. Exit code: the worst of the hosts' (0 healthy, 1 critical findings, 2
// could not diagnose). `--summary` prints the hosts grouped by root cause, file:line and edit instead (as the
// Slack sweep shows them: src/render/fleet-text.ts), and exits the same. The visits and the reading of their output run in worker threads (the pool the
// worker uses), so the deadline below fires on time whatever a host printed: the hosts that finished are
// reported, the others "could not be diagnosed in N s".
import { setMaxListeners } from 'node:events';
import { availableParallelism, hostname } from 'node:os';
import { parseArgs } from 'node:util';
import type { Report } from '../model/types.js';
import { exitCodeOf, timedOutReport } from '../analyze/report-outcome.js';
import type { workerEnvSchema } from '../workers/settings.js';
import { DiagnosisPool, type ThreadDiagnosisJob } from '../workers/diagnosis-pool.js';
import { type CliIo, UsageError } from './io.js';
import { printableJson, visibleText } from '../text/visible.js';
import { COLOR, PLAIN, renderReport } from '../render/report-text.js';
import { Progress } from './progress.js';
import { groupReports } from '../analyze/fleet.js';
import { renderFleetSummary } from '../render/fleet-text.js';

export const DIAGNOSE_USAGE = `usage: upstream-doctor diagnose HOST… [--inventory FILE] [--json | --summary] [--timeout SECONDS]
       upstream-doctor diagnose --local [--json] [--timeout SECONDS]

  HOST       an inventory name, a glob (web-*), or tag:NAME
  --inventory FILE   the inventory (default: $UPSTREAM_DOCTOR_INVENTORY, else ./hosts.yml)
  --json     print the report as JSON (an array when several hosts are asked)
  --summary  print the hosts grouped by root cause, file:line and edit (one line per group, its hosts,
             the shared evidence and fix once), as a Slack fleet sweep shows them; exit code as without it
  --local    diagnose this machine, without SSH
  --timeout SECONDS  deadline of the whole run (default: $DIAGNOSE_TIMEOUT_MS in ms, else 120 s); a host
             not diagnosed by then is reported as "could not be diagnosed in N s" (exit code 2)`;

/** The run's deadline in ms: --timeout (seconds), else DIAGNOSE_TIMEOUT_MS as the worker reads it. */
function deadlineMs(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  schema: typeof workerEnvSchema,
): number {
  if (flag !== undefined) {
    const seconds = /^\d+(\.\d+)?$/.test(flag.trim()) ? Number(flag) : NaN;
    if (!(seconds >= 1 && seconds <= 3600))
      throw new UsageError(`--timeout: expected seconds from 1 to 3600 (got ${JSON.stringify(flag)})`);
    return Math.round(seconds * 1000);
  }
  const fromEnv = schema.shape.DIAGNOSE_TIMEOUT_MS.safeParse(env.DIAGNOSE_TIMEOUT_MS);
  if (!fromEnv.success) throw new UsageError(`DIAGNOSE_TIMEOUT_MS: ${fromEnv.error.issues[0]!.message}`);
  return fromEnv.data;
}

/** Thrown into a host's run when the deadline passes (the pool rejects with the signal's reason). */
class DeadlinePassed extends Error {
  override name = 'DeadlinePassed';
}

export async function diagnose(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        inventory: { type: 'string' },
        json: { type: 'boolean', default: false },
        summary: { type: 'boolean', default: false },
        local: { type: 'boolean', default: false },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${DIAGNOSE_USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(`${DIAGNOSE_USAGE}\n`);
    return 0;
  }
  if (values.json && values.summary) throw new UsageError('--json and --summary: choose one');
  if (values.local && positionals.length > 0)
    throw new UsageError('--local diagnoses this machine: give no HOST with it');
  if (!values.local && positionals.length === 0)
    throw new UsageError(`name at least one host\n${DIAGNOSE_USAGE}`);

  // The first thread boots (loads ssh2 and the parsers) while this one loads zod and yaml (imported only
  // now, so the thread starts first) and reads the inventory.
  const pool = new DiagnosisPool(1);
  let limitMs: number;
  try {
    limitMs = deadlineMs(values.timeout, io.env, (await import('../workers/settings.js')).workerEnvSchema);
  } catch (err) {
    await pool.close();
    throw err;
  }

  type Job = { name: string; address: string; thread: ThreadDiagnosisJob };
  let jobs: Job[];
  if (values.local) {
    const local = { name: hostname(), address: 'localhost' };
    jobs = [{ ...local, thread: { kind: 'local', target: local } }];
  } else {
    const { loadInventory, selectHosts } = await import('../inventory/index.js');
    const loaded = await loadInventory({ path: values.inventory, env: io.env });
    if (!loaded.ok) {
      for (const e of loaded.error) io.stderr.write(`upstream-doctor diagnose: ${visibleText(e)}\n`);
      await pool.close();
      return 2;
    }
    const inventory = loaded.value;
    const selection = selectHosts(inventory, positionals);
    if (!selection.ok) {
      for (const e of selection.error) io.stderr.write(`upstream-doctor diagnose: ${visibleText(e)}\n`);
      await pool.close();
      return 2;
    }
    const env = { ...io.env };
    jobs = selection.value.map((t) => ({
      name: t.name,
      address: t.address,
      thread: { kind: 'ssh', inventory, target: t, env },
    }));
  }

  const progress = new Progress(
    io.stderr,
    jobs.map((j) => j.name),
  );
  // Hosts share threads (their visits wait on the network, not the CPU); one thread per core at most.
  pool.grow(Math.min(jobs.length, availableParallelism()));
  const started = new Date();
  const deadline = new AbortController();
  // Every host's job listens for the deadline.
  setMaxListeners(jobs.length + 10, deadline.signal);
  const timer = setTimeout(() => deadline.abort(new DeadlinePassed()), limitMs);
  let reports: Report[];
  try {
    reports = await Promise.all(
      jobs.map(async (job) => {
        const report = await pool
          .run(job.thread, { signal: deadline.signal, onProgress: (step) => progress.update(job.name, step) })
          .then(
            (answer) => answer.report,
            (err: unknown) => {
              // After the deadline every unfinished host times out (a thread it shared was terminated too).
              if (!deadline.signal.aborted) throw err;
              return timedOutReport(
                job,
                started,
                limitMs,
                values.timeout ? '--timeout' : 'DIAGNOSE_TIMEOUT_MS',
              );
            },
          );
        progress.done(job.name);
        return report;
      }),
    );
  } finally {
    clearTimeout(timer);
    progress.clear();
    await pool.close();
  }

  if (values.summary) {
    const style = io.stdout.isTTY && !io.env.NO_COLOR ? COLOR : PLAIN;
    io.stdout.write(renderFleetSummary(groupReports(reports), style));
  } else if (values.json) {
    // One plain host name (or --local) asks for one report; several names, a glob or a tag for an array.
    const single = values.local || (positionals.length === 1 && !/[*?]|^tag:/.test(positionals[0]!));
    io.stdout.write(`${printableJson(single ? reports[0] : reports, 2)}\n`);
  } else {
    const style = io.stdout.isTTY && !io.env.NO_COLOR ? COLOR : PLAIN;
    io.stdout.write(reports.map((r) => renderReport(r, style)).join('\n'));
  }
  return Math.max(...reports.map(exitCodeOf));
}
