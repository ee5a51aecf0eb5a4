// The evaluator against the kernel. Two network namespaces joined by a veth: the "server" loads a recorded
// ruleset for real (iptables-restore / nft -f), the "client" connects to it from several source addresses, and
// the server connects out to the client. What the connect does (connects, is refused, hangs) must be the verdict
// the evaluator gives for the same packet from the same recorded fixture.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIptablesSave } from '../../src/firewall/readers/iptables.js';
import { mergeNftRulesets, parseNftJson, parseNftText } from '../../src/firewall/readers/nft.js';
import { parseUfwStatus } from '../../src/firewall/readers/ufw.js';
import { parseFirewalldListAll } from '../../src/firewall/readers/firewalld.js';
import { describeVerdict, evaluate } from '../../src/firewall/evaluate.js';
import { allowCommands } from '../../src/firewall/allow.js';
import type { FirewallRulesets, Packet, Parsed } from '../../src/firewall/types.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'firewall');
const fixture = (path: string) => readFileSync(join(FIXTURES, path), 'utf8');
function must<T>(parsed: Parsed<T>): T {
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

// Unique per run; the pid lets a later run remove what a killed run left behind.
const PREFIX = 'hBe2e-';
const SERVER = `${PREFIX}${process.pid}-s`;
const CLIENT = `${PREFIX}${process.pid}-c`;
const TMP_IF = `hB${process.pid % 100000}`;

const SERVER_V4 = '10.200.0.1';
const CLIENT_V4 = '10.200.0.2';
const SERVER_V6 = 'fd20::1';
const CLIENT_V6 = 'fd20::2';
/** Extra client addresses, to send from the sources the fixtures' rules name. */
const CLIENT_EXTRA = [
  '10.1.2.3',
  '10.2.0.9',
  '10.7.0.9',
  '10.9.0.1',
  '10.9.0.5',
  '10.20.0.5',
  '10.50.0.5',
  '172.16.0.9',
  '192.0.2.10',
  '192.168.5.9',
  '192.168.7.9',
  '198.51.100.7',
  '203.0.113.5',
  '203.0.113.9',
  'fd00::5',
  '2001:db8::5',
];
/** Extra server addresses (a ufw rule allows traffic to 10.0.0.5 only). */
const SERVER_EXTRA = ['10.0.0.5'];
const SERVER_PORTS = [
  22, 80, 443, 1234, 2222, 3000, 3306, 4000, 4001, 4444, 5432, 6005, 6379, 7002, 8050, 8080,
];
const SERVER_PORTS_MORE = [8081, 8082, 8083, 8443, 9000, 9050, 9090, 9100];
const CLIENT_PORTS = [25, 1234, 5432, 8443];
const DROP_WAIT_MS = 1500;

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8' });
}
function inNs(ns: string, cmd: string, args: string[], input?: string): string {
  return execFileSync('ip', ['netns', 'exec', ns, cmd, ...args], { encoding: 'utf8', input });
}
function removeNamespaces(names: string[]): void {
  for (const ns of names) {
    try {
      execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
}

/** Namespaces of earlier runs whose process is gone (a crash or a kill skipped their afterAll). */
function removeStale(): void {
  const stale = ip('netns', 'list')
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((name) => {
      const m = new RegExp(`^${PREFIX}(\\d+)-[sc]$`).exec(name);
      if (!m) return false;
      try {
        process.kill(Number(m[1]), 0);
        return false;
      } catch {
        return true;
      }
    });
  removeNamespaces(stale);
}

const LISTENER = `
import net from 'node:net';
const ports = process.argv.slice(1).map(Number);
let ready = 0;
for (const port of ports) {
  net.createServer((c) => c.destroy()).listen({ port, host: '::', ipv6Only: false }, () => {
    if (++ready === ports.length) console.log('ready');
  });
}`;

const PROBE = `
import net from 'node:net';
const specs = JSON.parse(process.argv[1]);
const results = await Promise.all(specs.map((s) => new Promise((resolve) => {
  const socket = net.connect({ host: s.host, port: s.port, localAddress: s.from, timeout: s.waitMs });
  const done = (r) => { socket.destroy(); resolve(r); };
  socket.once('connect', () => done('ok'));
  socket.once('timeout', () => done('timeout'));
  socket.once('error', (e) => done(e.code ?? String(e)));
})));
console.log(JSON.stringify(results));`;

const listeners: ChildProcess[] = [];

async function listen(ns: string, ports: number[]): Promise<void> {
  const child = spawn(
    'ip',
    ['netns', 'exec', ns, process.execPath, '--input-type=module', '-e', LISTENER, ...ports.map(String)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  listeners.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`listener in ${ns} exited with ${code}`)));
  });
}

