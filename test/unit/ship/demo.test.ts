// `upstream-doctor demo` without a lab: options, the scenario list, the root check and the verdict.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { demo, judge, scenarioList } from '../../../src/cli/demo.js';
import type { CliIo } from '../../../src/cli/io.js';
import { main } from '../../../src/cli/main.js';
import type { Finding, Report } from '../../../src/model/types.js';
import { ALL_SCENARIOS, type StagedScenario } from '../../../lab/scenarios/index.js';

function io(): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    stdin: new PassThrough(),
    env: {},
    out: () => out,
    err: () => err,
  };
}

const finding = (cause: Finding['cause'], severity: Finding['severity'] = 'critical'): Finding => ({
  cause,
  severity,
  title: cause,
  detail: '',
  evidence: [],
});
const report = (findings: Finding[]): Report => ({
  target: 'web-01',
  host: '10.0.0.1',
  startedAt: '2026-11-23T00:00:00.000Z',
  durationMs: 1,
  findings,
});
const staged = (cause: Finding['cause'] | null): StagedScenario => ({
  id: 'x',
  hosts: [],
  expect: { target: 'web-01', exitCode: cause ? 1 : 0, rootCause: cause ? { cause, evidence: [] } : null },
  symptoms: { statuses: [] },
  warmed: [],
});

describe('demo command', () => {
  it('refuses to run without root in one line, exit 2, before touching anything', async () => {
    const t = io();
    expect(await demo([], t, { isRoot: false })).toBe(2);
    expect(t.err()).toMatch(/^upstream-doctor demo: needs root .*\n$/);
    expect(t.err().split('\n')).toHaveLength(2);
    expect(t.out()).toBe('');
  });

  it('--list names every scenario, port-mismatch among them, without root', async () => {
    const t = io();
    expect(await demo(['--list'], t, { isRoot: false })).toBe(0);
    const lines = t.out().trimEnd().split('\n');
    expect(lines).toHaveLength(ALL_SCENARIOS.length);
    expect(lines.some((l) => /^port-mismatch\s+the upstream block says/.test(l))).toBe(true);
  });

  it('marks scenarios this machine cannot stage', () => {
    const text = scenarioList(ALL_SCENARIOS, (s) => s.id !== 'php-fpm-socket-missing');
    const line = text.split('\n').find((l) => l.startsWith('php-fpm-socket-missing'));
    expect(line).toContain('not installed here');
  });

  it('an unknown scenario is a usage error (exit 2) naming --list', async () => {
    const t = io();
    expect(await main(['demo', '--scenario', 'nope'], t)).toBe(2);
    expect(t.err()).toContain("no scenario 'nope'");
    expect(t.err()).toContain('demo --list');
  });

  it('--help prints the usage and the top-level help lists demo and doctor', async () => {
    const t = io();
    expect(await main(['demo', '--help'], t)).toBe(0);
    expect(t.out()).toContain('--scenario ID');
    const h = io();
    expect(await main(['help'], h)).toBe(0);
    expect(h.out()).toMatch(/^\s+demo /m);
    expect(h.out()).toMatch(/^\s+doctor /m);
  });
});

describe('judge', () => {
  const quiet = (): void => undefined;
  it('0 when the first finding is the staged root cause', () => {
    expect(judge(report([finding('upstream-port-mismatch')]), staged('upstream-port-mismatch'), quiet)).toBe(
      0,
    );
  });
  it('1 when the diagnosis names another cause first, or nothing', () => {
    const lines: string[] = [];
    const say = (l: string): void => void lines.push(l);
    expect(judge(report([finding('upstream-not-listening')]), staged('upstream-port-mismatch'), say)).toBe(1);
    expect(judge(report([]), staged('upstream-port-mismatch'), say)).toBe(1);
    expect(lines[0]).toContain('upstream-not-listening');
    expect(lines[1]).toContain('nothing');
  });
  it('a healthy scenario passes with warnings only and fails with a critical finding', () => {
    expect(judge(report([finding('resolver-missing', 'warning')]), staged(null), quiet)).toBe(0);
    expect(judge(report([finding('upstream-timeout')]), staged(null), quiet)).toBe(1);
  });
});
