import { describe, expect, it } from 'vitest';
import { limitViolations } from '../../../src/slack/blocks.js';
import { renderActedOn, renderPlan, slackTime } from '../../../src/slack/plan-message.js';

const fix = {
  id: 'p-abc',
  host: 'web-01',
  summary: 'Point the upstream at 127.0.0.1:3000',
  unifiedDiff: '--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n',
  expiresAt: '2026-11-23T19:42:45.320Z',
};
const json = (m: unknown) => JSON.stringify(m);

describe('the plan message', () => {
  it('shows the diff without a trailing empty line, the buttons, and the expiry in local time', () => {
    const m = renderPlan(fix);
    expect(json(m.blocks)).toContain('```\\n--- a/x\\n+++ b/x\\n@@ -1 +1 @@\\n-a\\n+b\\n```');
    expect(json(m.blocks)).toContain('<!date^1795462965^{date_short_pretty} at {time}|2026-11-23 19:42 UTC>');
    expect(limitViolations(m)).toEqual([]);
  });

  it("escapes what came from the host, in the notification text too, and cuts by Slack's count", () => {
    const hostile = { ...fix, summary: 'use <!channel> & <@U1>', unifiedDiff: `${'<&>'.repeat(2000)}\n` };
    const m = renderPlan(hostile);
    expect(m.text).toBe('Proposed fix for web-01: use &lt;!channel&gt; &amp; &lt;@U1&gt;');
    expect(json(m)).not.toContain('<!channel>');
    expect(limitViolations(m)).toEqual([]);
  });

  it("a diff of backtick runs (a host user's comment) stays within the section limit once defused", () => {
    // Each backtick before another gets a zero-width space: a cut that did not count it let 2,800 become 5,600.
    for (const diff of [
      '`'.repeat(6000),
      `# ${'``x'.repeat(2000)}\n`,
      `${'`'.repeat(2799)}\n${'`'.repeat(2799)}`,
    ]) {
      const m = renderPlan({ ...fix, unifiedDiff: diff });
      expect(limitViolations(m)).toEqual([]);
      // Only our own fences are runs of backticks.
      expect(json(m).replaceAll('```\\n', '').replaceAll('\\n```', '')).not.toContain('``');
    }
  });

  it('shows control and bidi characters of the file as escapes, and a ``` in it cannot close the block', () => {
    const hostile = {
      ...fix,
      host: 'web\u202e-01',
      summary: 'fix \u001b[2J it',
      unifiedDiff: '--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a \u001b]52;c;eA==\u0007\n+b ```\n*not bold*\n',
    };
    const m = renderPlan(hostile);
    const all = json(m);
    expect(all).not.toMatch(/\\u001b|\\u0007|\u202e/);
    expect(all).toContain('-a \\\\x1b]52;c;eA==\\\\x07');
    expect(all).toContain('web\\\\u202e-01');
    expect(m.text).toBe('Proposed fix for web\\u202e-01: fix \\x1b[2J it');
    const block = (m.blocks[1] as { text: { text: string } }).text.text;
    expect(block.match(/```/g)).toHaveLength(2);
  });

  it('once acted on: the diff stays, the buttons and the expiry give way to the outcome', () => {
    const m = renderActedOn(fix, ':white_check_mark: Applied and verified · approved by <@U0ALICE>');
    expect(json(m.blocks)).not.toContain('remediation_apply');
    expect(json(m.blocks)).not.toContain('<!date');
    expect(json(m.blocks)).toContain('+b');
  });

  it('a withheld fix: the diff and why, no buttons and no plan id, the reason escaped', () => {
    const m = renderPlan({
      host: 'web-01',
      summary: fix.summary,
      unifiedDiff: fix.unifiedDiff,
      withheld:
        '/srv/<!channel>/shop.conf is outside /etc/nginx: apply it by hand, or add its directory to REMEDIATION_ROOTS',
    });
    expect(json(m.blocks)).toContain('+b');
    expect(json(m.blocks)).not.toMatch(/remediation_|"actions"|"button"/);
    expect(json(m.blocks)).toContain(
      'No buttons: /srv/&lt;!channel&gt;/shop.conf is outside /etc/nginx: apply it by hand, or add its directory to REMEDIATION_ROOTS',
    );
    expect(json(m)).not.toContain('<!channel>');
    expect(limitViolations(m)).toEqual([]);
  });

  it('an unreadable time is shown as it is', () => {
    expect(slackTime('soon')).toBe('`soon`');
  });
});
