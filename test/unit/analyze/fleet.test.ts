import { describe, expect, it } from 'vitest';
import {
  editChange,
  failedVerdict,
  groupReports,
  groupVerdicts,
  JOB_FAILED,
  verdictOf,
  VERDICT_LIMITS,
} from '../../../src/analyze/fleet.js';
import type { Report } from '../../../src/model/types.js';
import { recordedReport } from '../../support/fleet-reports.js';

const fleet = (): Report[] => [
  ...Array.from({ length: 20 }, (_, i) => recordedReport('healthy', `web-${i + 1}`)),
  ...[23, 21, 22].map((i) => recordedReport('port-mismatch', `web-${i}`)),
  recordedReport('nginx-not-running', 'web-30'),
  recordedReport('host-down', 'web-31'),
  recordedReport('ssh-refused', 'web-32'),
];

describe('groupReports', () => {
  it('one group per root cause + file:line + edit; healthy and not-diagnosed one group each; worst exit', () => {
    const summary = groupReports(fleet());
    expect(summary.total).toBe(26);
    expect(summary.exitCode).toBe(2);
    const lines = summary.groups.map((g) => [g.status, g.cause, g.file, g.line, g.hosts]);
    expect(lines).toEqual([
      ['failing', 'upstream-port-mismatch', '/etc/nginx/conf.d/shop.conf', 2, ['web-21', 'web-22', 'web-23']],
      ['failing', 'nginx-not-running', undefined, undefined, ['web-30']],
      ['undiagnosed', 'host-unreachable', undefined, undefined, ['web-31', 'web-32']],
      ['healthy', undefined, undefined, undefined, Array.from({ length: 20 }, (_, i) => `web-${i + 1}`)],
    ]);
    const mismatch = summary.groups[0]!;
    expect(mismatch.edit).toMatchObject({ before: '    server 127.0.0.1:8000 max_fails=3;' });
    expect(editChange(mismatch.edit!)).toBe('8000 → 3000');
    expect(mismatch.example.evidence.length).toBeGreaterThan(0);
  });

  it('a different edit of the same cause and line is another group', () => {
    const other = recordedReport('port-mismatch', 'web-40');
    other.findings[0]!.fix!.edit!.after = '    server 127.0.0.1:4000 max_fails=3;';
    const summary = groupReports([recordedReport('port-mismatch', 'web-1'), other]);
    expect(summary.groups.map((g) => g.hosts)).toEqual([['web-1'], ['web-40']]);
  });

  it('a host named twice counts once; an empty fleet exits 0', () => {
    const summary = groupReports([recordedReport('healthy', 'a'), recordedReport('port-mismatch', 'a')]);
    expect(summary.total).toBe(1);
    expect(summary.groups).toHaveLength(1);
    expect(groupReports([])).toEqual({ total: 0, groups: [], exitCode: 0 });
  });

  it('a job without a report is not diagnosed, grouped as job-failed', () => {
    const summary = groupVerdicts([
      failedVerdict('web-1', 'the job failed: lost'),
      failedVerdict('web-2', 'x'),
    ]);
    expect(summary.groups).toEqual([
      expect.objectContaining({ status: 'undiagnosed', cause: JOB_FAILED, hosts: ['web-1', 'web-2'] }),
    ]);
    expect(summary.exitCode).toBe(2);
  });

  it('hostile, huge host text is kept as text and cut to the verdict limits', () => {
    const report = recordedReport('port-mismatch', 'web-1');
    const root = report.findings[0]!;
    root.title = '<!channel> \u001b[2J ✔ healthy '.repeat(400);
    root.evidence = Array.from({ length: 50 }, () => ({ source: 'error.log', text: 'x'.repeat(10_000) }));
    root.fix!.edit!.file = '/etc/nginx/`x`/<@U1>.conf';
    const v = verdictOf(report);
    expect(v.title!.length).toBeLessThanOrEqual(VERDICT_LIMITS.text);
    expect(v.evidence).toHaveLength(VERDICT_LIMITS.evidence);
    expect(v.evidence.every((e) => e.text.length <= VERDICT_LIMITS.evidenceText)).toBe(true);
    expect(v.file).toBe('/etc/nginx/`x`/<@U1>.conf');
    expect(JSON.stringify(v).length).toBeLessThan(8_000);
  });
});

describe('editChange', () => {
  it('shows the changed words only, bounded', () => {
    expect(editChange({ before: 'listen 8080;', after: 'listen 8090;' })).toBe('8080 → 8090');
    expect(editChange({ before: 'proxy_pass http://a:1;', after: 'proxy_pass http://b:1;' })).toBe('a → b');
    expect(editChange({ before: 'x', after: 'x y' })).toBe('x → x y');
    expect(editChange({ before: 'a'.repeat(500), after: 'b'.repeat(500) }).length).toBeLessThan(130);
  });
});
