// The RemediationRunner the remediate queue calls (under the host's lock, once per apply job): loads the
// plan, makes sure it may still run (not expired, not used), runs the host-side protocol over SSH, tells
// the requester's thread every step, records everything in the audit trail, and settles the plan's status.
//
// Exactly once: the queue already enqueues one apply job per plan and claims it before running; on top of
// that the plan's own status moves pending → applying by compare-and-set, so even two different jobs (or a
// foreign producer) cannot apply one plan twice. Whoever loses hears "already applied by …".
import type { Destination, Notifier } from '../queue/notifier.js';
import type { Target } from '../inventory/index.js';
import type { RemediationContext, RemediationOutcome, RemediationRunner } from '../queue/remediate-job.js';
import { SshTransport } from '../transport/ssh.js';
import type { Transport } from '../transport/types.js';
import type { AuditAction, AuditTrail } from '../audit/trail.js';
import { applyPlan, type ApplyOptions, type ApplyResult } from './apply.js';
import { isExpired, type Plan, type PlanState, type PlanStatus, type PlanStore } from './plan.js';
import { recoverPlan } from './recover.js';
import type { StepReport } from './steps.js';
import { testPlan } from './test-plan.js';

export interface RunnerDeps {
  plans: PlanStore;
  audit: AuditTrail;
  /** Default: SSH to the inventory host. */
  transportFor?: (target: Target) => Transport;
  /** REMEDIATION_ROOTS: checked again on the host before a test, an apply or a recovery touches anything. */
  roots?: readonly string[];
  /** Passed to applyPlan (timings in tests). */
  applyOptions?: Omit<ApplyOptions, 'onStep' | 'stillHeld'>;
  /** After an apply settles (applied, rolled back, refused, failed): e.g. replace the buttons by the outcome. */
  onSettled?: (plan: Plan, state: PlanState) => Promise<void>;
  /**
   * After a successful apply: a fresh diagnosis of the host into the same thread, to confirm (it queues
   * behind this job's host lock, so it sees the host as the apply left it).
   */
  rediagnose?: (host: string, destination: Destination) => Promise<void>;
}

/** "already applied by <@U…> at …" and friends: why a plan cannot run now, for the thread. */
export function planUnavailable(
  plan: Plan | undefined,
  state: PlanState | undefined,
  now = new Date(),
): string | undefined {
  if (!plan || !state) return 'this plan no longer exists (plans are kept 7 days): run the diagnosis again';
  const by = state.by ? ` by ${state.by}` : '';
  const at = state.at ? ` at ${state.at}` : '';
  switch (state.status) {
    case 'pending':
      return isExpired(plan, now)
        ? `this plan expired at ${plan.expiresAt}: run the diagnosis again for a fresh one`
        : undefined;
    case 'applying':
      return `this plan is being applied${by} (started${at})`;
    case 'applied':
      return `this plan was already applied${by}${at}`;
    case 'rolled-back':
      return `this plan was already tried${by}${at} and rolled back: run the diagnosis again`;
    case 'refused':
      return `this plan was refused${at} (the file had changed): run the diagnosis again`;
    case 'failed':
      return `this plan already failed${at}: check the host, then run the diagnosis again`;
    case 'dismissed':
      return `this plan was dismissed${by}${at}`;
  }
}

/** A step as the thread and the audit trail show it. */
function stepLine(s: StepReport): string {
  return `${s.ok ? '✓' : '✗'} ${s.message}`;
}

export class PlanRunner implements RemediationRunner {
  constructor(private readonly deps: RunnerDeps) {}

  /** One connection for one job's work on the host, closed whatever happens. */
  private async onHost<T>(target: Target, work: (transport: Transport) => Promise<T>): Promise<T> {
    const transport = this.deps.transportFor?.(target) ?? new SshTransport(target, { env: process.env });
    await transport.connect();
    try {
      return await work(transport);
    } finally {
      await transport.close().catch(() => undefined);
    }
  }

  /** A line in the thread; a thread that cannot be reached never stops a remediation half-way. */
  private say(notifier: Notifier, target: string, line: string): Promise<void> {
    return notifier.note(target, line).catch(() => undefined);
  }

  /** An audit entry about this job's plan, by whoever pressed. */
  private audit(
    ctx: RemediationContext,
    entry: { action: AuditAction; result: string; diff?: string; steps?: string[] },
  ): Promise<unknown> {
    return this.deps.audit.record({
      user: ctx.requestedBy,
      host: ctx.target.name,
      planId: ctx.planId,
      ...entry,
    });
  }

