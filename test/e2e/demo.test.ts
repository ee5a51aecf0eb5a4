// End to end: the built `upstream-doctor demo` binary stages a broken fake host, names its root cause over
// real SSH, and leaves no namespace, bridge or lab directory behind — after a normal run and after Ctrl-C.
import { execFile, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/model/types.js';
import { DEMO_LAB_PREFIX } from '../../src/cli/demo.js';

const BIN = new URL('../../bin/upstream-doctor.js', import.meta.url).pathname;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { encoding: 'utf8', timeout: 90_000, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => resolve({ code: error ? (error.code as number | null) : 0, stdout, stderr }),
    );
  });
}

/** The demo's namespaces and bridges that exist now. */
function demoLeftovers(): string[] {
  const netns = (() => {
    try {
      return readdirSync('/run/netns');
    } catch {
      return [];
    }
  })();
  const links = readdirSync('/sys/class/net');
  return [...netns, ...links].filter((n) => n.startsWith(`${DEMO_LAB_PREFIX}-`));
}

describe('upstream-doctor demo', () => {
  it('diagnoses the port mismatch it staged, prints the human report, and removes the fake host', async () => {
    expect(demoLeftovers()).toEqual([]);
    const run = await cli(['demo']);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^web-01 \(10\.213\.\d+\.\d+, \d+ ms\): 1 cause of 502/);
    expect(run.stdout).toContain('[upstream-port-mismatch]');
    expect(run.stdout).toContain('/etc/nginx/conf.d/shop.conf:2');
    expect(run.stdout).toContain('+    server 127.0.0.1:3000 max_fails=3;');
    // The progress lines go to stderr, so stdout is the report alone.
    expect(run.stderr).toContain('demo: staging port-mismatch');
    expect(run.stderr).toContain('the diagnosis found it: upstream-port-mismatch');
    expect(demoLeftovers()).toEqual([]);
  }, 90_000);

  it('--json --scenario prints the report of the scenario asked for', async () => {
    const run = await cli(['demo', '--json', '--scenario', 'config-invalid']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.target).toBe('web-01');
    expect(report.findings[0]?.cause).toBe('nginx-config-invalid');
    expect(demoLeftovers()).toEqual([]);
  }, 90_000);

  it('Ctrl-C while the fake host is being staged removes it and exits 130', async () => {
    const child = spawn(process.execPath, [BIN, 'demo'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`never started staging: ${stderr}`)), 30_000);
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('demo: staging')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain('SIGINT: removing the fake host');
    expect(demoLeftovers()).toEqual([]);
  }, 60_000);
});