/** What the kernel did to a connect: a refusal or ICMP error is a reject; a hang, or EPERM from a local OUTPUT drop, is a drop. */
function observed(outcome: string): 'accept' | 'drop' | 'reject' {
  if (outcome === 'ok') return 'accept';
  if (outcome === 'timeout' || outcome === 'EPERM') return 'drop';
  if (['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EACCES'].includes(outcome)) return 'reject';
  throw new Error(`unexpected connect outcome ${outcome}`);
}

function probe(ns: string, specs: { host: string; port: number; from?: string }[]): string[] {
  const out = inNs(ns, process.execPath, [
    '--input-type=module',
    '-e',
    PROBE,
    JSON.stringify(specs.map((s) => ({ ...s, waitMs: DROP_WAIT_MS }))),
  ]);
  return JSON.parse(out) as string[];
}

function resetServer(): void {
  inNs(SERVER, 'nft', ['flush', 'ruleset']);
}

beforeAll(async () => {
  removeStale();
  removeNamespaces([SERVER, CLIENT]);
  ip('netns', 'add', SERVER);
  ip('netns', 'add', CLIENT);
  ip('link', 'add', `${TMP_IF}s`, 'type', 'veth', 'peer', 'name', `${TMP_IF}c`);
  ip('link', 'set', `${TMP_IF}s`, 'netns', SERVER);
  ip('link', 'set', `${TMP_IF}c`, 'netns', CLIENT);
  // Inside its namespace the server's interface is eth0, the name the fixtures' -i/-o/iifname rules use.
  ip('-n', SERVER, 'link', 'set', `${TMP_IF}s`, 'name', 'eth0');
  ip('-n', CLIENT, 'link', 'set', `${TMP_IF}c`, 'name', 'eth0');
  for (const [ns, v4, v6, extra] of [
    [SERVER, SERVER_V4, SERVER_V6, SERVER_EXTRA],
    [CLIENT, CLIENT_V4, CLIENT_V6, CLIENT_EXTRA],
  ] as const) {
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    ip('-n', ns, 'addr', 'add', `${v4}/24`, 'dev', 'eth0');
    ip('-n', ns, 'addr', 'add', `${v6}/64`, 'dev', 'eth0', 'nodad');
    for (const a of extra)
      ip(
        '-n',
        ns,
        'addr',
        'add',
        a.includes(':') ? `${a}/128` : `${a}/32`,
        'dev',
        'eth0',
        ...(a.includes(':') ? ['nodad'] : []),
      );
    ip('-n', ns, 'link', 'set', 'eth0', 'up');
    // Everything is on the link: replies to any extra source address go straight back over the veth.
    ip('-n', ns, 'route', 'add', 'default', 'dev', 'eth0');
    ip('-n', ns, '-6', 'route', 'add', 'default', 'dev', 'eth0');
  }
  await listen(SERVER, [...SERVER_PORTS, ...SERVER_PORTS_MORE]);
  await listen(CLIENT, CLIENT_PORTS);
});

function cleanup(): void {
  for (const l of listeners) l.kill();
  removeNamespaces([SERVER, CLIENT]);
}
afterAll(cleanup);
// A failing beforeAll or an interrupted run still leaves nothing behind.
process.once('exit', cleanup);

