import { describe, expect, it } from 'vitest';
import { parseFirewalldListAll, parseRichRule } from '../../../src/firewall/readers/firewalld.js';
import { FIREWALLD_SERVICES } from '../../../src/firewall/firewalld-services.js';
import { firewalld, fixture } from './fixtures.js';

describe('parseFirewalldListAll (firewalld 1.3.3, recorded from the running daemon)', () => {
  it('reads one zone from --list-all', () => {
    const s = firewalld('list-all-public');
    expect(s.running).toBe(true);
    expect(s.zones).toHaveLength(1);
    const z = s.zones[0]!;
    expect(z).toMatchObject({
      name: 'public',
      active: true,
      target: 'default',
      interfaces: ['veth-app0'],
      sources: [],
      services: ['dhcpv6-client', 'http', 'https', 'postgresql', 'ssh'],
      protocols: [],
      icmpBlockInversion: false,
    });
    expect(z.ports).toEqual([
      { ports: { from: 8080, to: 8080 }, protocol: 'tcp', raw: '8080/tcp' },
      { ports: { from: 9000, to: 9100 }, protocol: 'tcp', raw: '9000-9100/tcp' },
      { ports: { from: 5353, to: 5353 }, protocol: 'udp', raw: '5353/udp' },
    ]);
    expect(z.richRules).toHaveLength(7);
    expect(z.raw.split('\n')[0]).toBe('public (active)');
  });

  it('reads the default state of a fresh install', () => {
    const z = firewalld('list-all-default').zones[0]!;
    expect(z).toMatchObject({
      name: 'public',
      active: false,
      services: ['dhcpv6-client', 'ssh'],
      richRules: [],
    });
  });

  it('reads every zone from --list-all-zones, with targets and sources', () => {
    const s = firewalld('list-all-zones', fixture('firewalld/default-zone.txt'));
    expect(s.defaultZone).toBe('public');
    expect(s.zones.map((z) => [z.name, z.active, z.target, z.sources])).toEqual([
      ['block', false, '%%REJECT%%', []],
      ['dmz', false, 'default', []],
      ['drop', true, 'DROP', ['198.51.100.0/24']],
      ['external', false, 'default', []],
      ['home', false, 'default', []],
      ['internal', true, '%%REJECT%%', ['172.16.0.0/12']],
      ['public', true, 'default', []],
      ['trusted', true, 'ACCEPT', ['10.7.0.0/16']],
      ['work', false, 'default', []],
    ]);
  });

  it('firewall-offline-cmd prints the same zone (rich rules in another order)', () => {
    const online = firewalld('list-all-public').zones[0]!;
    const offline = firewalld('offline-list-all').zones[0]!;
    const { richRules: a, raw: _ra, ...restOnline } = online;
    const { richRules: b, raw: _rb, ...restOffline } = offline;
    expect(restOffline).toEqual(restOnline);
    const raws = (rules: typeof a) => rules.map((r) => r.raw).sort();
    expect(raws(b)).toEqual(raws(a));
  });

  it('reads a stopped daemon as not running (recorded: exit 252, the message on stderr)', () => {
    expect(fixture('firewalld/not-running.stdout')).toBe('');
    expect(fixture('firewalld/not-running.rc').trim()).toBe('252');
    expect(parseFirewalldListAll(fixture('firewalld/not-running.stderr'))).toEqual({
      ok: true,
      value: { running: false, zones: [] },
      warnings: [],
    });
  });

  it('marks the default zone when firewall-cmd prints "(default, active)"', () => {
    const p = parseFirewalldListAll('work (default, active)\n  target: DROP\n  services: ssh\n');
    expect(p.ok && p.value.defaultZone).toBe('work');
    expect(p.ok && p.value.zones[0]).toMatchObject({
      isDefault: true,
      active: true,
      target: 'DROP',
      services: ['ssh'],
    });
  });

  it('errors on text with no zone', () => {
    expect(parseFirewalldListAll('  target: default\n').ok).toBe(false);
  });
});

describe('parseRichRule', () => {
  it('reads family, priority, source, port and action', () => {
    expect(
      parseRichRule(
        'rule priority="-10" family="ipv4" source address="10.9.0.0/16" port port="22" protocol="tcp" drop',
      ),
    ).toEqual({
      priority: -10,
      family: 'ipv4',
      log: false,
      source: { invert: false, address: '10.9.0.0/16' },
      element: { kind: 'port', ports: [{ from: 22, to: 22 }], protocol: 'tcp' },
      action: { kind: 'drop' },
      raw: 'rule priority="-10" family="ipv4" source address="10.9.0.0/16" port port="22" protocol="tcp" drop',
    });
  });

  it('reads services, reject types, NOT, destinations, logging and limits', () => {
    expect(
      parseRichRule('rule family="ipv4" source address="10.1.0.0/16" service name="redis" accept'),
    ).toMatchObject({
      element: { kind: 'service', name: 'redis' },
      action: { kind: 'accept' },
    });
    expect(
      parseRichRule(
        'rule family="ipv4" source address="10.2.0.0/16" port port="4000" protocol="tcp" reject type="tcp-reset"',
      ).action,
    ).toEqual({
      kind: 'reject',
      rejectType: 'tcp-reset',
    });
    expect(
      parseRichRule(
        'rule family="ipv4" source NOT address="10.0.0.0/8" destination address="10.0.0.5" port port="8000-8010" protocol="tcp" log prefix="x" level="info" limit value="1/m" accept limit value="10/s"',
      ),
    ).toMatchObject({
      source: { invert: true, address: '10.0.0.0/8' },
      destination: { invert: false, address: '10.0.0.5' },
      element: { kind: 'port', ports: [{ from: 8000, to: 8010 }] },
      log: true,
      action: { kind: 'accept', limit: '10/s' },
    });
    expect(parseRichRule('rule source ipset="blocklist" drop').source).toEqual({
      invert: false,
      ipset: 'blocklist',
    });
  });

  it('names parts it cannot read', () => {
    expect(parseRichRule('rule family="ipv4" frobnicate drop').unreadable).toBe('frobnicate');
    expect(parseRichRule('rule port port="x" protocol="tcp" accept').unreadable).toBe('port x');
  });
});

describe('FIREWALLD_SERVICES (generated from firewalld 1.3.3 service XML)', () => {
  it('maps the common services to their ports', () => {
    expect(FIREWALLD_SERVICES['http']).toEqual({ ports: ['80/tcp'] });
    expect(FIREWALLD_SERVICES['https']).toEqual({ ports: ['443/tcp'] });
    expect(FIREWALLD_SERVICES['ssh']).toEqual({ ports: ['22/tcp'] });
    expect(FIREWALLD_SERVICES['postgresql']).toEqual({ ports: ['5432/tcp'] });
    expect(FIREWALLD_SERVICES['redis']).toEqual({ ports: ['6379/tcp'] });
    expect(FIREWALLD_SERVICES['dhcpv6-client']).toEqual({
      ports: ['546/udp'],
      destination: { ipv6: 'fe80::/64' },
    });
    expect(Object.keys(FIREWALLD_SERVICES)).toHaveLength(221);
  });

  it('resolves included services', () => {
    // freeipa-4 includes http, https, kerberos, kpasswd, ldap and ldaps.
    expect(FIREWALLD_SERVICES['freeipa-4']!.ports).toEqual(
      expect.arrayContaining(['80/tcp', '443/tcp', '88/tcp', '389/tcp', '636/tcp']),
    );
  });
});
