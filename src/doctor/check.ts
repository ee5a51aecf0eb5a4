// One line of `upstream-doctor doctor`: what was checked, whether it is fine, and what to do when it is not.
// Pure data and formatting; the checks themselves live next to this file, one concern a module.
import { visibleText } from '../text/visible.js';

export type CheckStatus = 'ok' | 'FAIL' | 'skip';

export interface CheckResult {
  /** What was checked, short: "redis", "slack token", "inventory", "ssh web-01", "sudo web-01". */
  name: string;
  status: CheckStatus;
  /** What we saw, one line. */
  detail: string;
  /** What the operator should do, for a FAIL (and for a skip that may matter). */
  fix?: string;
}

export const ok = (name: string, detail: string): CheckResult => ({ name, status: 'ok', detail });
export const skip = (name: string, detail: string, fix?: string): CheckResult => ({
  name,
  status: 'skip',
  detail,
  ...(fix ? { fix } : {}),
});
export const failed = (name: string, detail: string, fix: string): CheckResult => ({
  name,
  status: 'FAIL',
  detail,
  fix,
});

/**
 * A remote error message (sudo's stderr, an SSH error) on one line: line breaks as spaces, and every other
 * control, C1 or bidi character visibly escaped, so it can neither garble the terminal nor forge a line.
 */
function oneLine(text: string): string {
  return visibleText(text.replace(/[\r\n]+/g, ' ').trim());
}

/** `ok    redis: …` / `FAIL  ssh web-02: … → fix: …`, names padded so the verdicts line up. */
export function formatResults(results: readonly CheckResult[]): string {
  const width = Math.max(0, ...results.map((r) => visibleText(r.name).length));
  return results
    .map((r) => {
      const fix = r.fix ? ` → fix: ${oneLine(r.fix)}` : '';
      return `${r.status.padEnd(4)}  ${`${visibleText(r.name)}:`.padEnd(width + 1)} ${oneLine(r.detail)}${fix}`;
    })
    .join('\n');
}

/** 0 when nothing failed (skips are fine), 1 otherwise. */
export function exitCodeOfChecks(results: readonly CheckResult[]): 0 | 1 {
  return results.some((r) => r.status === 'FAIL') ? 1 : 0;
}
