// Compares a diagnosis report with a scenario's expectation. Pure; returns what does not match
// (empty when everything does), so a test can print all differences at once.
import type { Evidence, Finding, Report } from '../../src/model/types.js';
import type { TransportFailure } from '../../src/transport/types.js';
import type { ExpectedEvidence, Expectation } from './types.js';

/** How each transport failure reads in a host-unreachable finding's title and detail. */
const REASON_WORDS: Record<TransportFailure, RegExp> = {
  'host-key': /host key/i,
  refused: /refused/i,
  timeout: /timed out|time out|no route/i,
  auth: /authenticat/i,
  dns: /resolve|dns/i,
  other: /./,
};

function evidenceMatches(e: Evidence, want: ExpectedEvidence): boolean {
  return (
    (want.file === undefined || e.file === want.file) &&
    (want.line === undefined || e.line === want.line) &&
    (want.textIncludes === undefined || e.text.includes(want.textIncludes))
  );
}

function describe(finding: Finding): string {
  return `${finding.cause} (${finding.severity}): ${finding.title}`;
}

export function expectationMismatches(report: Report, expected: Expectation, exitCode?: number): string[] {
  const problems: string[] = [];
  if (exitCode !== undefined && exitCode !== expected.exitCode) {
    problems.push(`exit code ${exitCode}, expected ${expected.exitCode}`);
  }
  if (report.target !== expected.target)
    problems.push(`report is for ${report.target}, expected ${expected.target}`);
  const want = expected.rootCause;
  const critical = report.findings.filter((f) => f.severity === 'critical');
  if (want === null) {
    if (critical.length > 0)
      problems.push(`expected no critical finding, got ${critical.map(describe).join('; ')}`);
    return problems;
  }
  const first = report.findings[0];
  if (first === undefined) return [...problems, `expected ${want.cause} first, got no findings`];
  if (first.cause !== want.cause) problems.push(`expected ${want.cause} first, got ${describe(first)}`);
  if (first.severity !== 'critical')
    problems.push(`root cause ${first.cause} is ${first.severity}, not critical`);
  if (want.host !== undefined && first.host !== want.host) {
    problems.push(`finding is about host ${first.host ?? '(the target)'}, expected ${want.host}`);
  }
  for (const ev of want.evidence) {
    if (!first.evidence.some((e) => evidenceMatches(e, ev))) {
      problems.push(`no evidence matching ${JSON.stringify(ev)}`);
    }
  }
  if (want.fix?.edit !== undefined) {
    const got = first.fix?.edit;
    if (JSON.stringify(got) !== JSON.stringify(want.fix.edit)) {
      problems.push(`fix edit ${JSON.stringify(got)}, expected ${JSON.stringify(want.fix.edit)}`);
    }
  }
  const fixText = [first.fix?.summary ?? '', ...(first.fix?.commands ?? [])].join('\n').toLowerCase();
  for (const word of want.fix?.summaryIncludes ?? []) {
    if (!fixText.includes(word.toLowerCase()))
      problems.push(`fix does not mention "${word}": ${first.fix?.summary}`);
  }
  for (const text of want.fix?.commandIncludes ?? []) {
    if (!(first.fix?.commands ?? []).some((c) => c.includes(text)))
      problems.push(`no fix command contains "${text}": ${JSON.stringify(first.fix?.commands ?? [])}`);
  }
  if (expected.unreachable !== undefined) {
    const text = [first.title, first.detail, ...first.evidence.map((e) => e.text)].join('\n');
    if (!expected.unreachable.reasons.some((r) => REASON_WORDS[r].test(text))) {
      problems.push(
        `unreachable finding does not say ${expected.unreachable.reasons.join(' or ')}: ${first.title}`,
      );
    }
    const needle = expected.unreachable.messageIncludes;
    if (needle !== undefined && !text.includes(needle))
      problems.push(`unreachable finding does not mention ${needle}`);
  }
  return problems;
}
