import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIptablesSave } from '../../../src/firewall/readers/iptables.js';
import { mergeNftRulesets, parseNftJson, parseNftRuleset, parseNftText } from '../../../src/firewall/readers/nft.js';
import { parseUfwStatus } from '../../../src/firewall/readers/ufw.js';
import { parseFirewalldListAll, parseRichRule } from '../../../src/firewall/readers/firewalld.js';
import { evaluate } from '../../../src/firewall/evaluate.js';
import type { FirewallRulesets, Packet } from '../../../src/firewall/types.js';
import {
  ALL_FIXTURES,
  firewalld,
  fixture,
  iptables,
  nftJson,
  nftMerged,
  nftText,
  ufwStatus,
} from './fixtures.js';

const PARSERS: [string, (text: string) => unknown][] = [
  ['parseIptablesSave', (t) => parseIptablesSave(t)],
  ['parseNftJson', parseNftJson],
  ['parseNftText', parseNftText],
  ['parseNftRuleset', parseNftRuleset],
  ['parseUfwStatus', parseUfwStatus],
  ['parseFirewalldListAll', (t) => parseFirewalldListAll(t)],
  ['parseRichRule', parseRichRule],
];

/** Real output cut, spliced and salted: closer to what a truncated or odd host prints than random strings. */
const mangledFixture = fc
  .tuple(
    fc.constantFrom(...ALL_FIXTURES),
    fc.array(fc.tuple(fc.nat(), fc.nat(), fc.string({ unit: 'binary', maxLength: 12 })), { maxLength: 6 }),
  )
  .map(([path, edits]) => {
    let text = fixture(path);
    for (const [at, len, insert] of edits) {
      const i = text.length === 0 ? 0 : at % text.length;
      text = text.slice(0, i) + insert + text.slice(i + (len % 40));
    }
    return text;
  });

const TOKENS = [
  '{',
  '}',
  '"',
  '\\',
  '!',
  '-A',
  '-j',
  '-m',
  '--dport',
  'table',
  'chain',
  'ip',
  'tcp',
  'dport',
  '@s',
  '.',
  '=',
  '(v6)',
  'rule',
  '\n',
  '\t',
  ' ',
  'ALLOW',
  'IN',
  '#',
  'handle',
];
const tokenSoup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((t) => t.join(''));

