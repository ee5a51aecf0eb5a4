// The README's cause table says which lab scenario (or, where the lab cannot stage it, which test) proves
// each cause. Held here to the code and the recordings: every cause of the vocabulary has a row; every
// scenario recorded with a root cause is named in that cause's row and nowhere else; every name in the
// table is a recorded scenario; and a row without a scenario names a test file that exists.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CAUSES } from '../../../src/model/types.js';

const root = new URL('../../../', import.meta.url).pathname;
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const rows = new Map(
  [...readme.matchAll(/^\| `([a-z-]+)` \|[^\n]*\| ([^|\n]+) \|$/gm)].map((m) => [m[1]!, m[2]!.trim()]),
);
const recorded = readdirSync(join(root, 'test/fixtures/snapshots'))
  .filter((f) => f.endsWith('.json'))
  .map(
    (f) =>
      JSON.parse(readFileSync(join(root, 'test/fixtures/snapshots', f), 'utf8')) as {
        scenario: string;
        expect: { rootCause: { cause: string } | null };
      },
  );

describe("the README's cause table", () => {
  it('has a row for every cause', () => {
    expect([...rows.keys()].sort()).toEqual([...CAUSES].sort());
  });

  it("names every recorded scenario in its root cause's row, and only there", () => {
    for (const { scenario, expect: e } of recorded) {
      const named = [...rows].filter(([, cell]) => cell.includes(`\`${scenario}\``)).map(([c]) => c);
      expect(named, scenario).toEqual(e.rootCause ? [e.rootCause.cause] : []);
    }
  });

  it('names only recorded scenarios, and test files that exist where no scenario can stage the cause', () => {
    const ids = new Set(recorded.map((r) => r.scenario));
    for (const [cause, cell] of rows) {
      const scenarios = [...cell.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]!);
      for (const s of scenarios) expect(ids.has(s), `${cause}: ${s}`).toBe(true);
      if (scenarios.length === 0) {
        const file = /^(test\/\S+\.test\.ts)/.exec(cell)?.[1];
        expect(file && existsSync(join(root, file)), `${cause}: ${cell}`).toBe(true);
      }
    }
  });
});
