// A group's fix rolled out canary first: the RolloutRunner the `rollout` jobs call (queue/rollout-job.ts).
// The canary stage applies the group's first member only; the rest stage applies the others in batches of
// ROLLOUT_BATCH, the members of a batch in parallel, and starts no batch after one in which a host was not
// applied and verified. Each member is an ordinary apply of its own plan (its own sha256 from its own
// diagnosis, its own verify request; backup, nginx -t, reload, verify, rollback: apply.ts), run through
// `applyMember` under that host's lock, audited per host by the PlanRunner. Before a batch starts, each of
// its members is checked here (still in the inventory, its plan there, for that host, not expired, its edit
// the canary's in full: file, line, before and after, since the approver saw the canary's diff only): one that
// is not stops the rollout before the batch, naming the host and why. A host the rollout never reached has no
// audit entry and was never connected to.
//
// Resuming: every member's outcome is recorded in the group's rollout as it settles, so a job that a new
// worker restarts reads those instead of applying again; a member whose apply was cut short is found by its
// plan's claim (queue side) and recovered, never re-applied, and the rollout stops there.
import type { AuditTrail } from '../audit/trail.js';
import type { Target } from '../inventory/index.js';
import type { RemediationOutcome } from '../queue/remediate-job.js';
import type { RolloutContext, RolloutEnd, RolloutOutcome, RolloutRunner } from '../queue/rollout-job.js';
import { isExpired, type Plan, type PlanStore } from './plan.js';
import type {
  GroupMember,
  MemberOutcome,
  PlanGroup,
  PlanGroupStore,
  RolloutStage,
  RolloutState,
} from './plan-group.js';

export const DEFAULT_ROLLOUT_BATCH = 5;

export interface GroupRolloutDeps {
  groups: PlanGroupStore;
  plans: PlanStore;
  audit: AuditTrail;
  /** ROLLOUT_BATCH: members applied at once after the canary. */
  batchSize?: number;
  /** After the rollout settled a stage (canary verified, done, stopped): e.g. the offer shows the outcome. */
  onSettled?: (group: PlanGroup, state: RolloutState) => Promise<void>;
}

/** The members in batches of `size` (the last one may be smaller). */
export function batchesOf<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += Math.max(1, size)) out.push(items.slice(i, i + Math.max(1, size)));
  return out;
}

/** "web-01, web-02 and 3 more": host names for one line. */
export function namesOf(members: readonly GroupMember[], shown = 10): string {
  const names = members.slice(0, shown).map((m) => m.host);
  return members.length > shown ? `${names.join(', ')} and ${members.length - shown} more` : names.join(', ');
}

export class GroupRollout implements RolloutRunner {
  constructor(private readonly deps: GroupRolloutDeps) {}

  private say(ctx: RolloutContext, line: string): Promise<void> {
    return ctx.notifier.note(`group ${ctx.groupId}`, line).catch(() => undefined);
  }

  async run(ctx: RolloutContext): Promise<RolloutOutcome> {
    const { groups } = this.deps;
    const group = await groups.get(ctx.groupId);
    if (!group) {
      const summary = `group ${ctx.groupId} no longer exists: nothing was done`;
      await this.say(ctx, `✗ ${summary}`);
      return { status: 'stopped', summary };
    }
    const stage: RolloutStage = ctx.stage;
    const state = await groups.rollout(group.id);
    // A job for a stage the rollout is not at: already settled (a restart after the end), or forged.
    if (state.stage !== stage)
      return {
        status: state.stage === 'done' || state.stage === 'canary-verified' ? state.stage : 'stopped',
        summary: `the rollout is at ${state.stage}: nothing more to do (${state.result ?? ''})`,
      };

    const members = stage === 'canary' ? group.members.slice(0, 1) : group.members.slice(1);
    const batches = batchesOf(
      members,
      stage === 'canary' ? 1 : (this.deps.batchSize ?? DEFAULT_ROLLOUT_BATCH),
    );
    const total = group.members.length;
    if (stage === 'rest')
      await this.say(
        ctx,
        `Rolling out to the other ${members.length} in ${batches.length} batch${batches.length === 1 ? '' : 'es'} of up to ${this.deps.batchSize ?? DEFAULT_ROLLOUT_BATCH}, stopping at the first host not fixed`,
      );
    else await this.say(ctx, `Canary ${members[0]?.host ?? '?'}: applying`);

    for (const [i, batch] of batches.entries()) {
      const label = stage === 'canary' ? 'canary' : `batch ${i + 1}/${batches.length}`;
      const after = batches.slice(i + 1).flat();
      const fresh = batch.filter((m) => state.members[m.planId] === undefined);
      // Every member of the batch checked before any of them is touched.
      const targets = new Map<string, Target>();
      for (const m of fresh) {
        const checked = await this.check(ctx, m, group.members[0]);
        if (typeof checked === 'string') {
          const refused = { status: 'refused' as const, summary: checked };
          await this.deps.audit.record({
            action: 'refusal',
            user: ctx.requestedBy,
            host: m.host,
            planId: m.planId,
            result: `rollout of group ${group.id} (${label}): ${checked}`,
          });
          await groups.setMemberOutcome(group, m.planId, refused);
          const untouched = [
            ...batch.filter((b) => b !== m && state.members[b.planId] === undefined),
            ...after,
          ];
          return this.stop(ctx, group, m, refused, untouched);
        }
        targets.set(m.planId, checked);
      }
      if (stage === 'rest') await this.say(ctx, `${label}: ${namesOf(batch)}`);
      const outcomes = await Promise.all(
        batch.map(async (m): Promise<[GroupMember, MemberOutcome]> => {
          const known = state.members[m.planId];
          if (known) return [m, known];
          const plan = await this.deps.plans.get(m.planId);
          await this.deps.audit.record({
            action: 'request',
            user: ctx.requestedBy,
            host: m.host,
            planId: m.planId,
            result: `apply requested: ${label} of group ${group.id}`,
            ...(plan ? { diff: plan.unifiedDiff } : {}),
          });
          const outcome = memberOutcome(await ctx.applyMember(m.planId, targets.get(m.planId)!));
          await groups.setMemberOutcome(group, m.planId, outcome);
          return [m, outcome];
        }),
      );
      const failed = outcomes.find(([, o]) => o.status !== 'applied');
      if (failed) return this.stop(ctx, group, failed[0], failed[1], after);
      if (stage === 'rest') await this.say(ctx, `✓ ${label}: ${namesOf(batch)} applied and verified`);
    }

    if (stage === 'canary' && total > 1) {
      const canary = members[0]!;
      const summary = `canary ${canary.host} applied and verified: the other ${total - 1} wait for Apply to the other ${total - 1}`;
      await this.settle(ctx, group, 'canary', 'canary-verified', summary);
      await this.say(ctx, `✓ ${summary}`);
      return { status: 'canary-verified', summary };
    }
    const summary = `rolled out to ${total} of ${total} hosts`;
    await this.settle(ctx, group, stage, 'done', summary);
    await this.say(ctx, `✓ ${summary}`);
    return { status: 'done', summary };
  }

