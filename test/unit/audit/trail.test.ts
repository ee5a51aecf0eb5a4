import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { AuditTrail, auditStreamKey, formatAuditEntry, parseAuditLine } from '../../../src/audit/trail.js';
import { main } from '../../../src/cli/main.js';
import type { CliIo } from '../../../src/cli/io.js';
import { dropPrefix, redisForTest, testPrefix } from '../queue/support.js';

let dir: string;
let redis: Redis;
const prefix = testPrefix();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ud-audit-'));
  redis = redisForTest();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await dropPrefix(redis, prefix);
  await redis.quit();
});

const DIFF = '--- a/etc/nginx/conf.d/shop.conf\n+++ b/etc/nginx/conf.d/shop.conf\n@@ -2 +2 @@\n-a\n+b\n';

function io(env: NodeJS.ProcessEnv): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    stdin: process.stdin,
    env,
    out: () => out,
    err: () => err,
  };
}

describe('AuditTrail', () => {
  it('appends every entry to the JSON-lines file and the Redis stream, in order', async () => {
    const file = join(dir, 'a.jsonl');
    const trail = new AuditTrail({ redis, prefix, file });
    await trail.record({
      action: 'request',
      user: 'U1',
      host: 'web-01',
      planId: 'p-1',
      result: 'requested',
      diff: DIFF,
    });
    await trail.record({
      action: 'refusal',
      user: 'U9',
      host: 'web-01',
      planId: 'p-1',
      result: 'refused: not an approver',
    });
    await trail.record({ action: 'apply', user: 'U2', host: 'web-02', planId: 'p-2', result: 'applied' });
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[0]!)).toMatchObject({ action: 'request', user: 'U1', diff: DIFF });
    expect((await trail.readFile()).map((e) => e.action)).toEqual(['request', 'refusal', 'apply']);
    expect((await trail.readFile({ host: 'web-02' })).map((e) => e.planId)).toEqual(['p-2']);
    expect((await trail.readStream()).map((e) => e.action)).toEqual(['request', 'refusal', 'apply']);
    expect(await redis.xlen(auditStreamKey(prefix))).toBe(3);
  });

  it('concurrent writers never interleave lines', async () => {
    const file = join(dir, 'c.jsonl');
    const trail = new AuditTrail({ prefix, file });
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        trail.record({
          action: 'test',
          user: `U${i}`,
          host: 'h',
          planId: 'p',
          result: 'x'.repeat(i * 20),
          diff: DIFF,
        }),
      ),
    );
    expect(await trail.readFile()).toHaveLength(200);
  });

  it('skips lines that are not entries; a missing file is an empty trail', async () => {
    const file = join(dir, 'b.jsonl');
    await writeFile(file, 'garbage\n{"action":"nope"}\n\n');
    expect(await new AuditTrail({ prefix, file }).readFile()).toEqual([]);
    expect(await new AuditTrail({ prefix, file: join(dir, 'none') }).readFile()).toEqual([]);
  });

  it('parseAuditLine never throws', () => {
    fc.assert(fc.property(fc.string(), (s) => void parseAuditLine(s)));
    fc.assert(fc.property(fc.json(), (s) => void parseAuditLine(s)));
  });

  it('formats one line per entry, the diff indented below on request', () => {
    const e = {
      time: 't',
      action: 'apply' as const,
      user: 'U',
      host: 'h',
      planId: 'p',
      result: 'applied',
      diff: DIFF,
    };
    expect(formatAuditEntry(e)).toBe('t  apply     h  p  U  applied');
    expect(formatAuditEntry(e, { diff: true }).split('\n')[1]).toBe('    --- a/etc/nginx/conf.d/shop.conf');
    const withSteps = { ...e, steps: ['✓ backup: /etc/nginx/.a.ud-backup', '✓ nginx reloaded'] };
    expect(formatAuditEntry(withSteps, { steps: true, diff: true }).split('\n').slice(0, 4)).toEqual([
      't  apply     h  p  U  applied',
      '    ✓ backup: /etc/nginx/.a.ud-backup',
      '    ✓ nginx reloaded',
      '    --- a/etc/nginx/conf.d/shop.conf',
    ]);
    expect(parseAuditLine(JSON.stringify(withSteps))).toEqual(withSteps);
    expect(parseAuditLine(JSON.stringify({ ...withSteps, steps: [1] }))).toEqual(e);
  });
});

describe('upstream-doctor audit', () => {
  it('prints the file, filtered by --host, as text or JSON', async () => {
    const file = join(dir, 'cli.jsonl');
    const trail = new AuditTrail({ prefix, file });
    await trail.record({ action: 'approval', user: 'U1', host: 'web-01', planId: 'p-1', result: 'approved' });
    await trail.record({ action: 'dismiss', user: 'U2', host: 'web-02', planId: 'p-2', result: 'dismissed' });
    const all = io({ AUDIT_LOG: file });
    expect(await main(['audit'], all)).toBe(0);
    expect(all.out().trimEnd().split('\n')).toHaveLength(2);
    const one = io({ AUDIT_LOG: file });
    expect(await main(['audit', '--host', 'web-02', '--json'], one)).toBe(0);
    expect(JSON.parse(one.out())).toMatchObject({ action: 'dismiss', host: 'web-02' });
    const fromRedis = io({ REDIS_URL: 'redis://127.0.0.1:6379', QUEUE_PREFIX: prefix });
    expect(await main(['audit', '--redis', '--host=web-01'], fromRedis)).toBe(0);
    expect(fromRedis.out()).toContain('refusal');
    const bad = io({});
    expect(await main(['audit', '--bogus'], bad)).toBe(2);
    expect(bad.err()).toContain('unknown argument --bogus');
  });

  it('a trail that cannot be read, or a Redis that does not answer, is one line on stderr (exit 2)', async () => {
    const directory = io({ AUDIT_LOG: dir });
    expect(await main(['audit'], directory)).toBe(2);
    expect(directory.err()).toMatch(/^upstream-doctor audit: cannot read .* \(AUDIT_LOG\): EISDIR/);
    const missing = io({ AUDIT_LOG: join(dir, 'never-written.jsonl') });
    expect(await main(['audit'], missing)).toBe(0);
    expect(missing.err()).toContain('never-written.jsonl does not exist yet');
    // Port 1 on loopback: nothing listens there.
    const down = io({ REDIS_URL: 'redis://127.0.0.1:1' });
    expect(await main(['audit', '--redis'], down)).toBe(2);
    expect(down.err()).toBe(
      'upstream-doctor audit: cannot reach Redis at redis://127.0.0.1:1 (connect ECONNREFUSED 127.0.0.1:1)\n',
    );
  });
});
