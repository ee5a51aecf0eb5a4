// Records what the collector gets from every lab scenario, as fixtures for the analyzer's unit tests:
// test/fixtures/snapshots/<scenario>.json = { scenario, title, expect, snapshot }.
// Run as root: `npx tsx scripts/record-snapshots.ts [scenario…]` (default: every scenario this machine can stage).
import { mkdirSync, writeFileSync } from 'node:fs';
import { Lab } from '../lab/index.js';
import { availableScenarios } from '../lab/scenarios/index.js';
import { loadInventory, selectHosts } from '../src/inventory/index.js';
import { collectTarget } from '../src/collect/from-inventory.js';

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const scenarios = availableScenarios().filter((s) => wanted.length === 0 || wanted.includes(s.id));
  const out = new URL('../test/fixtures/snapshots/', import.meta.url);
  mkdirSync(out, { recursive: true });
  const lab = await Lab.create({ prefix: 'udrec' });
  try {
    const staged = await Promise.all(scenarios.map((s) => s.stage(lab)));
    const loaded = await loadInventory({ path: lab.inventoryPath });
    if (!loaded.ok) throw new Error(loaded.error.join('\n'));
    const inventory = loaded.value;
    await Promise.all(
      staged.map(async (s, i) => {
        const selection = selectHosts(inventory, [s.expect.target]);
        if (!selection.ok) throw new Error(selection.error.join('\n'));
        const snapshot = await collectTarget(inventory, selection.value[0]!);
        const fixture = { scenario: s.id, title: scenarios[i]!.title, expect: s.expect, snapshot };
        writeFileSync(new URL(`${s.id}.json`, out), `${JSON.stringify(fixture, null, 1)}\n`);
        process.stdout.write(`recorded ${s.id} (${snapshot.durationMs} ms)\n`);
      }),
    );
  } finally {
    await lab.teardown();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`record-snapshots: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
