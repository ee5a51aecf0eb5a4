// Every keyword table a firewall reader dispatches on (nft text statements, nft JSON statements, iptables rule
// options and match-module options) has here an example of each keyword and what it reads to: a keyword added to
// a table without one, or one a table stops reading (it would fall to the unknown-word path), fails here. The
// recorded fixtures hold only the keywords real hosts printed; these are the rest, and the unknown-word paths.
import { describe, expect, it } from 'vitest';
import {
  STATEMENTS as NFT_TEXT_STATEMENTS,
  parseNftStatements,
} from '../../../src/firewall/nft/statements.js';
import { STATEMENTS as NFT_JSON_STATEMENTS, parseNftJson } from '../../../src/firewall/nft/json.js';
import { MODULE_OPTIONS, parseIptablesSave, RULE_OPTIONS } from '../../../src/firewall/readers/iptables.js';
import type { Condition, NftSet, RuleAction } from '../../../src/firewall/types.js';
import { must } from './fixtures.js';

type Example = [keyword: string, input: string, reads: unknown];

const CONTINUE: RuleAction = { kind: 'continue' };
const unknown = (text: string): Condition => ({ kind: 'unknown', text });

const SETS: NftSet[] = [{ name: 'web', type: 'inet_service', flags: [], elements: ['80', '443'] }];

/** One nft rule's statements, with set @web; toEqual passes over comment and counters when the rule has none. */
function nftText(text: string) {
  const { conditions, action, comment, counters } = parseNftStatements(text, SETS);
  return { conditions, action, comment, counters };
}

/** The one rule of an `nft -j list ruleset` whose statements are EXPRS. */
function nftJson(exprs: string) {
  const doc = `{"nftables":[{"table":{"family":"inet","name":"t"}},{"rule":{"family":"inet","table":"t","chain":"c","expr":[${exprs}]}}]}`;
  return must(parseNftJson(doc)).tables[0]!.chains[0]!.rules[0]!;
}

/** `-A INPUT RULE` in an iptables-save filter table that has a user chain "web"; warnings only when there are any. */
function iptablesRule(rule: string) {
  const parsed = parseIptablesSave(`*filter\n:INPUT ACCEPT [0:0]\n:web - [0:0]\n-A INPUT ${rule}\nCOMMIT\n`);
  if (!parsed.ok) throw new Error(parsed.error);
  const { conditions, action, comment } = parsed.value.tables[0]!.chains[0]!.rules[0]!;
  return { conditions, action, comment, warnings: parsed.warnings.length > 0 ? parsed.warnings : undefined };
}

function keywordTable(
  name: string,
  table: Readonly<Record<string, unknown>>,
  examples: Example[],
  unknown: [input: string, reads: unknown][],
  read: (input: string) => unknown,
): void {
  describe(name, () => {
    it('has an example of every keyword, and only of its keywords', () => {
      expect([...new Set(examples.map(([keyword]) => keyword))].sort()).toEqual(Object.keys(table).sort());
    });
    it.each(examples)('%s: %s', (_keyword, input, reads) => {
      expect(read(input)).toEqual(reads);
    });
    it.each(unknown)('not in the table: %s', (input, reads) => {
      expect(read(input)).toEqual(reads);
    });
  });
}

