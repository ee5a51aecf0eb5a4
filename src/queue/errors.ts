// How a job run ends when it does not return: for good (no retry), or to be tried again later.
import { UnrecoverableError } from 'bullmq';
import type { JobResult } from './observer.js';

/** The job is over: its requesters have been answered (or cannot be); BullMQ must not retry it. */
export class FinalFailure extends UnrecoverableError {
  constructor(
    message: string,
    readonly result: JobResult,
  ) {
    super(message);
  }
}

/** Worth another attempt later (BullMQ's backoff decides when). */
export class RetryLater extends Error {
  override name = 'RetryLater';
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
