// `upstream-doctor demo [--scenario ID] [--json] [--list]`: the product at work in one command, with no Slack and
// no inventory. It starts a throwaway lab (network namespaces running Debian's sshd, nginx and a backend), breaks
// one host the way a scenario says, diagnoses it through the same SSH path as `diagnose`, prints the report and
// tears the lab down — also on Ctrl-C, SIGTERM and errors, so no namespace outlives the command.
import { parseArgs } from 'node:util';
import { collectTarget } from '../collect/from-inventory.js';
import { reportOf } from '../analyze/report.js';
import type { Report } from '../model/types.js';
import { loadInventory, selectHosts } from '../inventory/index.js';
import { destroyLab } from '../../lab/cleanup.js';
import { Lab } from '../../lab/lab.js';
import { LabError } from '../../lab/proc.js';
import { ALL_SCENARIOS, scenarioAvailable, scenarioById } from '../../lab/scenarios/index.js';
import type { Scenario, StagedScenario } from '../../lab/scenarios/types.js';
import { exitAfterDrain } from './exit.js';
import { type CliIo, UsageError } from './io.js';
import { printableJson } from '../text/visible.js';
import { COLOR, PLAIN, renderReport } from '../render/report-text.js';

export const DEMO_USAGE = `usage: upstream-doctor demo [--scenario ID] [--json]
       upstream-doctor demo --list

Starts a throwaway fake host with a broken nginx (network namespaces: needs root), diagnoses it over SSH
like \`diagnose\` does, prints the report and removes the fake host again.

  --scenario ID   what to break  [port-mismatch]  (--list shows them all)
  --json          print the report as JSON
  --list          list the scenarios and exit

Exit code: 0 the diagnosis named the scenario's root cause, 1 it did not, 2 the demo could not run.`;

export const DEFAULT_DEMO_SCENARIO = 'port-mismatch';
/** Names of the demo's namespaces and bridge start with this (`demo-<id>-web-01`, `demo-br<id>`). */
export const DEMO_LAB_PREFIX = 'demo';
/** The diagnosed host's inventory name: what a reader expects a web server to be called. */
const DEMO_HOST = 'web-01';
/** How long teardown waits for a scenario that is still staging when a signal comes. */
const STAGING_GRACE_MS = 20_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

export interface DemoExtras {
  /** Where a signal tears the lab down (default: this process). Tests pass an EventEmitter. */
  signals?: Pick<NodeJS.Process, 'once' | 'removeListener'>;
  /** How the process ends after a signal (default: exit once stdout and stderr drained). */
  exit?: (code: number) => void;
  /** Whether we run as root (default: process.getuid() === 0). */
  isRoot?: boolean;
}

/** One line per scenario: id, and what it breaks; the ones this machine cannot stage say why. */
export function scenarioList(scenarios: readonly Scenario[], available: (s: Scenario) => boolean): string {
  const width = Math.max(...scenarios.map((s) => s.id.length));
  return scenarios
    .map((s) => {
      const missing = available(s) ? '' : `  (needs ${s.requires ?? 'more'}, not installed here)`;
      return `${s.id.padEnd(width)}  ${s.title}${missing}`;
    })
    .join('\n');
}

export async function demo(args: string[], io: CliIo, extras: DemoExtras = {}): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        scenario: { type: 'string', default: DEFAULT_DEMO_SCENARIO },
        json: { type: 'boolean', default: false },
        list: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${DEMO_USAGE}`);
  }
  if (values.help) {
    io.stdout.write(`${DEMO_USAGE}\n`);
    return 0;
  }
  if (values.list) {
    io.stdout.write(`${scenarioList(ALL_SCENARIOS, scenarioAvailable)}\n`);
    return 0;
  }
  const scenario = scenarioById(values.scenario);
  if (!scenario)
    throw new UsageError(`no scenario '${values.scenario}': see \`upstream-doctor demo --list\``);
  const fail = (line: string): number => {
    io.stderr.write(`upstream-doctor demo: ${line}\n`);
    return 2;
  };
  if (!scenarioAvailable(scenario))
    return fail(`scenario ${scenario.id} needs ${scenario.requires ?? 'more'}, which is not installed here`);
  const isRoot = extras.isRoot ?? process.getuid?.() === 0;
  if (!isRoot)
    return fail('needs root (it creates network namespaces for a fake host): run it with sudo, or as root');

  const status = (line: string): void => {
    io.stderr.write(`${line}\n`);
  };
  const run = new DemoRun(status);
  const signals = extras.signals ?? process;
  const exit = extras.exit ?? ((code: number) => void exitAfterDrain(code));
  const onSignal = (signal: NodeJS.Signals): void => {
    status(`\n${signal}: removing the fake host…`);
    void run.teardown().finally(() => exit(signal === 'SIGINT' ? 130 : 143));
  };
  const onInt = (): void => onSignal('SIGINT');
  const onTerm = (): void => onSignal('SIGTERM');
  signals.once('SIGINT', onInt);
  signals.once('SIGTERM', onTerm);
  try {
    const staged = await run.stage(scenario);
    const report = await run.diagnose(staged);
    if (values.json) io.stdout.write(`${printableJson(report, 2)}\n`);
    else {
      const style = io.stdout.isTTY && !io.env.NO_COLOR ? COLOR : PLAIN;
      io.stdout.write(renderReport(report, style));
    }
    return judge(report, staged, status);
  } catch (err) {
    if (run.interrupted) return 130;
    return fail(err instanceof LabError || err instanceof Error ? err.message : String(err));
  } finally {
    await run.teardown();
    signals.removeListener('SIGINT', onInt);
    signals.removeListener('SIGTERM', onTerm);
  }
}