type Verdict = 'accept' | 'drop' | 'reject';
/** in: client → server; out: server → client; local: server → its own 127.0.0.1 (OUTPUT and INPUT on lo). */
interface Case {
  kind: 'in' | 'out' | 'local';
  port: number;
  from?: string;
  to?: string;
  expect: Verdict;
  /** The evaluator should flag this verdict as uncertain (a rate limit it cannot see). */
  uncertain?: true;
  /** Views known to get this case wrong, and why (checked: they must flag their verdict as uncertain). */
  doubted?: { views: string[]; why: string };
}

function packetsFor(c: Case): Packet[] {
  const v6 = (c.from ?? c.to ?? '').includes(':');
  if (c.kind === 'in') {
    return [
      {
        src: c.from ?? (v6 ? CLIENT_V6 : CLIENT_V4),
        dst: c.to ?? (v6 ? SERVER_V6 : SERVER_V4),
        dport: c.port,
        direction: 'input',
        iif: 'eth0',
      },
    ];
  }
  if (c.kind === 'out') {
    const to = c.to ?? CLIENT_V4;
    return [
      {
        src: to.includes(':') ? SERVER_V6 : SERVER_V4,
        dst: to,
        dport: c.port,
        direction: 'output',
        oif: 'eth0',
      },
    ];
  }
  return [
    { src: '127.0.0.1', dst: '127.0.0.1', dport: c.port, direction: 'output', oif: 'lo' },
    { src: '127.0.0.1', dst: '127.0.0.1', dport: c.port, direction: 'input', iif: 'lo' },
  ];
}

function runCases(cases: Case[]): string[] {
  const clientSide = cases.filter((c) => c.kind === 'in');
  const serverSide = cases.filter((c) => c.kind !== 'in');
  const fromClient = probe(
    CLIENT,
    clientSide.map((c) => {
      const v6 = (c.from ?? c.to ?? '').includes(':');
      return {
        host: c.to ?? (v6 ? SERVER_V6 : SERVER_V4),
        port: c.port,
        ...(c.from ? { from: c.from } : {}),
      };
    }),
  );
  const fromServer = probe(
    SERVER,
    serverSide.map((c) => ({ host: c.kind === 'local' ? '127.0.0.1' : (c.to ?? CLIENT_V4), port: c.port })),
  );
  return cases.map((c) =>
    c.kind === 'in' ? fromClient[clientSide.indexOf(c)]! : fromServer[serverSide.indexOf(c)]!,
  );
}

function label(c: Case): string {
  const who =
    c.kind === 'in'
      ? `${c.from ?? 'client'} → ${c.to ?? 'server'}`
      : c.kind === 'out'
        ? `server → ${c.to ?? 'client'}`
        : 'local';
  return `${who}:${c.port}`;
}

/** Loads a ruleset into the server, runs every case for real, and checks each view's verdicts against it. */
function check(apply: () => void, views: Record<string, FirewallRulesets>, cases: Case[]): void {
  resetServer();
  apply();
  const outcomes = runCases(cases);
  const failures: string[] = [];
  cases.forEach((c, i) => {
    const real = observed(outcomes[i]!);
    if (real !== c.expect)
      failures.push(`${label(c)}: kernel ${real} (${outcomes[i]}), case expects ${c.expect}`);
    for (const [name, view] of Object.entries(views)) {
      const verdicts = packetsFor(c).map((p) => evaluate(view, p));
      const stop = verdicts.find((v) => v.verdict !== 'accept') ?? verdicts.at(-1)!;
      const doubts = verdicts.flatMap((v) => v.uncertain ?? []);
      if (c.doubted?.views.includes(name)) {
        if (doubts.length === 0)
          failures.push(`${label(c)}: ${name} should doubt its ${stop.verdict} (${c.doubted.why})`);
        continue;
      }
      if (stop.verdict !== real)
        failures.push(`${label(c)}: kernel ${real}, ${name} says ${describeVerdict(stop)}`);
      if (doubts.length > 0 !== (c.uncertain === true)) {
        failures.push(
          `${label(c)}: ${name} uncertainty ${JSON.stringify(doubts)}, case expects ${c.uncertain ? 'some' : 'none'}`,
        );
      }
    }
  });
  expect(failures).toEqual([]);
  // Every scenario must exercise each verdict, or it could not catch a confusion between them.
  expect(new Set(cases.map((c) => c.expect))).toEqual(new Set(['accept', 'drop', 'reject']));
}

