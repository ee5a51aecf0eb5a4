// Acks before work. Slack gives a command 3 s for its ack, and in an incident a hundred people may type
// `/502` in the same second: if the work after each ack (the inventory, the parent message, the job) started at
// once, it would run on the bot's one thread ahead of the acks still waiting, and the last ack of a burst would
// wait for the work of all the others. So the HTTP server counts the Slack requests it has received and not
// yet answered, and the work after an ack waits its turn: until no request waits for its answer, but never
// longer than `maxWaitMs` (a client that sends its body slowly, or a stream of requests that never pauses,
// cannot hold the work back). Nothing is dropped: every waiter is let go, in order.
export const MAX_WAIT_MS = 250;

export class AckFirst {
  private unanswered = 0;
  private readonly waiting = new Set<() => void>();

  constructor(private readonly maxWaitMs = MAX_WAIT_MS) {}

  /** A request came in: work waits until it is answered. */
  received(): void {
    this.unanswered += 1;
  }

  /** That request's answer was sent (or its client went away). */
  answered(): void {
    this.unanswered = Math.max(0, this.unanswered - 1);
    if (this.unanswered === 0 && this.waiting.size > 0)
      // After the I/O already read: a request that arrived with this one is received before work starts.
      setImmediate(() => {
        if (this.unanswered === 0) for (const go of [...this.waiting]) go();
      });
  }

  /** Resolves when no request waits for its answer, or after `maxWaitMs`. */
  turn(): Promise<void> {
    if (this.unanswered === 0) return new Promise((resolve) => setImmediate(resolve));
    return new Promise((resolve) => {
      const go = () => {
        clearTimeout(timer);
        this.waiting.delete(go);
        resolve();
      };
      const timer = setTimeout(go, this.maxWaitMs);
      this.waiting.add(go);
    });
  }
}
