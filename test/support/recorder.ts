// What each requester heard, for tests: a NotifierFactory whose notifiers append every call, as JSON, to a
// Redis list named after the destination, so a test reads it back even when the workers run in other
// processes. Requesters are ordinary Slack destinations (a thread of their own, named by the test): the job
// payloads stay exactly what production writes, and the recorder is what the test hands the workers as
// their notifier: to startWorkers (notifierFor) in-process, through recording-worker.ts to a worker process.
import type { Redis } from 'ioredis';
import type { Report } from '../../src/model/types.js';
import { destinationKey } from '../../src/queue/keys.js';
import type {
  Destination,
  Notifier,
  NotifierFactory,
  ProgressStep,
  ProposedFix,
} from '../../src/queue/notifier.js';

export type RecordedCall =
  | { method: 'progress'; step: ProgressStep; at: number; pid: number }
  | { method: 'report'; report: Report; fix?: ProposedFix; at: number; pid: number }
  | { method: 'failed'; target: string; message: string; at: number; pid: number }
  | { method: 'note'; target: string; line: string; at: number; pid: number };

type Call = RecordedCall extends infer C ? (C extends RecordedCall ? Omit<C, 'at' | 'pid'> : never) : never;

/** A recorder list is for a test run: it goes away by itself a day later. */
const RECORDER_RETENTION_SECONDS = 24 * 3600;
/** The channel of every requester a test names. */
const RECORDED_CHANNEL = 'C0RECORDED';

/** The requester a test calls `id`: a Slack thread of its own (ts `id`), asked for by a user of its own. */
export function requester(id: string): Destination {
  return { kind: 'slack', channel: RECORDED_CHANNEL, threadTs: id, userId: `U-${id}` };
}

/** The list one destination's calls go to (a destination that confirms a plan is still its thread's). */
function recorderKey(prefix: string, destination: Destination): string {
  return `${prefix}:recorder:${destinationKey(destination)}`;
}

class RecorderNotifier implements Notifier {
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    destination: Destination,
  ) {
    this.key = recorderKey(prefix, destination);
  }

  private async record(call: Call): Promise<void> {
    await this.redis
      .multi()
      .rpush(this.key, JSON.stringify({ ...call, at: Date.now(), pid: process.pid }))
      .expire(this.key, RECORDER_RETENTION_SECONDS)
      .exec();
  }

  progress(step: ProgressStep): Promise<void> {
    return this.record({ method: 'progress', step });
  }

  report(report: Report, fix?: ProposedFix): Promise<void> {
    return this.record(fix ? { method: 'report', report, fix } : { method: 'report', report });
  }

  failed(target: string, message: string): Promise<void> {
    return this.record({ method: 'failed', target, message });
  }

  note(target: string, line: string): Promise<void> {
    return this.record({ method: 'note', target, line });
  }
}

/** The workers' notifiers in a test: every destination's calls recorded under `prefix`. */
export function recordingNotifiers(redis: Redis, prefix: string): NotifierFactory {
  return (destination) => new RecorderNotifier(redis, prefix, destination);
}

/** What the requester `id` heard, in order. */
export async function readRecorder(redis: Redis, prefix: string, id: string): Promise<RecordedCall[]> {
  const items = await redis.lrange(recorderKey(prefix, requester(id)), 0, -1);
  return items.map((i) => JSON.parse(i) as RecordedCall);
}

/** The answers only (reports and failures), without progress lines and notes. */
export function answersOf(calls: RecordedCall[]): RecordedCall[] {
  return calls.filter((c) => c.method === 'report' || c.method === 'failed');
}

/** The notes only (a remediation's steps and outcome), as lines. */
export function notesOf(calls: RecordedCall[]): string[] {
  return calls.flatMap((c) => (c.method === 'note' ? [c.line] : []));
}
