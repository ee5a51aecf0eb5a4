// The requesters of one diagnosis job as one Notifier-like object: progress goes to everyone who has
// joined so far; the end goes to everyone exactly once (seal, then deliverOnce per destination).
// A destination that fails (Slack down for one channel) is logged and never fails the job.
import type { Logger } from 'pino';
import type { Destination, Notifier, NotifierFactory } from './notifier.js';
import { destinationKey } from './keys.js';
import type { DiagnosisOutcome } from './outcome.js';
import type { Requesters } from './requesters.js';

export class RequesterFanout {
  /** One Notifier per destination for the whole job (a Slack notifier may keep the message it edits). */
  private readonly notifiers = new Map<string, Notifier>();
  private sent: Promise<void> = Promise.resolve();

  constructor(
    private readonly requesters: Requesters,
    private readonly notifierFor: NotifierFactory,
    private readonly jobId: string,
    /** The requester carried in the payload: counted even if its join never landed. */
    private readonly first: Destination,
    private readonly owner: string,
    private readonly log: Logger,
  ) {}

  private notifier(destination: Destination): Notifier {
    const key = destinationKey(destination);
    let n = this.notifiers.get(key);
    if (!n) {
      n = this.notifierFor(destination);
      this.notifiers.set(key, n);
    }
    return n;
  }

  private withFirst(list: Destination[]): Destination[] {
    const seen = new Set(list.map(destinationKey));
    return seen.has(destinationKey(this.first)) ? list : [this.first, ...list];
  }

  /**
   * Sends one progress line to everyone who has joined so far. Lines are sent one after the other, in
   * order, and the answer waits for them (a progress line never lands after the verdict).
   */
  progress(target: string, step: string): Promise<void> {
    this.sent = this.sent.then(() => this.sendProgress(target, step));
    return this.sent;
  }

  private async sendProgress(target: string, step: string): Promise<void> {
    const to = this.withFirst(await this.requesters.list(this.jobId).catch(() => []));
    await Promise.all(
      to.map((d) =>
        this.notifier(d)
          .progress({ target, step })
          .catch((err: unknown) =>
            this.log.warn({ err, destination: destinationKey(d) }, 'progress not delivered'),
          ),
      ),
    );
  }

  /** Seals the outcome and answers every requester once; returns the outcome that was sealed. */
  async finish(outcome: DiagnosisOutcome): Promise<DiagnosisOutcome> {
    await this.sent;
    const sealed = await this.requesters.seal(this.jobId, outcome);
    const to = this.withFirst(sealed.to);
    await Promise.all(
      to.map((d) =>
        this.requesters
          .deliverOnce(this.jobId, d, this.notifier(d), sealed.outcome, this.owner)
          .catch((err: unknown) =>
            this.log.error({ err, destination: destinationKey(d) }, 'answer not delivered'),
          ),
      ),
    );
    return sealed.outcome;
  }
}
