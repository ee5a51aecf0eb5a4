// A remediation plan: one finding's config edit, frozen at diagnosis time with the sha256 of the file it
// applies to, so an apply can refuse a file that changed since. Plans live in Redis under their own key
// prefix (`<prefix>:remediation:plan:<id>`); their status moves only through compare-and-set scripts, so
// however many buttons are pressed at once, one press wins and the rest learn who did what.
import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Finding, HostSnapshot } from '../model/types.js';
import { configFromSnapshot, mainConfigPath } from '../read/config-files.js';
import { parseRealpaths } from '../parsers/host-basics.js';
import { trustedNginx } from '../read/trusted-nginx.js';
import { instanceView } from '../read/instances.js';
import { upstreamTargets } from '../read/upstreams.js';
import { type ConfigNode } from '../model/nginx-config.js';
import { LuaScript } from '../queue/lua.js';
import { confinement, directoryOf } from './confine.js';
import { unifiedDiff } from './diff.js';
import { applyEdit } from '../analyze/edit.js';

export const DEFAULT_PLAN_TTL_MS = 30 * 60 * 1000;
/** How long a plan's record (and its final status) is kept after it expires: "already applied by …". */
const RECORD_RETENTION_SECONDS = 7 * 24 * 3600;

export const PLAN_STATUSES = [
  'pending',
  'applying',
  'applied',
  'rolled-back',
  'refused',
  'failed',
  'dismissed',
] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

/** How to run the host's nginx: the running master's binary, -c and -p (as the collector saw them). */
export interface NginxInvocation {
  binary: string;
  configPath: string;
  prefix?: string;
}

/** The request that shows whether the fix works: sent through nginx from the host itself. */
export interface VerifyRequest {
  /** Address nginx listens on for the affected server (127.0.0.1 for a wildcard listen). */
  address: string;
  port: number;
  hostHeader: string;
  path: string;
}

export interface Plan {
  id: string;
  /** Inventory name of the host. */
  host: string;
  file: string;
  /** `file` with every symlink resolved on the host at diagnosis: an apply that resolves elsewhere refuses. */
  realFile: string;
  line: number;
  before: string;
  after: string;
  unifiedDiff: string;
  /** sha256 (hex) of the file's bytes at diagnosis; apply refuses any other content. */
  sha256AtDiagnosis: string;
  cause: string;
  summary: string;
  nginx: NginxInvocation;
  verify: VerifyRequest;
  /** Error logs the config names: checked for new upstream errors after the reload. */
  errorLogs: string[];
  /** Slack user id (or "cli") of whoever asked for the diagnosis. */
  requestedBy: string;
  /** The Slack thread the offer was made in: its buttons are honoured there only (absent: nowhere in Slack). */
  offeredIn?: PlanThread;
  createdAt: string;
  expiresAt: string;
}

/** The moving part of a plan: who moved it last and the result of that. */
export interface PlanState {
  status: PlanStatus;
  by?: string;
  at?: string;
  result?: string;
}

/** A Slack channel and the ts of its thread's parent message. */
export interface PlanThread {
  channel: string;
  threadTs: string;
}

/** A Slack message showing a plan: channel id and ts. */
export interface PlanMessage {
  channel: string;
  ts: string;
}

/**
 * A plan, or why none. `withheld`: the fix is sound (its diff is given) but its file lies outside the trees
 * a plan may write.
 */
export type PlanBuilt =
  { ok: true; value: Plan } | { ok: false; error: string; withheld?: { unifiedDiff: string } };

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function newPlanId(): string {
  return `p-${randomBytes(9).toString('base64url')}`;
}

/** Exactly what newPlanId makes: what a button's value must be before anything is looked up. */
export function isPlanId(value: string): boolean {
  return /^p-[A-Za-z0-9_-]{12}$/.test(value);
}

