// How long approving a fix takes on the host, step by step: "Run nginx -t" on a candidate, an apply that
// fixes the 502 (backup → write → rename → nginx -t → reload → verify), and an apply that does not fix it and
// is rolled back. Over real SSH to a lab host (port mismatch), as root: `npx tsx bench/apply.ts [--runs 5]`.
// The apply's verification waits on purpose (RELOAD_SETTLE_MS for the new workers, VERIFY_WINDOW_MS for late
// errors in the log): the figures print them apart from the work.
import { parseArgs } from 'node:util';
import { collectTarget } from '../src/collect/from-inventory.js';
import { reportOf } from '../src/analyze/report.js';
import { loadInventory } from '../src/inventory/index.js';
import { Lab } from '../lab/index.js';
import { portMismatch, SHOP_CONF } from '../lab/scenarios/index.js';
import { applyPlan, type ApplyOptions } from '../src/remediate/apply.js';
import { testPlan } from '../src/remediate/test-plan.js';
import { planFromFinding, type Plan } from '../src/remediate/plan.js';
import { SshTransport } from '../src/transport/ssh.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const RUNS = Number(values.runs);
const WAITS: ApplyOptions = { reloadSettleMs: 1000, verifyWindowMs: 1500 };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${Math.round(x)} ms`;

const lab = await Lab.create({ prefix: 'udba' });
const stop = () => void lab.teardown().finally(() => process.exit(130));
process.once('SIGINT', stop);
try {
  const host = (await portMismatch.stage(lab, { name: 'bench-01', warm: false })).targetHost!;
  const original = await host.readFile(SHOP_CONF);
  const loaded = await loadInventory({ path: lab.inventoryPath });
  if (!loaded.ok) throw new Error(loaded.error.join('\n'));
  const inventory = loaded.value;
  const target = inventory.hosts[0]!;

  const planFor = async (after?: string): Promise<Plan> => {
    const snapshot = await collectTarget(inventory, target);
    const root = reportOf(snapshot).findings[0]!;
    const edit = root.fix!.edit!;
    const finding = after ? { ...root, fix: { ...root.fix!, edit: { ...edit, after } } } : root;
    const built = planFromFinding(finding, snapshot, { requestedBy: 'bench' });
    if (!built.ok) throw new Error(built.error);
    return built.value;
  };
  /** One SSH connection per action, as the runner opens one per job. */
  const onHost = async <T>(fn: (t: SshTransport) => Promise<T>): Promise<{ ms: number; value: T }> => {
    const t0 = performance.now();
    const t = new SshTransport(target, { env: process.env });
    await t.connect();
    try {
      const value = await fn(t);
      return { ms: performance.now() - t0, value };
    } finally {
      await t.close();
    }
  };
  const restore = async () => {
    await host.writeFile(SHOP_CONF, original);
    await host.execOk(['nginx', '-s', 'reload']);
  };

  const figures = { test: [] as number[], apply: [] as number[], rollback: [] as number[] };
  const steps = new Map<string, number[]>();
  for (let i = 0; i < RUNS; i++) {
    const plan = await planFor();
    const tested = await onHost((t) => testPlan(t, plan));
    if (tested.value.status !== 'passed') throw new Error(tested.value.summary);
    figures.test.push(tested.ms);

    let last = performance.now();
    const applied = await onHost((t) =>
      applyPlan(t, plan, {
        ...WAITS,
        onStep: (s) => {
          const now = performance.now();
          steps.set(s.step, [...(steps.get(s.step) ?? []), now - last]);
          last = now;
        },
      }),
    );
    if (applied.value.status !== 'applied') throw new Error(applied.value.summary);
    figures.apply.push(applied.ms);
    await restore();

    const dead = await planFor(plan.before.replace('127.0.0.1:8000', '127.0.0.1:3999'));
    const rolled = await onHost((t) => applyPlan(t, dead, WAITS));
    if (rolled.value.status !== 'rolled-back') throw new Error(rolled.value.summary);
    figures.rollback.push(rolled.ms);
    await host.execOk(['sh', '-c', 'rm -f /etc/nginx/conf.d/.shop.conf.ud-backup-*']);
  }

  const waits = (WAITS.reloadSettleMs ?? 0) + (WAITS.verifyWindowMs ?? 0);
  console.log(`apply bench: ${RUNS} runs over SSH to a lab host (medians; each includes its SSH connect)`);
  console.log(`  Run nginx -t (candidate in a private mount namespace): ${ms(median(figures.test))}`);
  console.log(
    `  apply that fixes the 502:   ${ms(median(figures.apply))} (of which ${ms(waits)} deliberate waits: settle ${WAITS.reloadSettleMs} ms + log window ${WAITS.verifyWindowMs} ms)`,
  );
  console.log(`  apply that is rolled back:  ${ms(median(figures.rollback))}`);
  console.log('  apply steps (time since the previous step ended):');
  for (const [step, xs] of steps) console.log(`    ${step.padEnd(10)} ${ms(median(xs))}`);
} finally {
  await lab.teardown();
}
