// The program of a diagnosis thread (see diagnosis-pool.ts): visit one host (SSH, or this machine), read
// and analyse what it printed, and draft the root cause's plan when asked. Everything whose running time a
// host's output decides happens here, off the thread that keeps the job's deadline, the BullMQ lock and
// /healthz; only the report (and the plan) travel back, never the raw snapshot. The analysis and the plans
// are imported when a job starts, so the thread answers (and the first visit's bytes go out) before they are
// compiled, which happens while the visit waits on the host.
import type { HostSnapshot } from '../model/types.js';
import { collect } from '../collect/collect.js';
import { collectTarget } from '../collect/from-inventory.js';
import { LocalTransport } from '../transport/local.js';
import type { ThreadDiagnosis, ThreadDiagnosisJob } from './diagnosis-pool.js';
import { serveThreadJobs } from './thread-pool.js';

async function diagnose(job: ThreadDiagnosisJob, progress: (step: string) => void): Promise<ThreadDiagnosis> {
  const analysis = import('../analyze/report.js');
  const plans = job.plan ? import('../remediate/propose.js') : undefined;
  // Settled here too, so an import that fails while the visit runs is never an unhandled rejection.
  analysis.catch(() => undefined);
  plans?.catch(() => undefined);
  const snapshot: HostSnapshot =
    job.kind === 'local'
      ? await collect(new LocalTransport(), job.target, { onProgress: progress })
      : await collectTarget(job.inventory, job.target, { env: job.env, onProgress: progress });
  const report = (await analysis).reportOf(snapshot);
  const plan = job.plan && plans ? (await plans).draftPlan(snapshot, report, job.plan) : undefined;
  return {
    report,
    ...(snapshot.unreachable ? { unreachable: snapshot.unreachable } : {}),
    ...(plan ? { plan } : {}),
  };
}

serveThreadJobs(diagnose);
