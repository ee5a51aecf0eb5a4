import { describe, expect, it } from 'vitest';
import {
  mergeNftRulesets,
  parseNftJson,
  parseNftRuleset,
  parseNftText,
} from '../../../src/firewall/readers/nft.js';
import type { Condition, FirewallRule, NftRuleset } from '../../../src/firewall/types.js';
import { fixture, must, nftJson, nftMerged, nftText } from './fixtures.js';

function chainOf(rs: NftRuleset, table: string, chain: string) {
  const c = rs.tables.find((t) => `${t.family} ${t.name}` === table)?.chains.find((x) => x.name === chain);
  if (!c) throw new Error(`no chain ${table} ${chain}`);
  return c;
}
function byHandle(rs: NftRuleset, table: string, chain: string, handle: number): FirewallRule {
  const r = chainOf(rs, table, chain).rules.find((x) => x.handle === handle);
  if (!r) throw new Error(`no rule ${handle}`);
  return r;
}
/** The rules' meaning without their text: what two forms of one ruleset must agree on. */
function meaning(rs: NftRuleset) {
  return rs.tables.map((t) => ({
    table: `${t.family} ${t.name}`,
    chains: t.chains.map((c) => ({
      name: c.name,
      hook: c.hook,
      priority: c.priority,
      policy: c.policy,
      rules: c.rules.map((r) => ({ handle: r.handle, conditions: r.conditions, action: r.action })),
    })),
  }));
}

