import { describe, expect, it } from 'vitest';
import { describeVerdict, evaluate, firewallsPresent } from '../../../src/firewall/evaluate.js';
import { parseNftText } from '../../../src/firewall/readers/nft.js';
import type { FirewallRulesets, Packet } from '../../../src/firewall/types.js';
import {
  firewalld,
  fixture,
  inbound,
  iptables,
  must,
  nftJson,
  nftMerged,
  nftText,
  outbound,
} from './fixtures.js';

const SERVER = '10.200.0.1';
const CLIENT = '10.200.0.2';
const basic: FirewallRulesets = { nft: nftMerged('basic') };
const at = (port: number, src = CLIENT, extra: Partial<Packet> = {}) =>
  evaluate(basic, inbound(src, SERVER, port, extra));

describe('evaluate: nftables (recorded basic ruleset)', () => {
  it('accepts by rule and names it with the host-printed text', () => {
    expect(at(443)).toMatchObject({
      verdict: 'accept',
      firewall: 'nftables',
      table: 'inet filter',
      chain: 'input',
      rule: 'tcp dport { 22, 80, 443 } counter packets 0 bytes 0 accept',
      byPolicy: false,
    });
    expect(describeVerdict(at(443))).toBe(
      'ACCEPT by nftables inet filter chain input rule `tcp dport { 22, 80, 443 } counter packets 0 bytes 0 accept`',
    );
  });

  it('drops by the chain policy and rejects with or without a reject type', () => {
    expect(at(1234)).toMatchObject({ verdict: 'drop', byPolicy: true, chain: 'input' });
    expect(at(8080)).toMatchObject({ verdict: 'accept', rule: 'tcp dport 8000-8100 accept' }); // the range comes first
    expect(at(9090)).toMatchObject({
      verdict: 'reject',
      rule: 'tcp dport 9090 counter packets 0 bytes 0 reject',
    });
    expect(at(7001)).toMatchObject({
      verdict: 'reject',
      rule: expect.stringContaining('icmpx admin-prohibited'),
    });
  });

  it('matches named sets of addresses and ports', () => {
    expect(at(2222, '10.20.99.1')).toMatchObject({
      verdict: 'accept',
      rule: 'ip saddr @trusted4 tcp dport @admin_ports accept',
    });
    expect(at(9100, '192.0.2.10')).toMatchObject({ verdict: 'accept' });
    expect(at(9100, '192.0.2.11')).toMatchObject({ verdict: 'drop', byPolicy: true });
    expect(at(2223, '10.20.99.1')).toMatchObject({ verdict: 'drop', byPolicy: true });
  });

  it('jumps to a chain and returns; a goto does not come back', () => {
    expect(at(3000, '192.168.1.1')).toMatchObject({ verdict: 'accept', chain: 'app' });
    expect(at(3000, '198.51.100.7')).toMatchObject({ verdict: 'drop', byPolicy: true }); // returns, nothing else matches
    expect(at(4000, '203.0.113.5')).toMatchObject({ verdict: 'drop', byPolicy: true }); // goto app; return ends input
    expect(at(4000, '10.1.1.1')).toMatchObject({
      verdict: 'accept',
      chain: 'app',
      rule: 'tcp dport 4000 accept',
    });
  });

  it('applies ip/ip6 matches to their own family only, negations included', () => {
    expect(at(5432, '10.1.2.3')).toMatchObject({
      verdict: 'accept',
      rule: 'ip saddr 10.0.0.0/8 tcp dport 5432 accept',
    });
    expect(evaluate(basic, inbound('fd00::5', 'fd20::1', 5432))).toMatchObject({
      verdict: 'accept',
      rule: 'ip6 saddr fd00::/8 tcp dport 5432 accept',
    });
    expect(evaluate(basic, inbound('2001:db8::5', 'fd20::1', 5432))).toMatchObject({
      verdict: 'drop',
      byPolicy: true,
    });
    // `ip saddr != 127.0.0.1 drop` must not drop IPv6 (it implies an IPv4 packet).
    expect(at(6379)).toMatchObject({ verdict: 'drop', rule: 'tcp dport 6379 ip saddr != 127.0.0.1 drop' });
    expect(evaluate(basic, inbound('fd20::2', 'fd20::1', 6379))).toMatchObject({
      verdict: 'drop',
      byPolicy: true,
    });
    expect(evaluate(basic, inbound('127.0.0.1', '127.0.0.1', 6379, { iif: 'lo' }))).toMatchObject({
      rule: 'iif "lo" accept',
    });
  });

  it('reads ct state, iif wildcards, and output chains', () => {
    expect(at(1234, CLIENT, { ctState: 'established' })).toMatchObject({
      verdict: 'accept',
      rule: 'ct state established,related accept',
    });
    expect(at(7002, CLIENT, { iif: 'eth1' })).toMatchObject({ verdict: 'accept' });
    expect(at(7002, CLIENT, { iif: 'wlan0' })).toMatchObject({ verdict: 'drop' });
    expect(evaluate(basic, outbound(SERVER, CLIENT, 25))).toMatchObject({
      verdict: 'drop',
      chain: 'output',
      rule: 'tcp dport 25 drop',
    });
    expect(evaluate(basic, outbound(SERVER, '10.9.1.1', 5432))).toMatchObject({ verdict: 'reject' });
    expect(
      evaluate(basic, { src: '127.0.0.1', dst: '127.0.0.1', dport: 25, direction: 'output' }),
    ).toMatchObject({
      verdict: 'accept',
      rule: 'oifname "lo" accept',
    });
  });

  it('gives the same verdicts from JSON alone, text alone, and both merged', () => {
    const views = [{ nft: nftJson('basic') }, { nft: nftText('basic') }, basic];
    for (const port of [22, 1234, 2222, 3000, 4000, 5432, 6379, 7001, 7002, 8080, 9090, 9100]) {
      for (const src of [CLIENT, '10.20.0.5', '192.168.3.3', '203.0.113.5']) {
        const verdicts = views.map((v) => evaluate(v, inbound(src, SERVER, port)));
        expect(verdicts.map((v) => [v.verdict, v.chain, v.byPolicy])).toEqual(
          Array(3).fill([verdicts[0]!.verdict, verdicts[0]!.chain, verdicts[0]!.byPolicy]),
        );
      }
    }
  });
});