const NFT_TEXT: Example[] = [
  ['accept', 'accept', { conditions: [], action: { kind: 'accept' } }],
  ['drop', 'drop', { conditions: [], action: { kind: 'drop' } }],
  ['return', 'return', { conditions: [], action: { kind: 'return' } }],
  ['continue', 'continue', { conditions: [], action: CONTINUE }],
  ['jump', 'jump web', { conditions: [], action: { kind: 'jump', chain: 'web' } }],
  ['goto', 'goto "web"', { conditions: [], action: { kind: 'goto', chain: 'web' } }],
  [
    'reject',
    'reject with icmp type host-prohibited',
    { conditions: [], action: { kind: 'reject', with: 'icmp type host-prohibited' } },
  ],
  ['queue', 'queue num 1', { conditions: [], action: unknown('queue num 1') }],
  ['dnat', 'dnat to 10.0.0.2:80', { conditions: [], action: unknown('dnat to 10.0.0.2:80') }],
  ['snat', 'snat to 192.0.2.1', { conditions: [], action: unknown('snat to 192.0.2.1') }],
  ['masquerade', 'masquerade', { conditions: [], action: unknown('masquerade') }],
  ['redirect', 'redirect to :8080', { conditions: [], action: unknown('redirect to :8080') }],
  ['tproxy', 'tproxy to :3128', { conditions: [], action: unknown('tproxy to :3128') }],
  ['fwd', 'fwd to "eth1"', { conditions: [], action: unknown('fwd to "eth1"') }],
  [
    'synproxy',
    'synproxy mss 1460 wscale 7',
    { conditions: [], action: unknown('synproxy mss 1460 wscale 7') },
  ],
  [
    'counter',
    'counter packets 5 bytes 300 accept',
    { conditions: [], action: { kind: 'accept' }, counters: { packets: 5, bytes: 300 } },
  ],
  ['log', 'log prefix "dropped: " level info drop', { conditions: [], action: { kind: 'drop' } }],
  ['comment', 'accept comment "web"', { conditions: [], action: { kind: 'accept' }, comment: 'web' }],
  ['notrack', 'notrack', { conditions: [], action: CONTINUE }],
  ['flow', 'flow add @ft accept', { conditions: [], action: { kind: 'accept' } }],
  [
    'limit',
    'limit rate 10/second accept',
    { conditions: [unknown('limit rate 10/second')], action: { kind: 'accept' } },
  ],
  [
    'quota',
    'quota over 10 mbytes drop',
    { conditions: [unknown('quota over 10 mbytes')], action: { kind: 'drop' } },
  ],
  [
    'xt',
    'xt match "recent" xt target "REJECT"',
    { conditions: [unknown('xt match recent')], action: { kind: 'reject' } },
  ],
  [
    'fib',
    'fib saddr . iif oif missing drop',
    { conditions: [{ kind: 'rpfilter-fails', negated: false }], action: { kind: 'drop' } },
  ],
  [
    'ct',
    'ct state established,related accept',
    {
      conditions: [{ kind: 'ctstate', negated: false, states: ['established', 'related'] }],
      action: { kind: 'accept' },
    },
  ],
  [
    'meta',
    'meta l4proto tcp',
    { conditions: [{ kind: 'protocol', negated: false, protocols: ['tcp'] }], action: CONTINUE },
  ],
  [
    'ip',
    'ip saddr 10.0.0.0/8',
    {
      conditions: [{ kind: 'saddr', negated: false, addresses: ['10.0.0.0/8'], family: 4 }],
      action: CONTINUE,
    },
  ],
  [
    'ip6',
    'ip6 daddr != fd00::1',
    { conditions: [{ kind: 'daddr', negated: true, addresses: ['fd00::1'], family: 6 }], action: CONTINUE },
  ],
  [
    'icmp',
    'icmp type echo-request',
    { conditions: [{ kind: 'protocol', negated: false, protocols: ['icmp'] }], action: CONTINUE },
  ],
  [
    'icmpv6',
    'icmpv6 type echo-request',
    { conditions: [{ kind: 'protocol', negated: false, protocols: ['ipv6-icmp'] }], action: CONTINUE },
  ],
  ['iif', 'iif "lo"', { conditions: [{ kind: 'iif', negated: false, names: ['lo'] }], action: CONTINUE }],
  [
    'iifname',
    'iifname "eth0"',
    { conditions: [{ kind: 'iif', negated: false, names: ['eth0'] }], action: CONTINUE },
  ],
  ['oif', 'oif "eth0"', { conditions: [{ kind: 'oif', negated: false, names: ['eth0'] }], action: CONTINUE }],
  [
    'oifname',
    'oifname != "eth1"',
    { conditions: [{ kind: 'oif', negated: true, names: ['eth1'] }], action: CONTINUE },
  ],
  [
    'l4proto',
    'l4proto udp',
    { conditions: [{ kind: 'protocol', negated: false, protocols: ['udp'] }], action: CONTINUE },
  ],
  [
    'nfproto',
    'nfproto ipv4',
    { conditions: [{ kind: 'family', negated: false, family: 4 }], action: CONTINUE },
  ],
  [
    'protocol',
    'protocol ip6',
    { conditions: [{ kind: 'family', negated: false, family: 6 }], action: CONTINUE },
  ],
  ['mark', 'mark set 0x1 accept', { conditions: [], action: { kind: 'accept' } }],
  ['skuid', 'skuid 0', { conditions: [unknown('skuid 0')], action: CONTINUE }],
  ['skgid', 'skgid 0', { conditions: [unknown('skgid 0')], action: CONTINUE }],
  ['iiftype', 'iiftype ether', { conditions: [unknown('iiftype ether')], action: CONTINUE }],
  ['oiftype', 'oiftype ether', { conditions: [unknown('oiftype ether')], action: CONTINUE }],
  ['iifgroup', 'iifgroup 0', { conditions: [unknown('iifgroup 0')], action: CONTINUE }],
  ['oifgroup', 'oifgroup 0', { conditions: [unknown('oifgroup 0')], action: CONTINUE }],
  ['pkttype', 'pkttype host', { conditions: [unknown('pkttype host')], action: CONTINUE }],
  ['cpu', 'cpu 1', { conditions: [unknown('cpu 1')], action: CONTINUE }],
  ['cgroup', 'cgroup 1', { conditions: [unknown('cgroup 1')], action: CONTINUE }],
  ['length', 'length > 1000', { conditions: [unknown('length > 1000')], action: CONTINUE }],
  ['priority', 'priority 1:2', { conditions: [unknown('priority 1:2')], action: CONTINUE }],
  ['nftrace', 'nftrace set 1', { conditions: [], action: CONTINUE }],
  ['rtclassid', 'rtclassid 1', { conditions: [unknown('rtclassid 1')], action: CONTINUE }],
  ['secmark', 'secmark 1', { conditions: [unknown('secmark 1')], action: CONTINUE }],
  ['random', 'random 5', { conditions: [unknown('random 5')], action: CONTINUE }],
  ['ipsec', 'ipsec exists', { conditions: [unknown('ipsec exists')], action: CONTINUE }],
  ['time', 'time 1', { conditions: [unknown('time 1')], action: CONTINUE }],
  ['day', 'day "Monday"', { conditions: [unknown('day "Monday"')], action: CONTINUE }],
  ['hour', 'hour "17:00"', { conditions: [unknown('hour "17:00"')], action: CONTINUE }],
  [
    'tcp',
    'tcp flags syn / fin,syn,rst,ack',
    { conditions: [{ kind: 'syn', negated: false }], action: CONTINUE },
  ],
  [
    'udp',
    'udp sport 53',
    {
      conditions: [{ kind: 'sport', negated: false, ports: [{ from: 53, to: 53 }], protocol: 'udp' }],
      action: CONTINUE,
    },
  ],
  [
    'th',
    'th dport @web',
    {
      conditions: [
        {
          kind: 'dport',
          negated: false,
          ports: [
            { from: 80, to: 80 },
            { from: 443, to: 443 },
          ],
        },
      ],
      action: CONTINUE,
    },
  ],
  [
    'sctp',
    'sctp dport 80',
    {
      conditions: [{ kind: 'dport', negated: false, ports: [{ from: 80, to: 80 }], protocol: 'sctp' }],
      action: CONTINUE,
    },
  ],
  [
    'dccp',
    'dccp dport 80-90',
    {
      conditions: [{ kind: 'dport', negated: false, ports: [{ from: 80, to: 90 }], protocol: 'dccp' }],
      action: CONTINUE,
    },
  ],
  [
    'udplite',
    'udplite dport 80',
    {
      conditions: [{ kind: 'dport', negated: false, ports: [{ from: 80, to: 80 }], protocol: 'udplite' }],
      action: CONTINUE,
    },
  ],
];

