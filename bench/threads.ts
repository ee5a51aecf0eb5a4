// What running diagnoses in worker threads costs, beside an anchor in the same process: starting a pool
// thread (loading ssh2 and the parsers) and one job's round trip (post, structured clone of a real
// report), against reading and analysing a recorded snapshot in this thread. Also the pathological include
// glob of issue 12 through the linear matcher. Figures, not assertions.
// Run: node --import tsx bench/threads.ts   (from source: the thread loads through tsx, so start-up is slower
// than with the build; run `node dist/…` figures via the built worker in production)
import { readFileSync } from 'node:fs';
import type { HostSnapshot } from '../src/model/types.js';
import { reportOf } from '../src/analyze/report.js';
import { componentMatcher } from '../src/parsers/nginx/glob.js';
import { ThreadPool } from '../src/workers/thread-pool.js';
import type { SpinJob } from '../test/support/spin-thread.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(2)} ms`;

const snapshot = (
  JSON.parse(
    readFileSync(new URL('../test/fixtures/snapshots/port-mismatch.json', import.meta.url), 'utf8'),
  ) as {
    snapshot: HostSnapshot;
  }
).snapshot;
const anchor: number[] = [];
for (let i = 0; i < 30; i++) {
  const t = performance.now();
  reportOf(snapshot);
  anchor.push(performance.now() - t);
}
console.log(`anchor: reportOf(recorded port-mismatch snapshot) in this thread   ${ms(median(anchor))}`);

const STARS = `a${'*a'.repeat(40)}*b`;
const glob: number[] = [];
for (let i = 0; i < 30; i++) {
  const t = performance.now();
  componentMatcher(STARS)('a'.repeat(250));
  glob.push(performance.now() - t);
}
console.log(`include glob a*a*…*b (40 stars) vs a 250-character name            ${ms(median(glob))}`);

const entry = new URL('../test/support/spin-thread.ts', import.meta.url);
const starts: number[] = [];
for (let i = 0; i < 3; i++) {
  const t = performance.now();
  const pool = new ThreadPool<SpinJob, string>(entry, { size: 1 });
  await pool.run({ kind: 'echo', text: 'ready' });
  starts.push(performance.now() - t);
  await pool.close();
}
console.log(`thread start to first answer (tsx from source)                     ${ms(median(starts))}`);

const pool = new ThreadPool<SpinJob, string>(entry, { size: 1 });
await pool.run({ kind: 'echo', text: 'warm' });
const report = JSON.stringify(reportOf(snapshot));
const trips: number[] = [];
for (let i = 0; i < 200; i++) {
  const t = performance.now();
  await pool.run({ kind: 'echo', text: report });
  trips.push(performance.now() - t);
}
console.log(
  `warm thread: one job's round trip with a report (${report.length} B) each way ${ms(median(trips))}`,
);
await pool.close();
