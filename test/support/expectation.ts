// Holds a report to a scenario's expectation (lab/scenarios/types.ts): the root cause, its evidence,
// its fix, and the exit code. Shared by the analyzer's fixture tests and the live end-to-end suite.
import { expect } from 'vitest';
import type { Expectation, ExpectedEvidence } from '../../lab/scenarios/types.js';
import type { Evidence, Report } from '../../src/model/types.js';
import { exitCodeOf } from '../../src/analyze/report.js';

function matches(e: Evidence, want: ExpectedEvidence): boolean {
  return (
    (want.file === undefined || e.file === want.file) &&
    (want.line === undefined || e.line === want.line) &&
    (want.textIncludes === undefined || e.text.includes(want.textIncludes))
  );
}

export function expectReportMeets(report: Report, expectation: Expectation): void {
  const summary = report.findings.map((f) => `${f.severity} ${f.cause}: ${f.title}`).join('\n');
  expect(exitCodeOf(report), summary).toBe(expectation.exitCode);
  const root = expectation.rootCause;
  if (root === null) {
    expect(
      report.findings.filter((f) => f.severity === 'critical'),
      summary,
    ).toEqual([]);
    return;
  }
  const first = report.findings[0];
  expect(first?.cause, summary).toBe(root.cause);
  expect(first?.severity).toBe('critical');
  if (root.host !== undefined) expect(first?.host).toBe(root.host);
  for (const want of root.evidence) {
    expect(
      first!.evidence.some((e) => matches(e, want)),
      `evidence ${JSON.stringify(want)} in ${JSON.stringify(first!.evidence, null, 1)}`,
    ).toBe(true);
  }
  if (root.fix?.edit) expect(first!.fix?.edit).toEqual(root.fix.edit);
  for (const word of root.fix?.summaryIncludes ?? []) {
    expect(first!.fix?.summary.toLowerCase()).toContain(word.toLowerCase());
  }
  for (const text of root.fix?.commandIncludes ?? []) {
    const commands = first!.fix?.commands ?? [];
    expect(
      commands.some((c) => c.includes(text)),
      `a fix command with ${text} in ${JSON.stringify(commands)}`,
    ).toBe(true);
  }
}
