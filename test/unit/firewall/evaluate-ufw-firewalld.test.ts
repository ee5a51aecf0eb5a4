import { describe, expect, it } from 'vitest';
import { describeVerdict, evaluate, firewallsPresent } from '../../../src/firewall/evaluate.js';
import { parseFirewalldListAll } from '../../../src/firewall/readers/firewalld.js';
import type { FirewallRulesets, Packet } from '../../../src/firewall/types.js';
import { firewalld, fixture, inbound, iptables, must, outbound, ufwStatus } from './fixtures.js';

const SERVER = '10.200.0.1';
const CLIENT = '10.200.0.2';

describe('evaluate: ufw from `ufw status verbose` (recorded)', () => {
  const ufw: FirewallRulesets = { ufw: ufwStatus('status-verbose') };
  const at = (port: number, src = CLIENT, extra: Partial<Packet> = {}) =>
    evaluate(ufw, inbound(src, SERVER, port, extra));

  it('takes the first matching rule, in order', () => {
    expect(at(22, '203.0.113.9')).toMatchObject({
      verdict: 'accept',
      firewall: 'ufw',
      rule: expect.stringMatching(/^22\/tcp\s+ALLOW IN/),
    });
    expect(at(1234, '203.0.113.9')).toMatchObject({
      verdict: 'drop',
      rule: expect.stringMatching(/^Anywhere\s+DENY IN\s+203\.0\.113\.9/),
    });
    expect(at(8080)).toMatchObject({ verdict: 'drop', rule: expect.stringMatching(/^8080\s+DENY IN/) });
    expect(describeVerdict(at(8080))).toBe('DROP by ufw rule `8080 DENY IN Anywhere`');
    expect(at(3000)).toMatchObject({ verdict: 'reject' });
    expect(at(3000, '192.168.5.9')).toMatchObject({ verdict: 'drop', byPolicy: true });
  });

  it('matches sources, destinations, ports ranges, app profiles, protocols and interfaces', () => {
    expect(at(5432, '10.1.2.3')).toMatchObject({ verdict: 'accept' });
    expect(at(5432)).toMatchObject({ verdict: 'drop', byPolicy: true });
    expect(evaluate(ufw, inbound('192.168.7.9', '10.0.0.5', 4000))).toMatchObject({
      verdict: 'accept',
      rule: expect.stringContaining('# app from office'),
    });
    expect(at(4000, '192.168.7.9')).toMatchObject({ verdict: 'drop', byPolicy: true });
    expect(at(443)).toMatchObject({ verdict: 'accept', rule: expect.stringContaining('(Nginx Full)') });
    expect(at(8100)).toMatchObject({ verdict: 'accept', rule: expect.stringContaining('8000:8100/tcp') });
    expect(at(3001)).toMatchObject({ verdict: 'drop', byPolicy: true }); // 3001/udp only
    expect(at(9999)).toMatchObject({ verdict: 'drop', byPolicy: true });
    expect(at(9999, CLIENT, { iif: 'lo' })).toMatchObject({
      verdict: 'accept',
      rule: expect.stringContaining('before rules'),
    });
  });

  it('accepts loopback and established traffic before any user rule, as before.rules do', () => {
    expect(
      evaluate(ufw, { src: '127.0.0.1', dst: '127.0.0.1', dport: 8080, direction: 'input' }),
    ).toMatchObject({ verdict: 'accept' });
    expect(at(8080, CLIENT, { ctState: 'established' })).toMatchObject({ verdict: 'accept' });
  });

  it('applies IPv6 rows to IPv6 packets only', () => {
    expect(evaluate(ufw, inbound('fd00::5', 'fd20::1', 6379))).toMatchObject({ verdict: 'accept' });
    expect(at(6379, '10.1.2.3')).toMatchObject({ verdict: 'drop', byPolicy: true });
    expect(evaluate(ufw, inbound('fd20::2', 'fd20::1', 8080))).toMatchObject({
      verdict: 'drop',
      rule: expect.stringContaining('8080 (v6)'),
    });
  });

  it('uses OUT rules and the outgoing default for output', () => {
    expect(evaluate(ufw, outbound(SERVER, CLIENT, 25))).toMatchObject({
      verdict: 'drop',
      rule: expect.stringContaining('DENY OUT'),
    });
    expect(evaluate(ufw, outbound(SERVER, CLIENT, 1234))).toMatchObject({
      verdict: 'accept',
      byPolicy: true,
    });
    const strict: FirewallRulesets = { ufw: ufwStatus('status-verbose-strict') };
    expect(evaluate(strict, outbound(SERVER, CLIENT, 1234))).toMatchObject({
      verdict: 'drop',
      byPolicy: true,
    });
    expect(evaluate(strict, outbound(SERVER, '10.9.0.1', 5432))).toMatchObject({ verdict: 'accept' });
    expect(evaluate(strict, inbound(CLIENT, SERVER, 1234))).toMatchObject({
      verdict: 'reject',
      byPolicy: true,
    });
    expect(describeVerdict(evaluate(strict, inbound(CLIENT, SERVER, 1234)))).toBe(
      'REJECT by ufw default incoming policy',
    );
  });

  it('says a LIMIT rule accepts, and that a rate limit could reject', () => {
    const v = at(2222);
    expect(v).toMatchObject({ verdict: 'accept', rule: expect.stringContaining('LIMIT IN') });
    expect(v.uncertain).toHaveLength(1);
    expect(v.uncertain![0]).toContain("rate limit: rejects a source's 6th new connection within 30 s");
    expect(v.uncertain![0]).toContain('if it matches, REJECT by ufw rule');
  });

  it('doubts IPv6 LIMIT rules, which the recorded ufw left without their accept rule', () => {
    // ufw status says LIMIT for both families, but the ip6tables rules ufw generated (recorded) jump to an
    // empty ufw6-user-limit-accept chain: the packet falls through to the default policy, and the kernel drops it.
    const fromIptables = evaluate(
      { ip6tables: iptables('ufw/ip6tables.save') },
      inbound('fd20::2', 'fd20::1', 2222),
    );
    expect(fromIptables).toMatchObject({ verdict: 'drop', firewall: 'ufw', byPolicy: true });
    expect(fromIptables.uncertain).toBeUndefined();
    const fromStatus = evaluate(ufw, inbound('fd20::2', 'fd20::1', 2222));
    expect(fromStatus.verdict).toBe('accept');
    expect(fromStatus.uncertain?.[0]).toContain(
      'IPv6 rate limiting: when ufw left its ufw6-user-limit chains empty',
    );
    expect(fromStatus.uncertain?.[0]).toContain('if it matches, DROP by ufw default incoming policy');
  });

  it('is uncertain where plain `ufw status` hides ports or defaults', () => {
    const plain: FirewallRulesets = { ufw: ufwStatus('status') };
    const app = evaluate(plain, inbound(CLIENT, SERVER, 443));
    expect(app.verdict).toBe('drop');
    expect(app.uncertain).toContain(
      'ufw: the default incoming policy is not in `ufw status` (use `ufw status verbose`); assumed deny',
    );
    expect(app.uncertain!.some((u) => u.includes('Nginx Full') && u.includes('if it matches, ACCEPT'))).toBe(
      true,
    );
  });

  it('gives an inactive ufw no vote', () => {
    expect(evaluate({ ufw: ufwStatus('status-inactive') }, inbound(CLIENT, SERVER, 1))).toMatchObject({
      verdict: 'accept',
      firewall: 'none',
    });
  });

  it('prefers the iptables rules ufw generated when iptables-save was collected', () => {
    const both: FirewallRulesets = {
      ufw: ufwStatus('status-verbose'),
      iptables: iptables('ufw/iptables.save'),
    };
    const v = evaluate(both, inbound(CLIENT, SERVER, 8080));
    expect(v).toMatchObject({ verdict: 'drop', firewall: 'ufw', chain: 'ufw-user-input' });
    expect(v.votes.map((x) => x.table)).toEqual(['filter']);
    expect(firewallsPresent(both)).toEqual(['iptables', 'ufw']);
  });
});

