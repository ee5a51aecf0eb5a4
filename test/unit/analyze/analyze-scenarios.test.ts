// The analyzer over snapshots recorded from the lab's fake hosts (scripts/record-snapshots.ts): every
// cause the lab can stage is a positive case here, and every other scenario is a negative case for it.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { HostSnapshot } from '../../../src/model/types.js';
import type { Expectation } from '../../../lab/scenarios/types.js';
import { reportOf } from '../../../src/analyze/report.js';
import { expectReportMeets } from '../../support/expectation.js';

interface Fixture {
  scenario: string;
  title: string;
  expect: Expectation;
  snapshot: HostSnapshot;
}

const dir = new URL('../../fixtures/snapshots/', import.meta.url);
const fixtures: Fixture[] = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as Fixture);

describe('analyzer over recorded lab snapshots', () => {
  it('has a recording for every staged scenario', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(26);
  });

  it.each(fixtures.map((f) => [f.scenario, f] as const))('%s', (_id, fixture) => {
    expectReportMeets(reportOf(fixture.snapshot), fixture.expect);
  });

  it('reports a cause only where it was staged (negative cases)', () => {
    const rootOf = new Map(fixtures.map((f) => [f.scenario, reportOf(f.snapshot).findings[0]]));
    for (const f of fixtures) {
      const staged = f.expect.rootCause?.cause;
      const root = rootOf.get(f.scenario);
      if (staged === undefined) expect(root?.severity ?? 'none', f.scenario).not.toBe('critical');
      else expect(root?.cause, f.scenario).toBe(staged);
    }
  });
});
