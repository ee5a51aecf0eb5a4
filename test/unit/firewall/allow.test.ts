// Every firewall fix is proven: for each firewall (iptables, ip6tables, nftables, ufw from its status or from
// iptables-save, firewalld), each direction (the nginx host's OUTPUT to the upstream, the upstream host's INPUT
// from nginx) and the recorded rules that stop the packet, the commands allowCommands offers are written into
// the recorded text where the command would put them (an iptables -I or nft insert at the top of its chain,
// ufw's prepend as the first rule, a rich rule in the zone), the text is read again by the same readers, and the
// same packet must then be accepted. This checks the commands we print, not the rule allow.ts built for itself.
import { describe, expect, it } from 'vitest';
import { allowCommands } from '../../../src/firewall/allow.js';
import { evaluate } from '../../../src/firewall/evaluate.js';
import { parseIptablesSave } from '../../../src/firewall/readers/iptables.js';
import { parseNftText } from '../../../src/firewall/readers/nft.js';
import { parseUfwStatus } from '../../../src/firewall/readers/ufw.js';
import { parseFirewalldListAll } from '../../../src/firewall/readers/firewalld.js';
import type { FirewallRulesets, Packet } from '../../../src/firewall/types.js';
import { fixture, inbound, must, outbound } from './fixtures.js';

const NGINX = '10.200.0.2';
const UPSTREAM = '10.200.0.1';

/** A recorded ruleset as text, how it is read, and how an offered command changes that text. */
interface Kind {
  name: string;
  text: string;
  read(text: string): FirewallRulesets;
  apply(text: string, command: string): string;
}

/** Lines of `text` with `line` inserted before the first line matching `before` after the line matching `after`. */
function insertAt(text: string, line: string, after: RegExp, before: RegExp): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => after.test(l));
  if (start < 0) throw new Error(`no line matches ${after}`);
  const offset = lines.slice(start + 1).findIndex((l) => before.test(l));
  if (offset < 0) throw new Error(`no line matches ${before} after ${after}`);
  lines.splice(start + 1 + offset, 0, line);
  return lines.join('\n');
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `iptables [-t T] -I CHAIN MATCH`: first in CHAIN of table T (before its first rule, else before COMMIT). */
function applyIptables(text: string, command: string): string {
  const m = /^ip6?tables (?:-t (\S+) )?-I (\S+) (.*)$/.exec(command);
  if (!m) return text;
  const [, table = 'filter', chain, rest] = m;
  const first = new RegExp(`^(-A ${escape(chain!)} |COMMIT$)`);
  return insertAt(text, `-A ${chain} ${rest}`, new RegExp(`^\\*${table}$`), first);
}

/** `nft insert rule FAMILY TABLE CHAIN RULE`: the chain's first rule, after its `type … hook …` line. */
function applyNft(text: string, command: string): string {
  const m = /^nft insert rule (\S+) (\S+) (\S+) (.*)$/.exec(command);
  if (!m) return text;
  const [, family, table, chain, rule] = m;
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.trim().startsWith(`table ${family} ${table} {`));
  const inTable = lines.slice(at);
  const chainAt = inTable.findIndex((l) => l.trim().startsWith(`chain ${chain} {`));
  lines.splice(at + chainAt + 2, 0, `\t\t${rule}`);
  return lines.join('\n');
}

/** ufw as `ufw status` lists a prepended rule: the first row under the header. */
function ufwRow(command: string): string | undefined {
  const into = /^ufw prepend allow proto tcp from (\S+) to any port (\d+)$/.exec(command);
  if (into) return `${into[2]}/tcp                   ALLOW IN    ${into[1]}`;
  const out = /^ufw prepend allow out proto tcp to (\S+) port (\d+)$/.exec(command);
  return out ? `${out[1]} ${out[2]}/tcp       ALLOW OUT   Anywhere` : undefined;
}

