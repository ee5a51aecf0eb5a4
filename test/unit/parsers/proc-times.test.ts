// When processes started, to the tick: the collector's own ud-proc-times script run here for real (sh,
// date, getconf, /proc), on a process whose name is built to break a naive reading of /proc/PID/stat
// (spaces, a ")" and digits in comm), and the parser's answer held to what the kernel and ps say.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROC_TIMES_ARGV0, PROC_TIMES_SCRIPT } from '../../../src/collect/commands.js';
import { parseProcTimes } from '../../../src/parsers/proc-times.js';

const dir = mkdtempSync(join(tmpdir(), 'ud-proc-times-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function procTimes(pids: number[], env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync('sh', ['-c', PROC_TIMES_SCRIPT, PROC_TIMES_ARGV0, ...pids.map(String)], {
    encoding: 'utf8',
    env,
  });
}

/** A PATH on which date, getconf and cat each take 300 ms to start, as on a host under heavy load. */
function slowPath(): string {
  const bin = join(dir, 'slow-bin');
  mkdirSync(bin, { recursive: true });
  for (const tool of ['date', 'getconf', 'cat']) {
    const real = execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
    writeFileSync(join(bin, tool), `#!/bin/sh\nsleep 0.3\nexec ${real} "$@"\n`, { mode: 0o755 });
  }
  return `${bin}:${process.env.PATH ?? ''}`;
}

describe('parseProcTimes (the real script, this machine)', () => {
  it('gives a start to the hundredth, hostile comm and all, matching ps to the second', async () => {
    const hostile = join(dir, 'x) 0 0 (y 7');
    copyFileSync('/bin/sleep', hostile);
    const before = Date.now() / 1000;
    const child = spawn(hostile, ['30'], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 300));
    try {
      const text = procTimes([child.pid!, 999_999_999]);
      expect(text).toContain(`(x) 0 0 (y 7)`);
      const times = parseProcTimes(text)!;
      const started = times.startedAt.get(child.pid!)!;
      expect(started).toBeGreaterThan(before - 0.05);
      expect(started).toBeLessThan(before + 0.3);
      expect(started % 1).not.toBe(0); // not whole seconds (a start exactly on a second is 1 in 100)
      const etimes = Number(
        execFileSync('ps', ['-o', 'etimes=', '-p', String(child.pid)], { encoding: 'utf8' }),
      );
      expect(Math.abs(times.now - etimes - started)).toBeLessThanOrEqual(1.01);
      expect(times.startedAt.has(999_999_999)).toBe(false);
    } finally {
      child.kill();
    }
  });

  it('on a loaded host (every command slow to start) a start is never put before the real one', async () => {
    const before = Date.now() / 1000;
    const child = spawn('/bin/sleep', ['30'], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 100));
    try {
      const times = parseProcTimes(procTimes([child.pid!], { ...process.env, PATH: slowPath() }))!;
      // Earlier than the real start would make a config written just before it look changed after it.
      expect(times.startedAt.get(child.pid!)!).toBeGreaterThan(before - 0.05);
    } finally {
      child.kill();
    }
  });

  it("refuses output that is not the script's, and skips lines that are not stat lines", () => {
    expect(parseProcTimes('')).toBeUndefined();
    expect(parseProcTimes('now\n100\n1.0 2.0\n')).toBeUndefined();
    expect(parseProcTimes('1796285440.35\n0\n3109.86 2469.21\n')).toBeUndefined();
    const t = parseProcTimes(
      '1000.50\n100\n500.25 1.00\n12 (a) b) S' + ' 0'.repeat(18) + ' 2500\ngarbage\n13 (z\n',
    )!;
    expect(t.startedAt.get(12)).toBeCloseTo(1000.5 - 500.25 + 25, 6);
    expect([...t.startedAt.keys()]).toEqual([12]);
  });
});
