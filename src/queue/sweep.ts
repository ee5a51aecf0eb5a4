// A fleet sweep in Redis: `/502 tag:prod` over more hosts than get a thread each becomes one sweep, whose
// hosts are ordinary diagnose jobs (deduplicated by host, under the host's lock, shared with anyone else who
// asked) whose destination carries the sweep's id. Each host's answer is recorded here once, with an atomic
// count of the hosts done, so the one who records the last host (in whichever process) writes the verdict.
//
// One record per sweep: its parent message, who asked, its M hosts (a set: a host named twice is one), each
// host's outcome (written once: a job run twice, or answered by a worker and then by the last word of a failed
// job, counts once) and the done counter. Every key expires (`ttlSeconds`, a day by default), so a sweep whose
// hosts never all answered (jobs removed by hand) cannot stay forever. Outcomes are read back through zod:
// Redis is shared state.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { HostVerdict } from '../analyze/fleet.js';
import { QueueKeys } from './keys.js';
import { LuaScript } from './lua.js';
import type { ProposedFix } from './notifier.js';

/** How long a sweep's keys live by default: far longer than any sweep takes, short enough to clean up. */
export const SWEEP_TTL_SECONDS = 24 * 3600;

export interface SweepRecord {
  id: string;
  channel: string;
  /** ts of the sweep's parent message: edited with the progress and the verdict, its thread holds the groups. */
  parentTs: string;
  /** Slack user id of whoever asked. */
  userId: string;
  /** What was asked, as typed ("tag:prod"), for the messages. */
  label: string;
  total: number;
  createdAt: string;
}

/** One host's answer in the sweep: its verdict and, when a fix was proposed, what the group offer needs. */
export interface SweepOutcome {
  verdict: HostVerdict;
  fix?: ProposedFix;
}

export interface RecordResult {
  /** recorded: counted now; again: this host was recorded before; unknown: no such sweep (expired) or host. */
  status: 'recorded' | 'again' | 'unknown';
  done: number;
  total: number;
}

export function newSweepId(): string {
  return `s-${randomBytes(9).toString('base64url')}`;
}

const RECORD = new LuaScript(
  `
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 then return {'unknown', 0, 0} end
local total = redis.call('SCARD', KEYS[2])
if redis.call('HSETNX', KEYS[3], ARGV[1], ARGV[2]) == 0 then
  return {'again', tonumber(redis.call('HGET', KEYS[1], 'done') or '0'), total}
end
local ttl = redis.call('TTL', KEYS[1])
if ttl > 0 then redis.call('EXPIRE', KEYS[3], ttl) end
local done = redis.call('HINCRBY', KEYS[1], 'done', 1)
return {'recorded', done, total}`,
  3,
);

const RENEW = new LuaScript(
  `
local held = redis.call('GET', KEYS[1])
if held and held ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`,
  1,
);

const RELEASE = new LuaScript(
  `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1`,
  1,
);

const START_EDIT = new LuaScript(
  `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[2], '1', 'PX', ARGV[1])
return 1`,
  2,
);

const bounded = (max: number) => z.string().max(max);
const evidenceSchema = z.object({
  source: bounded(1000),
  file: bounded(1000).optional(),
  line: z.number().int().optional(),
  text: bounded(2000),
});
const editSchema = z.object({
  file: bounded(1000),
  line: z.number().int(),
  before: bounded(2000),
  after: bounded(2000),
});
const verdictSchema = z.object({
  host: bounded(253),
  exitCode: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  cause: bounded(1000).optional(),
  title: bounded(1000).optional(),
  file: bounded(1000).optional(),
  line: z.number().int().optional(),
  edit: editSchema.optional(),
  fixSummary: bounded(1000).optional(),
  evidence: z.array(evidenceSchema).max(20),
});
const fixSchema = z.union([
  z.object({
    id: bounded(100),
    host: bounded(253),
    summary: bounded(2000),
    unifiedDiff: bounded(20_000),
    expiresAt: bounded(40),
  }),
  z.object({
    host: bounded(253),
    summary: bounded(2000),
    unifiedDiff: bounded(20_000),
    withheld: bounded(2000),
  }),
]);
const outcomeSchema = z.object({ verdict: verdictSchema, fix: fixSchema.optional() });
const recordSchema = z.object({
  id: z.string(),
  channel: z.string(),
  parentTs: z.string(),
  userId: z.string(),
  label: z.string(),
  total: z.number().int(),
  createdAt: z.string(),
});

