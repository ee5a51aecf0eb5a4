// What a worker process needs to remediate, from its environment: the plan store and the audit trail
// (AUDIT_LOG) on the worker's Redis connection; the proposer that turns a report's config edit into a plan
// (so the thread shows the diff and the buttons); and the PlanRunner the remediate queue calls. With a Slack
// client, an apply's outcome also replaces the buttons of the plan's message; with `rediagnose`, a fresh
// diagnosis confirms a successful apply in the same thread. For groups (canary-first fleet fix), the
// GroupRollout the `rollout` jobs call, with its own PlanRunner for the members: the same apply, audit and
// thread notes, without a confirming diagnosis per host (the rollout's outcome is on the group's offer).
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { AuditTrail } from '../audit/trail.js';
import type { Destination } from '../queue/notifier.js';
import type { ProposeFix } from '../queue/diagnose-job.js';
import type { WebClient } from '../slack/calls.js';
import { planOutcomeUpdater } from '../slack/actions.js';
import { groupOfferUpdater } from '../slack/group-offer.js';
import { PlanStore } from '../remediate/plan.js';
import { PlanGroupStore } from '../remediate/plan-group.js';
import { GroupRollout } from '../remediate/rollout.js';
import { fixProposer } from '../remediate/propose.js';
import { PlanRunner } from '../remediate/runner.js';
import type { Result } from '../model/result.js';

export interface WorkerRemediation {
  runner: PlanRunner;
  /** A group's canary and its rest (rollout jobs), and the runner of each member's plan. */
  rollout: GroupRollout;
  memberRunner: PlanRunner;
  proposeFix: ProposeFix;
  /** Where plans are kept, for a diagnoser that drafts them elsewhere (a diagnosis thread) and stores them here. */
  plans: PlanStore;
  /** REMEDIATION_ROOTS, for that diagnoser's drafts. */
  roots: readonly string[];
}

export interface WorkerRemediationDeps {
  redis: Redis;
  prefix: string;
  log: Logger;
  client?: WebClient;
  /** How long a plan may be applied (PLAN_TTL_MS). */
  planTtlMs?: number;
  /** REMEDIATION_ROOTS: directories besides the main config's where a plan may write. */
  roots?: readonly string[];
  rediagnose?: (host: string, destination: Destination) => Promise<void>;
  /** ROLLOUT_BATCH: a group's hosts applied at once after its canary. */
  rolloutBatch?: number;
}

/** The worker's remediation, or one line naming the setting that prevents it (AUDIT_LOG). */
export async function workerRemediationFromEnv(
  env: NodeJS.ProcessEnv,
  deps: WorkerRemediationDeps,
): Promise<Result<WorkerRemediation>> {
  const audit = AuditTrail.fromEnv(env, deps.redis, deps.prefix);
  const unwritable = await audit.unwritable();
  if (unwritable) return { ok: false, error: `AUDIT_LOG: ${unwritable}` };
  const plans = new PlanStore(deps.redis, deps.prefix);
  const roots = deps.roots ?? [];
  const runner = new PlanRunner({
    plans,
    audit,
    roots,
    ...(deps.client ? { onSettled: planOutcomeUpdater(deps.client, plans, deps.log) } : {}),
    ...(deps.rediagnose ? { rediagnose: deps.rediagnose } : {}),
  });
  const memberRunner = new PlanRunner({ plans, audit, roots });
  const rollout = new GroupRollout({
    groups: new PlanGroupStore(deps.redis, deps.prefix),
    plans,
    audit,
    ...(deps.rolloutBatch ? { batchSize: deps.rolloutBatch } : {}),
    ...(deps.client ? { onSettled: groupOfferUpdater(deps.client, deps.log) } : {}),
  });
  return {
    ok: true,
    value: {
      runner,
      rollout,
      memberRunner,
      proposeFix: fixProposer(plans, { ttlMs: deps.planTtlMs, roots }),
      plans,
      roots,
    },
  };
}
