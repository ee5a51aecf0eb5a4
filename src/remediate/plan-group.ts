// A plan group: the hosts of one sweep group whose root causes carry the same one-line edit, as one fix an
// approver rolls out canary first. The group holds only plan ids: each host keeps its own plan (its own
// file sha256 from its own diagnosis, its own verification), so rolling out a group is applying its plans one
// by one, and nothing a group says can make a host accept a file its own diagnosis did not see.
// Groups live in Redis beside the plans (`<prefix>:remediation:group:<id>`), for as long as their plans do.
// Beside each group, its rollout (`…:group:<id>:rollout`): the stage it is at, moved only by compare-and-set
// (like a plan's status), so the canary and the rest each start once however many presses arrive, and the
// outcome of every member the rollout has settled, so a rollout that a new worker resumes never redoes one.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LuaScript } from '../queue/lua.js';
import type { PlanMessage, PlanThread } from './plan.js';

/** One host of a group: its inventory name and the id of the plan its own diagnosis stored. */
export interface GroupMember {
  host: string;
  planId: string;
}

export interface PlanGroup {
  id: string;
  cause: string;
  /** Where the shared edit is, as the hosts' reports name it. */
  file: string;
  line: number;
  /** The fix's one-line summary (the same on every host of the group). */
  summary: string;
  /** The canary's diff: the group's hosts share the edit, so it stands for all of them. */
  unifiedDiff: string;
  /** The canary first, then the others in the order they are rolled out. */
  members: GroupMember[];
  /** The thread the group's offer is made in: its buttons are honoured there only. */
  offeredIn: PlanThread;
  /** Slack user id of whoever asked for the sweep (FOUR_EYES compares it with the approver). */
  requestedBy: string;
  createdAt: string;
  /** The earliest expiry among the members' plans: after it the group cannot start. */
  expiresAt: string;
}

export function newGroupId(): string {
  return `g-${randomBytes(9).toString('base64url')}`;
}

/** Exactly what newGroupId makes: what a button's value must be before anything is looked up. */
export function isGroupId(value: string): boolean {
  return /^g-[A-Za-z0-9_-]{12}$/.test(value);
}

/** How long a group's record is kept after it expires, like a plan's: "already rolled out by …". */
const RECORD_RETENTION_SECONDS = 7 * 24 * 3600;

/**
 * Where a group's rollout is: `offered` (nothing pressed yet) → `canary` (the canary is being applied) →
 * `canary-verified` (the canary is fixed: `Apply to the other N` is offered) → `rest` (the others, in
 * batches) → `done`; `stopped` after the canary or any batch had a host that was not applied and verified.
 */
export const ROLLOUT_STAGES = ['offered', 'canary', 'canary-verified', 'rest', 'done', 'stopped'] as const;
export type RolloutStage = (typeof ROLLOUT_STAGES)[number];

/** What the rollout settled for one member: `applied`, or why not (the runner's summary). */
export interface MemberOutcome {
  status: 'applied' | 'refused' | 'failed' | 'interrupted';
  summary: string;
}

export interface RolloutState {
  stage: RolloutStage;
  /** Who moved it last (a Slack user id), when, and one line about it. */
  by?: string;
  at?: string;
  result?: string;
  /** The offer message (channel and ts), located at the first press, so the outcome can replace it. */
  message?: PlanMessage;
  /**
   * The blocks the offer's message holds above the offer (the sweep posts the group's reply and its offer as
   * one message when they fit), as Slack showed them at the press: kept when the offer is replaced.
   */
  head?: unknown[];
  /** Outcomes by plan id, of the members the rollout has settled so far. */
  members: Record<string, MemberOutcome>;
}

// KEYS[1] rollout hash. ARGV: from, to, by, at, result, ttl seconds. A missing hash is `offered`.
const ADVANCE = new LuaScript(
  `
local s = redis.call('HMGET', KEYS[1], 'stage', 'by', 'at')
local stage = s[1] or 'offered'
if stage ~= ARGV[1] then return {0, stage, s[2] or '', s[3] or ''} end
redis.call('HSET', KEYS[1], 'stage', ARGV[2], 'by', ARGV[3], 'at', ARGV[4], 'result', ARGV[5])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[6]))
return {1}`,
  1,
);