/** A fix as the sweep keeps it: the diff cut to what a group offer shows. */
function keptFix(fix: ProposedFix): ProposedFix {
  const diff = fix.unifiedDiff.length > 8000 ? `${fix.unifiedDiff.slice(0, 7999)}…` : fix.unifiedDiff;
  return 'withheld' in fix && fix.withheld !== undefined
    ? {
        host: fix.host,
        summary: fix.summary.slice(0, 1000),
        unifiedDiff: diff,
        withheld: fix.withheld.slice(0, 1000),
      }
    : {
        id: fix.id,
        host: fix.host,
        summary: fix.summary.slice(0, 1000),
        unifiedDiff: diff,
        expiresAt: fix.expiresAt,
      };
}

export class SweepStore {
  private readonly keys: QueueKeys;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly ttlSeconds = SWEEP_TTL_SECONDS,
  ) {
    this.keys = new QueueKeys(prefix);
  }

  /** Stores a new sweep over `hosts` (duplicates count once) and returns its record. */
  async create(
    about: Omit<SweepRecord, 'id' | 'total' | 'createdAt'>,
    hosts: readonly string[],
  ): Promise<SweepRecord> {
    const unique = [...new Set(hosts)];
    if (unique.length === 0) throw new Error('a sweep needs at least one host');
    const record: SweepRecord = {
      id: newSweepId(),
      ...about,
      total: unique.length,
      createdAt: new Date().toISOString(),
    };
    await this.redis
      .multi()
      .hset(this.keys.sweep(record.id), { meta: JSON.stringify(record), done: '0' })
      .expire(this.keys.sweep(record.id), this.ttlSeconds)
      .sadd(this.keys.sweepMembers(record.id), ...unique)
      .expire(this.keys.sweepMembers(record.id), this.ttlSeconds)
      .exec();
    return record;
  }

  async get(id: string): Promise<SweepRecord | undefined> {
    const raw = await this.redis.hget(this.keys.sweep(id), 'meta');
    if (raw === null) return undefined;
    try {
      const parsed = recordSchema.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  /** Hosts recorded so far, and M. */
  async progress(id: string): Promise<{ done: number; total: number }> {
    const [done, total] = await Promise.all([
      this.redis.hget(this.keys.sweep(id), 'done'),
      this.redis.scard(this.keys.sweepMembers(id)),
    ]);
    return { done: Number(done ?? 0), total };
  }

  /** Records one host's outcome, once; says whether it counted and how many are done. */
  async record(id: string, outcome: SweepOutcome): Promise<RecordResult> {
    const kept: SweepOutcome = {
      verdict: outcome.verdict,
      ...(outcome.fix ? { fix: keptFix(outcome.fix) } : {}),
    };
    const reply = (await RECORD.run(
      this.redis,
      [this.keys.sweep(id), this.keys.sweepMembers(id), this.keys.sweepOutcomes(id)],
      [outcome.verdict.host, JSON.stringify(kept)],
    )) as [string, number, number];
    return {
      status: reply[0] as RecordResult['status'],
      done: Number(reply[1]),
      total: Number(reply[2]),
    };
  }

  /** Every outcome recorded, in no particular order (the grouping sorts); unreadable ones are skipped. */
  async outcomes(id: string): Promise<SweepOutcome[]> {
    const all = await this.redis.hvals(this.keys.sweepOutcomes(id));
    const out: SweepOutcome[] = [];
    for (const raw of all) {
      try {
        const parsed = outcomeSchema.safeParse(JSON.parse(raw));
        if (parsed.success) out.push(parsed.data as SweepOutcome);
      } catch {
        // Not ours: skipped, the host then reads as not recorded.
      }
    }
    return out;
  }

  /** Takes the right to write the final verdict for `leaseMs` (false: someone holds it, or it is done). */
  async claimFinal(id: string, owner: string, leaseMs: number): Promise<boolean> {
    return (
      (await this.redis.set(this.keys.sweepFinal(id), `finishing:${owner}`, 'PX', leaseMs, 'NX')) === 'OK'
    );
  }

  /** The final claim: being written (by whom), done, or free; and how long the lease has left. */
  async finalState(id: string): Promise<{ state: 'finishing' | 'done' | 'free'; leftMs: number }> {
    const [state, left] = await Promise.all([
      this.redis.get(this.keys.sweepFinal(id)),
      this.redis.pttl(this.keys.sweepFinal(id)),
    ]);
    if (state === null) return { state: 'free', leftMs: 0 };
    return { state: state === 'done' ? 'done' : 'finishing', leftMs: Math.max(0, left) };
  }

  /** Extends this owner's claim of the final verdict, or takes it back when it lapsed and is free (false:
   * someone else holds it now, or the verdict is done). */
  async renewFinal(id: string, owner: string, leaseMs: number): Promise<boolean> {
    return (
      Number(await RENEW.run(this.redis, [this.keys.sweepFinal(id)], [`finishing:${owner}`, leaseMs])) === 1
    );
  }

  /** What of the verdict was posted already (see QueueKeys.sweepPosted). */
  async posted(id: string): Promise<Map<string, string>> {
    return new Map(Object.entries(await this.redis.hgetall(this.keys.sweepPosted(id))));
  }

  async markPosted(id: string, part: string, value = '1'): Promise<void> {
    await this.redis
      .multi()
      .hset(this.keys.sweepPosted(id), part, value)
      .expire(this.keys.sweepPosted(id), this.ttlSeconds)
      .exec();
  }

  async finalDone(id: string): Promise<void> {
    await this.redis.set(this.keys.sweepFinal(id), 'done', 'EX', this.ttlSeconds);
  }

  /** Gives the claim up, when it is still this owner's (a lapsed one may be someone else's by now). */
  async releaseFinal(id: string, owner: string): Promise<void> {
    await RELEASE.run(this.redis, [this.keys.sweepFinal(id)], [`finishing:${owner}`]);
  }

  /** Whether the final verdict is being written or was written (progress edits then stop). */
  async finishing(id: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.sweepFinal(id))) === 1;
  }

  /** Takes the next edit of the parent when none was made in the last `ms` (every process shares it). */
  async claimEdit(id: string, ms: number): Promise<boolean> {
    return (await this.redis.set(this.keys.sweepEditHold(id), '1', 'PX', Math.max(1, ms), 'NX')) === 'OK';
  }

  /** No edit of the parent for `ms` (Slack asked us to wait). */
  async holdEdits(id: string, ms: number): Promise<void> {
    await this.redis.set(this.keys.sweepEditHold(id), '1', 'PX', Math.max(1, ms));
  }

  /**
   * Marks a progress edit as on its way (for at most `ms`), so the verdict can wait for it to land; false,
   * and nothing marked, once the verdict is claimed. One step: the verdict claims, then waits for the mark,
   * so an edit either sees the claim or is waited for.
   */
  async startEdit(id: string, ms: number): Promise<boolean> {
    return (
      Number(
        await START_EDIT.run(
          this.redis,
          [this.keys.sweepFinal(id), this.keys.sweepEditing(id)],
          [Math.max(1, ms)],
        ),
      ) === 1
    );
  }

  /** The progress edit came back: no longer on its way, and counted as landed. */
  async edited(id: string): Promise<void> {
    await this.redis
      .multi()
      .del(this.keys.sweepEditing(id))
      .incr(this.keys.sweepEditsLanded(id))
      .expire(this.keys.sweepEditsLanded(id), this.ttlSeconds)
      .exec();
  }

  /** How many progress edits came back so far. */
  async editsLanded(id: string): Promise<number> {
    return Number((await this.redis.get(this.keys.sweepEditsLanded(id))) ?? 0);
  }

  /** Whether a progress edit is on its way to Slack right now. */
  async editInFlight(id: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.sweepEditing(id))) === 1;
  }
}
