// The path rule of plans: a file's real path under the main config's real directory or a REMEDIATION_ROOTS
// root, segment by segment, with no spelling that could name a place twice.
import { describe, expect, it } from 'vitest';
import {
  confinement,
  isUnder,
  normalAbsolute,
  parseRemediationRoots,
} from '../../../src/remediate/confine.js';

describe('isUnder', () => {
  it('is segment-wise: /etc/nginx2 is not under /etc/nginx', () => {
    expect(isUnder('/etc/nginx/conf.d/shop.conf', '/etc/nginx')).toBe(true);
    expect(isUnder('/etc/nginx/conf.d/shop.conf', '/etc/nginx/')).toBe(true);
    expect(isUnder('/etc/nginx', '/etc/nginx')).toBe(true);
    expect(isUnder('/etc/nginx2/shop.conf', '/etc/nginx')).toBe(false);
    expect(isUnder('/etc/nginx.conf', '/etc/nginx')).toBe(false);
    expect(isUnder('/etc', '/etc/nginx')).toBe(false);
  });

  it('refuses paths that are not normal: .., ., //, relative, NUL', () => {
    for (const p of [
      '/etc/nginx/../../root/.ssh/authorized_keys',
      '/etc/nginx/./x',
      '/etc/nginx//x',
      'etc/nginx/x',
      '/etc/nginx/x\0',
      '',
    ]) {
      expect(normalAbsolute(p), p).toBe(false);
      expect(isUnder(p, '/etc/nginx'), p).toBe(false);
    }
    expect(isUnder('/etc/nginx/x', '/etc/../etc/nginx')).toBe(false);
  });
});

describe('confinement', () => {
  const ok = { ok: true };
  it('allows a file whose real path is under the main directory or a root, never the directory itself', () => {
    expect(
      confinement('/etc/nginx/conf.d/a.conf', '/etc/nginx/conf.d/a.conf', '/etc/nginx', '/etc/nginx', []),
    ).toEqual(ok);
    // sites-enabled style: the link's target counts, and it is inside.
    expect(
      confinement(
        '/etc/nginx/sites-enabled/a',
        '/etc/nginx/sites-available/a',
        '/etc/nginx',
        '/etc/nginx',
        [],
      ),
    ).toEqual(ok);
    expect(
      confinement('/srv/site/shop.conf', '/srv/site/shop.conf', '/etc/nginx', '/etc/nginx', ['/srv/site']),
    ).toEqual(ok);
    expect(confinement('/etc/nginx', '/etc/nginx', '/etc/nginx', '/etc/nginx', []).ok).toBe(false);
  });

  it('refuses a file outside, a link pointing outside, and says how to allow it', () => {
    const outside = confinement(
      '/root/.ssh/authorized_keys',
      '/root/.ssh/authorized_keys',
      '/etc/nginx',
      '/etc/nginx',
      [],
    );
    expect(outside).toEqual({
      ok: false,
      why: '/root/.ssh/authorized_keys is outside /etc/nginx: apply it by hand, or add its directory to REMEDIATION_ROOTS',
    });
    const link = confinement(
      '/etc/nginx/conf.d/shop.conf',
      '/srv/site/shop.conf',
      '/etc/nginx',
      '/etc/nginx',
      ['/opt/x'],
    );
    expect(link).toEqual({
      ok: false,
      why: '/etc/nginx/conf.d/shop.conf (really /srv/site/shop.conf) is outside /etc/nginx and /opt/x: apply it by hand, or add its directory to REMEDIATION_ROOTS',
    });
    // The directory is judged by its real path too: /etc/nginx → /srv makes /srv the tree, not /etc/nginx.
    expect(confinement('/etc/nginx/a.conf', '/etc/nginx/a.conf', '/etc/nginx', '/srv/nginx', []).ok).toBe(
      false,
    );
  });

  it('refuses what the host could not resolve, and a main config at / (it would open everything)', () => {
    expect(confinement('/etc/nginx/a.conf', undefined, '/etc/nginx', '/etc/nginx', [])).toEqual({
      ok: false,
      why: '/etc/nginx/a.conf could not be resolved on the host',
    });
    expect(confinement('/etc/nginx/a.conf', '/etc/nginx/a.conf', '/etc/nginx', undefined, []).ok).toBe(false);
    expect(confinement('/root/x', '/root/x', '/', '/', []).ok).toBe(false);
  });
});

describe('parseRemediationRoots', () => {
  it('reads comma-separated absolute paths, trims, drops a trailing slash and repeats', () => {
    expect(parseRemediationRoots(undefined)).toEqual({ ok: true, value: [] });
    expect(parseRemediationRoots(' /srv/sites/ ,/opt/x,/srv/sites')).toEqual({
      ok: true,
      value: ['/srv/sites', '/opt/x'],
    });
  });

  it('refuses relative paths, dot segments, doubled slashes, spaces, invisible characters and /', () => {
    for (const raw of ['srv', '/srv/..', '/a//b', '/a b', '/a\u200bb', '/a\u00a0b', '/']) {
      const r = parseRemediationRoots(raw);
      expect(r.ok, JSON.stringify(raw)).toBe(false);
    }
  });
});