describe('evaluator verdicts match the kernel', () => {
  it('iptables / ip6tables (iptables-restore of the recorded basic.save, basic6.save)', () => {
    const views = {
      iptables: {
        iptables: must(parseIptablesSave(fixture('iptables/basic.save'))),
        ip6tables: must(parseIptablesSave(fixture('iptables/basic6.save'))),
      },
    };
    check(
      () => {
        inNs(SERVER, 'iptables-restore', [], fixture('iptables/basic.save'));
        inNs(SERVER, 'ip6tables-restore', [], fixture('iptables/basic6.save'));
      },
      views,
      [
        { kind: 'in', port: 22, expect: 'accept' },
        { kind: 'in', port: 80, expect: 'accept' },
        { kind: 'in', port: 80, from: '203.0.113.5', expect: 'drop' }, // WEB returns, INPUT policy drops
        { kind: 'in', port: 9000, from: '192.168.5.9', expect: 'accept' },
        { kind: 'in', port: 9000, from: '203.0.113.5', expect: 'drop' }, // -g WEB: RETURN ends INPUT itself
        { kind: 'in', port: 3306, expect: 'reject' },
        { kind: 'in', port: 8443, expect: 'drop' }, // mangle INPUT
        { kind: 'in', port: 22, from: '198.51.100.7', expect: 'drop' }, // raw PREROUTING
        { kind: 'in', port: 6005, expect: 'drop' }, // LOG, then DROP in LOGDROP
        { kind: 'in', port: 5432, from: '10.1.2.3', expect: 'accept' },
        { kind: 'in', port: 5432, from: '192.168.5.9', expect: 'drop' },
        { kind: 'in', port: 7002, expect: 'accept' }, // -i eth+
        { kind: 'in', port: 1234, from: '172.16.0.9', expect: 'accept' }, // multiport ! --dports 1:1023
        { kind: 'in', port: 80, from: '2001:db8::5', expect: 'drop' },
        { kind: 'in', port: 80, from: CLIENT_V6, expect: 'accept' },
        { kind: 'in', port: 8080, from: CLIENT_V6, expect: 'reject' },
        { kind: 'in', port: 8081, from: CLIENT_V6, expect: 'reject' },
        { kind: 'in', port: 5432, from: 'fd00::5', expect: 'accept' },
        { kind: 'out', port: 25, expect: 'reject' },
        { kind: 'out', port: 5432, to: '10.9.0.1', expect: 'drop' },
        { kind: 'out', port: 1234, expect: 'accept' },
        { kind: 'local', port: 1234, expect: 'accept' },
      ],
    );
  });

  it('nftables (nft -f of the recorded basic ruleset; JSON, text and merged views)', () => {
    const json = must(parseNftJson(fixture('nft/basic.json')));
    const text = must(parseNftText(fixture('nft/basic.nft')));
    check(
      () => inNs(SERVER, 'nft', ['-f', join(FIXTURES, 'nft/basic.nft')]),
      { json: { nft: json }, text: { nft: text }, merged: { nft: mergeNftRulesets(json, text) } },
      [
        { kind: 'in', port: 22, expect: 'accept' },
        { kind: 'in', port: 8050, expect: 'accept' },
        { kind: 'in', port: 9090, expect: 'reject' },
        { kind: 'in', port: 6379, expect: 'drop' },
        { kind: 'in', port: 3000, from: '203.0.113.5', expect: 'drop' }, // jump app, return, policy
        { kind: 'in', port: 3000, from: '192.168.5.9', expect: 'accept' },
        { kind: 'in', port: 4000, from: '203.0.113.5', expect: 'drop' }, // goto app, return ends input
        { kind: 'in', port: 4000, from: '192.168.5.9', expect: 'accept' },
        { kind: 'in', port: 2222, from: '10.20.0.5', expect: 'accept' }, // @trusted4 . @admin_ports
        { kind: 'in', port: 9100, from: '192.0.2.10', expect: 'accept' },
        { kind: 'in', port: 9100, expect: 'drop' },
        { kind: 'in', port: 7002, expect: 'accept' }, // iifname "eth*"
        { kind: 'in', port: 5432, from: '10.1.2.3', expect: 'accept' },
        { kind: 'in', port: 5432, from: 'fd00::5', expect: 'accept' },
        { kind: 'in', port: 5432, from: '2001:db8::5', expect: 'drop' },
        { kind: 'out', port: 25, expect: 'drop' },
        { kind: 'out', port: 5432, to: '10.9.0.1', expect: 'reject' },
        { kind: 'out', port: 1234, expect: 'accept' },
        { kind: 'local', port: 1234, expect: 'accept' },
      ],
    );
  });

  it('nftables with several base chains on one hook (an accept is not final, a drop is)', () => {
    const json = must(parseNftJson(fixture('nft/multibase.json')));
    const text = must(parseNftText(fixture('nft/multibase.nft')));
    check(
      () => inNs(SERVER, 'nft', ['-f', join(FIXTURES, 'nft/multibase.nft')]),
      { merged: { nft: mergeNftRulesets(json, text) } },
      [
        { kind: 'in', port: 8080, expect: 'reject' },
        { kind: 'in', port: 8081, expect: 'drop' },
        { kind: 'in', port: 8082, expect: 'accept' },
        { kind: 'in', port: 8082, from: CLIENT_V6, expect: 'accept' },
        { kind: 'in', port: 8083, from: CLIENT_V6, expect: 'drop' },
        { kind: 'in', port: 8083, expect: 'accept' },
        { kind: 'out', port: 8443, expect: 'drop' },
        { kind: 'out', port: 1234, expect: 'accept' },
      ],
    );
  });

  it('ufw (its recorded iptables rules loaded; judged from iptables-save and from `ufw status verbose`)', () => {
    const views = {
      'ufw via iptables-save': {
        iptables: must(parseIptablesSave(fixture('ufw/iptables.save'))),
        ip6tables: must(parseIptablesSave(fixture('ufw/ip6tables.save'))),
      },
      'ufw status verbose': { ufw: must(parseUfwStatus(fixture('ufw/status-verbose.txt'))) },
    };
    check(
      () => {
        inNs(SERVER, 'iptables-restore', [], fixture('ufw/iptables.save'));
        inNs(SERVER, 'ip6tables-restore', [], fixture('ufw/ip6tables.save'));
      },
      views,
      [
        { kind: 'in', port: 22, expect: 'accept' },
        { kind: 'in', port: 22, from: '203.0.113.9', expect: 'accept' }, // the allow comes before the deny
        { kind: 'in', port: 1234, from: '203.0.113.9', expect: 'drop' },
        { kind: 'in', port: 8080, expect: 'drop' },
        { kind: 'in', port: 3000, expect: 'reject' },
        { kind: 'in', port: 3000, from: '192.168.5.9', expect: 'drop' },
        { kind: 'in', port: 5432, from: '10.1.2.3', expect: 'accept' },
        { kind: 'in', port: 5432, expect: 'drop' },
        { kind: 'in', port: 2222, expect: 'accept', uncertain: true }, // LIMIT: the first connection passes
        { kind: 'in', port: 443, expect: 'accept' }, // "Nginx Full"
        { kind: 'in', port: 8050, expect: 'accept' },
        { kind: 'in', port: 4000, from: '192.168.7.9', to: '10.0.0.5', expect: 'accept' },
        { kind: 'in', port: 4000, from: '192.168.7.9', expect: 'drop' },
        { kind: 'in', port: 4001, expect: 'accept' },
        { kind: 'in', port: 1234, expect: 'drop' },
        { kind: 'in', port: 6379, from: 'fd00::5', expect: 'accept' },
        { kind: 'in', port: 8080, from: CLIENT_V6, expect: 'drop' },
        { kind: 'in', port: 22, from: CLIENT_V6, expect: 'accept' },
        {
          kind: 'in',
          port: 2222,
          from: CLIENT_V6,
          expect: 'drop',
          doubted: {
            views: ['ufw status verbose'],
            why: 'ufw left ufw6-user-limit-accept empty; status still says LIMIT',
          },
        },
        { kind: 'out', port: 25, expect: 'drop' },
        { kind: 'out', port: 5432, to: '10.9.0.1', expect: 'accept' },
        { kind: 'local', port: 1234, expect: 'accept' },
      ],
    );
  });

  it('ufw with default reject incoming and deny outgoing', () => {
    const views = {
      'ufw via iptables-save': { iptables: must(parseIptablesSave(fixture('ufw/iptables-strict.save'))) },
      'ufw status verbose': { ufw: must(parseUfwStatus(fixture('ufw/status-verbose-strict.txt'))) },
    };
    check(() => inNs(SERVER, 'iptables-restore', [], fixture('ufw/iptables-strict.save')), views, [
      { kind: 'in', port: 22, expect: 'accept' },
      { kind: 'in', port: 1234, expect: 'reject' },
      { kind: 'in', port: 8080, expect: 'drop' },
      { kind: 'out', port: 1234, expect: 'drop' },
      { kind: 'out', port: 5432, to: '10.9.0.1', expect: 'accept' },
      { kind: 'local', port: 1234, expect: 'accept' },
    ]);
  });

  it('firewalld (the nft rules firewalld installed, loaded; judged from firewall-cmd --list-all-zones and from nft)', () => {
    const json = must(parseNftJson(fixture('nft/firewalld.json')));
    const text = must(parseNftText(fixture('nft/firewalld.nft')));
    const views = {
      'firewall-cmd': {
        firewalld: must(
          parseFirewalldListAll(
            fixture('firewalld/list-all-zones.txt'),
            fixture('firewalld/default-zone.txt'),
          ),
        ),
      },
      'nft -j + nft -a': { nft: mergeNftRulesets(json, text) },
    };
    check(() => inNs(SERVER, 'nft', ['-f', join(FIXTURES, 'nft/firewalld.nft')]), views, [
      { kind: 'in', port: 22, expect: 'accept' },
      { kind: 'in', port: 443, expect: 'accept' },
      { kind: 'in', port: 5432, expect: 'accept' },
      { kind: 'in', port: 9050, expect: 'accept' },
      { kind: 'in', port: 8080, expect: 'accept' },
      { kind: 'in', port: 8080, from: '192.168.5.9', expect: 'reject' }, // deny rich rules before allow
      { kind: 'in', port: 1234, expect: 'reject' },
      { kind: 'in', port: 6379, from: '10.1.2.3', expect: 'accept' },
      { kind: 'in', port: 6379, from: '192.168.5.9', expect: 'reject' },
      { kind: 'in', port: 4000, from: '10.2.0.9', expect: 'reject' },
      { kind: 'in', port: 22, from: '10.9.0.5', expect: 'drop' }, // priority -10 before the ssh service
      { kind: 'in', port: 443, from: '203.0.113.5', expect: 'drop' },
      { kind: 'in', port: 22, from: '198.51.100.7', expect: 'drop' }, // zone drop (source)
      { kind: 'in', port: 1234, from: '10.7.0.9', expect: 'accept' }, // zone trusted
      { kind: 'in', port: 4444, from: '172.16.0.9', expect: 'accept' }, // zone internal's port
      { kind: 'in', port: 22, from: '172.16.0.9', expect: 'accept' }, // zone internal's ssh service
      { kind: 'in', port: 1234, from: '172.16.0.9', expect: 'reject' }, // zone internal's %%REJECT%%
      { kind: 'in', port: 3000, from: 'fd00::5', expect: 'accept' },
      { kind: 'in', port: 3000, from: '2001:db8::5', expect: 'reject' },
      { kind: 'out', port: 1234, expect: 'accept' },
      { kind: 'local', port: 1234, expect: 'accept' },
    ]);
  });
});

