// Diagnoses in worker threads: a ThreadPool on diagnosis-thread.ts, and the Diagnoser the diagnose queue
// uses in production. The job's thread keeps the deadline and the answers; the pool's threads do the visit
// and everything that reads host output, and a thread whose job passed its deadline is terminated and
// replaced, so a host that makes parsing spin costs one thread for the rest of its deadline, never the
// worker. A drafted plan is stored here, on the job's side (Redis), once the thread sent it.
import type { HostSnapshot, Report } from '../model/types.js';
import type { Inventory, Target } from '../inventory/index.js';
import type { Diagnoser } from '../queue/diagnoser.js';
import type { WithheldFix } from '../queue/notifier.js';
import type { Plan, PlanOptions, PlanStore } from '../remediate/plan.js';
import { requesterOf, threadOf } from '../remediate/requester.js';
import { startEarly, ThreadPool, type ThreadJobOptions } from './thread-pool.js';

/** What a thread is asked: an inventory host over SSH (its peers from the inventory), or this machine. */
export type ThreadDiagnosisJob = (
  | { kind: 'ssh'; inventory: Inventory; target: Target; env: Record<string, string | undefined> }
  | { kind: 'local'; target: { name: string; address: string } }
) & {
  /** Draft the root cause's plan for this requester (remediation on). */
  plan?: Omit<PlanOptions, 'now' | 'id'>;
};

export interface ThreadDiagnosis {
  report: Report;
  unreachable?: HostSnapshot['unreachable'];
  /** The drafted plan, or the fix withheld (its file outside the allowed trees): never stored. */
  plan?: Plan | WithheldFix;
}

const ENTRY = new URL(
  import.meta.url.endsWith('.ts') ? './diagnosis-thread.ts' : './diagnosis-thread.js',
  import.meta.url,
);

/** The first diagnosis thread, started before the CLI loads the rest of itself (bin/upstream-doctor.js). */
export function startDiagnosisThreadEarly(): void {
  startEarly(ENTRY);
}

export class DiagnosisPool {
  private readonly pool: ThreadPool<ThreadDiagnosisJob, ThreadDiagnosis>;

  constructor(size: number) {
    this.pool = new ThreadPool(ENTRY, { size });
  }

  /** At least `size` threads from now on. */
  grow(size: number): void {
    this.pool.grow(size);
  }

  run(job: ThreadDiagnosisJob, options: ThreadJobOptions = {}): Promise<ThreadDiagnosis> {
    return this.pool.run(job, options);
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** The diagnose queue's Diagnoser: each diagnosis in a pool thread; plans (when `plans` is given) stored here. */
export function threadDiagnoser(
  pool: DiagnosisPool,
  options: {
    env?: NodeJS.ProcessEnv;
    plans?: { store: PlanStore; ttlMs?: number; roots?: readonly string[] };
  } = {},
): Diagnoser {
  const env = { ...(options.env ?? process.env) };
  const plans = options.plans;
  return async (inventory, target, { onProgress, signal, requester }) => {
    const answer = await pool.run(
      {
        kind: 'ssh',
        inventory,
        target,
        env,
        ...(plans ? { plan: planOptions(requester, plans) } : {}),
      },
      { signal, onProgress },
    );
    const plan = answer.plan;
    return {
      report: answer.report,
      ...(answer.unreachable ? { unreachable: answer.unreachable } : {}),
      ...(plan && plans
        ? {
            proposeFix: async () => {
              if (!('withheld' in plan)) await plans.store.save(plan);
              return plan;
            },
          }
        : {}),
    };
  };
}

/** What a thread needs to draft a requester's plan: who asked, where it is offered, its life and its roots. */
function planOptions(
  requester: Parameters<Diagnoser>[2]['requester'],
  plans: { ttlMs?: number; roots?: readonly string[] },
): Omit<PlanOptions, 'now' | 'id'> {
  return {
    requestedBy: requesterOf(requester),
    offeredIn: threadOf(requester),
    ...(plans.ttlMs !== undefined ? { ttlMs: plans.ttlMs } : {}),
    ...(plans.roots ? { roots: [...plans.roots] } : {}),
  };
}