/** A listen directive's first argument → where to connect from the host itself. */
export function listenAddress(listen: string | undefined): { address: string; port: number } | undefined {
  const arg = (listen ?? '80').split(/\s+/)[0] ?? '80';
  if (arg.startsWith('unix:')) return undefined;
  const v6 = /^\[([0-9A-Fa-f:.]+)\](?::(\d+))?$/.exec(arg);
  if (v6) return { address: v6[1] === '::' ? '::1' : v6[1]!, port: Number(v6[2] ?? 80) };
  const m = /^(?:([^:]+):)?(\d+)$/.exec(arg) ?? /^([^:]+)$/.exec(arg);
  if (!m) return undefined;
  const host = /^\d+$/.test(m[1] ?? '') && m[2] === undefined ? undefined : m[1];
  const port = Number(m[2] ?? (/^\d+$/.test(arg) ? arg : 80));
  if (!Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  const address = host === undefined || host === '*' || host === '0.0.0.0' ? '127.0.0.1' : host;
  return /^[0-9A-Za-z.:-]+$/.test(address) ? { address, port } : undefined;
}

const SAFE_PATH = /^\/[A-Za-z0-9._~/-]*$/;
const SAFE_HOST = /^[A-Za-z0-9.-]+(?::\d+)?$/;

/** The `listen` directives (whole argument lists) of the server block around a node, without TLS ones. */
function plainListens(node: ConfigNode): (string | undefined)[] {
  let server: ConfigNode | undefined = node.parent;
  while (server && server.directive !== 'server') server = server.parent;
  const listens = (server?.block ?? []).filter((d) => d.directive === 'listen').map((d) => d.args.join(' '));
  if (listens.length === 0) return [undefined];
  return listens.filter((l) => !/(^|\s)(ssl|quic)(\s|$)/.test(l));
}

/** The server/location that sends requests through the edited line (first HTTP use), as a request. */
export function verifyRequestFor(
  tree: Parameters<typeof upstreamTargets>[0],
  file: string,
  line: number,
): VerifyRequest | undefined {
  for (const target of upstreamTargets(tree)) {
    const touched =
      target.endpoints.some((e) => e.ref.file === file && e.ref.line === line) ||
      target.uses.some((u) => u.ref.file === file && u.ref.line === line) ||
      (target.group?.ref.file === file && target.group.ref.line === line);
    if (!touched) continue;
    const use = target.uses.find((u) => u.context === 'http');
    if (!use) continue;
    // A plain-HTTP listen of that server: the check speaks HTTP without TLS (perl-base has no TLS), so a
    // server that listens with `ssl` only gets no plan rather than a verification that cannot pass.
    const plain = plainListens(use.node);
    const where = plain.map(listenAddress).find((w) => w !== undefined);
    if (!where) continue;
    const name = use.serverNames.find((n) => SAFE_HOST.test(n)) ?? 'localhost';
    const location = use.location ?? '/';
    return { ...where, hostHeader: name, path: SAFE_PATH.test(location) ? location : '/' };
  }
  return undefined;
}

export interface PlanOptions {
  requestedBy: string;
  /** REMEDIATION_ROOTS: directories a plan may write under besides the main config's own. */
  roots?: readonly string[];
  offeredIn?: PlanThread;
  now?: Date;
  ttlMs?: number;
  id?: string;
}

/**
 * A plan from a finding with an edit and the snapshot it came from. The file's text comes from the
 * snapshot's nginx sources (what `nginx -T` printed, verbatim), so its sha256 is the file's as diagnosed.
 * The file's real path (the collector's realpath round) must lie under the main config's real directory
 * or a root of `roots`; otherwise the result is `withheld` with the reason, and no plan exists.
 */
export function planFromFinding(finding: Finding, host: HostSnapshot, options: PlanOptions): PlanBuilt {
  // A finding about one of several nginx instances is planned, tested and applied with that instance's own.
  const snapshot = finding.instance ? instanceView(host, finding.instance.master) : host;
  const edit = finding.fix?.edit;
  if (!edit) return { ok: false, error: 'the finding has no edit' };
  if (finding.host !== undefined && finding.host !== snapshot.target)
    return { ok: false, error: `the edit is for ${finding.host}, not ${snapshot.target}` };
  const config = configFromSnapshot(snapshot);
  const text = config?.sources.get(edit.file);
  if (text === undefined) return { ok: false, error: `${edit.file} is not in the snapshot's config` };
  if (!edit.file.startsWith('/') || edit.file.includes('\0'))
    return { ok: false, error: `${edit.file} is not an absolute path` };
  if (edit.after.includes('\r') || edit.before.includes('\n'))
    return { ok: false, error: 'the edit is not a line edit' };
  const applied = applyEdit(text, edit);
  if (!applied.ok) return applied;
  const diff = unifiedDiff(text, edit);
  if (!diff.ok) return diff;
  // The same trusted nginx the diagnosis ran (read/trusted-nginx.ts): never a program a title names.
  const trusted = trustedNginx(snapshot);
  if (!trusted.binary) return { ok: false, error: `no nginx to run: ${trusted.refusal ?? 'none trusted'}` };
  const verify = verifyRequestFor(config!.tree, edit.file, edit.line);
  if (!verify)
    return { ok: false, error: 'no HTTP server uses the edited line, so the fix cannot be verified' };
  const configPath = mainConfigPath(snapshot);
  const realpaths = parseRealpaths(snapshot.results.realpath?.stdout ?? '');
  const mainDir = directoryOf(configPath);
  const realFile = realpaths.get(edit.file);
  const confined = confinement(edit.file, realFile, mainDir, realpaths.get(mainDir), options.roots ?? []);
  if (!confined.ok || realFile === undefined) {
    const error = confined.ok ? `${edit.file} was not resolved` : confined.why;
    return { ok: false, error, withheld: { unifiedDiff: diff.value } };
  }
  const now = options.now ?? new Date();
  return {
    ok: true,
    value: {
      id: options.id ?? newPlanId(),
      host: snapshot.target,
      file: edit.file,
      realFile,
      line: edit.line,
      before: edit.before,
      after: edit.after,
      unifiedDiff: diff.value,
      sha256AtDiagnosis: sha256Hex(text),
      cause: finding.cause,
      summary: finding.fix?.summary ?? '',
      nginx: {
        binary: trusted.binary,
        configPath,
        ...(trusted.prefix ? { prefix: trusted.prefix } : {}),
      },
      verify,
      errorLogs: Object.keys(snapshot.results)
        .filter((id) => id.startsWith('error-log:'))
        .map((id) => id.slice('error-log:'.length)),
      requestedBy: options.requestedBy,
      ...(options.offeredIn ? { offeredIn: options.offeredIn } : {}),
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + (options.ttlMs ?? DEFAULT_PLAN_TTL_MS)).toISOString(),
    },
  };
}

