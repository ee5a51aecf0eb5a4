// End to end: the real `upstream-doctor diagnose` binary, over real SSH, against every lab scenario.
// Each diagnosis must name the staged root cause with its evidence and fix, exit with the design's code,
// and leave the host's /etc/nginx byte-identical.
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab, type LabHost } from '../../lab/index.js';
import { availableScenarios, healthy, type StagedScenario } from '../../lab/scenarios/index.js';
import { loadInventory, selectHosts } from '../../src/inventory/index.js';
import { collectTarget } from '../../src/collect/from-inventory.js';
import { ERROR_LOG_TAIL_BYTES } from '../../src/collect/commands.js';
import type { Report } from '../../src/model/types.js';
import { expectReportMeets } from '../support/expectation.js';

const BIN = new URL('../../bin/upstream-doctor.js', import.meta.url).pathname;
const scenarios = availableScenarios();
let lab: Lab;
const staged = new Map<string, StagedScenario>();
const before = new Map<string, string>();

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1', ...env } },
      (error, stdout, stderr) => resolve({ code: error ? (error.code as number | null) : 0, stdout, stderr }),
    );
  });
}

/** Every file under /etc/nginx with its sha256, as the host sees it. */
async function nginxTree(host: LabHost): Promise<string> {
  const r = await host.exec(['sh', '-c', 'find /etc/nginx -type f -print0 | sort -z | xargs -0 sha256sum']);
  return r.stdout;
}

beforeAll(async () => {
  lab = await Lab.create({ prefix: 'udd' });
  const results = await Promise.all(scenarios.map((s) => s.stage(lab)));
  for (const s of results) {
    staged.set(s.id, s);
    for (const host of s.hosts) before.set(host.name, await nginxTree(host));
  }
}, 240_000);

afterAll(async () => {
  await lab?.teardown();
});

describe('upstream-doctor diagnose against lab hosts', () => {
  it.each(scenarios.map((s) => s.id))('%s', async (id) => {
    const s = staged.get(id)!;
    const run = await cli(['diagnose', '--inventory', lab.inventoryPath, '--json', s.expect.target]);
    expect(run.stderr).not.toMatch(/\n\s+at /); // never a stack trace
    const report = JSON.parse(run.stdout) as Report;
    expect(report.target).toBe(s.expect.target);
    expectReportMeets(report, s.expect);
    expect(run.code).toBe(s.expect.exitCode);
    if (s.expect.unreachable) {
      const finding = report.findings[0]!;
      expect(finding.cause).toBe('host-unreachable');
      if (s.expect.unreachable.messageIncludes)
        expect(finding.detail).toContain(s.expect.unreachable.messageIncludes);
    }
    for (const host of s.hosts)
      expect(await nginxTree(host), `${host.name}: /etc/nginx changed`).toBe(before.get(host.name));
  });

  it('diagnoses several hosts at once: a JSON array in the order asked, the worst exit code', async () => {
    const run = await cli([
      'diagnose',
      '--inventory',
      lab.inventoryPath,
      '--json',
      'healthy',
      'port-mismatch',
      'host-down',
    ]);
    const reports = JSON.parse(run.stdout) as Report[];
    expect(reports.map((r) => r.target)).toEqual(['healthy', 'port-mismatch', 'host-down']);
    expect(run.code).toBe(2);
  });

  it('prints the root cause first for a human, without colour when not a terminal', async () => {
    const run = await cli(['diagnose', '--inventory', lab.inventoryPath, 'port-mismatch']);
    expect(run.code).toBe(1);
    expect(run.stdout.split('\n')[2]).toContain('upstream-port-mismatch');
    expect(run.stdout).toContain('+    server 127.0.0.1:3000 max_fails=3;');
    expect(run.stdout).not.toContain('\u001b[');
  });

  it('refuses an unknown host with close matches, and a missing inventory with its path', async () => {
    const unknown = await cli(['diagnose', '--inventory', lab.inventoryPath, 'port-mismatc']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('port-mismatch');
    const missing = await cli(['diagnose', '--inventory', '/nonexistent/hosts.yml', 'web-01']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('/nonexistent/hosts.yml');
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('bounded reads', () => {
  it('reads only the tail of a 1 GB error log', async () => {
    const staged = await healthy.stage(lab, { name: 'big-log' });
    const host = staged.targetHost!;
    // A sparse gigabyte, then one real line at its end: tail -c reads the end, never the whole file.
    await host.execOk(['truncate', '-s', '1G', '/var/log/nginx/error.log']);
    await host.execOk([
      'sh',
      '-c',
      'echo "2026/11/23 10:00:00 [error] 1#1: *1 the last line" >> /var/log/nginx/error.log',
    ]);
    const loaded = await loadInventory({ path: lab.inventoryPath });
    if (!loaded.ok) throw new Error(loaded.error.join('\n'));
    const selection = selectHosts(loaded.value, ['big-log']);
    if (!selection.ok) throw new Error(selection.error.join('\n'));
    const snapshot = await collectTarget(loaded.value, selection.value[0]!);
    const log = snapshot.results['error-log:/var/log/nginx/error.log']!;
    expect(log.exitCode).toBe(0);
    expect(log.stdout.length).toBe(ERROR_LOG_TAIL_BYTES);
    expect(log.stdout.trimEnd().endsWith('the last line')).toBe(true);
  });
});
