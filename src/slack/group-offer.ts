// The message that offers one fix for a whole sweep group: the shared diff once, the hosts it covers, and
// one button, `Apply to canary`, whose value is the group id only (the members and their plans stay in
// Redis). The canary's outcome then offers `Apply to the other N`. Both are pressed under the same approver
// rules as a single host's `Apply & reload`. As the rollout moves (group-actions.ts at a press, the worker
// when a stage settles: groupOfferUpdater), the same message shows where it is: the diff and the hosts stay,
// the buttons give way to the stage, who approved it and its outcome ("rolled out to N of N", "stopped at …").
import type { Logger } from 'pino';
import type { PlanGroup, RolloutState } from '../remediate/plan-group.js';
import type { ActionsBlock, SlackMessage } from './blocks.js';
import { context, limitViolations, section, type Block } from './blocks.js';
import { describeSlackError, type WebClient } from './calls.js';
import { codeBlock, cutToEscapedLength, inlineCode, mention, oneLine, untrustedProse } from './mrkdwn.js';
import { slackTime } from './plan-message.js';

export const ACTION_APPLY_CANARY = 'remediation_apply_canary';
export const ACTION_APPLY_REST = 'remediation_apply_rest';
const BLOCK_ID = 'group_remediation';
/** The offer's first block: what comes before it in a message is someone else's (the sweep's group reply). */
export const OFFER_BLOCK_ID = 'group_offer';
/** Slack's limit on a section's text; a longer diff is cut (each host's plan keeps its full diff). */
const MAX_DIFF_CHARS = 2800;
const MAX_SUMMARY_CHARS = 400;
/** Escaped characters of the rollout's outcome line (it quotes what a host answered). */
const MAX_OUTCOME_CHARS = 1500;
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
      {
        ...section(`*Proposed fix for ${group.members.length} hosts:* ${untrustedProse(summary)}`),
        block_id: OFFER_BLOCK_ID,
      },
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
      groupContext(group),
    ],
  };
}

function groupContext(group: PlanGroup) {
  const canary = group.members[0]!;
  return context(
    `Group ${inlineCode(group.id)} · canary ${inlineCode(canary.host)} · valid until ${slackTime(group.expiresAt)}`,
  );
}

/** `Apply to the other N`, offered once the canary is applied and verified. */
function restButton(group: PlanGroup): ActionsBlock {
  const others = group.members.length - 1;
  return {
    type: 'actions',
    block_id: BLOCK_ID,
    elements: [
      {
        type: 'button',
        action_id: ACTION_APPLY_REST,
        text: { type: 'plain_text', text: `Apply to the other ${others}` },
        value: group.id,
        style: 'primary',
        confirm: {
          title: { type: 'plain_text', text: `Apply to the other ${others}?` },
          text: {
            type: 'mrkdwn',
            text: `The fix is applied to the other ${others} hosts in batches, each host backed up, checked with nginx -t, reloaded and verified (restored on any failure). The rollout stops after the first batch with a host that is not fixed; the hosts after it are left untouched.`,
            verbatim: true,
          },
          confirm: { type: 'plain_text', text: `Apply to the other ${others}` },
          deny: { type: 'plain_text', text: 'Cancel' },
        },
      },
    ],
  };
}

/** The rollout's stage as one line for the offer. */
function stageLine(group: PlanGroup, state: RolloutState): string {
  const canary = inlineCode(group.members[0]!.host);
  const who = state.by ? mention(state.by) : 'someone';
  const others = group.members.length - 1;
  const outcome = untrustedProse(cutToEscapedLength(oneLine(state.result ?? ''), MAX_OUTCOME_CHARS).text);
  switch (state.stage) {
    case 'offered':
      return 'Not started.';
    case 'canary':
      return `:hourglass_flowing_sand: Applying to the canary ${canary} · approved by ${who}; its steps follow in this thread.`;
    case 'canary-verified':
      return `:white_check_mark: Canary ${canary} applied and verified · approved by ${who}. The other ${others} wait for your press.`;
    case 'rest':
      return `:hourglass_flowing_sand: Rolling out to the other ${others} · approved by ${who}; each host's steps follow in this thread.`;
    case 'done':
      return `:white_check_mark: ${outcome || `Rolled out to ${group.members.length} of ${group.members.length} hosts`} · approved by ${who}`;
    case 'stopped':
      return `:no_entry: ${outcome || 'Stopped'} · approved by ${who}`;
  }
}

/** The offer as the rollout stands: the diff and hosts stay; the stage, and `Apply to the other N` when due. */
export function renderGroupRollout(group: PlanGroup, state: RolloutState): SlackMessage {
  const offer = renderGroupOffer(group);
  const line = stageLine(group, state);
  const kept = offer.blocks.filter((b) => b.type === 'section');
  const own: SlackMessage = {
    text: line,
    blocks: [
      ...kept,
      section(line),
      ...(state.stage === 'canary-verified' && group.members.length > 1 ? [restButton(group)] : []),
      groupContext(group),
    ],
  };
  // What the message held above the offer stays above it, when the whole still fits Block Kit's limits.
  const whole = { text: own.text, blocks: [...((state.head ?? []) as Block[]), ...own.blocks] };
  return state.head && limitViolations(whole).length === 0 ? whole : own;
}

/**
 * The blocks above the offer in a pressed message (Slack sends the message's blocks with the press), or none
 * when the offer is the whole message or is not found in it.
 */
export function blocksAboveOffer(blocks: unknown): unknown[] {
  if (!Array.isArray(blocks)) return [];
  const at = blocks.findIndex(
    (b: unknown) =>
      typeof b === 'object' && b !== null && (b as { block_id?: unknown }).block_id === OFFER_BLOCK_ID,
  );
  const head = at > 0 ? blocks.slice(0, at) : [];
  // Our own message, as Slack holds it: within Block Kit's limits, or it is not kept.
  return limitViolations({ blocks: head }).length === 0 ? head : [];
}

/** For the worker's rollout: the offer (located at the first press) shows each stage's outcome. */
export function groupOfferUpdater(
  client: WebClient,
  log: Logger,
): (group: PlanGroup, state: RolloutState) => Promise<void> {
  return async (group, state) => {
    if (!state.message) return;
    const m = renderGroupRollout(group, state);
    await client.chat
      .update({ channel: state.message.channel, ts: state.message.ts, text: m.text, blocks: m.blocks })
      .catch((err: unknown) => log.warn({ err: describeSlackError(err) }, 'group offer not updated'));
  };
}