/** ufw as iptables-save shows a prepended rule: first in ufw-user-input / ufw-user-output. */
function ufwChainRule(command: string): string | undefined {
  const into = /^ufw prepend allow proto tcp from (\S+) to any port (\d+)$/.exec(command);
  if (into) return `-A ufw-user-input -s ${into[1]}/32 -p tcp -m tcp --dport ${into[2]} -j ACCEPT`;
  const out = /^ufw prepend allow out proto tcp to (\S+) port (\d+)$/.exec(command);
  return out ? `-A ufw-user-output -d ${out[1]}/32 -p tcp -m tcp --dport ${out[2]} -j ACCEPT` : undefined;
}

const KINDS: Record<string, Kind> = {
  iptables: {
    name: 'iptables',
    text: fixture('iptables/basic.save'),
    read: (t) => ({ iptables: must(parseIptablesSave(t, 4)) }),
    apply: applyIptables,
  },
  ip6tables: {
    name: 'ip6tables',
    text: fixture('iptables/basic6.save'),
    read: (t) => ({ ip6tables: must(parseIptablesSave(t, 6)) }),
    apply: applyIptables,
  },
  nft: {
    name: 'nftables',
    text: fixture('nft/basic.nft'),
    read: (t) => ({ nft: must(parseNftText(t)) }),
    apply: applyNft,
  },
  nftMultibase: {
    name: 'nftables, several tables',
    text: fixture('nft/multibase.nft'),
    read: (t) => ({ nft: must(parseNftText(t)) }),
    apply: applyNft,
  },
  ufwStatus: {
    name: 'ufw status',
    text: fixture('ufw/status-verbose-strict.txt'),
    read: (t) => ({ ufw: must(parseUfwStatus(t)) }),
    apply: (text, command) => {
      const row = ufwRow(command);
      return row ? insertAt(text, row, /^--/, /./) : text;
    },
  },
  ufwIptables: {
    name: 'ufw in iptables-save',
    text: fixture('ufw/iptables-strict.save'),
    read: (t) => ({ iptables: must(parseIptablesSave(t, 4)) }),
    apply: (text, command) => {
      const rule = ufwChainRule(command);
      const chain = rule?.split(' ')[1];
      return rule ? insertAt(text, rule, /^\*filter$/, new RegExp(`^-A ${chain} `)) : text;
    },
  },
  firewalld: {
    name: 'firewalld',
    text: fixture('firewalld/list-all-public.txt'),
    read: (t) => ({ firewalld: must(parseFirewalldListAll(t, 'public')) }),
    apply: (text, command) => {
      const rich = /--add-rich-rule='(.*)'$/.exec(command)?.[1];
      return rich ? insertAt(text, `\t${rich}`, /^\s*rich rules:/, /./) : text;
    },
  },
};

/** The commands offered for `packet`, applied to the recorded text and read again: the packet must pass. */
function expectProven(kind: Kind, packet: Packet): string[] {
  const rulesets = kind.read(kind.text);
  expect(evaluate(rulesets, packet).verdict, 'the recorded rules stop the packet').not.toBe('accept');
  const offered = allowCommands(rulesets, packet);
  if (!offered.ok) throw new Error(`no command offered: ${offered.error}`);
  const text = offered.value.reduce((t, command) => kind.apply(t, command), kind.text);
  expect(text, 'the commands change the rules').not.toBe(kind.text);
  expect(evaluate(kind.read(text), packet)).toMatchObject({ verdict: 'accept' });
  return offered.value;
}

/** The upstream host's INPUT, from nginx; the nginx host's OUTPUT, to the upstream. */
const upstreamHost = (port: number, src = NGINX) => inbound(src, UPSTREAM, port);
const nginxHost = (dst: string, port: number) => outbound(NGINX, dst, port);