  async abandon(end: RolloutEnd): Promise<boolean> {
    const group = await this.deps.groups.get(end.groupId);
    if (!group) return false;
    const moved = await this.deps.groups.advance(group, end.stage, 'stopped', end.requestedBy, end.summary);
    if (!moved.ok) return false;
    await this.offerShows(group, end.log);
    return true;
  }

  /** The member's host and plan as a batch needs them, or why the member may not be applied. */
  private async check(
    ctx: RolloutContext,
    m: GroupMember,
    canary: GroupMember | undefined,
  ): Promise<Target | string> {
    const target = ctx.inventory.hosts.find((h) => h.name === m.host);
    if (!target) return `${m.host} is no longer in the inventory (${ctx.inventory.source})`;
    const plan = await this.deps.plans.get(m.planId);
    if (!plan) return `the plan ${m.planId} of ${m.host} no longer exists: run the diagnosis again`;
    if (plan.host !== m.host) return `the plan ${m.planId} is for ${plan.host}, not ${m.host}`;
    if (canary && m.planId !== canary.planId) {
      const differs = await this.differsFromCanary(plan, canary);
      if (differs) return differs;
    }
    const state = await this.deps.plans.state(m.planId);
    if (state?.status === 'pending' && isExpired(plan))
      return `the plan of ${m.host} expired at ${plan.expiresAt}: run the diagnosis again`;
    return target;
  }

  /**
   * Why a member's plan is not the canary's edit, or undefined when it is: the approver saw the canary's diff
   * only, and the sweep groups hosts by their edits cut short (fleet.ts), so two edits that differ past the
   * cut may share a group. File, line, before and after are compared in full; a member that differs is refused.
   */
  private async differsFromCanary(plan: Plan, canary: GroupMember): Promise<string | undefined> {
    const reference = await this.deps.plans.get(canary.planId);
    if (!reference)
      return `the canary's plan ${canary.planId} no longer exists, so ${plan.host}'s edit cannot be checked against the approved diff: run the sweep again`;
    const fields = (['file', 'line', 'before', 'after'] as const).filter((f) => plan[f] !== reference[f]);
    if (fields.length === 0) return undefined;
    return `the edit of ${plan.host} is not the canary's (its ${fields.join(', ')} differ${fields.length === 1 ? 's' : ''}): the approved diff does not stand for it; run the sweep again`;
  }

  /** The rollout stops at `at`: it says which host and why, and how many hosts it left untouched. */
  private async stop(
    ctx: RolloutContext,
    group: PlanGroup,
    at: GroupMember,
    outcome: MemberOutcome,
    untouched: GroupMember[],
  ): Promise<RolloutOutcome> {
    const left = untouched.length === 0 ? '' : `; ${untouched.length} untouched (${namesOf(untouched)})`;
    const summary = `stopped at ${at.host}: ${outcome.summary}${left}`;
    await this.settle(ctx, group, ctx.stage, 'stopped', summary);
    await this.say(ctx, `✗ ${summary}`);
    return { status: 'stopped', summary };
  }

  private async settle(
    ctx: RolloutContext,
    group: PlanGroup,
    from: RolloutStage,
    to: RolloutStage,
    summary: string,
  ): Promise<void> {
    await this.deps.groups.advance(group, from, to, ctx.requestedBy, summary);
    await this.offerShows(group, ctx.log);
  }

  private async offerShows(group: PlanGroup, log: RolloutContext['log']): Promise<void> {
    const state = await this.deps.groups.rollout(group.id);
    await this.deps.onSettled?.(group, state).catch((err: unknown) => log.warn({ err }, 'offer not updated'));
  }
}

function memberOutcome(o: RemediationOutcome): MemberOutcome {
  const status = o.status === 'tested' ? 'failed' : o.status;
  return { status, summary: o.summary };
}
