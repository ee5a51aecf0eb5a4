import { describe, expect, it } from 'vitest';
import { describeVerdict, evaluate, firewallsPresent } from '../../../src/firewall/evaluate.js';
import { firewallFacts, firewallRulesets } from '../../../src/read/firewall.js';
import { parseAddressSpec, parseIp } from '../../../src/firewall/address.js';
import { parsePortList, parsePortRange } from '../../../src/firewall/ports.js';
import { matchPorts } from '../../../src/firewall/packet.js';
import type { CommandResult, HostSnapshot } from '../../../src/model/types.js';
import type { FirewallRulesets } from '../../../src/firewall/types.js';
import { firewalld, fixture, inbound, iptables, nftMerged } from './fixtures.js';

const SERVER = '10.200.0.1';
const CLIENT = '10.200.0.2';

describe('evaluate: several firewalls on one host', () => {
  it('passes a packet only when every firewall on its path accepts it', () => {
    const rs: FirewallRulesets = {
      iptables: iptables('iptables/basic.save'),
      firewalld: firewalld('list-all-zones', 'public'),
    };
    // iptables (filter, priority 0) accepts 22; firewalld (filter + 10) accepts ssh too.
    expect(evaluate(rs, inbound(CLIENT, SERVER, 22))).toMatchObject({ verdict: 'accept' });
    // iptables accepts 80 through WEB; firewalld's zone drop (source 198.51.100.0/24) is never consulted for
    // that source because raw PREROUTING drops it first.
    expect(evaluate(rs, inbound('198.51.100.7', SERVER, 80))).toMatchObject({
      verdict: 'drop',
      firewall: 'iptables',
      table: 'raw',
    });
    // iptables accepts 8050 (WEB); firewalld rejects it (not a public service or port).
    const v = evaluate(rs, inbound(CLIENT, SERVER, 8050));
    expect(v).toMatchObject({ verdict: 'reject', firewall: 'firewalld', byPolicy: true });
    expect(v.votes.map((x) => `${x.firewall}:${x.verdict}`)).toEqual([
      'iptables:accept',
      'iptables:accept',
      'iptables:accept',
      'firewalld:reject',
    ]);
    expect(firewallsPresent(rs)).toEqual(['iptables', 'firewalld']);
  });

  it('names the last explicit accept when everything accepts', () => {
    const rs: FirewallRulesets = { iptables: iptables('iptables/basic.save'), nft: nftMerged('multibase') };
    const v = evaluate(rs, inbound(CLIENT, SERVER, 22));
    expect(v).toMatchObject({
      verdict: 'accept',
      firewall: 'iptables',
      rule: expect.stringContaining('--dport 22'),
    });
  });

  it('answers "no firewall" for an empty host', () => {
    const v = evaluate({}, inbound(CLIENT, SERVER, 1));
    expect(v).toEqual({ verdict: 'accept', firewall: 'none', byPolicy: true, votes: [] });
    expect(describeVerdict(v)).toBe('ACCEPT: no firewall rules found');
    expect(firewallsPresent({})).toEqual([]);
  });

  it('does not guess about a packet it cannot read', () => {
    const v = evaluate({ iptables: iptables('iptables/basic.save') }, inbound('not-an-ip', SERVER, 1));
    expect(v).toMatchObject({
      verdict: 'accept',
      firewall: 'none',
      uncertain: ["cannot read the packet's addresses not-an-ip → 10.200.0.1"],
    });
    expect(evaluate({}, inbound(CLIENT, 'fd20::1', 1)).uncertain).toEqual([
      'the packet mixes IPv4 and IPv6: 10.200.0.2 → fd20::1',
    ]);
    expect(describeVerdict(v)).toBe('ACCEPT (no firewall rules could be applied)');
  });
});

function result(
  id: string,
  command: string,
  stdout: string,
  exitCode: number | null = 0,
  stderr = '',
): CommandResult {
  return { id, command, stdout, stderr, exitCode, durationMs: 5 };
}

function snapshot(results: CommandResult[]): HostSnapshot {
  return {
    target: 'app-01',
    address: SERVER,
    startedAt: '2026-11-23T16:00:00Z',
    durationMs: 100,
    results: Object.fromEntries(results.map((r) => [r.id, r])),
  };
}

