// Whatever a host prints, the analyzer answers with a report: random or truncated output in any command
// never throws (hostile or broken hosts must not crash a worker).
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import type { HostSnapshot } from '../../../src/model/types.js';
import { reportOf } from '../../../src/analyze/report.js';

const load = (name: string) =>
  (
    JSON.parse(readFileSync(new URL(`../../fixtures/snapshots/${name}.json`, import.meta.url), 'utf8')) as {
      snapshot: HostSnapshot;
    }
  ).snapshot;
const bases = ['healthy', 'port-mismatch', 'firewall-reject', 'unix-socket-permission', 'config-invalid'].map(
  load,
);

describe('analyzer robustness', () => {
  it('never throws when any command printed something else, or was cut short', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: bases.length - 1 }),
        fc.array(
          fc.tuple(
            fc.nat(),
            fc.oneof(
              fc.string({ maxLength: 400 }),
              fc.constantFrom('', '\n', '{', '}', ';', '# configuration file /x:\n}'),
            ),
            fc.boolean(),
            fc.option(fc.integer({ min: -1, max: 255 }), { nil: null }),
          ),
          { maxLength: 6 },
        ),
        (which, edits) => {
          const base = bases[which]!;
          const results = structuredClone(base.results);
          const ids = Object.keys(results);
          for (const [i, text, truncate, exitCode] of edits) {
            const r = results[ids[i % ids.length]!]!;
            r.stdout = truncate ? r.stdout.slice(0, i % (r.stdout.length + 1)) : text;
            r.exitCode = exitCode;
          }
          reportOf({ ...base, results, peers: base.peers });
        },
      ),
      { numRuns: 300 },
    );
  });
});
