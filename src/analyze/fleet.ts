// A fleet sweep's verdict: many hosts' diagnoses grouped by what is wrong, so one broken template shared by
// forty hosts reads as one group ("✖ 40 hosts · upstream-port-mismatch · shop.conf:2 (8000 → 3000)"), not forty
// reports. A group is the root cause plus where it is (the fix's file:line, else the first evidence with
// one) plus the edit that fixes it; healthy hosts are one group, hosts that could not be diagnosed one group
// per cause. Pure: the Slack sweep (src/slack/sweep-render.ts) and `diagnose --summary`
// (src/render/fleet-text.ts) both render these groups. Everything here stays host text: callers escape it.
import type { ConfigEdit, Evidence, Report } from '../model/types.js';
import { exitCodeOf } from './report-outcome.js';

/** Sizes one host's verdict keeps (a sweep stores up to SWEEP_MAX_HOSTS of them in Redis). */
export const VERDICT_LIMITS = {
  /** Characters of a title, a cause, a fix summary, a file path. */
  text: 500,
  /** Characters of one edit line (before or after). */
  editLine: 1000,
  /** Evidence items kept, and characters of each. */
  evidence: 6,
  evidenceText: 600,
} as const;

/** What the grouping needs of one host's diagnosis: its verdict, its root cause and where, bounded. */
export interface HostVerdict {
  host: string;
  /** 0 healthy, 1 a cause of 502, 2 could not be diagnosed (as `diagnose` exits). */
  exitCode: 0 | 1 | 2;
  /** The root cause's id (exit 1 and 2); for a job that ended without a report, `job-failed`. */
  cause?: string;
  title?: string;
  /** Where the root cause is: the fix's edit, else its first evidence with a file. */
  file?: string;
  line?: number;
  edit?: ConfigEdit;
  fixSummary?: string;
  /** The root cause's first pieces of evidence, cut. */
  evidence: Evidence[];
}

/** The cause of a host whose job ended without any report (a bug, a worker lost too often). */
export const JOB_FAILED = 'job-failed';

const cut = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** One host's verdict from its report (the root cause is the first finding, as everywhere). */
export function verdictOf(report: Report): HostVerdict {
  const exitCode = exitCodeOf(report);
  const root = report.findings[0];
  if (exitCode === 0 || !root) return { host: report.target, exitCode: 0, evidence: [] };
  const edit = root.fix?.edit;
  const located = edit ?? root.evidence.find((e) => e.file !== undefined);
  const L = VERDICT_LIMITS;
  return {
    host: report.target,
    exitCode,
    cause: cut(root.cause, L.text),
    title: cut(root.title, L.text),
    ...(located?.file !== undefined ? { file: cut(located.file, L.text) } : {}),
    ...(located?.line !== undefined ? { line: located.line } : {}),
    ...(edit
      ? {
          edit: {
            file: cut(edit.file, L.text),
            line: edit.line,
            before: cut(edit.before, L.editLine),
            after: cut(edit.after, L.editLine),
          },
        }
      : {}),
    ...(root.fix ? { fixSummary: cut(root.fix.summary, L.text) } : {}),
    evidence: root.evidence.slice(0, L.evidence).map((e) => ({
      source: cut(e.source, L.text),
      ...(e.file !== undefined ? { file: cut(e.file, L.text) } : {}),
      ...(e.line !== undefined ? { line: e.line } : {}),
      text: cut(e.text, L.evidenceText),
    })),
  };
}

/** The verdict of a host whose job ended without a report: could not be diagnosed, saying why. */
export function failedVerdict(host: string, message: string): HostVerdict {
  return {
    host,
    exitCode: 2,
    cause: JOB_FAILED,
    title: cut(message, VERDICT_LIMITS.text),
    evidence: [],
  };
}

export type GroupStatus = 'failing' | 'undiagnosed' | 'healthy';

export interface FleetGroup {
  status: GroupStatus;
  /** Absent for the healthy group. */
  cause?: string;
  file?: string;
  line?: number;
  edit?: ConfigEdit;
  /** Host names, sorted (web-2 before web-10). */
  hosts: string[];
  /** The first host's verdict: its title, evidence and fix stand for the group's (they share them). */
  example: HostVerdict;
}

