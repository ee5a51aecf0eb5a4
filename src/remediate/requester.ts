// Who asked for a diagnosis and where its offer lands, as a plan records them. Apart from propose.ts so that
// the diagnosis pool's caller (the CLI's main thread, the queue's job) names a requester without loading the
// plans and the config reading behind them (issue 16).
import type { Destination } from '../queue/notifier.js';
import type { PlanThread } from './plan.js';

/** Who asked, as a plan records it: the Slack user (FOUR_EYES compares it with the approver). */
export function requesterOf(destination: Destination): string {
  return destination.userId;
}

/** The Slack thread a requester's offer lands in. */
export function threadOf(destination: Destination): PlanThread {
  return { channel: destination.channel, threadTs: destination.threadTs };
}