const NFT_TEXT_UNKNOWN: [input: string, reads: unknown][] = [
  ['__proto__ accept', { conditions: [unknown('__proto__')], action: { kind: 'accept' } }],
  ['constructor', { conditions: [unknown('constructor')], action: CONTINUE }],
  ['vlan id 5 accept', { conditions: [unknown('vlan id 5')], action: { kind: 'accept' } }],
];

const NFT_JSON: Example[] = [
  [
    'match',
    '{"match":{"op":"==","left":{"payload":{"protocol":"tcp","field":"dport"}},"right":22}}',
    {
      text: 'tcp dport 22',
      conditions: [{ kind: 'dport', negated: false, ports: [{ from: 22, to: 22 }], protocol: 'tcp' }],
      action: CONTINUE,
    },
  ],
  ['accept', '{"accept":null}', { text: 'accept', conditions: [], action: { kind: 'accept' } }],
  ['drop', '{"drop":null}', { text: 'drop', conditions: [], action: { kind: 'drop' } }],
  ['return', '{"return":null}', { text: 'return', conditions: [], action: { kind: 'return' } }],
  ['continue', '{"continue":null}', { text: 'continue', conditions: [], action: CONTINUE }],
  [
    'jump',
    '{"jump":{"target":"web"}}',
    { text: 'jump web', conditions: [], action: { kind: 'jump', chain: 'web' } },
  ],
  [
    'goto',
    '{"goto":{"target":"web"}}',
    { text: 'goto web', conditions: [], action: { kind: 'goto', chain: 'web' } },
  ],
  [
    'reject',
    '{"reject":{"type":"tcp reset"}}',
    { text: 'reject with tcp reset', conditions: [], action: { kind: 'reject', with: 'tcp reset' } },
  ],
  [
    'counter',
    '{"counter":{"packets":5,"bytes":300}}',
    {
      text: 'counter packets 5 bytes 300',
      conditions: [],
      action: CONTINUE,
      counters: { packets: 5, bytes: 300 },
    },
  ],
  [
    'log',
    '{"log":{"prefix":"dropped: "}}',
    { text: 'log prefix "dropped: "', conditions: [], action: CONTINUE },
  ],
  [
    'limit',
    '{"limit":{"rate":10,"per":"second"}}',
    {
      text: 'limit {"rate":10,"per":"second"}',
      conditions: [unknown('limit {"rate":10,"per":"second"}')],
      action: CONTINUE,
    },
  ],
  [
    'quota',
    '{"quota":{"val":10,"val_unit":"mbytes","inv":true}}',
    {
      text: 'quota {"val":10,"val_unit":"mbytes","inv":true}',
      conditions: [unknown('quota {"val":10,"val_unit":"mbytes","inv":true}')],
      action: CONTINUE,
    },
  ],
  [
    'xt',
    '{"xt":{"type":"target","name":"LOG"}}',
    { text: 'xt target LOG', conditions: [], action: CONTINUE },
  ],
  [
    'queue',
    '{"queue":{"num":1}}',
    { text: 'queue {"num":1}', conditions: [], action: unknown('queue {"num":1}') },
  ],
  [
    'dnat',
    '{"dnat":{"addr":"10.0.0.2","port":80}}',
    {
      text: 'dnat {"addr":"10.0.0.2","port":80}',
      conditions: [],
      action: unknown('dnat {"addr":"10.0.0.2","port":80}'),
    },
  ],
  [
    'snat',
    '{"snat":{"addr":"192.0.2.1"}}',
    { text: 'snat {"addr":"192.0.2.1"}', conditions: [], action: unknown('snat {"addr":"192.0.2.1"}') },
  ],
  [
    'masquerade',
    '{"masquerade":null}',
    { text: 'masquerade', conditions: [], action: unknown('masquerade') },
  ],
  [
    'redirect',
    '{"redirect":{"port":8080}}',
    { text: 'redirect {"port":8080}', conditions: [], action: unknown('redirect {"port":8080}') },
  ],
  [
    'tproxy',
    '{"tproxy":{"port":3128}}',
    { text: 'tproxy {"port":3128}', conditions: [], action: unknown('tproxy {"port":3128}') },
  ],
  [
    'fwd',
    '{"fwd":{"dev":"eth1"}}',
    { text: 'fwd {"dev":"eth1"}', conditions: [], action: unknown('fwd {"dev":"eth1"}') },
  ],
  [
    'synproxy',
    '{"synproxy":{"mss":1460}}',
    { text: 'synproxy {"mss":1460}', conditions: [], action: unknown('synproxy {"mss":1460}') },
  ],
];

