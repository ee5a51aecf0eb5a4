// How a diagnosis or remediation reports while it runs and when it ends: a Slack thread in production, the
// terminal in the CLI, a recorder in tests. The core and the workers speak only this interface, never Slack.
import type { Report } from './types.js';

/** Where a requester wants to hear about a job. Carried in job payloads, so it is plain data. */
export type Destination =
  | {
      kind: 'slack';
      channel: string;
      /** ts of the parent message: replies go into its thread, and it is edited to the verdict at the end. */
      threadTs: string;
      /** Slack user id of whoever asked. */
      userId: string;
    }
  | { kind: 'recorder'; id: string };

export interface ProgressStep {
  /** Inventory name of the host. */
  target: string;
  /** One short line: "reading nginx config (nginx -T, nginx -t)". */
  step: string;
}

export interface Notifier {
  progress(step: ProgressStep): Promise<void>;
  /** The finished diagnosis of one host. */
  report(report: Report): Promise<void>;
  /** The job ended without a report (a bug, a lost worker after retries): say so, never stay silent. */
  failed(target: string, message: string): Promise<void>;
}

/** Builds the Notifier for a destination (the worker gets one per requester of a deduplicated job). */
export type NotifierFactory = (destination: Destination) => Notifier;
