// The message that offers one fix for a whole sweep group: the shared diff once, the hosts it covers, and
// one button, `Apply to canary`, whose value is the group id only (the members and their plans stay in
// Redis). The canary's outcome then offers `Apply to the other N`. Both are pressed under the same approver
// rules as a single host's `Apply & reload`.
import type { PlanGroup } from '../remediate/plan-group.js';
import type { SlackMessage } from './blocks.js';
import { context, section } from './blocks.js';
import { codeBlock, cutToEscapedLength, inlineCode, oneLine, untrustedProse } from './mrkdwn.js';
import { slackTime } from './plan-message.js';

export const ACTION_APPLY_CANARY = 'remediation_apply_canary';
export const ACTION_APPLY_REST = 'remediation_apply_rest';
const BLOCK_ID = 'group_remediation';
/** Slack's limit on a section's text; a longer diff is cut (each host's plan keeps its full diff). */
const MAX_DIFF_CHARS = 2800;
const MAX_SUMMARY_CHARS = 400;
/** Host names listed in the offer before "and N more". */
const MAX_NAMED_HOSTS = 20;

function hostList(group: PlanGroup): string {
  const names = group.members.map((m) => inlineCode(m.host));
  const shown = names.slice(0, MAX_NAMED_HOSTS).join(', ');
  return names.length > MAX_NAMED_HOSTS ? `${shown} and ${names.length - MAX_NAMED_HOSTS} more` : shown;
}

/** The group's diff and its `Apply to canary` button (the canary is the group's first member). */
export function renderGroupOffer(group: PlanGroup): SlackMessage {
  const canary = group.members[0]!;
  const summary = cutToEscapedLength(oneLine(group.summary), MAX_SUMMARY_CHARS).text;
  const diff = cutToEscapedLength(group.unifiedDiff.replace(/\n$/, ''), MAX_DIFF_CHARS);
  const others = group.members.length - 1;
  return {
    text: untrustedProse(`Proposed fix for ${group.members.length} hosts: ${summary}`),
    blocks: [
      section(`*Proposed fix for ${group.members.length} hosts:* ${untrustedProse(summary)}`),
      section(codeBlock(diff.text)),
      section(`Hosts: ${hostList(group)}`),
      {
        type: 'actions',
        block_id: BLOCK_ID,
        elements: [
          {
            type: 'button',
            action_id: ACTION_APPLY_CANARY,
            text: { type: 'plain_text', text: 'Apply to canary' },
            value: group.id,
            style: 'primary',
            confirm: {
              title: { type: 'plain_text', text: 'Apply to the canary?' },
              text: {
                type: 'mrkdwn',
                text: `The fix is applied to ${inlineCode(canary.host)} only (backup, nginx -t, reload, verify; restored on any failure). The other ${others} wait for your next press.`,
                verbatim: true,
              },
              confirm: { type: 'plain_text', text: 'Apply to canary' },
              deny: { type: 'plain_text', text: 'Cancel' },
            },
          },
        ],
      },
      context(
        `Group ${inlineCode(group.id)} · canary ${inlineCode(canary.host)} · valid until ${slackTime(group.expiresAt)}`,
      ),
    ],
  };
}