  /** An apply that ran is over: the plan leaves `applying`, and the offer shows the outcome. */
  private async settle(
    ctx: RemediationContext,
    plan: Plan,
    status: PlanStatus,
    summary: string,
  ): Promise<void> {
    await this.deps.plans.transition(plan.id, 'applying', status, ctx.requestedBy, summary);
    await this.deps
      .onSettled?.(plan, { status, by: ctx.requestedBy, at: new Date().toISOString(), result: summary })
      .catch((err: unknown) => ctx.log.warn({ err }, 'plan outcome not shown'));
  }

  async run(ctx: RemediationContext): Promise<RemediationOutcome> {
    const { plans } = this.deps;
    const plan = await plans.get(ctx.planId);
    const host = ctx.target.name;
    const refuse = async (message: string): Promise<RemediationOutcome> => {
      await this.audit(ctx, { action: 'refusal', result: message });
      await this.say(ctx.notifier, host, `✗ ${message}`);
      return { status: 'refused', summary: message };
    };
    if (!plan) return refuse(planUnavailable(undefined, undefined)!);
    if (plan.host !== host) return refuse(`plan ${plan.id} is for ${plan.host}, not ${host}`);
    const onStep = (s: StepReport) => this.say(ctx.notifier, host, stepLine(s));

    if (ctx.action === 'test') {
      const unavailable = planUnavailable(plan, await plans.state(plan.id));
      if (unavailable) return refuse(unavailable);
      const r = await this.onHost(ctx.target, (t) => testPlan(t, plan, { onStep, roots: this.deps.roots }));
      await this.audit(ctx, {
        action: 'test',
        result: `${r.status}: ${r.summary}`,
        diff: plan.unifiedDiff,
        steps: r.steps.map(stepLine),
      });
      return { status: r.status === 'refused' ? 'refused' : 'tested', summary: r.summary };
    }

    const claim = await plans.transition(plan.id, 'pending', 'applying', ctx.requestedBy);
    if (!claim.ok) return refuse(planUnavailable(plan, claim.state ?? (await plans.state(plan.id)))!);
    await this.audit(ctx, { action: 'approval', result: 'apply started', diff: plan.unifiedDiff });
    let r: ApplyResult;
    try {
      r = await this.onHost(ctx.target, (t) =>
        applyPlan(t, plan, {
          ...this.deps.applyOptions,
          roots: this.deps.roots,
          onStep,
          stillHeld: ctx.stillHeld,
        }),
      );
    } catch (err) {
      const message = `the apply stopped: ${err instanceof Error ? err.message : String(err)}`;
      await plans.transition(plan.id, 'applying', 'failed', ctx.requestedBy, message);
      await this.audit(ctx, { action: 'apply', result: `failed: ${message}` });
      throw err;
    }
    await this.settle(ctx, plan, r.status, r.summary);
    await this.audit(ctx, {
      action: r.status === 'rolled-back' ? 'rollback' : r.status === 'refused' ? 'refusal' : 'apply',
      result: `${r.status}: ${r.summary}`,
      diff: plan.unifiedDiff,
      steps: r.steps.map(stepLine),
    });
    if (r.status !== 'applied') {
      await this.say(ctx.notifier, host, `✗ ${r.summary}`);
      return { status: r.status === 'refused' ? 'refused' : 'failed', summary: r.summary };
    }
    await this.say(ctx.notifier, host, `✓ ${r.summary}`);
    const confirming: Destination = { ...ctx.destination, confirmsPlan: plan.id };
    await this.deps
      .rediagnose?.(host, confirming)
      .catch((err: unknown) => ctx.log.warn({ err }, 'confirming diagnosis not queued'));
    return { status: 'applied', summary: r.summary };
  }

  async interrupted(ctx: RemediationContext): Promise<RemediationOutcome> {
    const plan = await this.deps.plans.get(ctx.planId);
    const host = ctx.target.name;
    if (!plan) {
      await this.say(
        ctx.notifier,
        host,
        `✗ the remediation of ${ctx.planId} was interrupted; its plan is gone: check ${host}`,
      );
      return { status: 'interrupted', summary: 'plan gone' };
    }
    const r = await this.onHost(ctx.target, (t) => recoverPlan(t, plan, this.deps.roots));
    const summary = `interrupted (worker lost), not applied again: ${r.summary}`;
    await this.settle(ctx, plan, 'failed', summary);
    await this.audit(ctx, { action: 'apply', result: summary });
    await this.say(ctx.notifier, host, `✗ ${summary}`);
    return { status: 'interrupted', summary };
  }
}
