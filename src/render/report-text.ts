// A report for a terminal: the verdict first, then the root cause with its evidence and fix, then the rest.
// Shared by the CLI, the workers' terminal notifier and Slack's text-file attachment, so a report reads the same
// everywhere. Every host string goes through visibleText; the only escape sequences printed are our colours.
import type { Finding, Report, Severity } from '../model/types.js';
import { visibleText } from '../text/visible.js';

export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  cyan(s: string): string;
}

const ansi = (code: number) => (s: string) => `\u001b[${code}m${s}\u001b[0m`;
export const COLOR: Style = {
  bold: ansi(1),
  dim: ansi(2),
  red: ansi(31),
  yellow: ansi(33),
  green: ansi(32),
  cyan: ansi(36),
};
const id = (s: string) => s;
export const PLAIN: Style = { bold: id, dim: id, red: id, yellow: id, green: id, cyan: id };

const MARK: Record<Severity, (st: Style) => string> = {
  critical: (st) => st.red('✖ critical'),
  warning: (st) => st.yellow('▲ warning'),
  info: (st) => st.cyan('● info'),
};

function renderFinding(f: Finding, st: Style, full: boolean): string[] {
  const v = visibleText;
  const instance = f.instance ? ` in nginx ${f.instance.master} (${v(f.instance.config)})` : '';
  const lines = [
    `${MARK[f.severity](st)}  ${st.bold(v(f.title))}  ${st.dim(`[${v(f.cause)}${f.host ? ` on ${v(f.host)}` : ''}${instance}]`)}`,
  ];
  if (!full) return lines;
  lines.push(...wrap(v(f.detail), 96).map((l) => `    ${l}`));
  if (f.evidence.length > 0) {
    lines.push(`    ${st.bold('evidence')}`);
    for (const e of f.evidence) {
      const where = e.file ? `${e.file}${e.line ? `:${e.line}` : ''}` : e.source;
      lines.push(`      ${st.dim(v(where))}`);
      lines.push(...e.text.split('\n').map((t) => `        ${v(t)}`));
    }
  }
  if (f.fix) {
    lines.push(`    ${st.bold('fix')}  ${v(f.fix.summary)}`);
    if (f.fix.edit) {
      const { file, line, before, after } = f.fix.edit;
      lines.push(`      ${st.dim(v(`${file}:${line}`))}`);
      lines.push(...before.split('\n').map((l) => `      ${st.red(`-${v(l)}`)}`));
      lines.push(...after.split('\n').map((l) => `      ${st.green(`+${v(l)}`)}`));
    }
    for (const c of f.fix.commands ?? []) lines.push(`      $ ${v(c)}`);
  }
  return lines;
}

export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}

export function renderReport(report: Report, st: Style): string {
  const critical = report.findings.filter((f) => f.severity === 'critical');
  const head = `${st.bold(visibleText(report.target))} ${st.dim(`(${visibleText(report.host)}, ${report.durationMs} ms)`)}`;
  if (report.findings.length === 0 || critical.length === 0) {
    const others = report.findings.map((f) => renderFinding(f, st, true).join('\n'));
    return [`${head}: ${st.green('no cause for a 502 found')}`, ...others].join('\n') + '\n';
  }
  const [root, ...rest] = report.findings;
  const lines = [
    `${head}: ${st.red(critical.length === 1 ? '1 cause of 502' : `${critical.length} causes of 502`)}`,
    '',
    ...renderFinding(root!, st, true),
  ];
  if (rest.length > 0) {
    lines.push('', st.bold('also found'));
    for (const f of rest) lines.push(...renderFinding(f, st, f.severity === 'critical'), '');
  }
  return lines.join('\n').trimEnd() + '\n';
}
