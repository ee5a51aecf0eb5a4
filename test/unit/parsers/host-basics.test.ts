import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseClock,
  parseGetentAhosts,
  parseId,
  parseIpAddr,
  parseResolvConf,
} from '../../../src/parsers/host-basics.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/tools/${name}`, import.meta.url), 'utf8');

describe('host basics parsers (fixtures recorded with the real tools)', () => {
  it('reads the addresses of `ip -o addr show`, IPv4 and IPv6', () => {
    expect(parseIpAddr(fixture('ip-addr.txt'))).toEqual(['127.0.0.1', '::1', '10.213.9.5', 'fd00::5']);
  });

  it('reads the clock in epoch and nginx log format', () => {
    const clock = parseClock(fixture('date.txt'));
    expect(clock?.epoch).toBeGreaterThan(1_700_000_000);
    expect(clock?.local).toMatch(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(parseClock('garbage')).toBeUndefined();
  });

  it('reads nameservers from resolv.conf', () => {
    expect(parseResolvConf(fixture('resolv.conf'))).toEqual(['10.255.255.53']);
    expect(parseResolvConf(fixture('resolv-systemd.conf'))).toEqual(['127.0.0.53', '::1']);
  });

  it('reads getent ahosts once per address', () => {
    expect(parseGetentAhosts(fixture('getent-ahosts-localhost.txt'))).toEqual(['127.0.0.1']);
    expect(parseGetentAhosts(fixture('getent-ahosts-name.txt'))).toEqual(['10.213.9.7']);
    expect(parseGetentAhosts('')).toEqual([]);
  });

  it('reads uid, gid and groups of `id`, names with digits included', () => {
    expect(parseId(fixture('id-www-data.txt'))).toEqual({ uid: 33, gid: 33, groups: [33] });
    expect(parseId('uid=1001(app1) gid=1001(app1) groups=1001(app1),4(adm),27(sudo2)')).toEqual({
      uid: 1001,
      gid: 1001,
      groups: [1001, 4, 27],
    });
    expect(parseId("id: 'nosuchuser': no such user")).toBeUndefined();
  });

  it('never throws on random input', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        parseIpAddr(s);
        parseClock(s);
        parseResolvConf(s);
        parseGetentAhosts(s);
        parseId(s);
      }),
    );
  });
});
