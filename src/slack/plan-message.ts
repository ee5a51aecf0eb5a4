// The message that offers a fix in a diagnosis thread: the diff and three buttons whose value is the plan id
// only (everything else comes from the plan in Redis when a button is pressed), and the same message once
// acted on, where the buttons give way to who did what. A withheld fix (its file outside the trees a plan
// may write) shows the same diff with the reason in place of the buttons.
import type { OfferedFix, ProposedFix } from '../queue/notifier.js';
import type { Block, SlackMessage } from './blocks.js';
import { context, section } from './blocks.js';
import { codeBlock, cutToEscapedLength, inlineCode, oneLine, untrustedProse } from './mrkdwn.js';

export const ACTION_TEST = 'remediation_test';
export const ACTION_APPLY = 'remediation_apply';
export const ACTION_DISMISS = 'remediation_dismiss';
const BLOCK_ID = 'remediation';
/** Slack's limit on a section's text; a longer diff is cut (the full one is in the audit trail). */
const MAX_DIFF_CHARS = 2800;
/** Escaped characters of the fix's one-line summary. */
const MAX_SUMMARY_CHARS = 400;

/** A time as Slack shows it in each reader's own time zone, with the UTC time as the fallback. */
export function slackTime(iso: string): string {
  const seconds = Math.floor(Date.parse(iso) / 1000);
  if (!Number.isFinite(seconds)) return inlineCode(iso);
  const fallback = `${new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!date^${seconds}^{date_short_pretty} at {time}|${fallback}>`;
}

/** The heading and the diff, common to an offer and a withheld fix. */
function fixBlocks(plan: ProposedFix): { summary: string; blocks: Block[] } {
  // Cut by escaped length (what Slack counts), and without the diff's last newline (an empty line in the block).
  const diff = cutToEscapedLength(plan.unifiedDiff.replace(/\n$/, ''), MAX_DIFF_CHARS);
  const summary = cutToEscapedLength(oneLine(plan.summary), MAX_SUMMARY_CHARS).text;
  return {
    summary,
    blocks: [
      section(`*Proposed fix for ${inlineCode(plan.host)}:* ${untrustedProse(summary)}`),
      section(codeBlock(diff.text)),
    ],
  };
}

/**
 * The diff and the three buttons, for the thread of a report whose root cause has an edit; a withheld fix
 * gets the diff and the reason, no buttons.
 */
export function renderPlan(plan: ProposedFix): SlackMessage {
  if (plan.withheld !== undefined) return renderWithheld(plan.host, plan);
  const { summary, blocks: head } = fixBlocks(plan);
  const blocks: Block[] = [
    ...head,
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
    context(`Plan ${inlineCode(plan.id)} · valid until ${slackTime(plan.expiresAt)}`),
  ];
  return { text: untrustedProse(`Proposed fix for ${oneLine(plan.host)}: ${summary}`), blocks };
}

function renderWithheld(host: string, plan: ProposedFix & { withheld: string }): SlackMessage {
  const why = untrustedProse(cutToEscapedLength(oneLine(plan.withheld), MAX_SUMMARY_CHARS).text);
  const { blocks } = fixBlocks(plan);
  return {
    text: untrustedProse(`Proposed fix for ${oneLine(host)}: no buttons`),
    blocks: [...blocks, context(`:no_entry_sign: No buttons: ${why}`)],
  };
}

/** The plan message once acted on: the diff stays, the buttons give way to who did what. */
export function renderActedOn(plan: OfferedFix, line: string): SlackMessage {
  const message = renderPlan(plan);
  return {
    text: line,
    blocks: [...message.blocks.filter((b) => b.type !== 'actions' && b.type !== 'context'), section(line)],
  };
}
