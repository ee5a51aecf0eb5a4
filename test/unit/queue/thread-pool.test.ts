// The thread pool that keeps host output off the worker's main thread: a job that spins (the backtracking
// include glob of issue 12, on a real thread) ends at its deadline, the main thread's HTTP server answers
// all the while, and the pool replaces the terminated thread so the next job runs.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { startHealthServer, type HealthServer } from '../../../src/health/server.js';
import { startEarly, ThreadLost, ThreadPool } from '../../../src/workers/thread-pool.js';
import type { SpinJob } from '../../support/spin-thread.js';

const ENTRY = new URL('../../support/spin-thread.ts', import.meta.url);
let pool: ThreadPool<SpinJob, string> | undefined;
let health: HealthServer | undefined;

afterEach(async () => {
  await pool?.close();
  await health?.close();
  pool = undefined;
  health = undefined;
});

/** GET /healthz every `everyMs` until `until` settles; each poll's time to answer. */
async function pollHealth(port: number, until: Promise<unknown>, everyMs: number): Promise<number[]> {
  const times: number[] = [];
  let done = false;
  void until.finally(() => (done = true)).catch(() => undefined);
  while (!done) {
    const started = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(5_000) });
    expect(res.status).toBe(200);
    times.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return times;
}

describe('ThreadPool', () => {
  it('a spinning job ends at its deadline, /healthz answers throughout, and the next job gets a fresh thread', async () => {
    pool = new ThreadPool<SpinJob, string>(ENTRY, { size: 1 });
    expect(await pool.run({ kind: 'echo', text: 'warm' })).toBe('warm');
    health = await startHealthServer({
      port: 0,
      host: '127.0.0.1',
      health: async () => ({ ok: true }),
      metrics: { text: async () => '', contentType: 'text/plain' },
    });
    const steps: string[] = [];
    const started = performance.now();
    const spinning = pool.run(
      { kind: 'backtrack', stars: 40, name: 'a'.repeat(250) },
      { signal: AbortSignal.timeout(1_500), onProgress: (s) => steps.push(s) },
    );
    const polls = pollHealth(health.port, spinning, 100);
    await expect(spinning).rejects.toMatchObject({ name: 'TimeoutError' });
    const elapsed = performance.now() - started;
    const times = await polls;
    expect(steps).toEqual(['backtracking']);
    // The deadline fired on time although the thread never yielded (generous bounds: a loaded machine).
    expect(elapsed).toBeGreaterThanOrEqual(1_400);
    expect(elapsed).toBeLessThan(4_000);
    expect(times.length).toBeGreaterThanOrEqual(8);
    expect(Math.max(...times)).toBeLessThan(1_000);
    expect(await pool.run({ kind: 'echo', text: 'after' })).toBe('after');
  });

  it('jobs on a thread that is terminated fail with ThreadLost; jobs on other threads carry on', async () => {
    pool = new ThreadPool<SpinJob, string>(ENTRY, { size: 2 });
    const deadline = new AbortController();
    const doomed = pool.run(
      { kind: 'backtrack', stars: 40, name: 'a'.repeat(250) },
      { signal: deadline.signal },
    );
    // The least busy thread: the other one.
    const other = pool.run({ kind: 'backtrack', stars: 2, name: 'aaab' });
    expect(await other).toBe('true');
    deadline.abort(new Error('deadline'));
    await expect(doomed).rejects.toThrow('deadline');
    expect(pool.busy()).toBe(0);
    const closing = expect(
      pool.run({ kind: 'backtrack', stars: 40, name: 'a'.repeat(250) }),
    ).rejects.toBeInstanceOf(ThreadLost);
    await pool.close();
    await closing;
    await expect(pool.run({ kind: 'echo', text: 'x' })).rejects.toThrow('closed');
  });

  it('takes a thread started early (the CLI starts it before loading itself) instead of starting one', async () => {
    const early = startEarly(ENTRY);
    pool = new ThreadPool<SpinJob, string>(ENTRY, { size: 1 });
    expect(await pool.run({ kind: 'thread' })).toBe(String(early.threadId));
  });

  it('does not take an early thread that ended before the pool was made, nor one for another heap limit', async () => {
    const ended = startEarly(ENTRY);
    await new Promise((resolve) => ended.once('online', resolve));
    await ended.terminate();
    const otherLimit = startEarly(ENTRY, 256);
    pool = new ThreadPool<SpinJob, string>(ENTRY, { size: 1 });
    const used = await pool.run({ kind: 'thread' });
    expect(used).not.toBe(String(ended.threadId));
    expect(used).not.toBe(String(otherLimit.threadId));
    await otherLimit.terminate();
  });
});

describe('an early thread nobody takes', () => {
  it('does not keep the process alive (a usage error or --help exits at once)', async () => {
    const program = `import { startEarly } from ${JSON.stringify(new URL('../../../src/workers/thread-pool.ts', import.meta.url).href)};
startEarly(new URL(${JSON.stringify(ENTRY.href)}));
process.stdout.write('started\\n');`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', program],
      { timeout: 20_000 },
    );
    expect(stdout).toBe('started\n');
  });
});
