import { describe, expect, it } from 'vitest';
import { groupReports } from '../../../src/analyze/fleet.js';
import { COLOR, PLAIN } from '../../../src/render/report-text.js';
import { renderFleetSummary } from '../../../src/render/fleet-text.js';
import { recordedReport } from '../../support/fleet-reports.js';

describe('renderFleetSummary', () => {
  it('one line per group, like the Slack sweep, then the hosts and the shared evidence once', () => {
    const reports = [
      ...['web-1', 'web-2', 'web-3'].map((n) => recordedReport('healthy', n)),
      ...['web-4', 'web-5'].map((n) => recordedReport('port-mismatch', n)),
      recordedReport('nginx-not-running', 'web-6'),
      recordedReport('host-down', 'web-7'),
    ];
    const text = renderFleetSummary(groupReports(reports), PLAIN);
    const lines = text.split('\n');
    expect(lines[0]).toBe('7 hosts: 3 with a cause of 502, 3 healthy, 1 could not be diagnosed');
    expect(text).toContain(
      '✖ 2 hosts · upstream-port-mismatch · /etc/nginx/conf.d/shop.conf:2 (8000 → 3000)\n    web-4, web-5\n',
    );
    expect(text).toContain('✖ 1 host · nginx-not-running\n    web-6\n');
    expect(text).toContain('✔ 3 healthy\n    web-1, web-2, web-3\n');
    expect(text).toContain('⚠ 1 could not be diagnosed (host-unreachable)\n    web-7\n');
    // The shared evidence and fix once, not once per host.
    expect(text.split('+    server 127.0.0.1:3000 max_fails=3;').length - 1).toBe(1);
  });

  it('host text reaches the terminal made visible: no escape sequence but our colours', () => {
    const report = recordedReport('port-mismatch', 'web-1');
    const root = report.findings[0]!;
    root.cause = 'upstream-port-mismatch\u001b]52;c;ZXZpbA==\u0007' as typeof root.cause;
    root.title = 'a \u001b[2J\u001b[1A✔ 30 healthy \u202e';
    root.evidence = [{ source: 'error.log', file: '/x\u001b[31m', line: 1, text: 'line\u0007\r\nforged' }];
    const text = renderFleetSummary(groupReports([report]), COLOR);
    const ours = text.replace(/\u001b\[(\d+)m/g, '');
    expect(ours).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
  });
});