/** 0 when the report's first finding is the scenario's root cause (or a healthy host has none), else 1. */
export function judge(report: Report, staged: StagedScenario, status: (line: string) => void): number {
  const expected = staged.expect.rootCause?.cause;
  const found = report.findings.find((f) => f.severity === 'critical')?.cause;
  if (expected === undefined) {
    status(found ? `demo: expected a healthy host, but found ${found}` : 'demo: healthy host, as staged');
    return found ? 1 : 0;
  }
  const first = report.findings[0]?.cause;
  if (first === expected) {
    status(`demo: staged ${staged.id}; the diagnosis found it: ${expected}`);
    return 0;
  }
  status(
    `demo: staged ${staged.id}; expected ${expected} first, but the diagnosis said ${first ?? 'nothing'}`,
  );
  return 1;
}

/** The lab of one demo: created, staged, diagnosed, and removed exactly once whatever happens in between. */
class DemoRun {
  private creating: Promise<Lab> | undefined;
  /** The scenario being staged: a host half-created when a signal comes would make its namespace after teardown. */
  private staging: Promise<unknown> | undefined;
  private tearingDown: Promise<void> | undefined;
  interrupted = false;

  constructor(private readonly status: (line: string) => void) {}

  async stage(scenario: Scenario): Promise<StagedScenario> {
    this.status(`demo: starting a fake host (network namespace, sshd, nginx, a backend)…`);
    this.creating = Lab.create({ prefix: DEMO_LAB_PREFIX });
    const lab = await this.creating;
    if (this.interrupted) throw new Error('interrupted');
    this.status(`demo: staging ${scenario.id}: ${scenario.title}…`);
    const staging = scenario.stage(lab, { name: DEMO_HOST });
    this.staging = staging;
    const staged = await staging;
    if (this.interrupted) throw new Error('interrupted');
    return staged;
  }

  async diagnose(staged: StagedScenario): Promise<Report> {
    const lab = await this.creating!;
    const loaded = await loadInventory({ path: lab.inventoryPath, env: {} });
    if (!loaded.ok) throw new Error(`the lab's inventory: ${loaded.error.join('; ')}`);
    const selection = selectHosts(loaded.value, [staged.expect.target]);
    if (!selection.ok) throw new Error(`the lab's inventory: ${selection.error.join('; ')}`);
    const target = selection.value[0]!;
    this.status(`demo: diagnosing ${target.name} over SSH (${target.user}@${target.address})…`);
    // An empty environment: the lab's key only, never the developer's agent or passphrase variables.
    const snapshot = await collectTarget(loaded.value, target, { env: {} });
    return reportOf(snapshot);
  }

  /** Removes the lab; safe to call while it is still being created or staged, and more than once. */
  teardown(): Promise<void> {
    if (this.tearingDown) return this.tearingDown;
    this.interrupted = true;
    this.tearingDown = (async () => {
      const lab = await this.creating?.catch(() => undefined);
      if (!lab) return;
      // Let a host being added finish (bounded), so that teardown sees everything it made.
      await Promise.race([this.staging?.catch(() => undefined), sleep(STAGING_GRACE_MS)]);
      await lab.teardown();
      // Anything a host still being added made after teardown looked (when the grace ran out).
      await destroyLab(lab.prefix, lab.id);
    })();
    return this.tearingDown;
  }
}
