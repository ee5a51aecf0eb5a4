// After a diagnosis: when the root cause carries a config edit, freeze it as a plan and store it, so the
// thread can show the diff and buttons carrying the plan id. The worker calls this where it still holds
// the snapshot (the file's text for the sha256 comes from it, not from the report).
import type { Destination } from '../core/notifier.js';
import type { HostSnapshot, Report } from '../core/types.js';
import type { ProposeFix } from '../queue/diagnose-job.js';
import { planFromFinding, type Plan, type PlanStore } from './plan.js';

export async function proposePlan(
  store: PlanStore,
  snapshot: HostSnapshot,
  report: Report,
  options: { requestedBy: string; ttlMs?: number },
): Promise<Plan | undefined> {
  const plan = draftPlan(snapshot, report, options);
  if (plan) await store.save(plan);
  return plan;
}

/**
 * The plan of a report's root cause, when it is critical and carries a config edit that can be applied and
 * verified; not stored yet. Pure (it reads the snapshot's config again), so it runs where the diagnosis ran.
 */
export function draftPlan(
  snapshot: HostSnapshot,
  report: Report,
  options: { requestedBy: string; ttlMs?: number },
): Plan | undefined {
  const root = report.findings[0];
  if (!root || root.severity !== 'critical' || !root.fix?.edit) return undefined;
  const built = planFromFinding(root, snapshot, options);
  return built.ok ? built.value : undefined;
}

/** Who asked, as a plan records it: the Slack user (FOUR_EYES compares it with the approver), else the destination. */
export function requesterOf(destination: Destination): string {
  return destination.kind === 'slack' ? destination.userId : `${destination.kind}:${destination.id}`;
}

/** The diagnose worker's `proposeFix`: plans stored in `store`, valid `ttlMs`. */
export function fixProposer(store: PlanStore, options: { ttlMs?: number } = {}): ProposeFix {
  return (snapshot, report, requester) =>
    proposePlan(store, snapshot, report, { requestedBy: requesterOf(requester), ...options });
}