describe('evaluate: firewalld from firewall-cmd (recorded)', () => {
  const fw: FirewallRulesets = {
    firewalld: firewalld('list-all-zones', fixture('firewalld/default-zone.txt')),
  };
  const at = (port: number, src = CLIENT, extra: Partial<Packet> = {}) =>
    evaluate(fw, inbound(src, SERVER, port, extra));

  it('accepts services and ports of the default zone and rejects the rest by its target', () => {
    expect(at(80)).toMatchObject({
      verdict: 'accept',
      firewall: 'firewalld',
      chain: 'zone public',
      rule: 'service http',
    });
    expect(at(9050)).toMatchObject({ verdict: 'accept', rule: 'port 9000-9100/tcp' });
    expect(at(5353)).toMatchObject({ verdict: 'reject', byPolicy: true }); // 5353/udp only
    expect(at(1234)).toMatchObject({ verdict: 'reject', byPolicy: true, chain: 'zone public' });
    expect(describeVerdict(at(1234))).toBe('REJECT by firewalld zone public target');
    expect(describeVerdict(at(80))).toBe('ACCEPT by firewalld zone public rule `service http`');
  });

  it('runs rich rules by priority, deny before allow', () => {
    expect(at(22, '10.9.0.5')).toMatchObject({
      verdict: 'drop',
      rule: expect.stringContaining('priority="-10"'),
    });
    expect(at(8080, '192.168.5.9')).toMatchObject({
      verdict: 'reject',
      rule: expect.stringContaining('192.168.5.0/24'),
    });
    expect(at(443, '203.0.113.5')).toMatchObject({
      verdict: 'drop',
      rule: expect.stringContaining('203.0.113.0/24'),
    });
    expect(at(4000, '10.2.0.9')).toMatchObject({
      verdict: 'reject',
      rule: expect.stringContaining('tcp-reset'),
    });
    expect(at(6379, '10.1.2.3')).toMatchObject({ verdict: 'accept', rule: expect.stringContaining('6379') });
    expect(at(6379, '192.168.5.9')).toMatchObject({ verdict: 'reject', byPolicy: true });
    expect(evaluate(fw, inbound('fd00::5', 'fd20::1', 3000))).toMatchObject({
      verdict: 'accept',
      rule: expect.stringContaining('fd00::/8'),
    });
    expect(at(3000, '10.1.2.3')).toMatchObject({ verdict: 'reject', byPolicy: true }); // that rule is ipv6 only
  });

  it('picks the zone by source first, then by interface, then the default zone', () => {
    expect(at(22, '198.51.100.7')).toMatchObject({ verdict: 'drop', chain: 'zone drop', byPolicy: true });
    expect(at(1234, '10.7.0.9')).toMatchObject({ verdict: 'accept', chain: 'zone trusted', byPolicy: true });
    expect(at(4444, '172.16.0.9')).toMatchObject({
      verdict: 'accept',
      chain: 'zone internal',
      rule: 'port 4444/tcp',
    });
    expect(at(1234, '172.16.0.9')).toMatchObject({
      verdict: 'reject',
      chain: 'zone internal',
      byPolicy: true,
    });
    expect(at(1234, CLIENT, { iif: 'veth-app0' })).toMatchObject({ chain: 'zone public' });
  });

  it('is uncertain about the zone only when the input interface is unknown and it would matter', () => {
    const onlyPublic = evaluate(fw, { src: CLIENT, dst: SERVER, dport: 1234, direction: 'input' });
    expect(onlyPublic.uncertain).toBeUndefined(); // veth-app0 belongs to public, the default zone too
    const zones = fixture('firewalld/list-all-zones.txt').replace(
      'work\n  target: default\n  icmp-block-inversion: no\n  interfaces: ',
      'work\n  target: default\n  icmp-block-inversion: no\n  interfaces: eth1',
    );
    const withWork: FirewallRulesets = { firewalld: must(parseFirewalldListAll(zones, 'public')) };
    const v = evaluate(withWork, { src: CLIENT, dst: SERVER, dport: 80, direction: 'input' });
    expect(v.verdict).toBe('accept');
    expect(v.uncertain?.[0]).toContain(
      "firewalld zone work (interfaces eth1; the packet's input interface is not known)",
    );
    expect(evaluate(withWork, inbound(CLIENT, SERVER, 80, { iif: 'eth1' }))).toMatchObject({
      verdict: 'reject',
      chain: 'zone work',
    });
  });

  it('passes established and loopback traffic, and does not filter output', () => {
    expect(at(1234, CLIENT, { ctState: 'established' })).toMatchObject({
      verdict: 'accept',
      rule: 'ct state { established, related } accept',
    });
    expect(
      evaluate(fw, { src: '127.0.0.1', dst: '127.0.0.1', dport: 1234, direction: 'input' }),
    ).toMatchObject({ verdict: 'accept', rule: 'iifname "lo" accept' });
    expect(evaluate(fw, outbound(SERVER, CLIENT, 1234))).toMatchObject({
      verdict: 'accept',
      firewall: 'none',
    });
  });

  it('reads a single --list-all zone as the default zone, and flags services it does not know', () => {
    const one: FirewallRulesets = { firewalld: firewalld('list-all-public') };
    expect(evaluate(one, inbound(CLIENT, SERVER, 443))).toMatchObject({
      verdict: 'accept',
      rule: 'service https',
    });
    const custom = fixture('firewalld/list-all-public.txt').replace(
      'services: dhcpv6-client',
      'services: my-app dhcpv6-client',
    );
    const v = evaluate({ firewalld: must(parseFirewalldListAll(custom)) }, inbound(CLIENT, SERVER, 1234));
    expect(v.verdict).toBe('reject');
    expect(v.uncertain?.[0]).toContain("service my-app is not one of firewalld's own");
  });

  it('assumes public when several zones came without a default zone, and says so', () => {
    const v = evaluate({ firewalld: firewalld('list-all-zones') }, inbound(CLIENT, SERVER, 1234));
    expect(v).toMatchObject({ verdict: 'reject', chain: 'zone public' });
    expect(v.uncertain).toEqual([
      'firewalld: the default zone was not collected (firewall-cmd --get-default-zone); assumed public',
    ]);
  });

  it('gives a stopped firewalld no vote', () => {
    const stopped = must(parseFirewalldListAll('FirewallD is not running'));
    expect(evaluate({ firewalld: stopped }, inbound(CLIENT, SERVER, 1234))).toMatchObject({
      verdict: 'accept',
      firewall: 'none',
    });
  });
});