/** ufw writes a prepended rule first in its user chain (as `iptables -I` would); here without ufw installed. */
function asKernelCommand(command: string): string | undefined {
  if (/^(ip6?tables|nft) /.test(command)) return command;
  const into = /^ufw prepend allow proto tcp from (\S+) to any port (\d+)$/.exec(command);
  if (into) return `iptables -I ufw-user-input -s ${into[1]} -p tcp -m tcp --dport ${into[2]} -j ACCEPT`;
  const out = /^ufw prepend allow out proto tcp to (\S+) port (\d+)$/.exec(command);
  return out
    ? `iptables -I ufw-user-output -d ${out[1]} -p tcp -m tcp --dport ${out[2]} -j ACCEPT`
    : undefined;
}

describe('the fixes offered for blocked packets let them through the kernel', () => {
  /** For each blocked case: load the ruleset, run the offered commands in the server, connect for real. */
  function fixed(apply: () => void, view: FirewallRulesets, cases: Omit<Case, 'expect'>[]): void {
    const failures: string[] = [];
    for (const c of cases) {
      resetServer();
      apply();
      const packet = packetsFor({ ...c, expect: 'accept' })[0]!;
      const offered = allowCommands(view, packet);
      if (!offered.ok) {
        failures.push(`${label({ ...c, expect: 'accept' })}: no fix offered (${offered.error})`);
        continue;
      }
      for (const line of offered.value) {
        const command = asKernelCommand(line);
        if (command === undefined) continue; // "then persist it…", firewall-cmd --reload
        const [program, ...args] = command.split(' ');
        inNs(SERVER, program!, args);
      }
      const outcome = runCases([{ ...c, expect: 'accept' }])[0]!;
      if (observed(outcome) !== 'accept')
        failures.push(
          `${label({ ...c, expect: 'accept' })}: after ${JSON.stringify(offered.value)} the kernel says ${outcome}`,
        );
    }
    expect(failures).toEqual([]);
  }

  it('iptables and ip6tables: INPUT (filter, mangle, raw) and OUTPUT', () => {
    fixed(
      () => {
        inNs(SERVER, 'iptables-restore', [], fixture('iptables/basic.save'));
        inNs(SERVER, 'ip6tables-restore', [], fixture('iptables/basic6.save'));
      },
      {
        iptables: must(parseIptablesSave(fixture('iptables/basic.save'))),
        ip6tables: must(parseIptablesSave(fixture('iptables/basic6.save'))),
      },
      [
        { kind: 'in', port: 3306 },
        { kind: 'in', port: 8443 },
        { kind: 'in', port: 22, from: '198.51.100.7' },
        { kind: 'in', port: 6005 },
        { kind: 'in', port: 8080, from: CLIENT_V6 },
        { kind: 'out', port: 25 },
        { kind: 'out', port: 5432, to: '10.9.0.1' },
      ],
    );
  });

  it('nftables: input and output chains, one table and several', () => {
    for (const name of ['basic', 'multibase']) {
      fixed(
        () => inNs(SERVER, 'nft', ['-f', join(FIXTURES, `nft/${name}.nft`)]),
        {
          nft: mergeNftRulesets(
            must(parseNftJson(fixture(`nft/${name}.json`))),
            must(parseNftText(fixture(`nft/${name}.nft`))),
          ),
        },
        name === 'basic'
          ? [
              { kind: 'in', port: 9090 },
              { kind: 'in', port: 6379 },
              { kind: 'in', port: 5432, from: '2001:db8::5' },
              { kind: 'out', port: 25 },
              { kind: 'out', port: 5432, to: '10.9.0.1' },
            ]
          : [
              { kind: 'in', port: 8080 },
              { kind: 'in', port: 8081 },
              { kind: 'in', port: 8083, from: CLIENT_V6 },
              { kind: 'out', port: 8443 },
            ],
      );
    }
  });

  it('ufw (its iptables rules loaded; the prepended rule put where ufw puts it): incoming and outgoing', () => {
    fixed(
      () => inNs(SERVER, 'iptables-restore', [], fixture('ufw/iptables-strict.save')),
      { iptables: must(parseIptablesSave(fixture('ufw/iptables-strict.save'))) },
      [
        { kind: 'in', port: 1234 },
        { kind: 'in', port: 8080 },
        { kind: 'out', port: 1234 },
      ],
    );
  });
});
