// The message that offers a fix in a diagnosis thread: the diff and three buttons whose value is the plan id
// only (everything else comes from the plan in Redis when a button is pressed), and the same message once
// acted on, where the buttons give way to who did what.
import type { ProposedFix } from '../core/notifier.js';
import type { Block, SlackMessage } from './blocks.js';
import { context, section } from './blocks.js';
import { codeBlock, inlineCode, untrustedProse } from './mrkdwn.js';

export const ACTION_TEST = 'remediation_test';
export const ACTION_APPLY = 'remediation_apply';
export const ACTION_DISMISS = 'remediation_dismiss';
const BLOCK_ID = 'remediation';
/** Slack's limit on a section's text; a longer diff is cut (the full one is in the audit trail). */
const MAX_DIFF_CHARS = 2800;

/** The diff and the three buttons, for the thread of a report whose root cause has an edit. */
export function renderPlan(plan: ProposedFix): SlackMessage {
  const diff =
    plan.unifiedDiff.length > MAX_DIFF_CHARS
      ? `${plan.unifiedDiff.slice(0, MAX_DIFF_CHARS)}\n…`
      : plan.unifiedDiff;
  const blocks: Block[] = [
    section(`*Proposed fix for ${inlineCode(plan.host)}:* ${untrustedProse(plan.summary)}`),
    section(codeBlock(diff)),
    {
      type: 'actions',
      block_id: BLOCK_ID,
      elements: [
        {
          type: 'button',
          action_id: ACTION_TEST,
          text: { type: 'plain_text', text: 'Run nginx -t' },
          value: plan.id,
        },
        {
          type: 'button',
          action_id: ACTION_APPLY,
          text: { type: 'plain_text', text: 'Apply & reload' },
          value: plan.id,
          style: 'primary',
          confirm: {
            title: { type: 'plain_text', text: 'Apply this fix?' },
            text: {
              type: 'mrkdwn',
              text: `The file is backed up, written, checked with nginx -t, nginx is reloaded and the fix verified; on any failure the file is restored. Host: ${inlineCode(plan.host)}`,
              verbatim: true,
            },
            confirm: { type: 'plain_text', text: 'Apply & reload' },
            deny: { type: 'plain_text', text: 'Cancel' },
          },
        },
        {
          type: 'button',
          action_id: ACTION_DISMISS,
          text: { type: 'plain_text', text: 'Dismiss' },
          value: plan.id,
        },
      ],
    },
    context(`Plan ${inlineCode(plan.id)} · valid until ${plan.expiresAt}`),
  ];
  return { text: `Proposed fix for ${plan.host}: ${plan.summary}`, blocks };
}

/** The plan message once acted on: the diff stays, the buttons give way to who did what. */
export function renderActedOn(plan: ProposedFix, line: string): SlackMessage {
  const message = renderPlan(plan);
  return {
    text: line,
    blocks: [...message.blocks.filter((b) => b.type !== 'actions' && b.type !== 'context'), section(line)],
  };
}