describe('firewall parsers never throw', () => {
  for (const [name, parse] of PARSERS) {
    it(`${name} on random text, token soup, and mangled recordings`, () => {
      fc.assert(
        fc.property(fc.oneof(fc.string({ unit: 'binary' }), tokenSoup, mangledFixture), (text) => {
          parse(text);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('mergeNftRulesets on rulesets parsed from mangled recordings', () => {
    fc.assert(
      fc.property(mangledFixture, mangledFixture, (a, b) => {
        const x = parseNftRuleset(a);
        const y = parseNftRuleset(b);
        if (x.ok && y.ok) mergeNftRulesets(x.value, y.value);
      }),
      { numRuns: 100 },
    );
  });
});

const ADDRESSES_V4 = [
  '10.200.0.2',
  '10.1.2.3',
  '10.20.0.5',
  '10.7.0.9',
  '10.9.0.5',
  '172.16.0.9',
  '192.168.5.9',
  '192.168.7.9',
  '192.0.2.10',
  '198.51.100.7',
  '203.0.113.5',
  '203.0.113.9',
  '127.0.0.1',
];
const ADDRESSES_V6 = ['fd20::2', 'fd00::5', '2001:db8::5', '::1'];
const PORTS = [
  22, 25, 80, 443, 1234, 2222, 3000, 3306, 4000, 4001, 4444, 5432, 6379, 7000, 7001, 7002, 8080, 8081, 8082,
  8100, 8101, 9000, 9090, 9100,
];

const packet = (family: 4 | 6, iifs: string[]) =>
  fc.record({
    src:
      family === 4
        ? fc.oneof(fc.constantFrom(...ADDRESSES_V4), fc.ipV4())
        : fc.oneof(fc.constantFrom(...ADDRESSES_V6), fc.ipV6()),
    dst: family === 4 ? fc.constantFrom('10.200.0.1', '10.0.0.5', '10.9.9.9') : fc.constantFrom('fd20::1'),
    dport: fc.oneof(fc.constantFrom(...PORTS), fc.integer({ min: 1, max: 65535 })),
    sport: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
    direction: fc.constant('input' as const),
    iif: fc.constantFrom(...iifs),
    ctState: fc.constantFrom('new' as const, 'established' as const),
  });
const anyPacket = (iifs: string[]) => fc.oneof(packet(4, iifs), packet(6, iifs));

/** Two views of one firewall must agree on every packet (but those `differ` names): the verdict, and whether it
 * is certain. */
function agree(
  a: FirewallRulesets,
  b: FirewallRulesets,
  packets: fc.Arbitrary<Packet>,
  differ = (_p: Packet) => false,
): void {
  fc.assert(
    fc.property(packets, (p) => {
      if (differ(p)) return;
      const x = evaluate(a, p);
      const y = evaluate(b, p);
      expect({ verdict: y.verdict, certain: !y.uncertain }).toEqual({
        verdict: x.verdict,
        certain: !x.uncertain,
      });
    }),
    { numRuns: Number(process.env.FW_RUNS ?? 400) },
  );
}

describe('evaluator properties', () => {
  it('never throws, on any recorded ruleset and any packet', () => {
    const all: FirewallRulesets = {
      iptables: iptables('iptables/basic.save'),
      ip6tables: iptables('iptables/basic6.save'),
      nft: nftMerged('firewalld'),
      ufw: ufwStatus('status'),
      firewalld: firewalld('list-all-zones'),
    };
    const raw = fc.record({
      src: fc.oneof(fc.ipV4(), fc.ipV6(), fc.string()),
      dst: fc.oneof(fc.ipV4(), fc.ipV6(), fc.string()),
      dport: fc.integer({ min: -1, max: 70000 }),
      direction: fc.constantFrom('input' as const, 'output' as const),
      iif: fc.option(fc.string(), { nil: undefined }),
    });
    fc.assert(
      fc.property(raw, (p) => {
        const v = evaluate(all, p);
        expect(['accept', 'drop', 'reject']).toContain(v.verdict);
      }),
      { numRuns: 300 },
    );
  });

  it('nft JSON, text and merged forms of a ruleset give the same verdicts', () => {
    for (const name of ['basic', 'multibase', 'firewalld']) {
      const json = { nft: nftJson(name) };
      agree(json, { nft: nftText(name) }, anyPacket(['eth0', 'eth1', 'lo', 'veth-app0']));
      agree(json, { nft: nftMerged(name) }, anyPacket(['eth0', 'lo']));
    }
  });

  it('ufw judged from `ufw status verbose` agrees with ufw judged from the iptables rules it generated', () => {
    agree(
      { iptables: iptables('ufw/iptables.save'), ip6tables: iptables('ufw/ip6tables.save') },
      { ufw: ufwStatus('status-verbose') },
      anyPacket(['eth0', 'eth1', 'lo']),
      // The IPv6 LIMIT rule: ufw left its chains empty (see evaluate-ufw-firewalld.test.ts).
      (p) => p.dport === 2222 && p.src.includes(':') && p.ctState === 'new' && p.iif !== 'lo',
    );
    agree(
      { iptables: iptables('ufw/iptables-strict.save') },
      { ufw: ufwStatus('status-verbose-strict') },
      packet(4, ['eth0', 'lo']),
    );
  });

  it("firewalld judged from firewall-cmd agrees with firewalld's own nft rules", () => {
    agree(
      { nft: nftMerged('firewalld') },
      { firewalld: firewalld('list-all-zones', fixture('firewalld/default-zone.txt')) },
      anyPacket(['eth0', 'veth-app0', 'lo']),
    );
  });

  it('iptables rules judged through iptables-save and through their iptables-nft view agree', () => {
    agree(
      { iptables: iptables('iptables/basic.save') },
      { nft: nftMerged('iptables-nft') },
      packet(4, ['eth0', 'eth1', 'lo', 'wlan0']),
    );
  });
});
