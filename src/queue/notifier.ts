// How a diagnosis or remediation reports while it runs and when it ends: a Slack thread in production, the
// terminal in the CLI. The core and the workers speak only this interface, never Slack. A job names only
// real requesters; a test observes them through the NotifierFactory it hands the workers.
import type { Report } from '../model/types.js';

/** Where a requester wants to hear about a job: a Slack thread. In job payloads, so it is plain data. */
export interface Destination {
  kind: 'slack';
  channel: string;
  /** ts of the parent message: replies go into its thread, and it is edited to the verdict at the end. */
  threadTs: string;
  /** Slack user id of whoever asked. */
  userId: string;
  /** Set on the diagnosis that confirms an applied fix: the plan's id (`userId` approved it). */
  confirmsPlan?: string;
  /** Set when an alert asked (`userId` then names the alert, never a Slack user): the verdict keeps saying which. */
  alert?: AlertContext;
  /**
   * Set on each host's job of a fleet sweep: the sweep's id (sweep.ts). The host's answer is recorded in the
   * sweep and reported with its group, not posted in a thread of its own; `threadTs` is the sweep's parent.
   */
  sweep?: string;
}

/** The alert that started a diagnosis, as its parent message shows it: already cut to bounded lengths. */
export interface AlertContext {
  /** The alert's name (Alertmanager's `alertname` label). */
  name: string;
  /** Its summary annotation ('' when it has none). */
  summary: string;
  /** When it started firing (ISO 8601). */
  since: string;
}

export interface ProgressStep {
  /** Inventory name of the host. */
  target: string;
  /** One short line: "reading nginx config (nginx -T, nginx -t)". */
  step: string;
}

/**
 * A config fix waiting for approval, as much of a remediation plan as a notifier shows: the diff, and the
 * plan id the approval buttons carry (the plan itself stays in Redis).
 */
export interface OfferedFix {
  /** The plan id. */
  id: string;
  host: string;
  summary: string;
  unifiedDiff: string;
  expiresAt: string;
  withheld?: undefined;
}

/**
 * A fix that may not be applied from here (its file lies outside the trees a plan may write): shown with
 * the reason instead of buttons; no plan was stored, so there is nothing a press could start.
 */
export interface WithheldFix {
  host: string;
  summary: string;
  unifiedDiff: string;
  /** Why there are no buttons, one line. */
  withheld: string;
}

export type ProposedFix = OfferedFix | WithheldFix;

export interface Notifier {
  progress(step: ProgressStep): Promise<void>;
  /** The finished diagnosis of one host, with the fix an approver may apply when its root cause has one. */
  report(report: Report, fix?: ProposedFix): Promise<void>;
  /** The job ended without a report (a bug, a lost worker after retries): say so, never stay silent. */
  failed(target: string, message: string): Promise<void>;
  /**
   * One line of its own, kept in order: a remediation's steps and outcome. Unlike progress it is never
   * folded or dropped; unlike report and failed it does not end anything (the thread's verdict stays).
   */
  note(target: string, line: string): Promise<void>;
}

/** Builds the Notifier for a destination (the worker gets one per requester of a deduplicated job). */
export type NotifierFactory = (destination: Destination) => Notifier;