describe('allowCommands: proven for every firewall, direction and host', () => {
  it.each([
    [
      'iptables',
      'a REJECT rule',
      upstreamHost(3306),
      /^iptables -I INPUT -s 10\.200\.0\.2 .*--dport 3306 -j ACCEPT$/,
    ],
    ['iptables', 'the INPUT policy', upstreamHost(1234), /^iptables -I INPUT -s 10\.200\.0\.2 /],
    ['ip6tables', 'a REJECT rule', inbound('fd20::2', 'fd20::1', 8080), /^ip6tables -I INPUT -s fd20::2 /],
    [
      'nft',
      'a reject rule',
      upstreamHost(9090),
      /^nft insert rule inet filter input ip saddr 10\.200\.0\.2 tcp dport 9090 accept$/,
    ],
    ['nft', 'the input policy', upstreamHost(1234), /^nft insert rule inet filter input ip saddr /],
    ['nftMultibase', 'a later table', upstreamHost(8080), /^nft insert rule ip late input ip saddr /],
    [
      'ufwStatus',
      'a DENY rule',
      upstreamHost(8080),
      /^ufw prepend allow proto tcp from 10\.200\.0\.2 to any port 8080$/,
    ],
    ['ufwStatus', 'the incoming policy', upstreamHost(1234), /^ufw prepend allow proto tcp from /],
    [
      'ufwIptables',
      'a DROP rule',
      upstreamHost(8080),
      /^ufw prepend allow proto tcp from 10\.200\.0\.2 to any port 8080$/,
    ],
    [
      'firewalld',
      'the zone target',
      upstreamHost(1234),
      /^firewall-cmd --permanent --zone=public --add-rich-rule='rule family="ipv4" source address="10\.200\.0\.2" port port="1234"/,
    ],
  ])('%s on the upstream host: INPUT, %s', (kind, _what, packet, command) => {
    const commands = expectProven(KINDS[kind]!, packet);
    expect(commands[0]).toMatch(command);
  });

  it.each([
    [
      'iptables',
      'a DROP rule',
      nginxHost('10.9.1.5', 5432),
      /^iptables -I OUTPUT -d 10\.9\.1\.5 .*--dport 5432 -j ACCEPT$/,
    ],
    [
      'iptables',
      'a REJECT rule on eth0',
      nginxHost('192.0.2.25', 25),
      /^iptables -I OUTPUT -d 192\.0\.2\.25 /,
    ],
    [
      'nft',
      'a reject rule',
      nginxHost('10.9.1.5', 5432),
      /^nft insert rule inet filter output ip daddr 10\.9\.1\.5 tcp dport 5432 accept$/,
    ],
    [
      'nft',
      'a drop rule',
      nginxHost('192.0.2.25', 25),
      /^nft insert rule inet filter output ip daddr 192\.0\.2\.25 /,
    ],
    [
      'nftMultibase',
      'a later table',
      nginxHost('10.9.1.5', 8443),
      /^nft insert rule ip late output ip daddr 10\.9\.1\.5 /,
    ],
    [
      'ufwStatus',
      'the outgoing policy',
      nginxHost('10.9.1.5', 8080),
      /^ufw prepend allow out proto tcp to 10\.9\.1\.5 port 8080$/,
    ],
    [
      'ufwStatus',
      'a DENY OUT rule',
      nginxHost('192.0.2.25', 25),
      /^ufw prepend allow out proto tcp to 192\.0\.2\.25 port 25$/,
    ],
    [
      'ufwIptables',
      'a DROP rule',
      nginxHost('192.0.2.25', 25),
      /^ufw prepend allow out proto tcp to 192\.0\.2\.25 port 25$/,
    ],
    [
      'ufwIptables',
      'the OUTPUT policy',
      nginxHost('10.9.1.5', 8080),
      /^ufw prepend allow out proto tcp to 10\.9\.1\.5 port 8080$/,
    ],
  ])('%s on the nginx host: OUTPUT, %s — the rule names the destination', (kind, _what, packet, command) => {
    const commands = expectProven(KINDS[kind]!, packet);
    expect(commands[0]).toMatch(command);
  });

  it('gives every firewall that stops the packet its own rule (iptables mangle, then filter)', () => {
    const commands = expectProven(KINDS.iptables!, upstreamHost(8443));
    expect(commands.slice(0, 2)).toEqual([
      'iptables -t mangle -I INPUT -s 10.200.0.2 -p tcp -m tcp --dport 8443 -j ACCEPT',
      'iptables -I INPUT -s 10.200.0.2 -p tcp -m tcp --dport 8443 -j ACCEPT',
    ]);
    expect(commands.at(-1)).toMatch(/^then persist it/);
    expect(expectProven(KINDS.iptables!, upstreamHost(80, '198.51.100.7'))[0]).toBe(
      'iptables -t raw -I PREROUTING -s 198.51.100.7 -p tcp -m tcp --dport 80 -j ACCEPT',
    );
  });

  it('passes a firewalld deny rich rule with one that sorts before it', () => {
    const at0 = expectProven(KINDS.firewalld!, upstreamHost(8080, '192.168.5.9'));
    expect(at0[0]).toContain(
      `rule priority="-1" family="ipv4" source address="192.168.5.9" port port="8080"`,
    );
    expect(at0.at(-1)).toBe('firewall-cmd --reload');
    const atMinus10 = expectProven(KINDS.firewalld!, upstreamHost(22, '10.9.3.4'));
    expect(atMinus10[0]).toContain('rule priority="-11" family="ipv4"');
  });

  it('firewalld filters only incoming traffic: an output packet needs no firewalld rule', () => {
    const rulesets = KINDS.firewalld!.read(KINDS.firewalld!.text);
    expect(allowCommands(rulesets, nginxHost('10.9.1.5', 8080))).toEqual({
      ok: false,
      error: 'the firewall already lets it through',
    });
  });
});

