// The remediation buttons under a diagnosis: `remediation_test` ("Run nginx -t"), `remediation_apply`
// ("Apply & reload", behind a confirm dialog) and `remediation_dismiss`. A button's value is a plan id only;
// everything else comes from the plan in Redis. Who may press: APPROVERS (user ids, and user-group ids
// resolved through usergroups.users.list); with FOUR_EYES, never the person who asked for the diagnosis.
// Every press is acked at once, checked, recorded in the audit trail, and either refused (ephemeral, to the
// presser only) or queued as a remediate job; after Apply or Dismiss the buttons are replaced by who did
// what, and the steps and the outcome go into the thread. A press counts only in the thread its plan was
// offered in, from a channel CHANNEL_HOSTS still lets reach the host (press-binding.ts); a value that is not
// a plan id is refused and audited like any other refusal.
import type { App, BlockButtonAction, RespondFn } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import { AuditTrail } from '../audit/trail.js';
import type { InventoryResult } from '../inventory/index.js';
import type { RemediationAction } from '../queue/payloads.js';
import type { RemediationTicket } from '../queue/producer.js';
import type { Destination } from '../queue/notifier.js';
import { isPlanId, PlanStore, type Plan, type PlanState } from '../remediate/plan.js';
import { planUnavailable } from '../remediate/runner.js';
import { describeSlackError, type WebClient } from './calls.js';
import type { ChannelHosts } from './channel-hosts.js';
import { escapeMrkdwn, inlineCode, mention } from './mrkdwn.js';
import { ACTION_APPLY, ACTION_DISMISS, ACTION_TEST, renderActedOn } from './plan-message.js';
import { channelHostProblem, placeProblem, pressPlace } from './press-binding.js';
import { malformedValue, onPresses, tell } from './press-reply.js';
import { registerGroupActions, type RolloutEnqueuer } from './group-actions.js';
import { PlanGroupStore } from '../remediate/plan-group.js';
import type { Result } from '../model/result.js';

export { ACTION_APPLY, ACTION_DISMISS, ACTION_TEST, renderActedOn, renderPlan } from './plan-message.js';

export interface ApproverSettings {
  /** User ids (U…, W…) allowed to approve. */
  users: string[];
  /** User-group ids (S…) whose members may approve. */
  groups: string[];
  /** true: whoever asked for the diagnosis may not approve its fix. */
  fourEyes: boolean;
}