const NFT_JSON_UNKNOWN: [input: string, reads: unknown][] = [
  ['{"__proto__":null}', { text: '__proto__', conditions: [], action: CONTINUE }],
  ['{"constructor":{"a":1}}', { text: 'constructor {"a":1}', conditions: [], action: CONTINUE }],
  ['{"notrack":null}', { text: 'notrack', conditions: [], action: CONTINUE }],
  [
    '{"mangle":{"key":{"meta":{"key":"mark"}},"value":1}}',
    { text: 'mangle {"key":{"meta":{"key":"mark"}},"value":1}', conditions: [], action: CONTINUE },
  ],
];

const RULE: Example[] = [
  [
    '-p',
    '-p tcp',
    { conditions: [{ kind: 'protocol', negated: false, protocols: ['tcp'] }], action: CONTINUE },
  ],
  [
    '--protocol',
    '--protocol UDP',
    { conditions: [{ kind: 'protocol', negated: false, protocols: ['udp'] }], action: CONTINUE },
  ],
  [
    '-s',
    '-s 10.0.0.0/8,192.0.2.1',
    {
      conditions: [{ kind: 'saddr', negated: false, addresses: ['10.0.0.0/8', '192.0.2.1'] }],
      action: CONTINUE,
    },
  ],
  [
    '--source',
    '! --source 10.0.0.1',
    { conditions: [{ kind: 'saddr', negated: true, addresses: ['10.0.0.1'] }], action: CONTINUE },
  ],
  [
    '-d',
    '-d 10.0.0.5',
    { conditions: [{ kind: 'daddr', negated: false, addresses: ['10.0.0.5'] }], action: CONTINUE },
  ],
  [
    '--destination',
    '--destination 10.0.0.0/24',
    { conditions: [{ kind: 'daddr', negated: false, addresses: ['10.0.0.0/24'] }], action: CONTINUE },
  ],
  ['-i', '-i eth+', { conditions: [{ kind: 'iif', negated: false, names: ['eth*'] }], action: CONTINUE }],
  [
    '--in-interface',
    '--in-interface lo',
    { conditions: [{ kind: 'iif', negated: false, names: ['lo'] }], action: CONTINUE },
  ],
  ['-o', '-o eth0', { conditions: [{ kind: 'oif', negated: false, names: ['eth0'] }], action: CONTINUE }],
  [
    '--out-interface',
    '! --out-interface eth1',
    { conditions: [{ kind: 'oif', negated: true, names: ['eth1'] }], action: CONTINUE },
  ],
  ['-f', '-f', { conditions: [{ kind: 'fragment', negated: false }], action: CONTINUE }],
  ['--fragment', '! --fragment', { conditions: [{ kind: 'fragment', negated: true }], action: CONTINUE }],
  [
    '-m',
    '-m state --state NEW',
    { conditions: [{ kind: 'ctstate', negated: false, states: ['new'] }], action: CONTINUE },
  ],
  ['--match', '--match comment --comment "ssh in"', { conditions: [], action: CONTINUE, comment: 'ssh in' }],
  ['-j', '-j ACCEPT', { conditions: [], action: { kind: 'accept' } }],
  [
    '--jump',
    '--jump REJECT --reject-with tcp-reset',
    { conditions: [], action: { kind: 'reject', with: 'tcp-reset' } },
  ],
  ['-g', '-g web', { conditions: [], action: { kind: 'goto', chain: 'web' } }],
  ['--goto', '--goto web', { conditions: [], action: { kind: 'goto', chain: 'web' } }],
];