export interface FleetSummary {
  total: number;
  /** Failing groups first (largest first), then those not diagnosed, then the healthy. */
  groups: FleetGroup[];
  /** The worst host's exit code, as `diagnose` exits (0 for no host at all). */
  exitCode: 0 | 1 | 2;
}

const byName = new Intl.Collator('en', { numeric: true });

/** What hosts must share to be one group. */
function groupKey(v: HostVerdict): string {
  if (v.exitCode === 0) return 'healthy';
  // Could not be diagnosed: where nothing was read, the cause alone says it (each host's message differs).
  if (v.exitCode === 2) return JSON.stringify(['undiagnosed', v.cause ?? '']);
  return JSON.stringify([
    'failing',
    v.cause ?? '',
    v.file ?? null,
    v.line ?? null,
    v.edit ? [v.edit.file, v.edit.line, v.edit.before, v.edit.after] : null,
  ]);
}

const RANK: Record<GroupStatus, number> = { failing: 0, undiagnosed: 1, healthy: 2 };

/** Groups the verdicts; a host named twice counts once (its first verdict). */
export function groupVerdicts(verdicts: readonly HostVerdict[]): FleetSummary {
  const seen = new Set<string>();
  const groups = new Map<string, FleetGroup>();
  let exitCode: 0 | 1 | 2 = 0;
  for (const v of verdicts) {
    if (seen.has(v.host)) continue;
    seen.add(v.host);
    if (v.exitCode > exitCode) exitCode = v.exitCode;
    const key = groupKey(v);
    const group = groups.get(key);
    if (group) group.hosts.push(v.host);
    else
      groups.set(key, {
        status: v.exitCode === 0 ? 'healthy' : v.exitCode === 2 ? 'undiagnosed' : 'failing',
        ...(v.exitCode !== 0 && v.cause !== undefined ? { cause: v.cause } : {}),
        ...(v.exitCode === 1 && v.file !== undefined ? { file: v.file } : {}),
        ...(v.exitCode === 1 && v.line !== undefined ? { line: v.line } : {}),
        ...(v.exitCode === 1 && v.edit ? { edit: v.edit } : {}),
        hosts: [v.host],
        example: v,
      });
  }
  const sorted = [...groups.values()];
  for (const g of sorted) g.hosts.sort(byName.compare);
  sorted.sort(
    (a, b) =>
      RANK[a.status] - RANK[b.status] ||
      b.hosts.length - a.hosts.length ||
      byName.compare(a.hosts[0]!, b.hosts[0]!),
  );
  return { total: seen.size, groups: sorted, exitCode };
}

/** The verdicts of full reports, grouped (the CLI's `--summary`). */
export function groupReports(reports: readonly Report[]): FleetSummary {
  return groupVerdicts(reports.map(verdictOf));
}

/**
 * What an edit changes, as short as the line allows: the part between what before and after share at
 * both ends ("8000 → 3000" for `server 127.0.0.1:8000 …` → `server 127.0.0.1:3000 …`), each side at most
 * `max` characters. Whole words are kept around digits so a port reads as a port.
 */
export function editChange(edit: Pick<ConfigEdit, 'before' | 'after'>, max = 60): string {
  const a = [...edit.before];
  const b = [...edit.after];
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end])
    end++;
  // Widen to the whole run of word characters the change sits in (8000 → 3000, not 8 → 3).
  const word = /[A-Za-z0-9_.]/;
  while (start > 0 && word.test(a[start - 1]!) && word.test(b[start - 1] ?? '')) start--;
  while (
    end > 0 &&
    word.test(a[a.length - end] ?? '') &&
    word.test(b[b.length - end] ?? '') &&
    a[a.length - end] === b[b.length - end]
  )
    end--;
  const side = (chars: string[]) => {
    const text = chars
      .slice(start, chars.length - end)
      .join('')
      .trim();
    return text === '' ? '∅' : cut(text, max);
  };
  return `${side(a)} → ${side(b)}`;
}

/** `file:line`, or the file alone, or '' when the group has no place. */
export function groupPlace(group: Pick<FleetGroup, 'file' | 'line'>): string {
  if (group.file === undefined) return '';
  return group.line !== undefined ? `${group.file}:${group.line}` : group.file;
}