describe('evaluate: several nftables base chains on one hook (recorded multibase)', () => {
  const multi: FirewallRulesets = { nft: nftMerged('multibase') };
  const v4 = (port: number) => evaluate(multi, inbound(CLIENT, SERVER, port));
  const v6 = (port: number) => evaluate(multi, inbound('fd20::2', 'fd20::1', port));

  it('an accept ends only its own base chain: a later chain still rejects', () => {
    const v = v4(8080);
    expect(v).toMatchObject({
      verdict: 'reject',
      table: 'ip late',
      chain: 'input',
      rule: 'tcp dport 8080 reject',
    });
    expect(v.votes.map((x) => `${x.table}:${x.verdict}`)).toEqual([
      'inet early:accept',
      'inet filter:accept',
      'ip late:reject',
    ]);
  });

  it('a drop in an early base chain is final: later chains never see the packet', () => {
    const v = v4(8081);
    expect(v).toMatchObject({ verdict: 'drop', table: 'inet early' });
    expect(v.votes).toHaveLength(1);
  });

  it('only tables of the packet family vote', () => {
    expect(v4(8082)).toMatchObject({
      verdict: 'accept',
      table: 'inet filter',
      rule: 'tcp dport 8082 accept',
    });
    expect(v4(8082).votes.map((x) => x.table)).toEqual(['inet early', 'inet filter', 'ip late']);
    expect(v6(8082)).toMatchObject({ verdict: 'accept', table: 'ip6 late6' });
    expect(v6(8083)).toMatchObject({ verdict: 'drop', table: 'ip6 late6', byPolicy: true });
    expect(v4(8083)).toMatchObject({ verdict: 'accept', byPolicy: true });
  });

  it('output chains of the output hook', () => {
    expect(evaluate(multi, outbound(SERVER, CLIENT, 8443))).toMatchObject({
      verdict: 'drop',
      table: 'ip late',
      chain: 'output',
    });
  });

  it('ignores dormant tables and nat chains', () => {
    const text = fixture('nft/multibase.nft').replace(
      'table ip late { # handle 3',
      'table ip late { # handle 3\n\tflags dormant',
    );
    expect(evaluate({ nft: must(parseNftText(text)) }, inbound(CLIENT, SERVER, 8080))).toMatchObject({
      verdict: 'accept',
    });
    const nat = must(
      parseNftText(
        'table ip nat {\n\tchain pre {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n\t\ttcp dport 80 drop\n\t}\n}\n',
      ),
    );
    expect(evaluate({ nft: nat }, inbound(CLIENT, SERVER, 80))).toMatchObject({
      verdict: 'accept',
      firewall: 'none',
    });
  });
});

