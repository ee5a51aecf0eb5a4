// Structured JSON logs (pino) for the worker: one object per line on stdout, ready for any log shipper.
import { pino, type Logger, type LevelWithSilent, type DestinationStream } from 'pino';

export type { Logger };

export function createLogger(
  options: { level?: LevelWithSilent; name?: string; destination?: DestinationStream } = {},
): Logger {
  return pino(
    {
      name: options.name ?? 'upstream-doctor',
      level: options.level ?? 'info',
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Job payloads carry Slack ids, never secrets; still, keep connection strings out of logs.
      redact: { paths: ['password', '*.password', 'redisUrl'], censor: '[redacted]' },
    },
    options.destination,
  );
}