describe('firewallFacts: the collected commands as the analyzer sees them', () => {
  it('parses what ran, skips what is missing or failed, and merges the nft forms', () => {
    const snap = snapshot([
      result('iptables-save', 'iptables-save -t filter', ''),
      result('ip6tables-save', 'ip6tables-save -t filter', '', 127, 'sh: ip6tables-save: not found'),
      result('nft-json', 'nft -j list ruleset', fixture('nft/basic.json')),
      result('nft-text', 'nft -a list ruleset', fixture('nft/basic.nft')),
      result('ufw', 'ufw status verbose', fixture('ufw/status-inactive.txt')),
      result(
        'firewalld',
        'firewall-cmd --list-all',
        fixture('firewalld/not-running.stdout'),
        Number(fixture('firewalld/not-running.rc')),
        fixture('firewalld/not-running.stderr'),
      ),
    ]);
    const { rulesets, warnings } = firewallRulesets(snap);
    expect(warnings).toEqual([]);
    expect(Object.keys(rulesets)).toEqual(['nft', 'ufw']);
    expect(rulesets.nft!.tables[0]!.chains[0]!.rules[0]!.text).toBe('ct state established,related accept');
    const facts = firewallFacts(snap);
    expect(facts.present).toEqual(['nftables']);
    expect(facts.check({ src: CLIENT, dst: SERVER, dport: 9090, direction: 'input', iif: 'eth0' })).toEqual({
      verdict: 'reject',
      firewall: 'nftables',
      rule: 'tcp dport 9090 counter packets 0 bytes 0 reject',
      chain: 'inet filter input',
      byPolicy: false,
      summary:
        'REJECT by nftables inet filter chain input rule `tcp dport 9090 counter packets 0 bytes 0 reject`',
    });
  });

  it('uses ufw through iptables-save, and firewall-cmd --list-all as the default zone', () => {
    const snap = snapshot([
      result('iptables-save', 'iptables-save -t filter', fixture('ufw/iptables.save')),
      result('ufw', 'ufw status verbose', fixture('ufw/status-verbose.txt')),
      result('firewalld', 'firewall-cmd --list-all', fixture('firewalld/list-all-public.txt')),
    ]);
    const facts = firewallFacts(snap);
    expect(facts.present).toEqual(['iptables', 'firewalld', 'ufw']);
    const answer = facts.check({ src: CLIENT, dst: SERVER, dport: 8080, direction: 'input', iif: 'eth0' });
    expect(answer).toMatchObject({
      verdict: 'drop',
      firewall: 'ufw',
      chain: 'ufw-user-input',
      byPolicy: false,
    });
    const limit = facts.check({ src: CLIENT, dst: SERVER, dport: 2222, direction: 'input', iif: 'eth0' });
    // ufw (iptables) accepts 2222 under its rate limit, but firewalld's public zone rejects it.
    expect(limit).toMatchObject({ verdict: 'reject', firewall: 'firewalld', byPolicy: true });
  });

  it('reports output it cannot parse as a warning, not as rules', () => {
    const snap = snapshot([result('nft-json', 'nft -j list ruleset', '{"broken": ')]);
    const { rulesets, warnings } = firewallRulesets(snap);
    expect(rulesets).toEqual({});
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^nft-json: not JSON/);
  });
});

describe('addresses and ports', () => {
  it('reads IPv4, IPv6 (compressed, embedded IPv4, zone ids) and rejects the rest', () => {
    expect(parseIp('10.0.0.1')).toEqual({ family: 4, value: 0x0a000001n });
    expect(parseIp('::1')).toEqual({ family: 6, value: 1n });
    expect(parseIp('[fd00::1]')).toEqual({ family: 6, value: (0xfd00n << 112n) | 1n });
    expect(parseIp('::ffff:1.2.3.4')).toEqual({ family: 6, value: (0xffffn << 32n) | 0x01020304n });
    expect(parseIp('fe80::1%eth0')).toEqual({ family: 6, value: (0xfe80n << 112n) | 1n });
    expect(parseIp('1:2:3:4:5:6:7:8')?.value).toBe(0x00010002000300040005000600070008n);
    for (const bad of ['256.0.0.1', '1.2.3', 'fd00::1::2', '1:2:3:4:5:6:7:8:9', 'eth0', '', '1.2.3.4/8'])
      expect(parseIp(bad)).toBeUndefined();
  });

  it('reads CIDRs, netmasks and ranges as address ranges', () => {
    expect(parseAddressSpec('10.0.0.0/8')).toEqual({ family: 4, first: 0x0a000000n, last: 0x0affffffn });
    expect(parseAddressSpec('10.1.2.3/255.255.255.0')).toEqual({
      family: 4,
      first: 0x0a010200n,
      last: 0x0a0102ffn,
    });
    expect(parseAddressSpec('10.50.0.1-10.50.0.9')).toEqual({
      family: 4,
      first: 0x0a320001n,
      last: 0x0a320009n,
    });
    expect(parseAddressSpec('0.0.0.0/0')).toEqual({ family: 4, first: 0n, last: 0xffffffffn });
    expect(parseAddressSpec('fd00::/8')?.last).toBe((0xfdn << 120n) | ((1n << 120n) - 1n));
    expect(parseAddressSpec('1.2.3.4/255.0.255.0')).toBeUndefined(); // not contiguous
    expect(parseAddressSpec('1.2.3.4/33')).toBeUndefined();
    expect(parseAddressSpec('10.0.0.9-10.0.0.1')).toBeUndefined();
  });

  it('reads ports, ranges, lists and the service names old nft printed', () => {
    expect(parsePortRange('8000:8100')).toEqual({ from: 8000, to: 8100 });
    expect(parsePortRange('8000-8100')).toEqual({ from: 8000, to: 8100 });
    expect(parsePortRange('1024:')).toEqual({ from: 1024, to: 65535 });
    expect(parsePortRange('ssh')).toEqual({ from: 22, to: 22 });
    expect(parsePortRange('70000')).toBeUndefined();
    expect(parsePortList('80,443,8000:8100')).toEqual([
      { from: 80, to: 80 },
      { from: 443, to: 443 },
      { from: 8000, to: 8100 },
    ]);
    expect(parsePortList('80,x')).toBeUndefined();
  });

  it('decides an unknown source port only when every ephemeral port agrees', () => {
    expect(matchPorts(undefined, [{ from: 1024, to: 65535 }])).toBe(true);
    expect(matchPorts(undefined, [{ from: 1, to: 1023 }])).toBe(false);
    expect(matchPorts(undefined, [{ from: 40000, to: 50000 }])).toBe('unknown');
    expect(
      matchPorts(undefined, [
        { from: 32768, to: 40000 },
        { from: 40001, to: 60999 },
      ]),
    ).toBe(true);
    expect(
      matchPorts(undefined, [
        { from: 32768, to: 40000 },
        { from: 40002, to: 60999 },
      ]),
    ).toBe('unknown');
    expect(matchPorts(45000, [{ from: 40000, to: 50000 }])).toBe(true);
  });
});
