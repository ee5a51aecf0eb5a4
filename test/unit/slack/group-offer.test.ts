// The group's offer at each stage of its rollout: the diff and hosts stay, `Apply to the other N` appears only
// once the canary is verified (its value the group id only), and the outcome line, which quotes what a host
// answered, is escaped and bounded like any host text, inside Block Kit's limits however large the group.
import { describe, expect, it } from 'vitest';
import { limitViolations } from '../../../src/slack/blocks.js';
import {
  ACTION_APPLY_CANARY,
  ACTION_APPLY_REST,
  renderGroupOffer,
  renderGroupRollout,
} from '../../../src/slack/group-offer.js';
import { ROLLOUT_STAGES, type PlanGroup, type RolloutState } from '../../../src/remediate/plan-group.js';

function group(n = 3): PlanGroup {
  return {
    id: 'g-AAAAAAAAAAAA',
    cause: 'upstream-port-mismatch',
    file: '/etc/nginx/conf.d/shop.conf',
    line: 2,
    summary: 'Point the upstream at 127.0.0.1:3000',
    unifiedDiff: '-    server 127.0.0.1:8000;\n+    server 127.0.0.1:3000;\n',
    members: Array.from({ length: n }, (_, i) => ({ host: `web-${i + 1}`, planId: `p-${'x'.repeat(12)}` })),
    offeredIn: { channel: 'C0FLEET', threadTs: '1.000001' },
    requestedBy: 'U0SWEEPER',
    createdAt: '2026-12-03T10:00:00.000Z',
    expiresAt: '2026-12-03T10:30:00.000Z',
  };
}

const state = (stage: RolloutState['stage'], result = ''): RolloutState => ({
  stage,
  by: 'U0ALICE',
  at: '2026-12-03T10:01:00.000Z',
  result,
  members: {},
});

const buttons = (m: { blocks: unknown[] }) =>
  (m.blocks as { type: string; elements?: { action_id: string; value: string }[] }[])
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements ?? []);

describe('the group offer through its rollout', () => {
  it('a canary diff of backtick runs stays within the section limit once defused', () => {
    const m = renderGroupOffer({ ...group(), unifiedDiff: '`'.repeat(6000) });
    expect(limitViolations(m)).toEqual([]);
  });

  it('offers Apply to canary, then Apply to the other N only once the canary is verified', () => {
    expect(buttons(renderGroupOffer(group()))).toMatchObject([{ action_id: ACTION_APPLY_CANARY }]);
    for (const stage of ROLLOUT_STAGES) {
      const m = renderGroupRollout(group(), state(stage));
      expect(limitViolations(m), stage).toEqual([]);
      expect(JSON.stringify(m.blocks)).toContain('server 127.0.0.1:3000');
      expect(buttons(m), stage).toEqual(
        stage === 'canary-verified'
          ? [expect.objectContaining({ action_id: ACTION_APPLY_REST, value: 'g-AAAAAAAAAAAA' })]
          : [],
      );
    }
    const verified = renderGroupRollout(group(), state('canary-verified'));
    expect(JSON.stringify(verified.blocks)).toContain('Apply to the other 2');
    expect(verified.text).toContain('Canary `web-1` applied and verified');
    expect(renderGroupRollout(group(), state('done', 'rolled out to 3 of 3 hosts')).text).toContain(
      'rolled out to 3 of 3 hosts · approved by <@U0ALICE>',
    );
  });

  it("escapes and bounds the outcome a host's answer is quoted in, for any group size", () => {
    const hostile = `stopped at web-2: nginx -t failed: <!channel> \`\`\` :large_green_circle: x\n✓ fixed ${'y'.repeat(5000)}`;
    for (const n of [2, 40, 400]) {
      const m = renderGroupRollout(group(n), state('stopped', hostile));
      expect(limitViolations(m), String(n)).toEqual([]);
      const text = JSON.stringify(m.blocks);
      expect(text).not.toContain('<!channel>');
      expect(text).not.toContain('```\\n✓');
      expect(text).not.toContain(':large_green_circle:');
      expect(m.text).toContain('&lt;!channel&gt;');
    }
  });
});
