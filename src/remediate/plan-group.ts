// A plan group: the hosts of one sweep group whose root causes carry the same one-line edit, as one fix an
// approver rolls out canary first. The group holds only plan ids: each host keeps its own plan (its own
// file sha256 from its own diagnosis, its own verification), so rolling out a group is applying its plans one
// by one, and nothing a group says can make a host accept a file its own diagnosis did not see.
// Groups live in Redis beside the plans (`<prefix>:remediation:group:<id>`), for as long as their plans do.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { PlanThread } from './plan.js';

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

export class PlanGroupStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(id: string): string {
    return `${this.prefix}:remediation:group:${id}`;
  }

  async save(group: PlanGroup): Promise<void> {
    const ttl =
      Math.max(1, Math.ceil((Date.parse(group.expiresAt) - Date.now()) / 1000)) + RECORD_RETENTION_SECONDS;
    await this.redis.set(this.key(group.id), JSON.stringify(group), 'EX', ttl);
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
}
