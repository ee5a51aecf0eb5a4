// `upstream-doctor audit [--host H] [--diff] [--steps] [--json] [--redis]`: prints the remediation audit trail, oldest
// first: from the JSON-lines file (AUDIT_LOG, default ./audit.jsonl), or with --redis from the Redis
// stream every process writes to (REDIS_URL, QUEUE_PREFIX).
import { AuditTrail, formatAuditEntry } from '../audit/trail.js';
import { existsSync } from 'node:fs';
import { connectRedis, describeRedis } from '../queue/connection.js';
import { queueSettingsFrom } from '../queue/settings.js';
import { type CliIo, UsageError } from './io.js';
import { printableJson } from '../text/visible.js';

export const AUDIT_USAGE = `usage: upstream-doctor audit [--host H] [--diff] [--steps] [--json] [--redis]

Prints the remediation audit trail (requests, refusals, approvals, tests, applies, rollbacks, dismissals).
  --host H   only entries about inventory host H
  --diff     show each entry's diff below it
  --steps    show the host-side steps of each test and apply below it
  --json     one JSON object per line, as stored
  --redis    read the Redis stream (REDIS_URL, QUEUE_PREFIX) instead of the file (AUDIT_LOG, default ./audit.jsonl)`;

interface Options {
  host?: string;
  diff: boolean;
  steps: boolean;
  json: boolean;
  redis: boolean;
}

function parseArgs(args: string[]): Options | 'help' {
  const options: Options = { diff: false, steps: false, json: false, redis: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--diff') options.diff = true;
    else if (arg === '--steps') options.steps = true;
    else if (arg === '--json') options.json = true;
    else if (arg === '--redis') options.redis = true;
    else if (arg === '--host' || arg.startsWith('--host=')) {
      const value = arg === '--host' ? args[++i] : arg.slice('--host='.length);
      if (!value) throw new UsageError('--host needs a host name');
      options.host = value;
    } else throw new UsageError(`unknown argument ${arg}`);
  }
  return options;
}

export async function audit(args: string[], io: CliIo): Promise<number> {
  const options = parseArgs(args);
  if (options === 'help') {
    io.stdout.write(`${AUDIT_USAGE}\n`);
    return 0;
  }
  const filter = options.host === undefined ? {} : { host: options.host };
  const fail = (line: string) => {
    io.stderr.write(`upstream-doctor audit: ${line}\n`);
    return 2;
  };
  let entries;
  if (options.redis) {
    const settings = queueSettingsFrom(io.env);
    if (!settings.ok) throw new UsageError(settings.error);
    const redis = connectRedis(settings.value, {
      role: 'producer',
      connectionName: 'upstream-doctor audit',
    });
    // ioredis reports each failed reconnect as an event; the one line below says it instead.
    let lastError: string | undefined;
    redis.on('error', (err: Error) => (lastError = err.message));
    try {
      entries = await AuditTrail.fromEnv(io.env, redis, settings.value.QUEUE_PREFIX).readStream(filter);
    } catch (err) {
      return fail(
        lastError
          ? `cannot reach Redis at ${describeRedis(settings.value)} (${lastError})`
          : `cannot read the audit stream from ${describeRedis(settings.value)}: ${(err as Error).message}`,
      );
    } finally {
      redis.disconnect();
    }
  } else {
    const trail = AuditTrail.fromEnv(io.env, undefined, '');
    try {
      entries = await trail.readFile(filter);
    } catch (err) {
      return fail(`cannot read ${trail.file} (AUDIT_LOG): ${(err as Error).message}`);
    }
    if (entries.length === 0 && !existsSync(trail.file))
      io.stderr.write(
        `upstream-doctor audit: ${trail.file} does not exist yet: nothing was audited here (AUDIT_LOG), or try --redis\n`,
      );
  }
  for (const e of entries)
    io.stdout.write(`${options.json ? printableJson(e) : formatAuditEntry(e, options)}\n`);
  return 0;
}