export type Advance = { ok: true } | { ok: false; state: { stage: RolloutStage; by?: string; at?: string } };

export class PlanGroupStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(id: string): string {
    return `${this.prefix}:remediation:group:${id}`;
  }

  private rolloutKey(id: string): string {
    return `${this.prefix}:remediation:group:${id}:rollout`;
  }

  async save(group: PlanGroup): Promise<void> {
    await this.redis.set(this.key(group.id), JSON.stringify(group), 'EX', retentionSeconds(group));
  }

  async get(id: string): Promise<PlanGroup | undefined> {
    if (!isGroupId(id)) return undefined;
    const raw = await this.redis.get(this.key(id));
    if (raw === null) return undefined;
    try {
      return JSON.parse(raw) as PlanGroup;
    } catch {
      return undefined;
    }
  }

  async rollout(id: string): Promise<RolloutState> {
    const h = await this.redis.hgetall(this.rolloutKey(id));
    const stage = (ROLLOUT_STAGES as readonly string[]).includes(h.stage ?? '')
      ? (h.stage as RolloutStage)
      : 'offered';
    const members: Record<string, MemberOutcome> = {};
    for (const [field, value] of Object.entries(h)) {
      if (!field.startsWith('member:')) continue;
      const outcome = parseJson(value) as Partial<MemberOutcome> | undefined;
      if (outcome && typeof outcome.status === 'string' && typeof outcome.summary === 'string')
        members[field.slice('member:'.length)] = { status: outcome.status, summary: outcome.summary };
    }
    const m = parseJson(h.message ?? '') as Partial<PlanMessage> | undefined;
    const head = parseJson(h.head ?? '');
    return {
      stage,
      by: h.by,
      at: h.at,
      result: h.result,
      ...(m && typeof m.channel === 'string' && typeof m.ts === 'string'
        ? { message: { channel: m.channel, ts: m.ts } }
        : {}),
      ...(Array.isArray(head) && head.length > 0 ? { head } : {}),
      members,
    };
  }

  /**
   * Moves the rollout from one stage to the next if, and only if, it is at `from`: ten presses of
   * `Apply to canary` at once, exactly one starts the canary; the others learn who did.
   */
  async advance(
    group: PlanGroup,
    from: RolloutStage,
    to: RolloutStage,
    by: string,
    result = '',
    now = new Date(),
  ): Promise<Advance> {
    const reply = (await ADVANCE.run(
      this.redis,
      [this.rolloutKey(group.id)],
      [from, to, by, now.toISOString(), result, retentionSeconds(group)],
    )) as [number, string?, string?, string?];
    if (Number(reply[0]) === 1) return { ok: true };
    const stage = (ROLLOUT_STAGES as readonly string[]).includes(reply[1] ?? '')
      ? (reply[1] as RolloutStage)
      : 'offered';
    return { ok: false, state: { stage, by: reply[2] || undefined, at: reply[3] || undefined } };
  }

  /** Where the group's offer is (and what its message holds above it), so the outcome can replace it. */
  async setMessage(group: PlanGroup, message: PlanMessage, head: unknown[] = []): Promise<void> {
    const key = this.rolloutKey(group.id);
    await this.redis
      .multi()
      .hset(key, 'message', JSON.stringify(message), 'head', JSON.stringify(head))
      .expire(key, retentionSeconds(group))
      .exec();
  }

  /** A member's outcome, once the rollout settled it (a resumed rollout reads it instead of applying). */
  async setMemberOutcome(group: PlanGroup, planId: string, outcome: MemberOutcome): Promise<void> {
    const key = this.rolloutKey(group.id);
    await this.redis
      .multi()
      .hset(key, `member:${planId}`, JSON.stringify(outcome))
      .expire(key, retentionSeconds(group))
      .exec();
  }
}

function retentionSeconds(group: PlanGroup): number {
  return Math.max(1, Math.ceil((Date.parse(group.expiresAt) - Date.now()) / 1000)) + RECORD_RETENTION_SECONDS;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
