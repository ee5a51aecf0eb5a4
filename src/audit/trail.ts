// The audit trail of remediations: every request, refusal, approval, test, apply, rollback and dismissal,
// with who, when, which host and plan, the diff and the result. Append-only, written twice: a Redis stream
// (shared by every bot and worker process, capped) and a JSON-lines file on the local disk (one line per
// entry, appended with O_APPEND so concurrent writers never interleave within a line).
import { constants } from 'node:fs';
import { access, appendFile, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Redis } from 'ioredis';
import { visibleText } from '../text/visible.js';

export const AUDIT_ACTIONS = [
  'request',
  'refusal',
  'approval',
  'test',
  'apply',
  'rollback',
  'dismiss',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  /** ISO time of the event. */
  time: string;
  action: AuditAction;
  /** Slack user id (or "cli", "worker"). */
  user: string;
  host: string;
  planId: string;
  /** One line: "applied", "refused: not an approver", "rolled back: still 502 after reload". */
  result: string;
  diff?: string;
  /** The host-side steps of a test or an apply, one line each ("✓ backup: /etc/nginx/.x.ud-backup-…"). */
  steps?: string[];
}

export const DEFAULT_AUDIT_LOG = './audit.jsonl';
/** Stream entries kept (approximately) in Redis; the file keeps everything. */
const STREAM_MAX_LEN = 100_000;

export function auditStreamKey(prefix: string): string {
  return `${prefix}:audit`;
}

/** One entry from a parsed JSON line, or undefined for a line that is not one (never throws). */
export function parseAuditLine(line: string): AuditEntry | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const str = (k: string) => (typeof r[k] === 'string' ? (r[k] as string) : undefined);
  const action = str('action');
  const time = str('time');
  const user = str('user');
  const host = str('host');
  const planId = str('planId');
  const result = str('result');
  if (
    !action ||
    !(AUDIT_ACTIONS as readonly string[]).includes(action) ||
    time === undefined ||
    user === undefined ||
    host === undefined ||
    planId === undefined ||
    result === undefined
  )
    return undefined;
  const diff = str('diff');
  const steps =
    Array.isArray(r.steps) && r.steps.every((s) => typeof s === 'string') ? (r.steps as string[]) : undefined;
  return {
    time,
    action: action as AuditAction,
    user,
    host,
    planId,
    result,
    ...(diff ? { diff } : {}),
    ...(steps ? { steps } : {}),
  };
}

export interface AuditTrailOptions {
  /** Absent: the file only (the CLI without Redis). */
  redis?: Redis;
  prefix: string;
  /** The JSON-lines file (AUDIT_LOG). */
  file: string;
}

export class AuditTrail {
  constructor(private readonly options: AuditTrailOptions) {}

  static fromEnv(env: NodeJS.ProcessEnv, redis: Redis | undefined, prefix: string): AuditTrail {
    return new AuditTrail({ redis, prefix, file: env.AUDIT_LOG?.trim() || DEFAULT_AUDIT_LOG });
  }

  get file(): string {
    return this.options.file;
  }

  /**
   * Why the file cannot take entries, or undefined when it can: checked at start, so a wrong AUDIT_LOG stops
   * the process before anyone presses a button whose trail would then live in Redis only.
   */
  async unwritable(): Promise<string | undefined> {
    const file = this.options.file;
    const existing = await stat(file).catch(() => undefined);
    if (existing?.isDirectory()) return `${file} is a directory`;
    const probe = existing ? file : dirname(file);
    try {
      await access(probe, constants.W_OK);
      return undefined;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return code === 'ENOENT' ? `${probe} does not exist` : `${probe} is not writable (${code ?? 'error'})`;
    }
  }

  /** Records an entry in both places; `time` defaults to now. Rejects only if both writes fail. */
  async record(entry: Omit<AuditEntry, 'time'> & { time?: string }): Promise<AuditEntry> {
    const full: AuditEntry = { time: entry.time ?? new Date().toISOString(), ...entry } as AuditEntry;
    const line = JSON.stringify(full);
    const writes: Promise<unknown>[] = [appendFile(this.options.file, `${line}\n`, { flag: 'a' })];
    if (this.options.redis)
      writes.push(
        this.options.redis.xadd(
          auditStreamKey(this.options.prefix),
          'MAXLEN',
          '~',
          STREAM_MAX_LEN,
          '*',
          'entry',
          line,
        ),
      );
    const results = await Promise.allSettled(writes);
    if (results.every((r) => r.status === 'rejected'))
      throw (results[0] as PromiseRejectedResult).reason as Error;
    return full;
  }

  /** Entries from the file, oldest first (a missing file is an empty trail). */
  async readFile(filter: { host?: string } = {}): Promise<AuditEntry[]> {
    let text: string;
    try {
      text = await readFile(this.options.file, 'utf8');
    } catch (err) {
      if ((err as { code?: unknown }).code === 'ENOENT') return [];
      throw err;
    }
    return selectEntries(text.split('\n').map(parseAuditLine), filter);
  }

  /** Entries from the Redis stream, oldest first. */
  async readStream(filter: { host?: string } = {}): Promise<AuditEntry[]> {
    if (!this.options.redis) return [];
    const rows = await this.options.redis.xrange(auditStreamKey(this.options.prefix), '-', '+');
    return selectEntries(
      rows.map(([, fields]) => parseAuditLine(fields[fields.indexOf('entry') + 1] ?? '')),
      filter,
    );
  }
}

function selectEntries(entries: (AuditEntry | undefined)[], filter: { host?: string }): AuditEntry[] {
  return entries.filter(
    (e): e is AuditEntry => e !== undefined && (filter.host === undefined || e.host === filter.host),
  );
}

/** One line per entry for a terminal: time, action, host, plan, user, result (the diff indented below). */
export function formatAuditEntry(e: AuditEntry, detail: { diff?: boolean; steps?: boolean } = {}): string {
  // Diffs and steps carry host text, the user and result what Slack and hosts said: all shown escaped.
  const v = visibleText;
  const head = `${v(e.time)}  ${v(e.action.padEnd(8))}  ${v(e.host)}  ${v(e.planId)}  ${v(e.user)}  ${v(e.result)}`;
  const indented = (lines: string[]) => lines.map((l) => `    ${v(l)}`);
  return [
    head,
    ...(detail.steps && e.steps ? indented(e.steps) : []),
    ...(detail.diff && e.diff ? indented(e.diff.replace(/\n$/, '').split('\n')) : []),
  ].join('\n');
}
