// Prometheus metrics of a worker: how long jobs take (by queue and result), how deep the queues are, and
// which causes the reports find. Served on /metrics by server.ts.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Report } from '../model/types.js';
import type { QueueName } from '../queue/names.js';
import type { JobObserver, JobResult } from '../queue/observer.js';

/** Job counts by state, as BullMQ's Queue.getJobCounts() returns them. */
export type QueueDepthSource = () => Promise<Record<QueueName, Record<string, number>>>;

export class WorkerMetrics implements JobObserver {
  readonly registry = new Registry();
  private readonly duration: Histogram<'queue' | 'result'>;
  private readonly findings: Counter<'cause' | 'severity'>;

  constructor(depth: QueueDepthSource, options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false)
      collectDefaultMetrics({ register: this.registry, prefix: 'upstream_doctor_' });
    this.duration = new Histogram({
      name: 'upstream_doctor_job_duration_seconds',
      help: 'Time a worker spent on one run of a job, by queue and how it ended',
      labelNames: ['queue', 'result'],
      // From a no-op run (ms) to a slow host near the default 120 s limit.
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
      registers: [this.registry],
    });
    this.findings = new Counter({
      name: 'upstream_doctor_findings_total',
      help: 'Findings in delivered reports, by cause and severity',
      labelNames: ['cause', 'severity'],
      registers: [this.registry],
    });
    new Gauge({
      name: 'upstream_doctor_queue_jobs',
      help: 'Jobs in each queue by state (waiting, active, delayed, failed, completed…), read at scrape time',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        this.reset();
        const counts = await depth();
        for (const [queue, states] of Object.entries(counts))
          for (const [state, n] of Object.entries(states)) this.set({ queue, state }, n);
      },
    });
  }

  jobDone(queue: QueueName, result: JobResult, seconds: number): void {
    this.duration.observe({ queue, result }, seconds);
  }

  reported(report: Report): void {
    for (const f of report.findings) this.findings.inc({ cause: f.cause, severity: f.severity });
  }

  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
