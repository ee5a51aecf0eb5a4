import { describe, expect, it } from 'vitest';
import {
  type FleetGroup,
  groupReports,
  groupVerdicts,
  type HostVerdict,
} from '../../../src/analyze/fleet.js';
import type { PlanGroup } from '../../../src/remediate/plan-group.js';
import { limitViolations, type SlackMessage } from '../../../src/slack/blocks.js';
import { renderGroupOffer } from '../../../src/slack/group-offer.js';
import {
  groupLine,
  renderGroupReply,
  renderSweepProgress,
  renderSweepVerdict,
  withOffer,
} from '../../../src/slack/sweep-render.js';
import { recordedReport } from '../../support/fleet-reports.js';

const USER = 'U0ALICE';
const record = {
  label: 'tag:prod',
  userId: USER,
  total: 30,
  createdAt: new Date(Date.now() - 12_000).toISOString(),
};

const all = (m: SlackMessage) => `${m.text}\n${JSON.stringify(m.blocks)}`;

/** Within limits, and no `<` or `>` but our own mention: nothing from a host can ping, link or break out. */
function expectSafe(m: SlackMessage): void {
  expect(limitViolations(m)).toEqual([]);
  // Our own mention and `<!date^…>` (an offer's expiry) are the only `<…>` allowed.
  const text = all(m)
    .replaceAll(`<@${USER}>`, '')
    .replace(/<!date\^\d+\^[^|>]*\|[^>]*>/g, '');
  expect(text).not.toMatch(/[<>]/);
  for (const b of m.blocks)
    if (b.type === 'section') expect((b.text.text.match(/```/g) ?? []).length % 2).toBe(0);
  expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
}

const hostile = '<!channel> `x` ```\u001b[2J :large_green_circle: @here \u202e <https://evil|ok>';

function hostileVerdict(host: string, i: number): HostVerdict {
  return {
    host,
    exitCode: 1,
    cause: `${hostile}${i}`,
    title: hostile.repeat(20),
    file: `/etc/nginx/${hostile}${i}.conf`,
    line: i,
    edit: { file: `/etc/nginx/${hostile}.conf`, line: i, before: `a ${hostile} ${i}`.repeat(30), after: 'b' },
    fixSummary: hostile.repeat(30),
    evidence: Array.from({ length: 6 }, () => ({
      source: hostile,
      file: hostile,
      line: 1,
      text: hostile.repeat(40),
    })),
  };
}

function offerOf(group: FleetGroup): PlanGroup {
  return {
    id: 'g-AAAAAAAAAAAA',
    cause: group.cause!,
    file: group.file!,
    line: group.line!,
    summary: group.example.fixSummary ?? '',
    unifiedDiff: '--- a\n+++ b\n@@ -2 +2 @@\n-    server 127.0.0.1:8000;\n+    server 127.0.0.1:3000;\n',
    members: group.hosts.map((host, i) => ({ host, planId: `p-${i}` })),
    offeredIn: { channel: 'C1', threadTs: '1.2' },
    requestedBy: USER,
    createdAt: new Date().toISOString(),
    expiresAt: new Date(Date.now() + 60_000).toISOString(),
  };
}

describe('sweep messages', () => {
  it('the verdict: one line per group, the counts in the fallback text', () => {
    const summary = groupReports([
      ...Array.from({ length: 25 }, (_, i) => recordedReport('healthy', `web-${i + 1}`)),
      ...[26, 27, 28].map((i) => recordedReport('port-mismatch', `web-${i}`)),
      recordedReport('nginx-not-running', 'web-29'),
      recordedReport('host-down', 'web-30'),
    ]);
    const verdict = renderSweepVerdict(record, summary);
    expectSafe(verdict);
    expect(verdict.text).toBe(
      'Sweep of tag:prod · 4 with a cause of 502, 25 healthy, 1 could not be diagnosed',
    );
    const lines = verdict.blocks.filter((b) => b.type === 'section').map((b) => b.text.text);
    expect(lines.slice(1)).toEqual([
      ':red_circle: *3 hosts* · `upstream-port-mismatch` · `/etc/nginx/conf.d/shop.conf:2` (8000 → 3000)',
      ':red_circle: *1 host* · `nginx-not-running`',
      ':warning: *1 could not be diagnosed* (`host-unreachable`)',
      ':large_green_circle: *25 healthy*',
    ]);
    const reply = renderGroupReply(summary.groups[0]!, 0);
    expectSafe(reply.message);
    expect(all(reply.message)).toContain('`web-26`, `web-27`, `web-28`');
    expect(all(reply.message)).toContain('+    server 127.0.0.1:3000 max_fails=3;');
    expect(reply.file).toBeUndefined();
    expectSafe(renderSweepProgress(record, 12));
    expect(all(renderSweepProgress(record, 12))).toContain('*12 of 30 hosts* done');
  });

  it('1,000 hosts in one group: the reply stays within limits and the full list goes into a file', () => {
    const verdicts = Array.from({ length: 1000 }, (_, i) => ({
      ...hostileVerdict(`web-${String(i).padStart(4, '0')}-${'x'.repeat(200)}`, 1),
    }));
    const summary = groupVerdicts(verdicts);
    expect(summary.groups).toHaveLength(1);
    const reply = renderGroupReply(summary.groups[0]!, 0);
    expectSafe(reply.message);
    expect(reply.file!.content.split('\n').filter(Boolean)).toHaveLength(1000);
    expect(all(reply.message)).toMatch(/and \d+ more \(all in the attached file\)/);
    expectSafe(renderSweepVerdict({ ...record, total: 1000 }, summary));
    expect(groupLine(summary.groups[0]!)).toContain('*1,000 hosts*');
  });

  it('1,000 groups of hostile keys: the parent lists 15 and counts the rest; every reply is safe', () => {
    const summary = groupVerdicts(Array.from({ length: 1000 }, (_, i) => hostileVerdict(`web-${i}`, i)));
    expect(summary.groups).toHaveLength(1000);
    const verdict = renderSweepVerdict({ ...record, total: 1000 }, summary);
    expectSafe(verdict);
    expect(all(verdict)).toContain('+985 more groups (985 hosts) in the thread');
    for (const [i, g] of summary.groups.entries()) expectSafe(renderGroupReply(g, i).message);
  });

  it('a group reply with its canary offer appended stays within limits', () => {
    const summary = groupVerdicts(
      Array.from({ length: 1000 }, (_, i) => hostileVerdict(`web-${i}-${'y'.repeat(100)}`, 1)),
    );
    const group = summary.groups[0]!;
    const reply = renderGroupReply(group, 0, { offered: true });
    const offer = renderGroupOffer({
      ...offerOf(group),
      summary: hostile.repeat(50),
      unifiedDiff: hostile.repeat(200),
    });
    const messages = withOffer(reply.message, offer);
    expect(messages).toHaveLength(2);
    for (const m of messages) expect(limitViolations(m)).toEqual([]);
    // Hosts as inventories name them: reply and offer are one message.
    const plain = groupReports(['web-1', 'web-2'].map((n) => recordedReport('port-mismatch', n))).groups[0]!;
    const small = renderGroupOffer(offerOf(plain));
    const one = withOffer(renderGroupReply(plain, 0, { offered: true }).message, small);
    expect(one).toHaveLength(1);
    expectSafe(one[0]!);
    expect(all(one[0]!)).toContain('Apply to canary');
  });
});
