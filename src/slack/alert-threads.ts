// Which thread an alert has: one Redis hash per alert fingerprint (under the queue prefix) that says where
// its parent message is, which job diagnoses it, and whether it still fires. The first delivery of an alert
// claims the record in one Lua script (a second delivery at the same instant finds the claim and joins), so
// an alert makes one thread and one diagnosis however often Alertmanager repeats it; once it resolved, the
// next firing claims it afresh. Records expire a week after the last word (firing again or resolved).
//
// The fingerprint comes from a webhook: alert-payload.ts lets only [A-Za-z0-9_-]{1,64} through, so it is a
// safe key part.
import type { Redis } from 'ioredis';
import { LuaScript } from '../queue/lua.js';

/** How long a record stays after its last word. */
export const ALERT_RECORD_TTL_S = 7 * 24 * 3600;
/** A claim whose parent message and job never came (a bot killed mid-way) lapses after this. */
const CLAIM_TTL_MS = 120_000;

export type AlertState = 'claiming' | 'firing' | 'resolved';

/** What a record holds; the thread's fields are missing while it is being claimed. */
export interface AlertRecord {
  state: AlertState;
  since: string;
  name: string;
  summary: string;
  /** The inventory host diagnosed. */
  target: string;
  channel?: string;
  /** The parent message's ts. */
  ts?: string;
  jobId?: string;
  /** The destination's userId ("alert NAME"). */
  requester?: string;
  resolvedAt?: string;
  /** The parent's verdict as last rendered (JSON of a SlackMessage), kept past the queue's outcome. */
  verdict?: string;
}

const CLAIM = new LuaScript(
  `
local state = redis.call('HGET', KEYS[1], 'state')
if state and state ~= 'resolved' then
  local out = redis.call('HGETALL', KEYS[1])
  table.insert(out, 1, 'existing')
  return out
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'state', 'claiming', 'since', ARGV[1], 'name', ARGV[2], 'summary', ARGV[3], 'target', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return {'new'}`,
  1,
);

const OPEN = new LuaScript(
  `
local state = redis.call('HGET', KEYS[1], 'state')
redis.call('HSET', KEYS[1], 'channel', ARGV[1], 'ts', ARGV[2], 'jobId', ARGV[3], 'requester', ARGV[4],
  'since', ARGV[6], 'name', ARGV[7], 'summary', ARGV[8], 'target', ARGV[9])
redis.call('EXPIRE', KEYS[1], ARGV[5])
if state == 'resolved' then return {'resolved', redis.call('HGET', KEYS[1], 'resolvedAt')} end
redis.call('HSET', KEYS[1], 'state', 'firing')
return {'firing'}`,
  1,
);

const RESOLVE = new LuaScript(
  `
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return {'unknown'} end
if state == 'resolved' then return {'already'} end
redis.call('HSET', KEYS[1], 'state', 'resolved', 'resolvedAt', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
local out = redis.call('HGETALL', KEYS[1])
table.insert(out, 1, 'resolved')
return out`,
  1,
);

const RELEASE = new LuaScript(
  `
if redis.call('HGET', KEYS[1], 'state') == 'claiming' then return redis.call('DEL', KEYS[1]) end
return 0`,
  1,
);

// Only a firing record lives on a week from its last firing: a claim must keep its short lease (a bot killed
// between claim and open would otherwise leave a claim that every repeat extends, and the alert would never
// be diagnosed again), and a resolved one keeps the expiry its resolve gave it.
const REFRESH = new LuaScript(
  `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if ARGV[1] ~= '' then redis.call('HSET', KEYS[1], 'verdict', ARGV[1]) end
if redis.call('HGET', KEYS[1], 'state') == 'firing' then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return 1`,
  1,
);

export type ClaimResult = { status: 'new' } | { status: 'existing'; record: AlertRecord };
export type OpenResult = { status: 'firing' } | { status: 'resolved'; resolvedAt: string };
export type ResolveResult =
  | { status: 'resolved'; record: AlertRecord }
  /** No record: never seen firing (or long expired). */
  | { status: 'unknown' }
  | { status: 'already' };

