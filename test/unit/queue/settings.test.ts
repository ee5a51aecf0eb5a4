import { describe, expect, it } from 'vitest';
import { queueSettingsFrom } from '../../../src/queue/settings.js';
import { workerSettingsFrom } from '../../../src/workers/settings.js';
import { describeRedis, redisOptionsFrom } from '../../../src/queue/connection.js';

const worker = { role: 'worker' as const };

describe('worker settings from the environment', () => {
  it('has the documented defaults', () => {
    const r = workerSettingsFrom({});
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({
      REDIS_URL: 'redis://127.0.0.1:6379',
      QUEUE_PREFIX: 'upstream-doctor',
      WORKER_CONCURRENCY: 4,
      WORKER_METRICS_PORT: 9464,
      DIAGNOSE_TIMEOUT_MS: 120_000,
      DIAGNOSE_ATTEMPTS: 3,
      LOG_LEVEL: 'info',
      REMEDIATION: 'on',
      PLAN_TTL_MS: 30 * 60_000,
      ROLLOUT_BATCH: 5,
      REMEDIATION_ROOTS: [],
    });
    const roots = workerSettingsFrom({ REMEDIATION_ROOTS: ' /srv/nginx-sites/, /opt/site ,' });
    expect(roots.ok && roots.value.REMEDIATION_ROOTS).toEqual(['/srv/nginx-sites', '/opt/site']);
    const off = workerSettingsFrom({ REMEDIATION: 'off' });
    expect(off.ok && off.value.REMEDIATION).toBe('off');
    expect(r.value.REDIS_SENTINELS).toBeUndefined();
  });

  it.each([
    [
      { WORKER_CONCURRENCY: 'abc' },
      /^WORKER_CONCURRENCY: expected a whole number from 1 to 256 \(got "abc"\)$/,
    ],
    [{ WORKER_CONCURRENCY: '0' }, /^WORKER_CONCURRENCY: /],
    [{ WORKER_CONCURRENCY: '4.5' }, /^WORKER_CONCURRENCY: /],
    [{ WORKER_METRICS_PORT: '70000' }, /^WORKER_METRICS_PORT: /],
    [{ DIAGNOSE_TIMEOUT_MS: '-5' }, /^DIAGNOSE_TIMEOUT_MS: /],
    [{ REDIS_URL: 'http://redis:6379' }, /^REDIS_URL: expected a redis:\/\/ or rediss:\/\/ URL/],
    [{ REDIS_URL: 'not a url' }, /^REDIS_URL: expected a URL/],
    [{ REDIS_URL: 'redis://h:6379/db' }, /^REDIS_URL: expected a database number/],
    [{ REDIS_SENTINELS: 'a:1,b' }, /^REDIS_SENTINELS: expected host:port/],
    [{ REDIS_SENTINELS: 'a:26379' }, /^REDIS_SENTINEL_NAME: is required with REDIS_SENTINELS/],
    [{ QUEUE_PREFIX: 'a b' }, /^QUEUE_PREFIX: /],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL: expected one of fatal, error/],
    [{ REMEDIATION: 'maybe' }, /^REMEDIATION: expected 'on' or 'off'$/],
    [{ PLAN_TTL_MS: '5' }, /^PLAN_TTL_MS: expected a whole number from 60000 to 86400000 \(got "5"\)$/],
    [{ ROLLOUT_BATCH: '0' }, /^ROLLOUT_BATCH: expected a whole number from 1 to 100 \(got "0"\)$/],
    [{ ROLLOUT_BATCH: 'all' }, /^ROLLOUT_BATCH: expected a whole number from 1 to 100 \(got "all"\)$/],
    [
      { REMEDIATION_ROOTS: 'srv/sites' },
      /^REMEDIATION_ROOTS: expected absolute directory paths .*"srv\/sites"/,
    ],
    [{ REMEDIATION_ROOTS: '/srv/../root' }, /^REMEDIATION_ROOTS: expected absolute directory paths/],
    [{ REMEDIATION_ROOTS: '/srv//x' }, /^REMEDIATION_ROOTS: expected absolute directory paths/],
    [{ REMEDIATION_ROOTS: '/srv/a b' }, /^REMEDIATION_ROOTS: expected absolute directory paths/],
    [{ REMEDIATION_ROOTS: '/etc/nginx, /' }, /^REMEDIATION_ROOTS: '\/' would let a fix write anywhere/],
  ])('refuses %o with one line naming the setting', (env, message) => {
    const r = workerSettingsFrom(env);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatch(message);
    expect(r.error).not.toContain('\n');
  });

  it('reads sentinels, IPv6 ones in brackets', () => {
    const r = queueSettingsFrom({
      REDIS_SENTINELS: 's1:26379, [::1]:26380',
      REDIS_SENTINEL_NAME: 'mymaster',
    });
    expect(r.ok && r.value.REDIS_SENTINELS).toEqual([
      { host: 's1', port: 26379 },
      { host: '::1', port: 26380 },
    ]);
  });
});

describe('Redis connection options', () => {
  it('plain redis:// with credentials and a database', () => {
    const o = redisOptionsFrom({ REDIS_URL: 'redis://u:p%40ss@cache.internal:6380/3' }, worker);
    expect(o).toMatchObject({ host: 'cache.internal', port: 6380, db: 3, username: 'u', password: 'p@ss' });
    expect(o.tls).toBeUndefined();
    expect(o.maxRetriesPerRequest).toBeNull();
  });

  it('rediss:// turns TLS on, with the host name for SNI and certificate checks', () => {
    const o = redisOptionsFrom({ REDIS_URL: 'rediss://cache.example.com' }, { role: 'producer' });
    expect(o).toMatchObject({
      host: 'cache.example.com',
      port: 6379,
      tls: { servername: 'cache.example.com' },
    });
    expect(o.maxRetriesPerRequest).toBe(3);
  });

  it('IPv6 hosts lose their brackets', () => {
    expect(redisOptionsFrom({ REDIS_URL: 'redis://[::1]:6379' }, worker).host).toBe('::1');
  });

  it('Sentinel: the sentinels and master name, credentials and db from the URL, TLS everywhere with rediss', () => {
    const o = redisOptionsFrom(
      {
        REDIS_URL: 'rediss://:secret@ignored/2',
        REDIS_SENTINELS: [{ host: 's1', port: 26379 }],
        REDIS_SENTINEL_NAME: 'mymaster',
        REDIS_SENTINEL_PASSWORD: 'spw',
      },
      worker,
    );
    expect(o).toMatchObject({
      sentinels: [{ host: 's1', port: 26379 }],
      name: 'mymaster',
      password: 'secret',
      sentinelPassword: 'spw',
      db: 2,
      enableTLSForSentinelMode: true,
    });
    expect(o.host).toBeUndefined();
  });

  it('never shows the password when it describes where it connects', () => {
    expect(describeRedis({ REDIS_URL: 'redis://u:secret@h:1/0' })).not.toContain('secret');
  });
});