describe('evaluate: iptables-nft and native nftables side by side', () => {
  const viaNft = nftMerged('iptables-nft');
  const viaIptables = iptables('iptables/basic.save');

  it('counts tables iptables-nft wrote once: from iptables-save, not again from nft', () => {
    const both = evaluate({ iptables: viaIptables, nft: viaNft }, inbound(CLIENT, SERVER, 3306));
    expect(both).toMatchObject({ verdict: 'reject', firewall: 'iptables' });
    expect(both.votes.every((v) => v.firewall === 'iptables')).toBe(true);
    expect(firewallsPresent({ iptables: viaIptables, nft: viaNft })).toEqual(['iptables']);
  });

  it('evaluates those tables from nft when iptables-save was not collected, with the same verdicts', () => {
    for (const port of [22, 80, 443, 1234, 3306, 5432, 6000, 6005, 7000, 7001, 8080, 8443, 9000]) {
      for (const src of [CLIENT, '10.50.0.5', '172.16.0.9', '192.168.5.9', '198.51.100.7', '203.0.113.5']) {
        const a = evaluate({ iptables: viaIptables }, inbound(src, SERVER, port));
        const b = evaluate({ nft: viaNft }, inbound(src, SERVER, port));
        expect([b.verdict, b.byPolicy, b.firewall]).toEqual([a.verdict, a.byPolicy, 'nftables']);
      }
    }
  });

  it('lets native nft tables vote next to iptables, in priority order', () => {
    const both: FirewallRulesets = { iptables: viaIptables, nft: nftMerged('multibase') };
    // raw PREROUTING, then on the input hook: mangle (-150), inet early (-10), filter (0), inet filter (0), ip late (10).
    const v = evaluate(both, inbound(CLIENT, SERVER, 1234));
    expect(v).toMatchObject({ verdict: 'drop', firewall: 'iptables', byPolicy: true, chain: 'INPUT' });
    expect(v.votes.map((x) => `${x.firewall} ${x.table} ${x.verdict}`)).toEqual([
      'iptables raw accept',
      'iptables mangle accept',
      'nftables inet early accept',
      'iptables filter drop',
    ]);
    const early = evaluate(both, inbound(CLIENT, SERVER, 8081));
    expect(early).toMatchObject({ verdict: 'drop', firewall: 'nftables', table: 'inet early' });
    const late = evaluate(both, inbound(CLIENT, SERVER, 8080));
    expect(late.votes.map((x) => `${x.firewall} ${x.table} ${x.verdict}`)).toEqual([
      'iptables raw accept',
      'iptables mangle accept',
      'nftables inet early accept',
      'iptables filter accept',
      'nftables inet filter accept',
      'nftables ip late reject',
    ]);
  });

  it("skips firewalld's own table when firewall-cmd's view is there", () => {
    const fw = firewalld('list-all-zones', 'public');
    const v = evaluate({ nft: nftMerged('firewalld'), firewalld: fw }, inbound(CLIENT, SERVER, 1234));
    expect(v).toMatchObject({ verdict: 'reject', firewall: 'firewalld' });
    expect(v.votes.map((x) => x.firewall)).toEqual(['firewalld']);
    const nftOnly = evaluate({ nft: nftMerged('firewalld') }, inbound(CLIENT, SERVER, 1234));
    expect(nftOnly).toMatchObject({
      verdict: 'reject',
      firewall: 'nftables',
      table: 'inet firewalld',
      chain: 'filter_IN_public',
    });
  });
});
