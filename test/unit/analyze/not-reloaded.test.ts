// "Not reloaded" at the edges of the second, over snapshots recorded from the lab (scripts/record-snapshots.ts):
// edit-after-reload fixed the port on disk 1.1 s after a reload, with no request after the edit (so the error
// log cannot give nginx away); deploy-within-second wrote and reloaded in the same second. The workers'
// start to the tick (ud-proc-times) and mtimes to the nanosecond tell both apart; the whole seconds of ps,
// which is all a host without ud-proc-times' answer leaves (hidepid), miss the first — the blind spot
// this closes — and the error log, when it has a line after the edit, proves it without any clock.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { HostSnapshot } from '../../../src/model/types.js';
import { reportOf } from '../../../src/analyze/report.js';
import { readSnapshot } from '../../../src/read/snapshot.js';

const recorded = (name: string): HostSnapshot =>
  (
    JSON.parse(readFileSync(new URL(`../../fixtures/snapshots/${name}.json`, import.meta.url), 'utf8')) as {
      snapshot: HostSnapshot;
    }
  ).snapshot;

function without(snapshot: HostSnapshot, ...ids: string[]): HostSnapshot {
  const results = Object.fromEntries(Object.entries(snapshot.results).filter(([id]) => !ids.includes(id)));
  return { ...snapshot, results };
}

const causes = (s: HostSnapshot) => reportOf(s).findings.map((f) => f.cause);

describe('config-not-reloaded to the sub-second', () => {
  it('edit-after-reload: seen from the workers’ start to the tick, with the tick-precise time in evidence', () => {
    const snapshot = recorded('edit-after-reload');
    const loadedAt = readSnapshot(snapshot).nginx.loadedAt!;
    expect(loadedAt.precise).toBe(true);
    expect(loadedAt.epoch % 1).not.toBe(0);
    const root = reportOf(snapshot).findings[0]!;
    expect(root.cause).toBe('config-not-reloaded');
    expect(root.evidence.find((e) => e.source === '/proc/PID/stat')?.text).toMatch(
      /workers started .*\.\d{3}Z/,
    );
  });

  it('edit-after-reload: missed with whole seconds (ps, and stat as %Y printed it), the blind spot closed', () => {
    const snapshot = without(recorded('edit-after-reload'), 'proc-times');
    const stat = snapshot.results.stat!;
    const wholeSeconds = { ...stat, stdout: stat.stdout.replace(/\.\d{9}$/gm, '') };
    const old = { ...snapshot, results: { ...snapshot.results, stat: wholeSeconds } };
    expect(readSnapshot(old).nginx.loadedAt?.precise).toBe(false);
    expect(causes(old)).not.toContain('config-not-reloaded');
    // The nanoseconds of the mtime alone already tell it here; the tick does where ps's rounding lands wrong.
    expect(causes(snapshot)).toContain('config-not-reloaded');
  });

  it('deploy-within-second: clean, to the tick and with whole seconds', () => {
    const snapshot = recorded('deploy-within-second');
    expect(causes(snapshot)).not.toContain('config-not-reloaded');
    expect(causes(without(snapshot, 'proc-times'))).not.toContain('config-not-reloaded');
  });

  it('the error log outweighs the clock: a line after the edit naming a target the disk no longer has', () => {
    // config-not-reloaded's recording has 502s to 127.0.0.1:8000 logged after the port became 3000 on disk.
    // Make the clocks say the workers started just now (after the edit): the log still proves otherwise.
    const snapshot = without(recorded('config-not-reloaded'), 'proc-times');
    const ps = snapshot.results.ps!;
    const justStarted = ps.stdout.replace(/^(\s*\d+\s+\d+\s+\S+\s+)\d+(\s+nginx: worker process)/gm, '$10$2');
    expect(justStarted).not.toBe(ps.stdout);
    const clockSaysReloaded = {
      ...snapshot,
      results: { ...snapshot.results, ps: { ...ps, stdout: justStarted } },
    };
    const root = reportOf(clockSaysReloaded).findings[0]!;
    expect(root.cause).toBe('config-not-reloaded');
    expect(root.evidence.some((e) => e.source === 'error.log' && e.text.includes('127.0.0.1:8000'))).toBe(
      true,
    );
  });
});
