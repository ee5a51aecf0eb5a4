// How long a diagnosis takes, next to how long plain OpenSSH and parallel-ssh take to run the same raw
// commands on the same fake hosts: one host (target: within 1.5x of one `ssh`) and 20 hosts at once (target:
// within 1.5x of `parallel-ssh`). Run as root: `npx tsx bench/diagnose.ts [--hosts 20] [--runs 5]`.
import { parseArgs } from 'node:util';
import { Lab, type LabHost } from '../lab/index.js';
import { healthy } from '../lab/scenarios/index.js';
import { loadInventory, selectHosts, type Inventory } from '../src/inventory/index.js';
import { collectTarget } from '../src/collect/from-inventory.js';
import { reportOf } from '../src/analyze/report.js';
import type { HostSnapshot } from '../src/model/types.js';
import { median, parallelSsh, rawScript, run, sshOptions, timed } from './ssh-baseline.js';

const { values } = parseArgs({
  options: { hosts: { type: 'string', default: '20' }, runs: { type: 'string', default: '5' } },
});
const HOSTS = Number(values.hosts);
const RUNS = Number(values.runs);

async function diagnoseAll(inventory: Inventory, names: string[]): Promise<HostSnapshot[]> {
  const selection = selectHosts(inventory, names);
  if (!selection.ok) throw new Error(selection.error.join('\n'));
  return Promise.all(
    selection.value.map(async (t) => {
      const snapshot = await collectTarget(inventory, t);
      reportOf(snapshot);
      return snapshot;
    }),
  );
}

async function main(): Promise<void> {
  const lab = await Lab.create({ prefix: 'udbench' });
  try {
    const hosts: LabHost[] = [];
    for (let i = 0; i < HOSTS; i += 5) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(5, HOSTS - i) }, (_, j) =>
          healthy.stage(lab, { name: `web-${String(i + j + 1).padStart(2, '0')}` }),
        ),
      );
      hosts.push(...batch.map((s) => s.targetHost!));
    }
    const loaded = await loadInventory({ path: lab.inventoryPath });
    if (!loaded.ok) throw new Error(loaded.error.join('\n'));
    const inventory = loaded.value;
    const names = hosts.map((h) => h.name);
    const [first] = await diagnoseAll(inventory, [names[0]!]);
    const script = rawScript(first!);
    const commands = Object.keys(first!.results).length;

    // One host.
    const one: number[] = [];
    const oneSsh: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      one.push(await timed(() => diagnoseAll(inventory, [names[0]!])));
      oneSsh.push(await timed(() => run('ssh', [...sshOptions(lab), `root@${hosts[0]!.address}`, script])));
    }

    // Every host at once.
    const hostsFile = '/tmp/udbench-hosts';
    const many: number[] = [];
    const manyPssh: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      many.push(await timed(() => diagnoseAll(inventory, names)));
      manyPssh.push(await timed(() => parallelSsh(lab, hosts, script, hostsFile)));
    }

    const row = (label: string, ours: number[], theirs: number[], baseline: string) =>
      `${label.padEnd(26)} upstream-doctor ${median(ours).toFixed(0).padStart(6)} ms   ${baseline.padEnd(13)} ${median(theirs).toFixed(0).padStart(6)} ms   ratio ${(median(ours) / median(theirs)).toFixed(2)}x`;
    process.stdout.write(
      [
        `diagnose benchmark: ${commands} commands a host, median of ${RUNS} runs`,
        row('1 host', one, oneSsh, 'ssh'),
        row(`${HOSTS} hosts at once`, many, manyPssh, 'parallel-ssh'),
        '',
      ].join('\n'),
    );
  } finally {
    await lab.teardown();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/diagnose: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
