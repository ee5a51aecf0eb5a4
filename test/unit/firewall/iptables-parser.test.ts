import { describe, expect, it } from 'vitest';
import { parseIptablesSave } from '../../../src/firewall/readers/iptables.js';
import type { FirewallRule, IptablesRuleset } from '../../../src/firewall/types.js';
import { fixture, iptables, must } from './fixtures.js';

function chain(rs: IptablesRuleset, table: string, name: string) {
  const c = rs.tables.find((t) => t.name === table)?.chains.find((x) => x.name === name);
  if (!c) throw new Error(`no chain ${table} ${name}`);
  return c;
}
function ruleWith(rs: IptablesRuleset, table: string, name: string, text: string): FirewallRule {
  const r = chain(rs, table, name).rules.find((x) => x.text.includes(text));
  if (!r) throw new Error(`no rule with ${text}`);
  return r;
}

describe('parseIptablesSave (iptables 1.8.9 nf_tables, recorded)', () => {
  const rs = iptables('iptables/basic.save');

  it('reads the header, the tables and the chains with their policies', () => {
    expect(rs.family).toBe(4);
    expect(rs.backend).toBe('nf_tables');
    expect(rs.tables.map((t) => t.name)).toEqual(['mangle', 'raw', 'filter', 'nat']);
    const filter = rs.tables.find((t) => t.name === 'filter')!;
    expect(filter.chains.map((c) => [c.name, c.policy])).toEqual([
      ['INPUT', 'DROP'],
      ['FORWARD', 'ACCEPT'],
      ['OUTPUT', 'ACCEPT'],
      ['LOGDROP', undefined],
      ['WEB', undefined],
    ]);
    expect(chain(rs, 'filter', 'INPUT').rules).toHaveLength(20);
  });

  it('keeps each rule as printed, with its line number', () => {
    const r = chain(rs, 'filter', 'INPUT').rules[0]!;
    expect(r.text).toBe('-A INPUT -i lo -j ACCEPT');
    expect(fixture('iptables/basic.save').split('\n')[r.line! - 1]).toBe(r.text);
  });

  it('reads interface, conntrack, state, comment and ports', () => {
    expect(chain(rs, 'filter', 'INPUT').rules[0]!.conditions).toEqual([
      { kind: 'iif', negated: false, names: ['lo'] },
    ]);
    expect(ruleWith(rs, 'filter', 'INPUT', '--ctstate').conditions).toEqual([
      { kind: 'ctstate', negated: false, states: ['related', 'established'] },
    ]);
    expect(ruleWith(rs, 'filter', 'INPUT', '--state INVALID')).toMatchObject({
      conditions: [{ kind: 'ctstate', negated: false, states: ['invalid'] }],
      action: { kind: 'drop' },
    });
    const ssh = ruleWith(rs, 'filter', 'INPUT', '--dport 22');
    expect(ssh.comment).toBe('ssh from anywhere');
    expect(ssh.conditions).toEqual([
      { kind: 'protocol', negated: false, protocols: ['tcp'] },
      { kind: 'dport', negated: false, ports: [{ from: 22, to: 22 }], protocol: 'tcp' },
    ]);
  });

  it('reads multiport lists with ranges, and negated multiport', () => {
    const web = ruleWith(rs, 'filter', 'INPUT', '--dports 80,443,8000:8100');
    expect(web.conditions).toContainEqual({
      kind: 'dport',
      negated: false,
      ports: [
        { from: 80, to: 80 },
        { from: 443, to: 443 },
        { from: 8000, to: 8100 },
      ],
    });
    expect(web.action).toEqual({ kind: 'jump', chain: 'WEB' });
    expect(ruleWith(rs, 'filter', 'INPUT', '! --dports 1:1023').conditions).toContainEqual({
      kind: 'dport',
      negated: true,
      ports: [{ from: 1, to: 1023 }],
    });
  });

  it('reads negated addresses, iprange, source ports, --syn and interface wildcards', () => {
    expect(ruleWith(rs, 'filter', 'INPUT', '! -d 10.9.9.9/32').conditions.slice(0, 2)).toEqual([
      { kind: 'saddr', negated: false, addresses: ['10.0.0.0/8'] },
      { kind: 'daddr', negated: true, addresses: ['10.9.9.9/32'] },
    ]);
    expect(ruleWith(rs, 'filter', 'INPUT', '--src-range').conditions).toContainEqual({
      kind: 'saddr',
      negated: false,
      addresses: ['10.50.0.1-10.50.0.9'],
    });
    expect(ruleWith(rs, 'filter', 'INPUT', '--sport 1024:65535').conditions).toContainEqual({
      kind: 'sport',
      negated: false,
      ports: [{ from: 1024, to: 65535 }],
      protocol: 'tcp',
    });
    expect(ruleWith(rs, 'filter', 'INPUT', '--tcp-flags FIN,SYN,RST,ACK SYN').conditions).toContainEqual({
      kind: 'syn',
      negated: false,
    });
    expect(ruleWith(rs, 'filter', 'INPUT', '-i eth+').conditions[0]).toEqual({
      kind: 'iif',
      negated: false,
      names: ['eth*'],
    });
  });

  it('reads targets: REJECT with and without --reject-with, LOG as non-terminal, goto, RETURN, user chains', () => {
    expect(ruleWith(rs, 'filter', 'INPUT', 'tcp-reset').action).toEqual({
      kind: 'reject',
      with: 'tcp-reset',
    });
    expect(ruleWith(rs, 'filter', 'OUTPUT', '--dport 25').action).toEqual({
      kind: 'reject',
      with: 'icmp-port-unreachable',
    });
    expect(ruleWith(rs, 'filter', 'INPUT', '--log-prefix "drop8080: "').action).toEqual({ kind: 'continue' });
    expect(ruleWith(rs, 'filter', 'INPUT', '-g WEB').action).toEqual({ kind: 'goto', chain: 'WEB' });
    expect(ruleWith(rs, 'filter', 'WEB', 'RETURN').action).toEqual({ kind: 'return' });
    expect(ruleWith(rs, 'filter', 'INPUT', '-j LOGDROP').action).toEqual({ kind: 'jump', chain: 'LOGDROP' });
  });

  it('reads the other tables: raw PREROUTING, mangle INPUT, nat', () => {
    expect(chain(rs, 'raw', 'PREROUTING').rules[0]).toMatchObject({
      conditions: [{ kind: 'saddr', negated: false, addresses: ['198.51.100.0/24'] }],
      action: { kind: 'drop' },
    });
    expect(chain(rs, 'nat', 'POSTROUTING').rules[0]!.action).toEqual({
      kind: 'unknown',
      text: '-j MASQUERADE',
    });
  });

  it('takes counters from iptables-save -c and keeps the same rules', () => {
    const counted = iptables('iptables/basic.counters.save');
    const r = chain(counted, 'filter', 'INPUT').rules[0]!;
    expect(r.counters).toEqual({ packets: 0, bytes: 0 });
    expect(r.text).toBe('-A INPUT -i lo -j ACCEPT');
    const strip = (x: IptablesRuleset) =>
      x.tables.map((t) => t.chains.map((c) => c.rules.map((y) => [y.text, y.conditions, y.action])));
    expect(strip(counted)).toEqual(strip(rs));
  });

  it('reads ip6tables-save: family 6, IPv6 addresses, the IPv6 default reject', () => {
    const v6 = iptables('iptables/basic6.save');
    expect(v6.family).toBe(6);
    expect(ruleWith(v6, 'filter', 'INPUT', '--dport 8081').action).toEqual({
      kind: 'reject',
      with: 'icmp6-port-unreachable',
    });
    expect(ruleWith(v6, 'filter', 'INPUT', '2001:db8::/32').conditions[0]).toEqual({
      kind: 'saddr',
      negated: false,
      addresses: ['2001:db8::/32'],
    });
  });

  it('turns matches it does not know into named unknown conditions', () => {
    const v6 = iptables('iptables/basic6.save');
    expect(ruleWith(v6, 'filter', 'INPUT', '-m limit').conditions).toContainEqual({
      kind: 'unknown',
      text: '-m limit --limit 5/min',
    });
    const ufw = iptables('ufw/iptables.save');
    expect(ruleWith(ufw, 'filter', 'ufw-user-input', '--update').conditions).toContainEqual({
      kind: 'unknown',
      text: '-m recent --update --seconds 30 --hitcount 6 --name DEFAULT --mask 255.255.255.255 --rsource',
    });
    expect(ruleWith(ufw, 'filter', 'ufw-not-local', 'LOCAL').conditions).toEqual([
      { kind: 'addrtype', which: 'dst', negated: false, types: ['LOCAL'] },
    ]);
  });

  it('reads an empty output (no table loaded) and the default-accept tables', () => {
    expect(must(parseIptablesSave(fixture('iptables/empty.save'))).tables).toEqual([]);
    const d = iptables('iptables/default-accept.save');
    expect(chain(d, 'filter', 'INPUT')).toEqual({ name: 'INPUT', policy: 'ACCEPT', rules: [] });
  });

  it('gives port options to the protocol match even after another -m, and reads -f and extension headers', () => {
    const rs2 = must(
      parseIptablesSave(
        [
          '*filter',
          ':INPUT ACCEPT [0:0]',
          '-A INPUT -p tcp -m recent --rcheck --dport 22 -j DROP',
          '-A INPUT -f -j DROP',
          '-A INPUT ! -f -p tcp --dport 1 -j DROP',
          '-A INPUT -m rt --rt-type 0 -j DROP',
          'COMMIT',
        ].join('\n'),
      ),
    );
    const [recent, frag, notFrag, rt] = chain(rs2, 'filter', 'INPUT').rules;
    expect(recent!.conditions).toEqual([
      { kind: 'protocol', negated: false, protocols: ['tcp'] },
      { kind: 'unknown', text: '-m recent --rcheck' },
      { kind: 'dport', negated: false, ports: [{ from: 22, to: 22 }], protocol: 'tcp' },
    ]);
    expect(frag!.conditions).toEqual([{ kind: 'fragment', negated: false }]);
    expect(notFrag!.conditions[0]).toEqual({ kind: 'fragment', negated: true });
    expect(rt!.conditions).toEqual([{ kind: 'exthdr', header: 'rt' }]);
  });

  it('reads `iptables -S` output as the filter table', () => {
    const rs2 = must(
      parseIptablesSave(
        '-P INPUT DROP\n-N WEB\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\n-A INPUT -j WEB\n',
      ),
    );
    expect(rs2.tables).toHaveLength(1);
    expect(chain(rs2, 'filter', 'INPUT').policy).toBe('DROP');
    expect(chain(rs2, 'filter', 'INPUT').rules[1]!.action).toEqual({ kind: 'jump', chain: 'WEB' });
  });

  it('notes the legacy-tables warning and detects IPv6 without a header', () => {
    const rs2 = must(
      parseIptablesSave(
        '# Warning: iptables-legacy tables present, use iptables-legacy-save to see them\n*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s fd00::/8 -j DROP\nCOMMIT\n',
      ),
    );
    expect(rs2.legacyTablesPresent).toBe(true);
    expect(rs2.family).toBe(6);
    expect(rs2.backend).toBeUndefined();
  });

  it('errors on text that is not iptables-save output, warns on lines it cannot read', () => {
    expect(parseIptablesSave('Status: active\nhello')).toEqual({
      ok: false,
      error: 'not iptables-save output',
    });
    const p = parseIptablesSave(
      '*filter\n:INPUT ACCEPT [0:0]\nbogus line\n-A INPUT -m comment --comment "open\nCOMMIT\n',
    );
    expect(p.ok && p.warnings).toEqual(['line 3: not understood: bogus line', 'line 4: unbalanced quotes']);
    expect(p.ok && p.value.tables[0]!.chains[0]!.rules[0]!.conditions[0]).toEqual({
      kind: 'unknown',
      text: 'rule with an unbalanced quote',
    });
  });
});