const RULE_UNKNOWN: [input: string, reads: unknown][] = [
  [
    '__proto__',
    {
      conditions: [unknown('__proto__')],
      action: CONTINUE,
      warnings: ['line 4: unexpected word "__proto__"'],
    },
  ],
  [
    'bogus -j DROP',
    {
      conditions: [unknown('bogus')],
      action: { kind: 'drop' },
      warnings: ['line 4: unexpected word "bogus"'],
    },
  ],
  [
    '-p tcp --dport 22',
    {
      conditions: [
        { kind: 'protocol', negated: false, protocols: ['tcp'] },
        { kind: 'dport', negated: false, ports: [{ from: 22, to: 22 }], protocol: 'tcp' },
      ],
      action: CONTINUE,
    },
  ],
  [
    '-p tcp -m recent --rcheck --dport 22',
    {
      conditions: [
        { kind: 'protocol', negated: false, protocols: ['tcp'] },
        unknown('-m recent --rcheck'),
        { kind: 'dport', negated: false, ports: [{ from: 22, to: 22 }], protocol: 'tcp' },
      ],
      action: CONTINUE,
    },
  ],
];

const MODULE: Example[] = [
  [
    'tcp --dport',
    '-m tcp --dport 22',
    {
      conditions: [{ kind: 'dport', negated: false, ports: [{ from: 22, to: 22 }], protocol: 'tcp' }],
      action: CONTINUE,
    },
  ],
  [
    'tcp --destination-port',
    '-m tcp --destination-port 80:90',
    {
      conditions: [{ kind: 'dport', negated: false, ports: [{ from: 80, to: 90 }], protocol: 'tcp' }],
      action: CONTINUE,
    },
  ],
  [
    'udp --dport',
    '-m udp --dport 53',
    {
      conditions: [{ kind: 'dport', negated: false, ports: [{ from: 53, to: 53 }], protocol: 'udp' }],
      action: CONTINUE,
    },
  ],
  [
    'udp --destination-port',
    '-m udp --destination-port 53',
    {
      conditions: [{ kind: 'dport', negated: false, ports: [{ from: 53, to: 53 }], protocol: 'udp' }],
      action: CONTINUE,
    },
  ],
  [
    'sctp --dport',
    '-m sctp --dport 80',
    {
      conditions: [{ kind: 'dport', negated: false, ports: [{ from: 80, to: 80 }], protocol: 'sctp' }],
      action: CONTINUE,
    },
  ],
  [
    'dccp --dport',
    '-m dccp --dport 80',
    {
      conditions: [{ kind: 'dport', negated: false, ports: [{ from: 80, to: 80 }], protocol: 'dccp' }],
      action: CONTINUE,
    },
  ],
  [
    'udplite --dport',
    '-m udplite --dport 80',
    {
      conditions: [{ kind: 'dport', negated: false, ports: [{ from: 80, to: 80 }], protocol: 'udplite' }],
      action: CONTINUE,
    },
  ],
  [
    'tcp --sport',
    '-m tcp ! --sport 1024:65535',
    {
      conditions: [{ kind: 'sport', negated: true, ports: [{ from: 1024, to: 65535 }], protocol: 'tcp' }],
      action: CONTINUE,
    },
  ],
  [
    'tcp --source-port',
    '-m tcp --source-port 22',
    {
      conditions: [{ kind: 'sport', negated: false, ports: [{ from: 22, to: 22 }], protocol: 'tcp' }],
      action: CONTINUE,
    },
  ],
  [
    'udp --sport',
    '-m udp --sport 53',
    {
      conditions: [{ kind: 'sport', negated: false, ports: [{ from: 53, to: 53 }], protocol: 'udp' }],
      action: CONTINUE,
    },
  ],
  [
    'udp --source-port',
    '-m udp --source-port 53',
    {
      conditions: [{ kind: 'sport', negated: false, ports: [{ from: 53, to: 53 }], protocol: 'udp' }],
      action: CONTINUE,
    },
  ],
  [
    'sctp --sport',
    '-m sctp --sport 80',
    {
      conditions: [{ kind: 'sport', negated: false, ports: [{ from: 80, to: 80 }], protocol: 'sctp' }],
      action: CONTINUE,
    },
  ],
  [
    'dccp --sport',
    '-m dccp --sport 80',
    {
      conditions: [{ kind: 'sport', negated: false, ports: [{ from: 80, to: 80 }], protocol: 'dccp' }],
      action: CONTINUE,
    },
  ],
  [
    'udplite --sport',
    '-m udplite --sport 80',
    {
      conditions: [{ kind: 'sport', negated: false, ports: [{ from: 80, to: 80 }], protocol: 'udplite' }],
      action: CONTINUE,
    },
  ],
  ['tcp --syn', '-m tcp --syn', { conditions: [{ kind: 'syn', negated: false }], action: CONTINUE }],
  [
    'tcp --tcp-flags',
    '-m tcp ! --tcp-flags FIN,SYN,RST,ACK SYN',
    { conditions: [{ kind: 'syn', negated: true }], action: CONTINUE },
  ],
  [
    'multiport --dports',
    '-m multiport --dports 80,443,8000:8100',
    {
      conditions: [
        {
          kind: 'dport',
          negated: false,
          ports: [
            { from: 80, to: 80 },
            { from: 443, to: 443 },
            { from: 8000, to: 8100 },
          ],
        },
      ],
      action: CONTINUE,
    },
  ],
  [
    'multiport --destination-ports',
    '-m multiport --destination-ports 80',
    { conditions: [{ kind: 'dport', negated: false, ports: [{ from: 80, to: 80 }] }], action: CONTINUE },
  ],
  [
    'multiport --sports',
    '-m multiport ! --sports 22',
    { conditions: [{ kind: 'sport', negated: true, ports: [{ from: 22, to: 22 }] }], action: CONTINUE },
  ],
  [
    'multiport --source-ports',
    '-m multiport --source-ports 53,5353',
    {
      conditions: [
        {
          kind: 'sport',
          negated: false,
          ports: [
            { from: 53, to: 53 },
            { from: 5353, to: 5353 },
          ],
        },
      ],
      action: CONTINUE,
    },
  ],
  [
    'conntrack --ctstate',
    '-m conntrack --ctstate RELATED,ESTABLISHED',
    {
      conditions: [{ kind: 'ctstate', negated: false, states: ['related', 'established'] }],
      action: CONTINUE,
    },
  ],
  [
    'state --state',
    '-m state ! --state INVALID',
    { conditions: [{ kind: 'ctstate', negated: true, states: ['invalid'] }], action: CONTINUE },
  ],
  [
    'conntrack --ctstatus',
    '-m conntrack --ctstatus DNAT',
    { conditions: [{ kind: 'ctstatus', negated: false, statuses: ['dnat'] }], action: CONTINUE },
  ],
  [
    'comment --comment',
    '-m comment --comment "ssh in"',
    { conditions: [], action: CONTINUE, comment: 'ssh in' },
  ],
  [
    'iprange --src-range',
    '-m iprange --src-range 10.0.0.1-10.0.0.9',
    { conditions: [{ kind: 'saddr', negated: false, addresses: ['10.0.0.1-10.0.0.9'] }], action: CONTINUE },
  ],
  [
    'iprange --dst-range',
    '-m iprange ! --dst-range 10.0.0.1-10.0.0.9',
    { conditions: [{ kind: 'daddr', negated: true, addresses: ['10.0.0.1-10.0.0.9'] }], action: CONTINUE },
  ],
  [
    'addrtype --src-type',
    '-m addrtype --src-type LOCAL',
    { conditions: [{ kind: 'addrtype', which: 'src', negated: false, types: ['LOCAL'] }], action: CONTINUE },
  ],
  [
    'addrtype --dst-type',
    '-m addrtype --dst-type local,unicast',
    {
      conditions: [{ kind: 'addrtype', which: 'dst', negated: false, types: ['LOCAL', 'UNICAST'] }],
      action: CONTINUE,
    },
  ],
  [
    'icmp --icmp-type',
    '-m icmp --icmp-type 8',
    { conditions: [{ kind: 'protocol', negated: false, protocols: ['icmp'] }], action: CONTINUE },
  ],
  [
    'icmp6 --icmpv6-type',
    '-m icmp6 --icmpv6-type 128',
    { conditions: [{ kind: 'protocol', negated: false, protocols: ['ipv6-icmp'] }], action: CONTINUE },
  ],
  [
    'rpfilter --invert',
    '-m rpfilter --invert',
    { conditions: [{ kind: 'rpfilter-fails', negated: false }], action: CONTINUE },
  ],
  [
    'rpfilter --loose',
    '-m rpfilter --loose',
    { conditions: [{ kind: 'rpfilter-fails', negated: true }], action: CONTINUE },
  ],
  [
    'rpfilter --validmark',
    '-m rpfilter --validmark',
    { conditions: [{ kind: 'rpfilter-fails', negated: true }], action: CONTINUE },
  ],
  [
    'rpfilter --accept-local',
    '-m rpfilter --accept-local --invert',
    { conditions: [{ kind: 'rpfilter-fails', negated: false }], action: CONTINUE },
  ],
];