describe('nft list ruleset, text and JSON (nftables 1.0.6, recorded)', () => {
  it('reads tables, base chains (hook, priority by name, policy) and regular chains', () => {
    const rs = nftText('basic');
    expect(rs.tables.map((t) => [t.family, t.name, t.handle])).toEqual([['inet', 'filter', 1]]);
    const chains = rs.tables[0]!.chains.map((c) => [c.name, c.type, c.hook, c.priority, c.policy]);
    expect(chains).toEqual([
      ['input', 'filter', 'input', 0, 'drop'],
      ['app', undefined, undefined, undefined, undefined],
      ['forward', 'filter', 'forward', 0, 'drop'],
      ['output', 'filter', 'output', 0, 'accept'],
    ]);
    const multi = nftText('multibase');
    expect(multi.tables.map((t) => [`${t.family} ${t.name}`, t.chains[0]!.priority])).toEqual([
      ['inet early', -10],
      ['inet filter', 0],
      ['ip late', 10],
      ['ip6 late6', 10],
    ]);
  });

  it('keeps each rule as printed, minus the handle comment', () => {
    const r = byHandle(nftText('basic'), 'inet filter', 'input', 13);
    expect(r.text).toBe('tcp dport { 22, 80, 443 } counter packets 0 bytes 0 accept');
    expect(r.counters).toEqual({ packets: 0, bytes: 0 });
    expect(fixture('nft/basic.nft').split('\n')[r.line! - 1]!.trim()).toBe(`${r.text} # handle 13`);
  });

  it('reads the same meaning from the text with handles, the text without, and the JSON', () => {
    const json = meaning(nftJson('basic'));
    expect(meaning(nftText('basic'))).toEqual(json);
    const plain = meaning(nftText('basic', '.plain.nft'));
    const noHandles = json.map((t) => ({
      ...t,
      chains: t.chains.map((c) => ({ ...c, rules: c.rules.map((r) => ({ ...r, handle: undefined })) })),
    }));
    expect(plain).toEqual(noHandles);
    expect(meaning(nftText('multibase'))).toEqual(meaning(nftJson('multibase')));
    expect(meaning(nftText('firewalld'))).toEqual(meaning(nftJson('firewalld')));
  });

  it('reads ct state, iif, protocol sets, port sets and ranges, negation and reject types', () => {
    const rs = nftJson('basic');
    const c = (h: number) => byHandle(rs, 'inet filter', 'input', h);
    expect(c(7).conditions).toEqual([
      { kind: 'ctstate', negated: false, states: ['established', 'related'] },
    ]);
    expect(c(9).conditions).toEqual([{ kind: 'iif', negated: false, names: ['lo'] }]);
    expect(c(11).conditions).toEqual([
      { kind: 'protocol', negated: false, protocols: ['icmp', 'ipv6-icmp'] },
    ]);
    expect(c(14).conditions).toEqual([
      { kind: 'dport', negated: false, ports: [{ from: 8000, to: 8100 }], protocol: 'tcp' },
    ]);
    expect(c(18).action).toEqual({ kind: 'reject', with: 'tcp reset' });
    expect(c(19).action).toEqual({ kind: 'reject' });
    expect(c(20).conditions[1]).toEqual({
      kind: 'saddr',
      negated: true,
      addresses: ['127.0.0.1'],
      family: 4,
    });
    expect(c(21)).toMatchObject({
      conditions: [{ kind: 'dport', ports: [{ from: 3000, to: 3000 }] }],
      action: { kind: 'jump', chain: 'app' },
    });
    expect(c(21).conditions[0]).not.toHaveProperty('protocol'); // th dport: any transport
    expect(c(22).action).toEqual({ kind: 'goto', chain: 'app' });
    expect(c(25).conditions[1]).toEqual({ kind: 'ctstate', negated: false, states: ['new', 'untracked'] });
    expect(c(26).conditions[0]).toEqual({ kind: 'iif', negated: false, names: ['eth*'] });
  });

  it('resolves named sets into their elements', () => {
    for (const rs of [nftJson('basic'), nftText('basic')]) {
      expect(rs.tables[0]!.sets.map((s) => [s.name, s.type, s.flags, s.elements])).toEqual([
        ['trusted4', 'ipv4_addr', ['interval'], ['10.20.0.0/16', '192.0.2.10']],
        ['admin_ports', 'inet_service', [], ['2222', '9100']],
      ]);
      expect(byHandle(rs, 'inet filter', 'input', 17).conditions).toEqual([
        { kind: 'saddr', negated: false, addresses: ['10.20.0.0/16', '192.0.2.10'], family: 4 },
        {
          kind: 'dport',
          negated: false,
          ports: [
            { from: 2222, to: 2222 },
            { from: 9100, to: 9100 },
          ],
          protocol: 'tcp',
        },
      ]);
    }
  });

  it("reads firewalld's ruleset: fib reverse-path checks, ct status, icmpv6, families", () => {
    const rs = nftMerged('firewalld');
    const pre = chainOf(rs, 'inet firewalld', 'filter_PREROUTING').rules;
    expect(pre.map((r) => r.conditions)).toEqual([
      [{ kind: 'protocol', negated: false, protocols: ['ipv6-icmp'] }],
      [
        { kind: 'family', negated: false, family: 6 },
        { kind: 'rpfilter-fails', negated: false },
      ],
    ]);
    const input = chainOf(rs, 'inet firewalld', 'filter_INPUT');
    expect(input.priority).toBe(10);
    expect(input.rules[1]!.conditions).toEqual([{ kind: 'ctstatus', negated: false, statuses: ['dnat'] }]);
    const unknown = rs.tables
      .flatMap((t) => t.chains.flatMap((c) => c.rules.flatMap((r) => r.conditions)))
      .filter((x) => x.kind === 'unknown');
    expect(unknown).toEqual([]);
  });

  it('names JSON rules with the text form by handle, and takes the text reading of xt matches', () => {
    const json = nftJson('iptables-nft');
    const merged = nftMerged('iptables-nft');
    const jsonRule = byHandle(json, 'ip filter', 'INPUT', 9);
    expect(jsonRule.text).toBe('meta l4proto tcp xt match multiport counter packets 0 bytes 0 jump WEB');
    expect(jsonRule.conditions).toContainEqual({ kind: 'unknown', text: 'xt match multiport' });
    const rule = byHandle(merged, 'ip filter', 'INPUT', 9);
    expect(rule.text).toBe(
      'meta l4proto tcp tcp dport { 80, 443, 8000-8100 } counter packets 0 bytes 0 jump WEB',
    );
    expect(rule.conditions).toContainEqual({
      kind: 'dport',
      negated: false,
      ports: [
        { from: 80, to: 80 },
        { from: 443, to: 443 },
        { from: 8000, to: 8100 },
      ],
      protocol: 'tcp',
    });
    const all = (rs: NftRuleset): Condition[] =>
      rs.tables.flatMap((t) => t.chains.flatMap((c) => c.rules.flatMap((r) => r.conditions)));
    expect(all(json).filter((c) => c.kind === 'unknown')).toHaveLength(5);
    expect(all(merged).filter((c) => c.kind === 'unknown')).toEqual([]);
  });

  it('renders JSON-only rules in nft syntax when no text form was collected', () => {
    const rs = nftJson('basic');
    expect(byHandle(rs, 'inet filter', 'input', 15).text).toBe('ip saddr 10.0.0.0/8 tcp dport 5432 accept');
    expect(byHandle(rs, 'inet filter', 'input', 26).text).toBe('iifname "eth*" tcp dport 7002 accept');
    expect(byHandle(rs, 'inet filter', 'output', 34).text).toBe(
      'ip daddr 10.9.0.0/16 tcp dport 5432 reject with icmp admin-prohibited',
    );
  });

  it('reads an empty ruleset in both forms', () => {
    expect(must(parseNftJson(fixture('nft/empty.json')))).toEqual({ tables: [] });
    expect(must(parseNftText(fixture('nft/empty.nft')))).toEqual({ tables: [] });
  });

  it('picks the form by the first character', () => {
    expect(parseNftRuleset(fixture('nft/basic.json'))).toEqual(parseNftJson(fixture('nft/basic.json')));
    expect(parseNftRuleset(fixture('nft/basic.nft'))).toEqual(parseNftText(fixture('nft/basic.nft')));
  });

  it('reads statements it knows from hand-written rules, and names what it does not know', () => {
    const rs = must(
      parseNftText(
        [
          'table inet t {',
          '\tflags dormant',
          '\tchain c {',
          '\t\ttype filter hook input priority filter - 5; policy accept;',
          '\t\ttcp flags syn / fin,syn,rst,ack tcp dport < 1024 limit rate 10/second accept',
          '\t\tip saddr . tcp dport { 10.0.0.1 . 22 } accept',
          '\t\tmeta nfproto { ipv4, ipv6 } tcp dport != { 80, 443 } log prefix "x " drop',
          '\t\tfib daddr type local ct status dnat meta mark set 0x1 queue num 1',
          '\t}',
          '}',
        ].join('\n'),
      ),
    );
    expect(rs.tables[0]!.dormant).toBe(true);
    const [a, b, c, d] = rs.tables[0]!.chains[0]!.rules;
    expect(rs.tables[0]!.chains[0]!.priority).toBe(-5);
    expect(a!.conditions).toEqual([
      { kind: 'syn', negated: false },
      { kind: 'dport', negated: false, ports: [{ from: 0, to: 1023 }], protocol: 'tcp' },
      { kind: 'unknown', text: 'limit rate 10/second' },
    ]);
    expect(b!.conditions).toEqual([{ kind: 'unknown', text: 'ip saddr . tcp dport { 10.0.0.1 . 22 }' }]);
    expect(b!.action).toEqual({ kind: 'accept' });
    expect(c!.conditions).toEqual([
      {
        kind: 'dport',
        negated: true,
        ports: [
          { from: 80, to: 80 },
          { from: 443, to: 443 },
        ],
        protocol: 'tcp',
      },
    ]);
    expect(c!.action).toEqual({ kind: 'drop' });
    expect(d!.conditions).toEqual([
      { kind: 'addrtype', which: 'dst', negated: false, types: ['LOCAL'] },
      { kind: 'ctstatus', negated: false, statuses: ['dnat'] },
    ]);
    expect(d!.action).toEqual({ kind: 'unknown', text: 'queue num 1' });
  });

  it('errors on what is not nft output', () => {
    expect(parseNftJson('{"foo": 1}')).toEqual({ ok: false, error: 'no "nftables" array' });
    expect(parseNftJson('nope').ok).toBe(false);
    expect(parseNftText('Status: active')).toEqual({ ok: false, error: 'not nft list ruleset output' });
  });

  it('merging keeps JSON rules without a printed twin as they are', () => {
    const json = nftJson('basic');
    expect(mergeNftRulesets(json, { tables: [] })).toEqual(json);
  });

  it('reads quoted names in a set as nft -j does: the comma after a closing quote separates (recorded, nft 1.0.6)', () => {
    const conditions = (r: NftRuleset) => r.tables[0]!.chains[0]!.rules.map((rule) => rule.conditions);
    const text = must(parseNftText(fixture('nft/quoted-sets.nft')));
    expect(conditions(text)).toEqual(conditions(must(parseNftJson(fixture('nft/quoted-sets.json')))));
    expect(conditions(text)[0]![0]).toMatchObject({ kind: 'iif', names: ['eth0', 'eth1'] });
  });
});
