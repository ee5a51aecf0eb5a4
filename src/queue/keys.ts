// Redis keys of our own, beside BullMQ's (which are `<prefix>:<queue>:…`). All start with the prefix, so an
// installation (or a test) owns everything under it.
import type { Destination } from './notifier.js';
import type { QueueName } from './names.js';

export class QueueKeys {
  constructor(readonly prefix: string) {}

  /** BullMQ's hash of one job (its existence says the job is still known to the queue). */
  bullJob(queue: QueueName, jobId: string): string {
    return `${this.prefix}:${queue}:${jobId}`;
  }

  /** Hash: destination key → destination JSON, every requester of one diagnosis job. */
  requesters(jobId: string): string {
    return `${this.prefix}:diagnosis:${jobId}:requesters`;
  }

  /** The sealed outcome of one diagnosis job (JSON): its existence means "finished, requesters list closed". */
  outcome(jobId: string): string {
    return `${this.prefix}:diagnosis:${jobId}:outcome`;
  }

  /** "delivering:<owner>" (a lease) or "done": the answer of one job to one destination. */
  delivery(jobId: string, destinationKey: string): string {
    return `${this.prefix}:diagnosis:${jobId}:delivered:${destinationKey}`;
  }

  /** Hash of one fleet sweep: `meta` (its record, JSON) and `done` (hosts recorded so far). */
  sweep(id: string): string {
    return `${this.prefix}:sweep:${id}`;
  }

  /** Set: the sweep's host names (its M; only these are counted). */
  sweepMembers(id: string): string {
    return `${this.prefix}:sweep:${id}:members`;
  }

  /** Hash: host → that host's outcome in the sweep (JSON), written once. */
  sweepOutcomes(id: string): string {
    return `${this.prefix}:sweep:${id}:outcomes`;
  }

  /** "finishing:<owner>" (a lease) or "done": the sweep's final verdict. */
  sweepFinal(id: string): string {
    return `${this.prefix}:sweep:${id}:final`;
  }

  /** Held while an edit of the sweep's parent may not be made (the throttle, or Slack's Retry-After). */
  sweepEditHold(id: string): string {
    return `${this.prefix}:sweep:${id}:edit-hold`;
  }

  /** Hash: which parts of the verdict were posted ("<group>:<message>", "<group>:file", "rest") and each
   * offered group's PlanGroup id ("<group>:offer"), so a verdict written again after a failure resumes. */
  sweepPosted(id: string): string {
    return `${this.prefix}:sweep:${id}:posted`;
  }

  /** Counter: progress edits of the sweep's parent that Slack answered (the verdict checks it after its own). */
  sweepEditsLanded(id: string): string {
    return `${this.prefix}:sweep:${id}:edits-landed`;
  }

  /** Set while an edit of the sweep's parent with the progress is on its way to Slack. */
  sweepEditing(id: string): string {
    return `${this.prefix}:sweep:${id}:editing`;
  }

  hostLock(host: string): string {
    return `${this.prefix}:host-lock:${host}`;
  }

  /** Counter behind the host lock's fencing tokens: every acquisition gets a larger number. */
  hostFence(host: string): string {
    return `${this.prefix}:host-fence:${host}`;
  }

  /** Set once when a remediation of a plan is first requested (who, when, which job). */
  planRequested(planId: string): string {
    return `${this.prefix}:plan:${planId}:requested`;
  }

  /** Set once when a worker starts applying a plan: a second start (after a lost worker) must not re-apply. */
  planClaim(planId: string): string {
    return `${this.prefix}:plan:${planId}:claimed`;
  }
}

/** A stable name for a destination: two requests from the same thread are one requester. */
export function destinationKey(destination: Destination): string {
  return `slack:${destination.channel}:${destination.threadTs}`;
}
