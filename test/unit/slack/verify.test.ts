// The request check in front of Bolt: the timestamp rule (digits only, at most 5 minutes old, at most a
// minute ahead), the v0 signature over the exact bytes, and the store of seen signatures in real Redis
// (a replay is refused; a store that cannot answer refuses too, never lets a request through unchecked).
import { createHmac } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkSignature,
  checkTimestamp,
  RedisSeenSignatures,
  verifySlackRequest,
} from '../../../src/slack/verify.js';
import { dropPrefix, redisForTest, testPrefix } from '../queue/support.js';

const SECRET = 'verify-test-secret';
const NOW_MS = 1_800_000_000_500;
const NOW = 1_800_000_000;
const redis = redisForTest();
const prefix = testPrefix();

afterAll(async () => {
  await dropPrefix(redis, prefix);
  await redis.quit();
});

const sign = (stamp: string, body: string) =>
  `v0=${createHmac('sha256', SECRET).update(`v0:${stamp}:${body}`).digest('hex')}`;

describe('checkTimestamp', () => {
  it('takes whole seconds from 5 minutes ago to a minute ahead', () => {
    for (const s of [NOW, NOW - 300, NOW + 60])
      expect(checkTimestamp(String(s), NOW_MS)).toEqual({ ok: true, value: s });
  });

  it('refuses stale, future, fractional, signed, padded, exponent, repeated and missing ones', () => {
    const refused: (string | string[] | undefined)[] = [
      String(NOW - 301),
      String(NOW + 61),
      `${NOW}.0`,
      `${NOW}.9`,
      `+${NOW}`,
      `-${NOW}`,
      ` ${NOW}`,
      `0${NOW}`,
      `${NOW}e0`,
      '0x6b49d200',
      '１８００００００００', // full-width digits
      [String(NOW), String(NOW)],
      '',
      undefined,
      '9'.repeat(40),
    ];
    for (const raw of refused) expect(checkTimestamp(raw, NOW_MS).ok, JSON.stringify(raw)).toBe(false);
    expect(checkTimestamp(String(NOW + 61), NOW_MS)).toEqual({
      ok: false,
      error: 'the request is stamped more than 60 s in the future',
    });
  });
});

describe('checkSignature', () => {
  it('matches the v0 HMAC over the exact body bytes, nothing else', () => {
    const body = 'text=web-01&user_id=U1';
    const good = sign(String(NOW), body);
    expect(checkSignature(SECRET, good, NOW, Buffer.from(body))).toBe(good.slice(3));
    expect(checkSignature(SECRET, good, NOW, Buffer.from(`${body} `))).toBeUndefined();
    expect(checkSignature(SECRET, good, NOW + 1, Buffer.from(body))).toBeUndefined();
    expect(checkSignature('other', good, NOW, Buffer.from(body))).toBeUndefined();
    expect(checkSignature(SECRET, good.toUpperCase(), NOW, Buffer.from(body))).toBeUndefined();
    expect(checkSignature(SECRET, `v1=${good.slice(3)}`, NOW, Buffer.from(body))).toBeUndefined();
    expect(checkSignature(SECRET, good.slice(0, -2), NOW, Buffer.from(body))).toBeUndefined();
    expect(checkSignature(SECRET, [good, good], NOW, Buffer.from(body))).toBeUndefined();
  });
});

describe('verifySlackRequest', () => {
  const seen = new RedisSeenSignatures(redis, prefix);
  const headersFor = (body: string, stamp = String(NOW)) => ({
    'x-slack-request-timestamp': stamp,
    'x-slack-signature': sign(stamp, body),
  });

  it('honours a signature once; the replay is refused, and remembered until the window has passed', async () => {
    const body = `text=web-01&trigger_id=${prefix}`;
    const headers = headersFor(body);
    expect(
      await verifySlackRequest(headers, Buffer.from(body), { secret: SECRET, seen, nowMs: NOW_MS }),
    ).toEqual({
      ok: true,
    });
    expect(
      await verifySlackRequest(headers, Buffer.from(body), { secret: SECRET, seen, nowMs: NOW_MS + 1000 }),
    ).toEqual({ ok: false, status: 401, why: 'the request was seen before (a replay)' });
    const ttl = await redis.pttl(`${prefix}:slack:seen:${headers['x-slack-signature'].slice(3)}`);
    // The stamp leaves the window 301 s after it; the key is kept about that long, never much longer.
    expect(ttl).toBeGreaterThan(290_000);
    expect(ttl).toBeLessThanOrEqual(301_000);
  });

  it('a forged signature is never remembered (forged requests cannot fill Redis)', async () => {
    const body = 'text=web-01';
    const forged = { 'x-slack-request-timestamp': String(NOW), 'x-slack-signature': `v0=${'0'.repeat(64)}` };
    expect(
      await verifySlackRequest(forged, Buffer.from(body), { secret: SECRET, seen, nowMs: NOW_MS }),
    ).toMatchObject({
      ok: false,
      status: 401,
    });
    expect(await redis.exists(`${prefix}:slack:seen:${'0'.repeat(64)}`)).toBe(0);
  });

  it('a store that cannot answer refuses with 503', async () => {
    const down = new Redis({
      port: 1,
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
    });
    down.on('error', () => undefined);
    const body = 'text=web-01&down=1';
    const r = await verifySlackRequest(headersFor(body), Buffer.from(body), {
      secret: SECRET,
      seen: new RedisSeenSignatures(down, prefix),
      nowMs: NOW_MS,
    });
    expect(r).toMatchObject({ ok: false, status: 503 });
    down.disconnect();
  });
});
