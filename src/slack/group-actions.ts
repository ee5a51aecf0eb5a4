// The presses on a group's offer (group-offer.ts): `Apply to canary` and, once the canary is verified,
// `Apply to the other N`. The value is a group id only; the members, their plans and the thread come from
// Redis. The rules are a single plan's (actions.ts): the press counts only in the thread the group was
// offered in, CHANNEL_HOSTS must still let that channel reach EVERY member host, the presser must be an
// approver and, with FOUR_EYES, not whoever asked for the sweep. Every refusal is ephemeral and audited. A
// press that passes moves the group's rollout by compare-and-set (offered → canary, canary-verified → rest),
// so however many presses arrive, each stage is queued once; the rest are told who started it. The work is a
// `rollout` job (queue/rollout-job.ts) that the workers run, each member under its own host's lock.
import type { App, BlockButtonAction, RespondFn } from '@slack/bolt';
import type { Logger } from 'pino';
import type { AuditTrail } from '../audit/trail.js';
import type { InventoryResult } from '../inventory/index.js';
import type { Destination } from '../queue/notifier.js';
import type { RolloutStageRequested } from '../queue/payloads.js';
import {
  isGroupId,
  type PlanGroup,
  type PlanGroupStore,
  type RolloutStage,
} from '../remediate/plan-group.js';
import type { Approvers } from './actions.js';
import { describeSlackError, type WebClient } from './calls.js';
import type { ChannelHosts } from './channel-hosts.js';
import {
  ACTION_APPLY_CANARY,
  ACTION_APPLY_REST,
  blocksAboveOffer,
  renderGroupRollout,
} from './group-offer.js';
import { escapeMrkdwn, inlineCode, mention } from './mrkdwn.js';
import { channelReach, placeProblem, pressPlace } from './press-binding.js';
import { malformedValue, onPresses, tell } from './press-reply.js';

/** The part of the Producer the group buttons use. */
export interface RolloutEnqueuer {
  requestRollout(request: {
    groupId: string;
    stage: RolloutStageRequested;
    destination: Destination;
    requestedBy: string;
  }): Promise<{ jobId: string }>;
}

export interface GroupActionDeps {
  groups: PlanGroupStore;
  audit: AuditTrail;
  approvers: Approvers;
  rollouts: RolloutEnqueuer;
  client: WebClient;
  log: Logger;
  /** CHANNEL_HOSTS, checked again at every press for every member (null: every channel, every host). */
  channelHosts: ChannelHosts | null;
  inventory: () => Promise<InventoryResult>;
}

/** Which stage a button starts, and the stage the rollout must be at for it. */
const STAGES: Record<string, { from: RolloutStage; to: RolloutStageRequested }> = {
  [ACTION_APPLY_CANARY]: { from: 'offered', to: 'canary' },
  [ACTION_APPLY_REST]: { from: 'canary-verified', to: 'rest' },
};

/** Adds the two group button listeners (the bot's `register` calls it beside the plan buttons). */
export function registerGroupActions(deps: GroupActionDeps): (app: App) => void {
  return (app) =>
    onPresses(app, [ACTION_APPLY_CANARY, ACTION_APPLY_REST], deps.log, (actionId, body, value, respond) =>
      handleGroupPress(deps, actionId, body, value, respond),
    );
}

/** Why the rollout is not at `from`, for the presser. */
function notNow(stage: RolloutStage, by: string | undefined, at: string | undefined): string {
  const who = by ? ` by ${mention(by)}` : '';
  const when = at ? ` at ${escapeMrkdwn(at)}` : '';
  switch (stage) {
    case 'offered':
      return 'The canary has not been applied yet: press Apply to canary first. Nothing was done.';
    case 'canary':
      return `The canary is being applied (started${who}${when}): it applies once.`;
    case 'canary-verified':
      return `The canary was already applied${who}${when}: its outcome is on the offer.`;
    case 'rest':
      return `The rollout to the other hosts was already started${who}${when}: it runs once.`;
    case 'done':
      return `This fix was already rolled out${who}${when}.`;
    case 'stopped':
      return `This rollout stopped${when}: see the offer for where and why; run the diagnosis again for a fresh fix.`;
  }
}

