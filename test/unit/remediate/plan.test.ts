import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { reportOf } from '../../../src/analyze/report.js';
import { listenAddress, PlanStore, planFromFinding, type Plan } from '../../../src/remediate/plan.js';
import type { HostSnapshot } from '../../../src/model/types.js';
import { dropPrefix, redisForTest, snapshotOf, testPrefix } from '../queue/support.js';

const snapshot = snapshotOf('port-mismatch', 'web-01');
const root = reportOf(snapshot).findings[0]!;

function planOf(options: Parameters<typeof planFromFinding>[2] = { requestedBy: 'U1' }): Plan {
  const r = planFromFinding(root, snapshot, options);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

describe('planFromFinding', () => {
  it('freezes the edit, its diff, the sha256 of the file as diagnosed, nginx and the verify request', () => {
    const now = new Date('2026-11-23T10:00:00Z');
    const plan = planOf({ requestedBy: 'U1', now });
    expect(plan).toMatchObject({
      host: 'web-01',
      file: '/etc/nginx/conf.d/shop.conf',
      before: '    server 127.0.0.1:8000 max_fails=3;',
      after: '    server 127.0.0.1:3000 max_fails=3;',
      cause: 'upstream-port-mismatch',
      requestedBy: 'U1',
      createdAt: '2026-11-23T10:00:00.000Z',
      expiresAt: '2026-11-23T10:30:00.000Z',
      nginx: { binary: '/usr/sbin/nginx', configPath: '/etc/nginx/nginx.conf' },
      verify: { address: '127.0.0.1', port: 80, path: '/' },
      errorLogs: ['/var/log/nginx/error.log'],
    });
    expect(plan.id).toMatch(/^p-[A-Za-z0-9_-]+$/);
    const dump = snapshot.results['nginx-T']!.stdout;
    const body = dump
      .split('# configuration file /etc/nginx/conf.d/shop.conf:\n')[1]!
      .split('\n# configuration file ')[0]!;
    expect(plan.sha256AtDiagnosis).toBe(createHash('sha256').update(body.replace(/\n$/, '')).digest('hex'));
    expect(plan.unifiedDiff).toContain(
      '-    server 127.0.0.1:8000 max_fails=3;\n+    server 127.0.0.1:3000 max_fails=3;',
    );
  });

  it('refuses a finding without an edit, or an edit the file does not match', () => {
    expect(
      planFromFinding({ ...root, fix: { summary: 'x' } }, snapshot, { requestedBy: 'U1' }),
    ).toMatchObject({ ok: false });
    const wrong = { ...root, fix: { summary: 'x', edit: { ...root.fix!.edit!, before: 'nope' } } };
    expect(planFromFinding(wrong, snapshot, { requestedBy: 'U1' })).toMatchObject({ ok: false });
    const elsewhere = {
      ...root,
      fix: { summary: 'x', edit: { ...root.fix!.edit!, file: '/etc/nginx/none.conf' } },
    };
    expect(planFromFinding(elsewhere, snapshot, { requestedBy: 'U1' })).toMatchObject({ ok: false });
  });
});

/** The recorded snapshot as a host that prints other things would give it: `edit` changes results' text. */
function hostSaying(edit: (results: HostSnapshot['results']) => void): HostSnapshot {
  const copy = structuredClone(snapshot);
  edit(copy.results);
  return copy;
}

/** realpathCommand's output for these pairs (asked → real; real '' when the path does not exist). */
const realpathOutput = (pairs: [string, string][]) => pairs.map(([a, r]) => `${a}\0${r}\0`).join('');

describe('planFromFinding: confined to the nginx tree', () => {
  it('records the real path of a file inside /etc/nginx and the thread it is offered in', () => {
    const plan = planOf({ requestedBy: 'U1', offeredIn: { channel: 'C1', threadTs: '1.2' } });
    expect(plan.realFile).toBe('/etc/nginx/conf.d/shop.conf');
    expect(plan.offeredIn).toEqual({ channel: 'C1', threadTs: '1.2' });
  });

  it('withholds a file whose real path lies outside (a symlink to /srv), with the diff; a root allows it', () => {
    const linked = hostSaying((r) => {
      r.realpath!.stdout = r.realpath!.stdout.replace(
        '/etc/nginx/conf.d/shop.conf\0/etc/nginx/conf.d/shop.conf\0',
        '/etc/nginx/conf.d/shop.conf\0/srv/site/shop.conf\0',
      );
    });
    const r = planFromFinding(root, linked, { requestedBy: 'U1' });
    expect(r).toMatchObject({
      ok: false,
      error:
        '/etc/nginx/conf.d/shop.conf (really /srv/site/shop.conf) is outside /etc/nginx: apply it by hand, or add its directory to REMEDIATION_ROOTS',
      withheld: { unifiedDiff: expect.stringContaining('+    server 127.0.0.1:3000 max_fails=3;') },
    });
    const allowed = planFromFinding(root, linked, { requestedBy: 'U1', roots: ['/srv/site'] });
    expect(allowed.ok && allowed.value.realFile).toBe('/srv/site/shop.conf');
    expect(planFromFinding(root, linked, { requestedBy: 'U1', roots: ['/srv/sit'] }).ok).toBe(false);
  });

  it('an nginx -T that claims "# configuration file /root/.ssh/authorized_keys:" gets no plan for it', () => {
    const forged = hostSaying((r) => {
      // A config can print anything: here the dump names the shop's server block as root's keys file.
      r['nginx-T']!.stdout = r['nginx-T']!.stdout.replace(
        '# configuration file /etc/nginx/conf.d/shop.conf:',
        '# configuration file /root/.ssh/authorized_keys:',
      ).replace('include /etc/nginx/conf.d/*.conf;', 'include /root/.ssh/authorized_keys;');
      r.realpath!.stdout += realpathOutput([['/root/.ssh/authorized_keys', '/root/.ssh/authorized_keys']]);
    });
    const finding = reportOf(forged).findings[0]!;
    expect(finding.fix?.edit?.file).toBe('/root/.ssh/authorized_keys');
    const r = planFromFinding(finding, forged, { requestedBy: 'U1' });
    expect(r).toMatchObject({ ok: false, error: expect.stringContaining('is outside /etc/nginx') });
  });

  it('withholds when the host resolved nothing (no realpath answer, or the file missing)', () => {
    const silent = hostSaying((r) => delete r.realpath);
    expect(planFromFinding(root, silent, { requestedBy: 'U1' })).toMatchObject({
      ok: false,
      error: '/etc/nginx/conf.d/shop.conf could not be resolved on the host',
    });
    const missing = hostSaying((r) => {
      r.realpath!.stdout = realpathOutput([
        ['/etc/nginx', '/etc/nginx'],
        ['/etc/nginx/conf.d/shop.conf', ''],
      ]);
    });
    expect(planFromFinding(root, missing, { requestedBy: 'U1' }).ok).toBe(false);
  });
});

describe('verifyRequestFor', () => {
  it('uses a plain-HTTP listen of the server, and none when it listens with ssl only', async () => {
    const { parseDump } = await import('../../../src/parsers/nginx/dump.js');
    const { verifyRequestFor } = await import('../../../src/remediate/plan.js');
    const conf = (listens: string) =>
      parseDump(
        `# configuration file /etc/nginx/nginx.conf:\nhttp {\n  upstream app { server 127.0.0.1:8000; }\n  server {\n${listens}    server_name shop.example.com;\n    location /api/ { proxy_pass http://app; }\n  }\n}\n`,
      ).tree;
    expect(
      verifyRequestFor(conf('    listen 443 ssl;\n    listen 8080;\n'), '/etc/nginx/nginx.conf', 2),
    ).toEqual({
      address: '127.0.0.1',
      port: 8080,
      hostHeader: 'shop.example.com',
      path: '/api/',
    });
    expect(verifyRequestFor(conf('    listen 443 ssl;\n'), '/etc/nginx/nginx.conf', 2)).toBeUndefined();
  });
});

describe('listenAddress', () => {
  it.each([
    ['80', { address: '127.0.0.1', port: 80 }],
    ['8080 default_server', { address: '127.0.0.1', port: 8080 }],
    ['10.0.0.5:81', { address: '10.0.0.5', port: 81 }],
    ['*:82', { address: '127.0.0.1', port: 82 }],
    ['[::]:80', { address: '::1', port: 80 }],
    ['[::1]', { address: '::1', port: 80 }],
    ['localhost', { address: 'localhost', port: 80 }],
    ['unix:/run/x.sock', undefined],
    ['99999', undefined],
  ])('%s', (listen, expected) => {
    expect(listenAddress(listen)).toEqual(expected);
  });
});

describe('PlanStore against Redis', () => {
  let redis: Redis;
  const prefix = testPrefix();
  let store: PlanStore;
  beforeAll(() => {
    redis = redisForTest();
    store = new PlanStore(redis, prefix);
  });
  afterAll(async () => {
    await dropPrefix(redis, prefix);
    await redis.quit();
  });

  it('stores and reads a plan, pending at first, under its own key prefix', async () => {
    const plan = planOf();
    await store.save(plan);
    expect(await store.get(plan.id)).toEqual(plan);
    expect(await store.state(plan.id)).toEqual({
      status: 'pending',
      by: undefined,
      at: undefined,
      result: undefined,
    });
    expect(await redis.exists(`${prefix}:remediation:plan:${plan.id}`)).toBe(1);
    expect(await store.get('p-none')).toBeUndefined();
  });

  it('lets exactly one of ten concurrent claims move pending → applying; the rest see who', async () => {
    const plan = planOf();
    await store.save(plan);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => store.transition(plan.id, 'pending', 'applying', `U${i}`)),
    );
    const winners = results.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    const state = await store.state(plan.id);
    expect(state?.status).toBe('applying');
    for (const r of results.filter((x) => !x.ok))
      expect(r).toMatchObject({ ok: false, reason: 'status', state: { status: 'applying', by: state!.by } });
    expect(await store.transition(plan.id, 'applying', 'applied', state!.by!, 'ok')).toEqual({ ok: true });
    expect((await store.state(plan.id))?.result).toBe('ok');
  });

  it('refuses a claim on an expired plan and on a missing one', async () => {
    const plan = planOf({ requestedBy: 'U1', now: new Date(Date.now() - 3600_000) });
    await store.save(plan);
    expect(await store.transition(plan.id, 'pending', 'applying', 'U2')).toMatchObject({
      ok: false,
      reason: 'expired',
    });
    expect(await store.transition('p-missing', 'pending', 'applying', 'U2')).toEqual({
      ok: false,
      reason: 'missing',
    });
  });
});
