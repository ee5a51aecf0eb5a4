// Reports of recorded lab scenarios (test/fixtures/snapshots/), renamed to any host: a fleet of them for the
// sweep's grouping and rendering tests, analysed as a worker would.
import { readFileSync } from 'node:fs';
import { reportOf } from '../../src/analyze/report.js';
import type { HostSnapshot, Report } from '../../src/model/types.js';

const dir = new URL('../fixtures/snapshots/', import.meta.url);
const cache = new Map<string, Report>();

/** The report of recorded scenario `id` (e.g. 'port-mismatch'), as diagnosed on host `name`. */
export function recordedReport(id: string, name: string): Report {
  let report = cache.get(id);
  if (!report) {
    const { snapshot } = JSON.parse(readFileSync(new URL(`${id}.json`, dir), 'utf8')) as {
      snapshot: HostSnapshot;
    };
    report = reportOf(snapshot);
    cache.set(id, report);
  }
  return { ...structuredClone(report), target: name };
}