const MODULE_UNKNOWN: [input: string, reads: unknown][] = [
  [
    '-m recent --rcheck --seconds 60',
    { conditions: [unknown('-m recent --rcheck --seconds 60')], action: CONTINUE },
  ],
  ['-m tcp --__proto__', { conditions: [unknown('-m tcp --__proto__')], action: CONTINUE }],
  ['-m tcp --dport nope', { conditions: [unknown('-m tcp --dport nope')], action: CONTINUE }],
  ['-m iprange', { conditions: [unknown('-m iprange')], action: CONTINUE }],
  ['-m frag --fragid 5', { conditions: [{ kind: 'exthdr', header: 'frag' }], action: CONTINUE }],
];

keywordTable(
  'nft text statements (nft/statements.ts)',
  NFT_TEXT_STATEMENTS,
  NFT_TEXT,
  NFT_TEXT_UNKNOWN,
  nftText,
);
keywordTable('nft JSON statements (nft/json.ts)', NFT_JSON_STATEMENTS, NFT_JSON, NFT_JSON_UNKNOWN, nftJson);
keywordTable('iptables rule options (readers/iptables.ts)', RULE_OPTIONS, RULE, RULE_UNKNOWN, iptablesRule);
keywordTable(
  'iptables match-module options (readers/iptables.ts)',
  MODULE_OPTIONS,
  MODULE,
  MODULE_UNKNOWN,
  iptablesRule,
);