describe('allowCommands: regression — an output chain sees the destination', () => {
  it('the rule offered before (`ip saddr <upstream>` in the output chain) never matches, the daddr rule does', () => {
    const packet = nginxHost('10.9.1.5', 5432);
    const old = applyNft(
      KINDS.nft!.text,
      'nft insert rule inet filter output ip saddr 10.9.1.5 tcp dport 5432 accept',
    );
    expect(evaluate(KINDS.nft!.read(old), packet)).toMatchObject({ verdict: 'reject' });
    const offered = allowCommands(KINDS.nft!.read(KINDS.nft!.text), packet);
    expect(offered).toEqual({
      ok: true,
      value: ['nft insert rule inet filter output ip daddr 10.9.1.5 tcp dport 5432 accept'],
    });
  });
});

describe('allowCommands: offers nothing it cannot prove', () => {
  it('refuses when the chain name is not a plain word', () => {
    const text = KINDS.nft!.text.replace('table inet filter {', 'table inet fil:ter {');
    const rulesets = KINDS.nft!.read(text);
    const answer = allowCommands(rulesets, upstreamHost(9090));
    expect(answer).toMatchObject({ ok: false, error: expect.stringContaining('name we do not put') });
  });

  it('refuses when a rule ahead of where ufw puts its own drops the packet', () => {
    // ufw-before-input drops INVALID packets before any user rule: `ufw prepend` cannot pass them. The recorded
    // rules with a drop of our own put there stand in for such a rule.
    const text = insertAt(
      KINDS.ufwIptables!.text,
      `-A ufw-before-input -s ${NGINX}/32 -p tcp -m tcp --dport 8080 -j DROP`,
      /^\*filter$/,
      /^-A ufw-before-input /,
    );
    const answer = allowCommands(KINDS.ufwIptables!.read(text), upstreamHost(8080));
    expect(answer).toMatchObject({ ok: false, error: expect.stringContaining('would still meet') });
  });

  it('refuses addresses that are not IP addresses', () => {
    const rulesets = KINDS.nft!.read(KINDS.nft!.text);
    expect(allowCommands(rulesets, upstreamHost(8080, '10.0.0.1; rm -rf /')).ok).toBe(false);
  });
});
