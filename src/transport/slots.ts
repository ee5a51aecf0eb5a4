// A counting semaphore whose size can shrink: commands share one SSH connection, and sshd refuses sessions
// beyond its MaxSessions, so at most `limit` channels are open at once and the rest wait their turn in order.

export class Slots {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`slot limit must be a positive integer, got ${limit}`);
  }

  get inUse(): number {
    return this.active;
  }

  get size(): number {
    return this.limit;
  }

  /** Wait for a free slot; the returned function gives it back (calling it twice is harmless). */
  async acquire(): Promise<() => void> {
    if (this.active < this.limit) this.active++;
    // A waiter is woken with its slot already counted (see wake), so no one can slip in between.
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.wake();
    };
  }

  /** Lower the limit (never below 1), e.g. when the server turned a channel down: it allows fewer sessions. */
  shrinkTo(limit: number): void {
    this.limit = Math.max(1, Math.min(this.limit, limit));
  }

  private wake(): void {
    while (this.active < this.limit && this.waiting.length > 0) {
      this.active++;
      this.waiting.shift()!();
    }
  }
}
