// The Redis connection from the settings: redis:// or rediss:// (TLS) URLs, or Redis Sentinel (the URL then
// gives only credentials, database and TLS). One function turns settings into ioredis options (pure,
// tested); another opens the connection.
import { Redis, type RedisOptions } from 'ioredis';

/** The connection part of the settings (QueueSettings has these fields). */
export interface RedisSettings {
  REDIS_URL: string;
  REDIS_SENTINELS?: { host: string; port: number }[];
  REDIS_SENTINEL_NAME?: string;
  REDIS_SENTINEL_PASSWORD?: string;
}

export interface ConnectionRole {
  /**
   * `worker`: BullMQ's blocking commands need `maxRetriesPerRequest: null` (commands wait out a Redis restart).
   * `producer`: commands fail after a few retries, so a bot can tell its user that Redis is down.
   */
  role: 'worker' | 'producer';
  /** Shown by CLIENT LIST, for whoever debugs a busy Redis. */
  connectionName?: string;
}

export function redisOptionsFrom(settings: RedisSettings, role: ConnectionRole): RedisOptions {
  const url = new URL(settings.REDIS_URL);
  const tls = url.protocol === 'rediss:' ? { servername: url.hostname || undefined } : undefined;
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  const common: RedisOptions = {
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db,
    maxRetriesPerRequest: role.role === 'worker' ? null : 3,
    connectionName: role.connectionName,
  };
  if (settings.REDIS_SENTINELS) {
    return {
      ...common,
      sentinels: settings.REDIS_SENTINELS,
      name: settings.REDIS_SENTINEL_NAME,
      sentinelPassword: settings.REDIS_SENTINEL_PASSWORD,
      // rediss:// with sentinels: TLS to the master and to the sentinels alike.
      ...(tls ? { tls: {}, enableTLSForSentinelMode: true, sentinelTLS: {} } : {}),
    };
  }
  return {
    ...common,
    host: url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: url.port ? Number(url.port) : 6379,
    ...(tls ? { tls } : {}),
  };
}

export function connectRedis(settings: RedisSettings, role: ConnectionRole): Redis {
  return new Redis(redisOptionsFrom(settings, role));
}

/** Where we connect, for logs: never the password. */
export function describeRedis(settings: RedisSettings): string {
  if (settings.REDIS_SENTINELS)
    return `sentinel ${settings.REDIS_SENTINEL_NAME} via ${settings.REDIS_SENTINELS.map((s) => `${s.host}:${s.port}`).join(',')}`;
  const url = new URL(settings.REDIS_URL);
  url.password = '';
  url.username = '';
  return url.toString();
}
