import { describe, expect, it } from 'vitest';
import { describeVerdict, evaluate } from '../../../src/firewall/evaluate.js';
import { parseIptablesSave } from '../../../src/firewall/readers/iptables.js';
import type { FirewallRulesets } from '../../../src/firewall/types.js';
import { inbound, iptables, must, outbound } from './fixtures.js';

const basic: FirewallRulesets = {
  iptables: iptables('iptables/basic.save'),
  ip6tables: iptables('iptables/basic6.save'),
};
const SERVER = '10.200.0.1';
const CLIENT = '10.200.0.2';
const at = (port: number, src = CLIENT, extra = {}) => evaluate(basic, inbound(src, SERVER, port, extra));

function ruleset(lines: string[]): FirewallRulesets {
  return { iptables: must(parseIptablesSave(['*filter', ...lines, 'COMMIT', ''].join('\n'))) };
}

describe('evaluate: iptables chains, policies and targets (recorded basic.save)', () => {
  it('accepts by rule and names the rule as printed', () => {
    expect(at(22)).toEqual({
      verdict: 'accept',
      firewall: 'iptables',
      rule: '-A INPUT -p tcp -m tcp --dport 22 -m comment --comment "ssh from anywhere" -j ACCEPT',
      chain: 'INPUT',
      table: 'filter',
      byPolicy: false,
      // raw PREROUTING and mangle INPUT have rules, so they vote too (their policies accept).
      votes: [
        expect.objectContaining({ verdict: 'accept', table: 'raw', baseChain: 'PREROUTING', byPolicy: true }),
        expect.objectContaining({ verdict: 'accept', table: 'mangle', baseChain: 'INPUT', byPolicy: true }),
        expect.objectContaining({
          verdict: 'accept',
          table: 'filter',
          chain: 'INPUT',
          baseChain: 'INPUT',
          byPolicy: false,
        }),
      ],
    });
  });

  it('drops by the INPUT policy when nothing matches', () => {
    expect(at(1234)).toMatchObject({ verdict: 'drop', firewall: 'iptables', chain: 'INPUT', byPolicy: true });
    expect(at(1234).rule).toBeUndefined();
    expect(describeVerdict(at(1234))).toBe('DROP by iptables INPUT policy');
  });

  it('follows a jump into a user chain and accepts there', () => {
    expect(at(443)).toMatchObject({ verdict: 'accept', chain: 'WEB', rule: '-A WEB -j ACCEPT' });
  });

  it('comes back from RETURN in a jumped-to chain and goes on in INPUT', () => {
    // 203.0.113.0/24 RETURNs from WEB; no later INPUT rule matches port 443; the policy drops.
    expect(at(443, '203.0.113.5')).toMatchObject({ verdict: 'drop', byPolicy: true, chain: 'INPUT' });
  });

  it('does not come back from a goto: RETURN in the target ends INPUT itself', () => {
    // -g WEB for sources outside 192.168.0.0/16; the later "--dport 9000 -j ACCEPT" is never reached.
    expect(at(9000, '203.0.113.5')).toMatchObject({ verdict: 'drop', byPolicy: true });
    expect(at(9000, '10.7.0.9')).toMatchObject({ verdict: 'accept', chain: 'WEB' });
    expect(at(9000, '192.168.5.9')).toMatchObject({
      verdict: 'accept',
      rule: '-A INPUT -p tcp -m tcp --dport 9000 -j ACCEPT',
    });
  });

  it('steps over LOG and drops in the chain it jumped to', () => {
    expect(at(6005)).toMatchObject({
      verdict: 'drop',
      chain: 'LOGDROP',
      rule: '-A LOGDROP -j DROP',
      byPolicy: false,
    });
  });

  it('tells REJECT from DROP', () => {
    expect(at(3306)).toMatchObject({
      verdict: 'reject',
      rule: '-A INPUT -p tcp -m tcp --dport 3306 -j REJECT --reject-with icmp-host-prohibited',
    });
    expect(describeVerdict(at(3306))).toBe(
      'REJECT by iptables INPUT rule `-A INPUT -p tcp -m tcp --dport 3306 -j REJECT --reject-with icmp-host-prohibited`',
    );
  });

  it('matches multiport lists and ranges at their edges', () => {
    expect(at(8000).chain).toBe('WEB');
    expect(at(8100).chain).toBe('WEB');
    expect(at(8101)).toMatchObject({ verdict: 'drop', byPolicy: true });
    // ! --dports 1:1023 from 172.16.0.0/12: port 1024 yes, port 1023 no.
    expect(at(1024, '172.16.0.9')).toMatchObject({
      verdict: 'accept',
      rule: expect.stringContaining('! --dports 1:1023'),
    });
    expect(at(1023, '172.16.0.9')).toMatchObject({ verdict: 'drop', byPolicy: true });
  });

  it('matches source CIDRs, negated destinations and address ranges', () => {
    expect(at(5432, '10.1.2.3')).toMatchObject({
      verdict: 'accept',
      rule: expect.stringContaining('--dport 5432'),
    });
    expect(evaluate(basic, inbound('10.1.2.3', '10.9.9.9', 5432))).toMatchObject({
      verdict: 'drop',
      byPolicy: true,
    });
    expect(at(5432, '192.168.5.9')).toMatchObject({ verdict: 'drop' });
    expect(at(6000, '10.50.0.9')).toMatchObject({
      verdict: 'accept',
      rule: expect.stringContaining('--src-range'),
    });
    expect(at(6000, '10.50.0.10')).toMatchObject({ verdict: 'drop' });
  });

  it('accepts loopback traffic by the -i lo rule, with or without the interface named', () => {
    expect(
      evaluate(basic, { src: '127.0.0.1', dst: '127.0.0.1', dport: 1234, direction: 'input' }),
    ).toMatchObject({
      verdict: 'accept',
      rule: '-A INPUT -i lo -j ACCEPT',
    });
    expect(evaluate(basic, inbound(SERVER, SERVER, 1234, { iif: 'lo' }))).toMatchObject({
      rule: '-A INPUT -i lo -j ACCEPT',
    });
    expect(
      evaluate(basic, { src: '127.0.0.1', dst: '127.0.0.1', dport: 1234, direction: 'output' }),
    ).toMatchObject({
      verdict: 'accept',
      rule: '-A OUTPUT -o lo -j ACCEPT',
    });
  });

  it('accepts established connections by the conntrack rule, and --syn only matches new ones', () => {
    expect(at(1234, CLIENT, { ctState: 'established' })).toMatchObject({
      verdict: 'accept',
      rule: '-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    });
    expect(at(7001)).toMatchObject({
      verdict: 'drop',
      rule: expect.stringContaining('--tcp-flags FIN,SYN,RST,ACK SYN'),
    });
  });

  it('runs raw PREROUTING and mangle INPUT before filter INPUT', () => {
    expect(at(22, '198.51.100.7')).toMatchObject({ verdict: 'drop', table: 'raw', chain: 'PREROUTING' });
    expect(describeVerdict(at(22, '198.51.100.7'))).toBe(
      'DROP by iptables raw PREROUTING rule `-A PREROUTING -s 198.51.100.0/24 -j DROP`',
    );
    const mangle = at(8443);
    expect(mangle).toMatchObject({ verdict: 'drop', table: 'mangle', chain: 'INPUT' });
    expect(mangle.votes.map((v) => `${v.table} ${v.baseChain} ${v.verdict}`)).toEqual([
      'raw PREROUTING accept',
      'mangle INPUT drop',
    ]);
  });

  it('evaluates OUTPUT with the output interface and destination', () => {
    expect(evaluate(basic, outbound(SERVER, CLIENT, 25))).toMatchObject({
      verdict: 'reject',
      chain: 'OUTPUT',
    });
    expect(evaluate(basic, outbound(SERVER, '10.9.0.1', 5432))).toMatchObject({
      verdict: 'drop',
      chain: 'OUTPUT',
    });
    expect(evaluate(basic, outbound(SERVER, CLIENT, 5432))).toMatchObject({
      verdict: 'accept',
      byPolicy: true,
    });
  });

  it('uses ip6tables for IPv6 packets and iptables for IPv4', () => {
    expect(evaluate(basic, inbound('2001:db8::5', 'fd20::1', 80))).toMatchObject({
      verdict: 'drop',
      firewall: 'ip6tables',
    });
    expect(evaluate(basic, inbound('fd20::2', 'fd20::1', 8080))).toMatchObject({
      verdict: 'reject',
      firewall: 'ip6tables',
    });
    expect(evaluate({ ip6tables: basic.ip6tables! }, inbound(CLIENT, SERVER, 1234))).toMatchObject({
      verdict: 'accept',
      firewall: 'none',
    });
    // IPv4-mapped IPv6 addresses are IPv4 packets.
    expect(evaluate(basic, inbound('::ffff:10.200.0.2', '::ffff:10.200.0.1', 1234))).toMatchObject({
      firewall: 'iptables',
      verdict: 'drop',
    });
  });
});

describe('evaluate: what iptables rules the evaluator cannot decide', () => {
  it('reports an unknown interface as uncertain, naming the rule and the other outcome', () => {
    const v = evaluate(basic, { src: CLIENT, dst: SERVER, dport: 7002, direction: 'input' });
    expect(v).toMatchObject({ verdict: 'drop', byPolicy: true });
    expect(v.uncertain).toEqual([
      'iptables table filter chain INPUT: `-A INPUT -i eth+ -p tcp -m tcp --dport 7002 -j ACCEPT` (cannot evaluate iif eth* ' +
        "(the packet's interface is not known)): assumed not to match; if it matches, ACCEPT by iptables INPUT rule " +
        '`-A INPUT -i eth+ -p tcp -m tcp --dport 7002 -j ACCEPT`',
    ]);
    expect(describeVerdict(v)).toBe(
      'DROP by iptables INPUT policy (uncertain: 1 thing could not be evaluated)',
    );
    expect(at(7002, CLIENT, { iif: 'eth0' })).toMatchObject({ verdict: 'accept' });
    expect(at(7002, CLIENT, { iif: 'eth0' }).uncertain).toBeUndefined();
  });

  it('reports a rate limit that decides the verdict', () => {
    const v6 = evaluate(basic, inbound('fd20::2', 'fd20::1', 9000));
    expect(v6.verdict).toBe('drop');
    expect(v6.uncertain).toHaveLength(1);
    expect(v6.uncertain![0]).toContain('cannot evaluate -m limit --limit 5/min');
    expect(v6.uncertain![0]).toContain('if it matches, ACCEPT by ip6tables INPUT rule');
  });

  it('stays certain when an undecidable rule cannot change the verdict', () => {
    const rs = ruleset([
      ':INPUT DROP [0:0]',
      '-A INPUT -m limit --limit 3/min -j LOG --log-prefix "x "',
      '-A INPUT -m recent --rcheck -p tcp --dport 22 -j DROP',
      '-A INPUT -p tcp --dport 22 -j DROP',
      '-A INPUT -p tcp --dport 80 -j ACCEPT',
    ]);
    expect(evaluate(rs, inbound(CLIENT, SERVER, 22))).toMatchObject({
      verdict: 'drop',
      rule: '-A INPUT -p tcp --dport 22 -j DROP',
    });
    expect(evaluate(rs, inbound(CLIENT, SERVER, 22)).uncertain).toBeUndefined();
    expect(evaluate(rs, inbound(CLIENT, SERVER, 80)).uncertain).toBeUndefined();
  });

  it('takes an unknown source port as an ephemeral one', () => {
    const rs = ruleset([
      ':INPUT DROP [0:0]',
      '-A INPUT -p tcp --sport 1024:65535 --dport 7000 -j ACCEPT',
      '-A INPUT -p tcp --sport 40000:50000 --dport 7001 -j ACCEPT',
      '-A INPUT -p tcp --sport 1:1023 --dport 7002 -j ACCEPT',
    ]);
    expect(evaluate(rs, inbound(CLIENT, SERVER, 7000))).toMatchObject({ verdict: 'accept' });
    expect(evaluate(rs, inbound(CLIENT, SERVER, 7000)).uncertain).toBeUndefined();
    expect(evaluate(rs, inbound(CLIENT, SERVER, 7001)).uncertain?.[0]).toContain(
      'the source port is not known',
    );
    expect(evaluate(rs, inbound(CLIENT, SERVER, 7001, { sport: 45000 }))).toMatchObject({
      verdict: 'accept',
    });
    expect(evaluate(rs, inbound(CLIENT, SERVER, 7002))).toMatchObject({ verdict: 'drop', byPolicy: true });
    expect(evaluate(rs, inbound(CLIENT, SERVER, 7002)).uncertain).toBeUndefined();
  });

  it('flags a verdict handed to userspace, and rules it cannot see', () => {
    const rs = ruleset([':INPUT ACCEPT [0:0]', '-A INPUT -p tcp --dport 8080 -j NFQUEUE --queue-num 1']);
    const v = evaluate(rs, inbound(CLIENT, SERVER, 8080));
    expect(v.verdict).toBe('accept');
    expect(v.uncertain?.[0]).toContain('hands the packet to -j NFQUEUE --queue-num 1');
    const legacy = must(
      parseIptablesSave(
        '# Warning: iptables-legacy tables present, use iptables-legacy-save to see them\n*filter\n:INPUT DROP [0:0]\nCOMMIT\n',
      ),
    );
    expect(evaluate({ iptables: legacy }, inbound(CLIENT, SERVER, 1)).uncertain).toEqual([
      'iptables: iptables-legacy tables exist too and were not collected (iptables-legacy-save)',
    ]);
  });

  it('returns from a chain that falls off its end, through nested jumps', () => {
    const rs = ruleset([
      ':INPUT DROP [0:0]',
      ':A - [0:0]',
      ':B - [0:0]',
      '-A INPUT -j A',
      '-A INPUT -p tcp --dport 1 -j ACCEPT',
      '-A A -j B',
      '-A A -p tcp --dport 2 -j ACCEPT',
      '-A B -p tcp --dport 3 -j REJECT',
    ]);
    expect(evaluate(rs, inbound(CLIENT, SERVER, 1))).toMatchObject({ verdict: 'accept', chain: 'INPUT' });
    expect(evaluate(rs, inbound(CLIENT, SERVER, 2))).toMatchObject({ verdict: 'accept', chain: 'A' });
    expect(evaluate(rs, inbound(CLIENT, SERVER, 3))).toMatchObject({ verdict: 'reject', chain: 'B' });
    expect(evaluate(rs, inbound(CLIENT, SERVER, 4))).toMatchObject({ verdict: 'drop', byPolicy: true });
  });

  it('reports a jump to a chain that is not there', () => {
    const rs = ruleset([':INPUT DROP [0:0]', '-A INPUT -j missing', '-A INPUT -j ACCEPT']);
    const v = evaluate(rs, inbound(CLIENT, SERVER, 1));
    expect(v.verdict).toBe('accept');
    expect(v.uncertain).toEqual([
      'iptables table filter: a rule jumps to chain missing, which is not in the ruleset',
    ]);
  });

  it('labels verdicts inside ufw chains and ufw-set policies as ufw', () => {
    const ufw: FirewallRulesets = { iptables: iptables('ufw/iptables.save') };
    expect(evaluate(ufw, inbound(CLIENT, SERVER, 8080))).toMatchObject({
      verdict: 'drop',
      firewall: 'ufw',
      table: 'filter',
      chain: 'ufw-user-input',
      rule: '-A ufw-user-input -p tcp -m tcp --dport 8080 -j DROP',
    });
    const policy = evaluate(ufw, inbound(CLIENT, SERVER, 1234));
    expect(policy).toMatchObject({ verdict: 'drop', firewall: 'ufw', byPolicy: true, chain: 'INPUT' });
    expect(describeVerdict(policy)).toBe('DROP by ufw (iptables filter INPUT) policy');
  });
});
