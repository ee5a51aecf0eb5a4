// expectationMismatches: what the end-to-end suite uses to hold a diagnosis to a scenario.
import { describe, expect, it } from 'vitest';
import type { Finding, Report } from '../../../src/model/types.js';
import { expectationMismatches, type Expectation } from './index.js';

const edit = {
  file: '/etc/nginx/conf.d/shop.conf',
  line: 2,
  before: '    server 127.0.0.1:8000 max_fails=3;',
  after: '    server 127.0.0.1:3000 max_fails=3;',
};

const expectation: Expectation = {
  target: 'web-01',
  exitCode: 1,
  rootCause: {
    cause: 'upstream-port-mismatch',
    evidence: [{ file: edit.file, line: 2 }, { textIncludes: '127.0.0.1:3000' }],
    fix: { edit, summaryIncludes: ['3000'] },
  },
};

const finding: Finding = {
  cause: 'upstream-port-mismatch',
  severity: 'critical',
  title: 'nginx proxies to 127.0.0.1:8000, but node listens on 127.0.0.1:3000',
  detail: '…',
  evidence: [
    { source: 'nginx -T', file: edit.file, line: 2, text: 'server 127.0.0.1:8000 max_fails=3;' },
    { source: 'ss', text: 'LISTEN 0 511 127.0.0.1:3000 0.0.0.0:* users:(("node",pid=8,fd=18))' },
  ],
  fix: { summary: 'Point the upstream at 127.0.0.1:3000', edit },
};

const report = (findings: Finding[], target = 'web-01'): Report => ({
  target,
  host: '10.213.1.10',
  startedAt: '2026-11-23T10:00:00Z',
  durationMs: 1,
  findings,
});

describe('expectationMismatches', () => {
  it('accepts a report that says what the scenario expects', () => {
    expect(expectationMismatches(report([finding]), expectation, 1)).toEqual([]);
  });

  it('names every difference: exit code, target, cause, evidence, edit, fix words', () => {
    const wrong: Finding = {
      ...finding,
      cause: 'upstream-not-listening',
      evidence: [{ source: 'nginx -T', file: edit.file, line: 3, text: 'x' }],
      fix: { summary: 'Start the backend' },
    };
    const problems = expectationMismatches(report([wrong], 'web-02'), expectation, 2);
    expect(problems).toHaveLength(7);
    expect(problems.join('\n')).toMatch(/exit code 2, expected 1/);
    expect(problems.join('\n')).toMatch(/report is for web-02/);
    expect(problems.join('\n')).toMatch(/expected upstream-port-mismatch first, got upstream-not-listening/);
    expect(problems.join('\n')).toMatch(/no evidence matching .*"line":2/);
    expect(problems.join('\n')).toMatch(/no evidence matching .*127\.0\.0\.1:3000/);
    expect(problems.join('\n')).toMatch(/fix edit undefined/);
    expect(problems.join('\n')).toMatch(/fix does not mention "3000"/);
  });

  it('a root cause must come first and be critical', () => {
    const warning: Finding = { ...finding, cause: 'selinux-denies-connect', severity: 'warning' };
    expect(expectationMismatches(report([warning, finding]), expectation)).toContain(
      `expected upstream-port-mismatch first, got selinux-denies-connect (warning): ${finding.title}`,
    );
    expect(expectationMismatches(report([]), expectation)).toEqual([
      'expected upstream-port-mismatch first, got no findings',
    ]);
  });

  it('healthy: warnings are fine, a critical finding is not', () => {
    const healthy: Expectation = { target: 'web-01', exitCode: 0, rootCause: null };
    expect(expectationMismatches(report([{ ...finding, severity: 'warning' }]), healthy, 0)).toEqual([]);
    expect(expectationMismatches(report([finding]), healthy, 1)).toHaveLength(2);
  });

  it('unreachable hosts: the reason and the fingerprint must be in the finding', () => {
    const unreachable: Expectation = {
      target: 'web-01',
      exitCode: 2,
      rootCause: { cause: 'host-unreachable', evidence: [] },
      unreachable: { reasons: ['host-key'], messageIncludes: 'SHA256:abc' },
    };
    const said = (detail: string): Finding => ({
      cause: 'host-unreachable',
      severity: 'critical',
      title: 'Could not diagnose web-01',
      detail,
      evidence: [],
    });
    expect(
      expectationMismatches(report([said('HOST KEY CHANGED: offered SHA256:abc')]), unreachable, 2),
    ).toEqual([]);
    expect(expectationMismatches(report([said('connection refused')]), unreachable, 2)).toEqual([
      'unreachable finding does not say host-key: Could not diagnose web-01',
      'unreachable finding does not mention SHA256:abc',
    ]);
  });

  it('a finding about another host must name it', () => {
    const onApp: Expectation = {
      target: 'web-01',
      exitCode: 1,
      rootCause: { cause: 'upstream-port-mismatch', host: 'app-01', evidence: [] },
    };
    expect(expectationMismatches(report([finding]), onApp)).toEqual([
      'finding is about host (the target), expected app-01',
    ]);
    expect(expectationMismatches(report([{ ...finding, host: 'app-01' }]), onApp)).toEqual([]);
  });
});
