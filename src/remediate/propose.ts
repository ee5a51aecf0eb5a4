// After a diagnosis: when the root cause carries a config edit, freeze it as a plan and store it, so the
// thread can show the diff and buttons carrying the plan id. The worker calls this where it still holds
// the snapshot (the file's text for the sha256 comes from it, not from the report).
import type { HostSnapshot, Report } from '../core/types.js';
import { planFromFinding, type Plan, type PlanStore } from './plan.js';

export async function proposePlan(
  store: PlanStore,
  snapshot: HostSnapshot,
  report: Report,
  options: { requestedBy: string; ttlMs?: number },
): Promise<Plan | undefined> {
  const root = report.findings[0];
  if (!root || root.severity !== 'critical' || !root.fix?.edit) return undefined;
  const built = planFromFinding(root, snapshot, options);
  if (!built.ok) return undefined;
  await store.save(built.value);
  return built.value;
}