export function isExpired(plan: Plan, now = new Date()): boolean {
  return now.getTime() >= Date.parse(plan.expiresAt);
}

// KEYS[1] state hash. ARGV: from-status, to-status, by, at, now-ms, result. Moves only from `from`, only
// before the plan's expiry; returns {1} or {0, status, by, at, reason}.
const TRANSITION = new LuaScript(
  `
local s = redis.call('HMGET', KEYS[1], 'status', 'by', 'at', 'expiresAtMs')
if not s[1] then return {0, 'missing', '', '', 'missing'} end
if s[1] ~= ARGV[1] then return {0, s[1], s[2] or '', s[3] or '', 'status'} end
if ARGV[1] == 'pending' and tonumber(ARGV[5]) >= tonumber(s[4]) then
  return {0, s[1], s[2] or '', s[3] or '', 'expired'}
end
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'by', ARGV[3], 'at', ARGV[4], 'result', ARGV[6])
return {1}`,
  1,
);

export type Transition =
  { ok: true } | { ok: false; reason: 'missing' | 'expired' | 'status'; state?: PlanState };

export class PlanStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private planKey(id: string): string {
    return `${this.prefix}:remediation:plan:${id}`;
  }

  private stateKey(id: string): string {
    return `${this.prefix}:remediation:plan:${id}:state`;
  }

  async save(plan: Plan): Promise<void> {
    const ttl =
      Math.max(1, Math.ceil((Date.parse(plan.expiresAt) - Date.now()) / 1000)) + RECORD_RETENTION_SECONDS;
    await this.redis
      .multi()
      .set(this.planKey(plan.id), JSON.stringify(plan), 'EX', ttl)
      .hset(this.stateKey(plan.id), {
        status: 'pending',
        expiresAtMs: String(Date.parse(plan.expiresAt)),
      })
      .expire(this.stateKey(plan.id), ttl)
      .exec();
  }

  async get(id: string): Promise<Plan | undefined> {
    const raw = await this.redis.get(this.planKey(id));
    if (raw === null) return undefined;
    try {
      return JSON.parse(raw) as Plan;
    } catch {
      return undefined;
    }
  }

  async state(id: string): Promise<PlanState | undefined> {
    const h = await this.redis.hgetall(this.stateKey(id));
    if (!h.status || !(PLAN_STATUSES as readonly string[]).includes(h.status)) return undefined;
    return { status: h.status as PlanStatus, by: h.by, at: h.at, result: h.result };
  }

  /**
   * Moves the plan from one status to another if, and only if, it is in `from` (and, from `pending`, not
   * expired). Ten concurrent claims pending → applying: exactly one succeeds.
   */
  async transition(
    id: string,
    from: PlanStatus,
    to: PlanStatus,
    by: string,
    result = '',
    now = new Date(),
  ): Promise<Transition> {
    const reply = (await TRANSITION.run(
      this.redis,
      [this.stateKey(id)],
      [from, to, by, now.toISOString(), now.getTime(), result],
    )) as [number, string?, string?, string?, string?];
    if (Number(reply[0]) === 1) return { ok: true };
    const reason = (reply[4] ?? 'missing') as 'missing' | 'expired' | 'status';
    if (reason === 'missing') return { ok: false, reason };
    return {
      ok: false,
      reason,
      state: {
        status: reply[1] as PlanStatus,
        by: reply[2] || undefined,
        at: reply[3] || undefined,
      },
    };
  }

  /** Where the plan's message (diff and buttons) is, so the outcome can replace its buttons later. */
  async setMessage(id: string, message: PlanMessage): Promise<void> {
    await this.redis.hset(this.stateKey(id), 'message', JSON.stringify(message));
  }

  async message(id: string): Promise<PlanMessage | undefined> {
    const raw = await this.redis.hget(this.stateKey(id), 'message');
    if (raw === null) return undefined;
    try {
      const m = JSON.parse(raw) as Partial<PlanMessage>;
      return typeof m.channel === 'string' && typeof m.ts === 'string'
        ? { channel: m.channel, ts: m.ts }
        : undefined;
    } catch {
      return undefined;
    }
  }

  /** Deletes a plan's keys (tests and `dismiss` cleanup are the only callers). */
  async remove(id: string): Promise<void> {
    await this.redis.del(this.planKey(id), this.stateKey(id));
  }
}