async function handleGroupPress(
  deps: GroupActionDeps,
  actionId: string,
  body: BlockButtonAction,
  value: string,
  respond: RespondFn,
): Promise<void> {
  const user = body.user.id;
  const refuse = async (why: string, planId = '?') => {
    await deps.audit.record({ action: 'refusal', user, host: '?', planId, result: `${actionId}: ${why}` });
    return tell(respond, why);
  };
  if (!isGroupId(value)) {
    return refuse(`${malformedValue(value)}: nothing was done`);
  }
  const group = await deps.groups.get(value);
  if (!group) return refuse('This group no longer exists (groups are kept 7 days): run the sweep again.');
  const refuseGroup = (why: string) => refuse(why, group.id);
  const stage = STAGES[actionId]!;
  if (stage.to === 'canary' && Date.now() >= Date.parse(group.expiresAt))
    return refuseGroup(
      `This fix expired at ${escapeMrkdwn(group.expiresAt)}: run the sweep again for a fresh one. Nothing was done.`,
    );
  const place = pressPlace(body);
  const misplaced = placeProblem(group, place);
  if (misplaced) return refuseGroup(misplaced);
  const unreachable = await memberOutOfReach(deps, group, place.channel);
  if (unreachable) return refuseGroup(unreachable);
  if (!(await deps.approvers.may(user)))
    return refuseGroup(
      deps.approvers.none
        ? 'Nobody may apply fixes yet: the bot has no approvers (set APPROVERS). Nothing was done.'
        : 'You are not an approver for remediations (APPROVERS): nothing was done.',
    );
  if (deps.approvers.fourEyes && user === group.requestedBy)
    return refuseGroup(
      'Four-eyes rule: someone other than whoever asked for the sweep must approve this fix.',
    );

  const moved = await deps.groups.advance(group, stage.from, stage.to, user);
  if (!moved.ok) return refuseGroup(notNow(moved.state.stage, moved.state.by, moved.state.at));
  const { channel, threadTs, messageTs } = place;
  await deps.groups.setMessage(group, { channel, ts: messageTs }, blocksAboveOffer(body.message?.blocks));
  // The offer shows the stage before the job exists, so the worker's outcome can never be overwritten by it.
  const show = async () => {
    const m = renderGroupRollout(group, await deps.groups.rollout(group.id));
    await deps.client.chat
      .update({ channel, ts: messageTs, text: m.text, blocks: m.blocks })
      .catch((err: unknown) => deps.log.warn({ err: describeSlackError(err) }, 'group offer not updated'));
  };
  await show();
  try {
    await deps.rollouts.requestRollout({
      groupId: group.id,
      stage: stage.to,
      destination: { kind: 'slack', channel, threadTs, userId: user },
      requestedBy: user,
    });
  } catch (err) {
    // Nothing was queued: the stage goes back, so the button can be pressed again.
    await deps.groups.advance(group, stage.to, stage.from, user, 'not queued');
    await show();
    throw err;
  }
}

/** The first member host the channel may not reach under CHANNEL_HOSTS, as a refusal; or undefined. */
async function memberOutOfReach(
  deps: GroupActionDeps,
  group: PlanGroup,
  channel: string,
): Promise<string | undefined> {
  if (deps.channelHosts === null) return undefined;
  const loaded = await deps.inventory();
  if (!loaded.ok) return 'I cannot read my inventory to check CHANNEL_HOSTS: nothing was done.';
  const reach = channelReach(loaded.value, deps.channelHosts, channel);
  for (const m of group.members)
    if (reach !== null && !reach.has(m.host))
      return `This channel may no longer touch ${inlineCode(m.host)} (CHANNEL_HOSTS), one of this group's hosts: nothing was done.`;
  return undefined;
}