function recordOf(flat: string[]): AlertRecord {
  const r: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) r[flat[i]!] = flat[i + 1]!;
  const state: AlertState =
    r.state === 'firing' || r.state === 'resolved' || r.state === 'claiming' ? r.state : 'firing';
  return {
    state,
    since: r.since ?? '',
    name: r.name ?? '',
    summary: r.summary ?? '',
    target: r.target ?? '',
    ...(r.channel ? { channel: r.channel } : {}),
    ...(r.ts ? { ts: r.ts } : {}),
    ...(r.jobId ? { jobId: r.jobId } : {}),
    ...(r.requester ? { requester: r.requester } : {}),
    ...(r.resolvedAt ? { resolvedAt: r.resolvedAt } : {}),
    ...(r.verdict ? { verdict: r.verdict } : {}),
  };
}

export class AlertThreads {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** The record's key: `<prefix>:alert:<fingerprint>`. */
  key(fingerprint: string): string {
    return `${this.prefix}:alert:${fingerprint}`;
  }

  /** Claims the alert's thread, or returns the record of the thread it already has. */
  async claim(
    fingerprint: string,
    alert: { since: string; name: string; summary: string; target: string },
  ): Promise<ClaimResult> {
    const reply = (await CLAIM.run(
      this.redis,
      [this.key(fingerprint)],
      [alert.since, alert.name, alert.summary, alert.target, CLAIM_TTL_MS],
    )) as string[];
    return reply[0] === 'new' ? { status: 'new' } : { status: 'existing', record: recordOf(reply.slice(1)) };
  }

  /** The claimed thread exists (parent posted, job queued); says whether it resolved meanwhile. */
  async open(
    fingerprint: string,
    thread: { channel: string; ts: string; jobId: string; requester: string },
    alert: { since: string; name: string; summary: string; target: string },
  ): Promise<OpenResult> {
    const reply = (await OPEN.run(
      this.redis,
      [this.key(fingerprint)],
      [
        thread.channel,
        thread.ts,
        thread.jobId,
        thread.requester,
        ALERT_RECORD_TTL_S,
        alert.since,
        alert.name,
        alert.summary,
        alert.target,
      ],
    )) as string[];
    return reply[0] === 'resolved'
      ? { status: 'resolved', resolvedAt: reply[1] ?? new Date().toISOString() }
      : { status: 'firing' };
  }

  /** Gives up a claim whose thread could not be made, so the next delivery tries again. */
  async release(fingerprint: string): Promise<void> {
    await RELEASE.run(this.redis, [this.key(fingerprint)], []);
  }

  async resolve(fingerprint: string, resolvedAt: string): Promise<ResolveResult> {
    const reply = (await RESOLVE.run(
      this.redis,
      [this.key(fingerprint)],
      [resolvedAt, ALERT_RECORD_TTL_S],
    )) as string[];
    if (reply[0] === 'resolved') return { status: 'resolved', record: recordOf(reply.slice(1)) };
    return reply[0] === 'already' ? { status: 'already' } : { status: 'unknown' };
  }

  /** Keeps a firing record another week, and the verdict when given; never revives an expired one. */
  async refresh(fingerprint: string, verdict?: string): Promise<void> {
    await REFRESH.run(this.redis, [this.key(fingerprint)], [verdict ?? '', ALERT_RECORD_TTL_S]);
  }

  /** True at most once per `windowS` for an alert: the "fired again" reply is not repeated more often. */
  async againOnce(fingerprint: string, windowS: number): Promise<boolean> {
    return (await this.redis.set(`${this.key(fingerprint)}:again`, '1', 'EX', windowS, 'NX')) === 'OK';
  }

  async get(fingerprint: string): Promise<AlertRecord | undefined> {
    const flat = await this.redis.hgetall(this.key(fingerprint));
    if (Object.keys(flat).length === 0) return undefined;
    return recordOf(Object.entries(flat).flat());
  }
}
