// Everyone who asked for one diagnosis job, and the one answer each of them gets.
//
// BullMQ's deduplication makes the second `/502 web-01` return the job already queued or running; the
// extra requester is recorded here, in a hash per job, and the worker answers every destination in it.
//
// The race: a requester can join while the worker is already answering. It is closed by `seal`, one Lua
// script that stores the outcome and reads the requester list atomically. A `join` (also Lua) that runs
// before it is in the list the worker reads; a join that runs after it finds the outcome and returns it,
// and the producer delivers it itself. No requester can fall between the two.
//
// One answer per destination, even when a job runs twice (a worker killed after answering some
// destinations, or the producer and a worker both answering): each delivery first takes a marker with
// SET NX ("delivering", a lease as long as the BullMQ job lock) and turns it into "done" afterwards. A
// failed delivery drops the marker so a later run may try again.
import type { Redis } from 'ioredis';
import type { Destination, Notifier } from './notifier.js';
import { destinationKey, QueueKeys } from './keys.js';
import { DIAGNOSE_QUEUE } from './names.js';
import { deliverOutcome, parseOutcome, type DiagnosisOutcome } from './outcome.js';
import { destinationSchema, parsePayload } from './payloads.js';
import { sleep } from './host-lock.js';
import { LuaScript } from './lua.js';

const JOIN = new LuaScript(
  `
local outcome = redis.call('GET', KEYS[2])
if outcome then return {'finished', outcome} end
if redis.call('EXISTS', KEYS[3]) == 0 then return {'gone'} end
redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return {'joined'}`,
  3,
);

const SEAL = new LuaScript(
  `
local outcome = redis.call('GET', KEYS[2])
if not outcome then
  outcome = ARGV[1]
  redis.call('SET', KEYS[2], outcome, 'EX', ARGV[2])
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
local out = redis.call('HGETALL', KEYS[1])
table.insert(out, 1, outcome)
return out`,
  2,
);

export type JoinResult =
  | { status: 'joined' }
  /** The job had already sealed its outcome: the caller must deliver it (deliverOnce). */
  | { status: 'finished'; outcome: DiagnosisOutcome }
  /** The job is no longer known (removed, or expired long ago): enqueue a fresh one. */
  | { status: 'gone' };

export interface RequestersOptions {
  /** How long requester lists, outcomes and delivery markers stay in Redis. */
  retentionSeconds?: number;
  /** Lease of a delivery in progress: a worker that dies mid-delivery frees it after this. */
  deliveryLeaseMs?: number;
}

export class Requesters {
  private readonly keys: QueueKeys;
  private readonly retention: number;
  private readonly lease: number;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    options: RequestersOptions = {},
  ) {
    this.keys = new QueueKeys(prefix);
    this.retention = options.retentionSeconds ?? 24 * 3600;
    this.lease = options.deliveryLeaseMs ?? 30_000;
  }

  async join(jobId: string, destination: Destination): Promise<JoinResult> {
    const reply = (await JOIN.run(
      this.redis,
      [this.keys.requesters(jobId), this.keys.outcome(jobId), this.keys.bullJob(DIAGNOSE_QUEUE, jobId)],
      [destinationKey(destination), JSON.stringify(destination), this.retention],
    )) as [string, string?];
    if (reply[0] === 'finished') {
      const outcome = parseOutcome(reply[1] ?? null);
      if (outcome) return { status: 'finished', outcome };
    }
    return reply[0] === 'joined' ? { status: 'joined' } : { status: 'gone' };
  }

  /** The requesters so far (for progress lines); the final list comes from seal(). */
  async list(jobId: string): Promise<Destination[]> {
    return decodeDestinations(Object.values(await this.redis.hgetall(this.keys.requesters(jobId))));
  }

  async outcome(jobId: string): Promise<DiagnosisOutcome | undefined> {
    return parseOutcome(await this.redis.get(this.keys.outcome(jobId)));
  }

  /**
   * Stores the outcome (unless one is stored already: then that one wins, so every requester of a job
   * hears the same answer) and closes the list. Returns the outcome to deliver and every requester.
   */
  async seal(
    jobId: string,
    outcome: DiagnosisOutcome,
  ): Promise<{ outcome: DiagnosisOutcome; to: Destination[] }> {
    const reply = (await SEAL.run(
      this.redis,
      [this.keys.requesters(jobId), this.keys.outcome(jobId)],
      [JSON.stringify(outcome), this.retention],
    )) as string[];
    const stored = parseOutcome(reply[0] ?? null) ?? outcome;
    const values = reply.slice(1).filter((_, i) => i % 2 === 1);
    return { outcome: stored, to: decodeDestinations(values) };
  }

  /**
   * Delivers the outcome to one destination unless it was delivered already. When another process is
   * delivering it right now, waits for it to finish (or for its lease to lapse, then takes over).
   * Returns whether this call delivered. A notifier error is rethrown after the marker is dropped.
   */
  async deliverOnce(
    jobId: string,
    destination: Destination,
    notifier: Notifier,
    outcome: DiagnosisOutcome,
    owner: string,
  ): Promise<boolean> {
    const key = this.keys.delivery(jobId, destinationKey(destination));
    for (;;) {
      const claimed = await this.redis.set(key, `delivering:${owner}`, 'PX', this.lease, 'NX');
      if (claimed === 'OK') break;
      const state = await this.redis.get(key);
      if (state === 'done') return false;
      if (state === null) continue;
      const left = await this.redis.pttl(key);
      await sleep(Math.max(20, Math.min(left, 250)));
    }
    try {
      await deliverOutcome(notifier, outcome);
    } catch (err) {
      await this.redis.del(key).catch(() => 0);
      throw err;
    }
    await this.redis.set(key, 'done', 'EX', this.retention);
    return true;
  }
}

function decodeDestinations(values: string[]): Destination[] {
  const out: Destination[] = [];
  for (const v of values) {
    let raw: unknown;
    try {
      raw = JSON.parse(v);
    } catch {
      continue;
    }
    const parsed = parsePayload(destinationSchema, raw);
    if (parsed.ok) out.push(parsed.value);
  }
  return out;
}