/** APPROVERS and FOUR_EYES from the environment; an unknown id shape names the setting. */
export function approverSettingsFrom(env: NodeJS.ProcessEnv): Result<ApproverSettings> {
  const ids = (env.APPROVERS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const users: string[] = [];
  const groups: string[] = [];
  for (const id of ids) {
    if (/^[UW][A-Z0-9]{2,}$/.test(id)) users.push(id);
    else if (/^S[A-Z0-9]{2,}$/.test(id)) groups.push(id);
    else
      return {
        ok: false,
        error: `APPROVERS: expected Slack user ids (U…) or user-group ids (S…), comma separated (got ${JSON.stringify(id)})`,
      };
  }
  const fourEyes = (env.FOUR_EYES ?? '').trim().toLowerCase();
  if (!['', 'true', 'false', '1', '0', 'yes', 'no'].includes(fourEyes))
    return { ok: false, error: `FOUR_EYES: expected true or false (got ${JSON.stringify(env.FOUR_EYES)})` };
  return { ok: true, value: { users, groups, fourEyes: ['true', '1', 'yes'].includes(fourEyes) } };
}

/** Who may approve, with user groups resolved through Slack (cached for a minute). */
export class Approvers {
  private cache: { members: Set<string>; until: number } | undefined;

  constructor(
    private readonly settings: ApproverSettings,
    private readonly client: WebClient,
    private readonly cacheMs = 60_000,
  ) {}

  private async groupMembers(): Promise<Set<string>> {
    if (this.cache && this.cache.until > Date.now()) return this.cache.members;
    const members = new Set<string>();
    for (const usergroup of this.settings.groups) {
      const r = await this.client.usergroups.users.list({ usergroup });
      for (const u of r.users ?? []) members.add(u);
    }
    this.cache = { members, until: Date.now() + this.cacheMs };
    return members;
  }

  async may(userId: string): Promise<boolean> {
    if (this.settings.users.includes(userId)) return true;
    if (this.settings.groups.length === 0) return false;
    return (await this.groupMembers()).has(userId);
  }

  get fourEyes(): boolean {
    return this.settings.fourEyes;
  }

  /** No approver is configured at all (APPROVERS empty). */
  get none(): boolean {
    return this.settings.users.length === 0 && this.settings.groups.length === 0;
  }
}

/** The part of the Producer the buttons use. */
export interface RemediationEnqueuer {
  requestRemediation(request: {
    planId: string;
    action: RemediationAction;
    target: string;
    destination: Destination;
    requestedBy: string;
  }): Promise<RemediationTicket>;
}

export interface RemediationActionDeps {
  plans: PlanStore;
  audit: AuditTrail;
  approvers: Approvers;
  enqueuer: RemediationEnqueuer;
  client: WebClient;
  log: Logger;
  /** CHANNEL_HOSTS, checked again at every press (null: every channel may reach every host). */
  channelHosts: ChannelHosts | null;
  /** The inventory the allow-list's tags and globs are matched against. */
  inventory: () => Promise<InventoryResult>;
}

/** Adds the three button listeners (pass it as the bot's `register`). */
export function registerRemediationActions(deps: RemediationActionDeps): (app: App) => void {
  return (app) =>
    onPresses(app, [ACTION_TEST, ACTION_APPLY, ACTION_DISMISS], deps.log, (actionId, body, value, respond) =>
      handlePress(deps, actionId, body, value, respond),
    );
}

async function handlePress(
  deps: RemediationActionDeps,
  actionId: string,
  body: BlockButtonAction,
  value: string,
  respond: RespondFn,
): Promise<void> {
  const user = body.user.id;
  if (!isPlanId(value)) {
    await deps.audit.record({
      action: 'refusal',
      user,
      host: '?',
      planId: '?',
      result: `${actionId}: ${malformedValue(value)}`,
    });
    return tell(respond, 'This button does not carry a plan: nothing was done.');
  }
  const planId = value;
  const plan = await deps.plans.get(planId);
  const host = plan?.host ?? '?';
  const refuse = async (why: string) => {
    await deps.audit.record({ action: 'refusal', user, host, planId, result: `${actionId}: ${why}` });
    return tell(respond, why);
  };
  const unavailable = planUnavailable(plan, await deps.plans.state(planId));
  if (!plan || unavailable) return refuse(unavailable ?? 'this plan no longer exists');
  const place = pressPlace(body);
  const misplaced = placeProblem(plan, place);
  if (misplaced) return refuse(misplaced);
  const loaded = deps.channelHosts === null ? undefined : await deps.inventory();
  if (loaded && !loaded.ok)
    return refuse('I cannot read my inventory to check CHANNEL_HOSTS: nothing was done.');
  const unreachable = loaded?.ok
    ? channelHostProblem(loaded.value, deps.channelHosts, place.channel, plan.host)
    : undefined;
  if (unreachable) return refuse(unreachable);

  const approver = await deps.approvers.may(user);
  if (actionId === ACTION_DISMISS) {
    if (!approver && user !== plan.requestedBy)
      return refuse('Only an approver or whoever asked for the diagnosis may dismiss this fix.');
  } else if (!approver) {
    return refuse(
      deps.approvers.none
        ? 'Nobody may apply fixes yet: the bot has no approvers (set APPROVERS). Nothing was done.'
        : 'You are not an approver for remediations (APPROVERS): nothing was done.',
    );
  } else if (actionId === ACTION_APPLY && deps.approvers.fourEyes && user === plan.requestedBy) {
    return refuse(
      'Four-eyes rule: someone other than whoever asked for the diagnosis must approve this fix.',
    );
  }

  const { channel, threadTs, messageTs } = place;
  const replace = (line: string) => {
    const m = renderActedOn(plan, line);
    return deps.client.chat
      .update({ channel, ts: messageTs, text: m.text, blocks: m.blocks })
      .catch((err: unknown) => deps.log.warn({ err: describeSlackError(err) }, 'plan message not updated'));
  };

  if (actionId === ACTION_DISMISS) {
    const moved = await deps.plans.transition(planId, 'pending', 'dismissed', user);
    if (!moved.ok) return refuse(planUnavailable(plan, moved.state) ?? 'this plan cannot be dismissed now');
    await deps.audit.record({
      action: 'dismiss',
      user,
      host,
      planId,
      result: 'dismissed',
      diff: plan.unifiedDiff,
    });
    await replace(`Dismissed by ${mention(user)}.`);
    return;
  }

  const action: RemediationAction = actionId === ACTION_APPLY ? 'apply' : 'test';
  const destination: Destination = { kind: 'slack', channel, threadTs, userId: user };
  await deps.audit.record({
    action: 'request',
    user,
    host,
    planId,
    result: `${action} requested`,
    diff: plan.unifiedDiff,
  });
  if (action === 'apply' && channel && messageTs)
    await deps.plans.setMessage(planId, { channel, ts: messageTs });
  const ticket = await deps.enqueuer.requestRemediation({
    planId,
    action,
    target: plan.host,
    destination,
    requestedBy: user,
  });
  if (ticket.status === 'duplicate')
    return refuse(
      `Already requested by ${mention(ticket.requestedBy)} at ${escapeMrkdwn(String(ticket.requestedAt))}: it applies once.`,
    );
  if (action === 'apply')
    await replace(
      `Approved by ${mention(user)}: applying to ${inlineCode(plan.host)}; steps and outcome follow in this thread.`,
    );
  else
    await tell(
      respond,
      `Running nginx -t with the edit on ${inlineCode(plan.host)}; the result follows in this thread.`,
    );
}

const OUTCOME: Record<string, string> = {
  applied: ':white_check_mark: Applied and verified',
  'rolled-back': ':leftwards_arrow_with_hook: Did not fix it: rolled back, the host is as it was',
  refused: ':no_entry: Refused (the file changed since the diagnosis): nothing was changed',
  failed: ':x: Failed: check the steps below and the host',
};

/**
 * For PlanRunner's onSettled in a worker: replaces the plan message's buttons by who applied it and the
 * outcome (the message was located when Apply was pressed).
 */
export function planOutcomeUpdater(
  client: WebClient,
  plans: PlanStore,
  log: Logger,
): (plan: Plan, state: PlanState) => Promise<void> {
  return async (plan, state) => {
    const where = await plans.message(plan.id);
    if (!where) return;
    const who = state.by ? mention(state.by) : 'someone';
    const outcome = OUTCOME[state.status] ?? state.status;
    const m = renderActedOn(plan, `${outcome} · approved by ${who}`);
    await client.chat
      .update({ channel: where.channel, ts: where.ts, text: m.text, blocks: m.blocks })
      .catch((err: unknown) => log.warn({ err: describeSlackError(err) }, 'plan message not updated'));
  };
}

/**
 * The bot's `register` for the buttons, from its environment (APPROVERS, FOUR_EYES, AUDIT_LOG): a bad setting
 * is one line naming it, for the bot to stop with at start. With `rollouts`, the group buttons too
 * (group-actions.ts: `Apply to canary`, `Apply to the other N`), under the same approvers.
 */
export async function remediationActionsFromEnv(
  env: NodeJS.ProcessEnv,
  deps: {
    redis: Redis;
    prefix: string;
    enqueuer: RemediationEnqueuer;
    client: WebClient;
    log: Logger;
    channelHosts: ChannelHosts | null;
    inventory: () => Promise<InventoryResult>;
    rollouts?: RolloutEnqueuer;
  },
): Promise<Result<(app: App) => void>> {
  const settings = approverSettingsFrom(env);
  if (!settings.ok) return settings;
  const audit = AuditTrail.fromEnv(env, deps.redis, deps.prefix);
  const unwritable = await audit.unwritable();
  if (unwritable) return { ok: false, error: `AUDIT_LOG: ${unwritable}` };
  const approvers = new Approvers(settings.value, deps.client);
  if (approvers.none) deps.log.warn('APPROVERS is empty: nobody can apply or test proposed fixes');
  const plans = registerRemediationActions({
    plans: new PlanStore(deps.redis, deps.prefix),
    audit,
    approvers,
    enqueuer: deps.enqueuer,
    client: deps.client,
    log: deps.log,
    channelHosts: deps.channelHosts,
    inventory: deps.inventory,
  });
  const rollouts = deps.rollouts;
  const groups = rollouts
    ? registerGroupActions({
        groups: new PlanGroupStore(deps.redis, deps.prefix),
        audit,
        approvers,
        rollouts,
        client: deps.client,
        log: deps.log,
        channelHosts: deps.channelHosts,
        inventory: deps.inventory,
      })
    : undefined;
  return {
    ok: true,
    value: (app) => {
      plans(app);
      groups?.(app);
    },
  };
}
