// A Notifier for tests: every call is appended, as JSON, to a Redis list named after the destination id,
// so a test can read what each requester heard even when workers run in other processes.
import type { Redis } from 'ioredis';
import type { Notifier, ProgressStep, ProposedFix } from '../notifier.js';
import type { Report } from '../../model/types.js';
import { QueueKeys } from '../keys.js';

export type RecordedCall =
  | { method: 'progress'; step: ProgressStep; at: number; pid: number }
  | { method: 'report'; report: Report; fix?: ProposedFix; at: number; pid: number }
  | { method: 'failed'; target: string; message: string; at: number; pid: number }
  | { method: 'note'; target: string; line: string; at: number; pid: number };

type Call = RecordedCall extends infer C ? (C extends RecordedCall ? Omit<C, 'at' | 'pid'> : never) : never;

/** A recorder list is for a test run: it goes away by itself a day later. */
const RECORDER_RETENTION_SECONDS = 24 * 3600;

export class RecorderNotifier implements Notifier {
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    id: string,
  ) {
    this.key = new QueueKeys(prefix).recorder(id);
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

/** What a recorder destination heard, in order. */
export async function readRecorder(redis: Redis, prefix: string, id: string): Promise<RecordedCall[]> {
  const items = await redis.lrange(new QueueKeys(prefix).recorder(id), 0, -1);
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
