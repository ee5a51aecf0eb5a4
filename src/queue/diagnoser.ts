// What a diagnose job asks of a diagnosis, and what it gets back. The job itself (diagnose-job.ts) owns the
// deadline, the host lock and the answers; a Diagnoser owns everything that reads what the host printed:
// the visit, the parsing, the analysis and the drafting of a fix. Production runs that part in a worker
// thread (src/workers/diagnosis-pool.ts), so no host output can stall the thread that keeps the deadline, the
// BullMQ lock renewal and /healthz; `inProcessDiagnoser` runs a Collector here, for tests and benchmarks
// whose visits are scripted.
import type { Destination, ProposedFix } from './notifier.js';
import type { HostSnapshot, Report } from '../model/types.js';
import { reportOf } from '../analyze/report.js';
import type { Inventory, Target } from '../inventory/index.js';
import type { CollectRequest, Collector } from './collect.js';

export interface DiagnoseRequest extends CollectRequest {
  /** Who asked first: a drafted plan records them (FOUR_EYES compares them with the approver). */
  requester: Destination;
}

export interface Diagnosis {
  report: Report;
  /** Why the host could not be visited, when it could not (the job retries the reasons that may pass). */
  unreachable?: HostSnapshot['unreachable'];
  /** Stores the root cause's edit as a plan and says what to show; absent when the report has none. */
  proposeFix?: () => Promise<ProposedFix | undefined>;
}

/** Visits a host and reads what it printed; rejects (or is abandoned) when `signal` aborts. */
export type Diagnoser = (
  inventory: Inventory,
  target: Target,
  request: DiagnoseRequest,
) => Promise<Diagnosis>;

/**
 * Freezes the root cause's config edit as a plan an approver may apply. Called with the snapshot, which only
 * the diagnosing side holds: the plan's sha256 is of the file as diagnosed.
 */
export type ProposeFix = (
  snapshot: HostSnapshot,
  report: Report,
  requester: Destination,
) => Promise<ProposedFix | undefined>;

/** A Collector's snapshot analysed on this thread (scripted visits: the queue's tests and benchmarks). */
export function inProcessDiagnoser(collect: Collector, proposeFix?: ProposeFix): Diagnoser {
  return async (inventory, target, request) => {
    const snapshot = await collect(inventory, target, request);
    const report = reportOf(snapshot);
    return {
      report,
      ...(snapshot.unreachable ? { unreachable: snapshot.unreachable } : {}),
      ...(proposeFix ? { proposeFix: () => proposeFix(snapshot, report, request.requester) } : {}),
    };
  };
}
