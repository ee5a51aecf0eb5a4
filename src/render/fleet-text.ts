// A fleet sweep's grouped verdict for a terminal (`upstream-doctor diagnose HOST… --summary`): one line per
// group as the Slack sweep's parent shows it, then under each failing group its hosts, the shared title,
// evidence and fix, once. Every host string goes through visibleText; the only escapes printed are colours.
import { editChange, groupPlace, type FleetGroup, type FleetSummary } from '../analyze/fleet.js';
import { visibleText } from '../text/visible.js';
import type { Style } from './report-text.js';

const v = visibleText;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The group's one line: `✖ 37 hosts · upstream-port-mismatch · /etc/nginx/conf.d/shop.conf:2 (8000 → 3000)`. */
export function groupLine(group: FleetGroup, st: Style): string {
  const n = group.hosts.length;
  if (group.status === 'healthy') return st.green(`✔ ${n} healthy`);
  if (group.status === 'undiagnosed')
    return st.yellow(`⚠ ${n} could not be diagnosed (${v(group.cause ?? 'unknown')})`);
  const place = groupPlace(group);
  const change = group.edit ? ` (${v(editChange(group.edit))})` : '';
  return [
    st.red(`✖ ${plural(n, 'host')}`),
    st.bold(v(group.cause ?? '')),
    place ? `${v(place)}${change}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

function hostList(hosts: readonly string[], width = 96): string[] {
  const lines: string[] = [];
  let line = '';
  for (const h of hosts.map(v)) {
    const next = line ? `${line}, ${h}` : h;
    if (line && next.length > width) {
      lines.push(`${line},`);
      line = h;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

function groupDetail(group: FleetGroup, st: Style): string[] {
  const lines = hostList(group.hosts).map((l) => `    ${l}`);
  if (group.status === 'healthy') return lines;
  const e = group.example;
  if (e.title) lines.push(`    ${st.bold(v(e.title))}`);
  for (const item of e.evidence) {
    const where = item.file ? `${item.file}${item.line ? `:${item.line}` : ''}` : item.source;
    lines.push(`      ${st.dim(v(where))}`);
    lines.push(...item.text.split('\n').map((t) => `        ${v(t)}`));
  }
  if (e.fixSummary) lines.push(`    ${st.bold('fix')}  ${v(e.fixSummary)}`);
  if (group.edit) {
    lines.push(`      ${st.dim(v(`${group.edit.file}:${group.edit.line}`))}`);
    lines.push(...group.edit.before.split('\n').map((l) => `      ${st.red(`-${v(l)}`)}`));
    lines.push(...group.edit.after.split('\n').map((l) => `      ${st.green(`+${v(l)}`)}`));
  }
  return lines;
}

/** The whole summary: a count line, then each group's line and its detail. */
export function renderFleetSummary(summary: FleetSummary, st: Style): string {
  const failing = summary.groups
    .filter((g) => g.status === 'failing')
    .reduce((n, g) => n + g.hosts.length, 0);
  const undiagnosed = summary.groups
    .filter((g) => g.status === 'undiagnosed')
    .reduce((n, g) => n + g.hosts.length, 0);
  const healthy = summary.total - failing - undiagnosed;
  const head = st.bold(
    `${plural(summary.total, 'host')}: ${failing} with a cause of 502, ${healthy} healthy, ${undiagnosed} could not be diagnosed`,
  );
  const out = [head, ''];
  for (const g of summary.groups) out.push(groupLine(g, st), ...groupDetail(g, st), '');
  return out.join('\n').trimEnd() + '\n';
}
