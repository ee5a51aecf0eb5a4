// Is the queue's Redis there, and will it keep BullMQ's jobs? (BullMQ needs maxmemory-policy noeviction:
// with any other policy Redis may evict job keys under memory pressure and jobs vanish.)
import { Redis } from 'ioredis';
import { describeRedis, redisOptionsFrom } from '../queue/connection.js';
import { queueSettingsFrom } from '../queue/settings.js';
import { type CheckResult, failed, ok } from './check.js';

const NAME = 'redis';

export async function checkRedis(env: NodeJS.ProcessEnv, timeoutMs = 3_000): Promise<CheckResult> {
  const checked = queueSettingsFrom(env);
  if (!checked.ok)
    return failed(NAME, checked.error, 'correct the setting named (see `upstream-doctor worker --help`)');
  const settings = checked.value;
  const where = describeRedis(settings);
  const redis = new Redis({
    ...redisOptionsFrom(settings, { role: 'producer', connectionName: 'upstream-doctor-doctor' }),
    // One attempt, quickly: a doctor reports, it does not wait for Redis to come back.
    lazyConnect: true,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
  });
  redis.on('error', () => undefined); // the failure is reported through connect()'s rejection
  try {
    await redis.connect();
    const pong = await redis.ping();
    const policy = await maxmemoryPolicy(redis);
    if (policy !== undefined && policy !== 'noeviction')
      return failed(
        NAME,
        `${where} answers (${pong}), but its maxmemory-policy is ${policy}: Redis may evict queued jobs`,
        'set `maxmemory-policy noeviction` in redis.conf (or CONFIG SET maxmemory-policy noeviction)',
      );
    return ok(NAME, `${where} answers (${pong})${policy ? ', maxmemory-policy noeviction' : ''}`);
  } catch (err) {
    return failed(
      NAME,
      `cannot reach ${where}: ${(err as Error).message}`,
      'start Redis, or set REDIS_URL to where it runs (the bot and the workers need it; `diagnose` does not)',
    );
  } finally {
    redis.disconnect();
  }
}

/** The policy, or undefined where CONFIG is disabled (managed Redis services often rename it). */
async function maxmemoryPolicy(redis: Redis): Promise<string | undefined> {
  try {
    const answer = (await redis.config('GET', 'maxmemory-policy')) as unknown;
    return Array.isArray(answer) && typeof answer[1] === 'string' ? answer[1] : undefined;
  } catch {
    return undefined;
  }
}
