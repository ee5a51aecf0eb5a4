// `upstream-doctor audit [--host H] [--diff] [--json] [--redis]`: prints the remediation audit trail, oldest
// first: from the JSON-lines file (AUDIT_LOG, default ./audit.jsonl), or with --redis from the Redis
// stream every process writes to (REDIS_URL, QUEUE_PREFIX).
import { AuditTrail, formatAuditEntry } from '../audit/trail.js';
import { connectRedis } from '../queue/connection.js';
import { queueSettingsFrom } from '../queue/settings.js';
import { type CliIo, UsageError } from './io.js';

export const AUDIT_USAGE = `usage: upstream-doctor audit [--host H] [--diff] [--json] [--redis]

Prints the remediation audit trail (requests, refusals, approvals, tests, applies, rollbacks, dismissals).
  --host H   only entries about inventory host H
  --diff     show each entry's diff below it
  --json     one JSON object per line, as stored
  --redis    read the Redis stream (REDIS_URL, QUEUE_PREFIX) instead of the file (AUDIT_LOG, default ./audit.jsonl)`;

interface Options {
  host?: string;
  diff: boolean;
  json: boolean;
  redis: boolean;
}

function parseArgs(args: string[]): Options | 'help' {
  const options: Options = { diff: false, json: false, redis: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--diff') options.diff = true;
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
  let entries;
  if (options.redis) {
    const settings = queueSettingsFrom(io.env);
    if (!settings.ok) throw new UsageError(settings.error);
    const redis = connectRedis(settings.settings, {
      role: 'producer',
      connectionName: 'upstream-doctor audit',
    });
    try {
      entries = await AuditTrail.fromEnv(io.env, redis, settings.settings.QUEUE_PREFIX).readStream(filter);
    } finally {
      redis.disconnect();
    }
  } else {
    entries = await AuditTrail.fromEnv(io.env, undefined, '').readFile(filter);
  }
  for (const e of entries)
    io.stdout.write(`${options.json ? JSON.stringify(e) : formatAuditEntry(e, options.diff)}\n`);
  return 0;
}
