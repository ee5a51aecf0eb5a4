// `upstream-doctor diagnose HOST… [--inventory F] [--json] [--local]`: collect → analyze → print, for several
// hosts at once. Exit code: the worst of the hosts' (0 healthy, 1 critical findings, 2 could not diagnose).
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import type { HostSnapshot, Report } from '../core/types.js';
import { exitCodeOf, reportOf } from '../core/report.js';
import { collect } from '../collect/collect.js';
import { collectTarget } from '../collect/from-inventory.js';
import { loadInventory, selectHosts } from '../inventory/index.js';
import { LocalTransport } from '../transport/local.js';
import { type CliIo, UsageError } from './io.js';
import { COLOR, PLAIN, printableJson, renderReport, visibleText } from './render-text.js';
import { Progress } from './progress.js';

export const DIAGNOSE_USAGE = `usage: upstream-doctor diagnose HOST… [--inventory FILE] [--json]
       upstream-doctor diagnose --local [--json]

  HOST       an inventory name, a glob (web-*), or tag:NAME
  --inventory FILE   the inventory (default: $UPSTREAM_DOCTOR_INVENTORY, else ./hosts.yml)
  --json     print the report as JSON (an array when several hosts are asked)
  --local    diagnose this machine, without SSH`;

export async function diagnose(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        inventory: { type: 'string' },
        json: { type: 'boolean', default: false },
        local: { type: 'boolean', default: false },
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
  if (values.local && positionals.length > 0)
    throw new UsageError('--local diagnoses this machine: give no HOST with it');
  if (!values.local && positionals.length === 0)
    throw new UsageError(`name at least one host\n${DIAGNOSE_USAGE}`);

  type Job = { name: string; snapshot: (onProgress: (step: string) => void) => Promise<HostSnapshot> };
  let jobs: Job[];
  if (values.local) {
    const local = { name: hostname(), address: 'localhost' };
    jobs = [
      { name: local.name, snapshot: (onProgress) => collect(new LocalTransport(), local, { onProgress }) },
    ];
  } else {
    const loaded = await loadInventory({ path: values.inventory, env: io.env });
    if (!loaded.ok) {
      for (const e of loaded.errors) io.stderr.write(`upstream-doctor diagnose: ${visibleText(e)}\n`);
      return 2;
    }
    const inventory = loaded.inventory;
    const selection = selectHosts(inventory, positionals);
    if (!selection.ok) {
      for (const e of selection.errors) io.stderr.write(`upstream-doctor diagnose: ${visibleText(e)}\n`);
      return 2;
    }
    jobs = selection.targets.map((t) => ({
      name: t.name,
      snapshot: (onProgress) => collectTarget(inventory, t, { env: io.env, onProgress }),
    }));
  }

  const progress = new Progress(
    io.stderr,
    jobs.map((j) => j.name),
  );
  const reports: Report[] = await Promise.all(
    jobs.map(async (job) => {
      const snapshot = await job.snapshot((step) => progress.update(job.name, step));
      const report = reportOf(snapshot);
      progress.done(job.name);
      return report;
    }),
  );
  progress.clear();

  if (values.json) {
    // One plain host name (or --local) asks for one report; several names, a glob or a tag for an array.
    const single = values.local || (positionals.length === 1 && !/[*?]|^tag:/.test(positionals[0]!));
    io.stdout.write(`${printableJson(single ? reports[0] : reports, 2)}\n`);
  } else {
    const style = io.stdout.isTTY && !io.env.NO_COLOR ? COLOR : PLAIN;
    io.stdout.write(reports.map((r) => renderReport(r, style)).join('\n'));
  }
  return Math.max(...reports.map(exitCodeOf));
}
