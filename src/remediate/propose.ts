// After a diagnosis: when the root cause carries a config edit, freeze it as a plan and store it, so the
// thread can show the diff and buttons carrying the plan id. The worker calls this where it still holds
// the snapshot (the file's text for the sha256 comes from it, not from the report). A fix whose file lies
// outside the allowed trees is stored nowhere: the thread shows it with the reason and no buttons.
import type { ProposedFix, WithheldFix } from '../queue/notifier.js';
import type { HostSnapshot, Report } from '../model/types.js';
import type { ProposeFix } from '../queue/diagnose-job.js';
import { planFromFinding, type Plan, type PlanOptions, type PlanStore } from './plan.js';
import { requesterOf, threadOf } from './requester.js';

export { requesterOf, threadOf } from './requester.js';

export async function proposePlan(
  store: PlanStore,
  snapshot: HostSnapshot,
  report: Report,
  options: Omit<PlanOptions, 'now' | 'id'>,
): Promise<Plan | ProposedFix | undefined> {
  const drafted = draftPlan(snapshot, report, options);
  if (drafted && !('withheld' in drafted)) await store.save(drafted);
  return drafted;
}

/**
 * The plan of a report's root cause, when it is critical and carries a config edit that can be applied and
 * verified, not stored yet; or, for a file outside the allowed trees, the fix withheld with the reason.
 * Pure (it reads the snapshot's config again), so it runs where the diagnosis ran.
 */
export function draftPlan(
  snapshot: HostSnapshot,
  report: Report,
  options: Omit<PlanOptions, 'now' | 'id'>,
): Plan | WithheldFix | undefined {
  const root = report.findings[0];
  if (!root || root.severity !== 'critical' || !root.fix?.edit) return undefined;
  const built = planFromFinding(root, snapshot, options);
  if (built.ok) return built.value;
  return built.withheld
    ? {
        host: snapshot.target,
        summary: root.fix.summary,
        unifiedDiff: built.withheld.unifiedDiff,
        withheld: built.error,
      }
    : undefined;
}

/** The diagnose worker's `proposeFix`: plans stored in `store`, valid `ttlMs`, confined to `roots`. */
export function fixProposer(
  store: PlanStore,
  options: { ttlMs?: number; roots?: readonly string[] } = {},
): ProposeFix {
  return (snapshot, report, requester) => {
    return proposePlan(store, snapshot, report, {
      requestedBy: requesterOf(requester),
      offeredIn: threadOf(requester),
      ...options,
    });
  };
}
