// What the bot needs from the queue: enqueue a diagnosis for a destination. The queue's Producer
// (src/queue/producer.ts) has exactly this method; tests and benchmarks pass a fake.
import type { Destination } from '../queue/notifier.js';

export interface DiagnosisTicketLike {
  jobId: string;
  /** queued: a new job; joined: the host is already being diagnosed; answered: delivered at once. */
  status: 'queued' | 'joined' | 'answered';
  /** For `joined`: the first requester's destination (the bot links to that thread). */
  leader?: Destination;
}

export interface DiagnosisEnqueuer {
  requestDiagnosis(request: { target: string; destination: Destination }): Promise<DiagnosisTicketLike>;
}
