// Recorded firewall fixtures (test/fixtures/firewall, see record.sh there) and their parsed forms.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FirewallRulesets, NftRuleset, Packet, Parsed } from '../../../src/firewall/types.js';
import { parseIptablesSave } from '../../../src/firewall/readers/iptables.js';
import { mergeNftRulesets, parseNftJson, parseNftText } from '../../../src/firewall/readers/nft.js';
import { parseUfwStatus } from '../../../src/firewall/readers/ufw.js';
import { parseFirewalldListAll } from '../../../src/firewall/readers/firewalld.js';

export const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'firewall');

export function fixture(path: string): string {
  return readFileSync(join(FIXTURES, path), 'utf8');
}

export function must<T>(parsed: Parsed<T>): T {
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

export const iptables = (path: string) => must(parseIptablesSave(fixture(path)));
export const nftJson = (name: string) => must(parseNftJson(fixture(`nft/${name}.json`)));
export const nftText = (name: string, suffix = '.nft') => must(parseNftText(fixture(`nft/${name}${suffix}`)));
export const nftMerged = (name: string): NftRuleset => mergeNftRulesets(nftJson(name), nftText(name));
export const ufwStatus = (name: string) => must(parseUfwStatus(fixture(`ufw/${name}.txt`)));
export const firewalld = (name: string, defaultZone?: string) =>
  must(parseFirewalldListAll(fixture(`firewalld/${name}.txt`), defaultZone));

/** Every recorded text file, for the never-throws properties. */
export const ALL_FIXTURES = [
  'iptables/basic.save',
  'iptables/basic.counters.save',
  'iptables/basic6.save',
  'iptables/default-accept.save',
  'ufw/iptables.save',
  'ufw/ip6tables.save',
  'ufw/iptables-strict.save',
  'ufw/status-verbose.txt',
  'ufw/status.txt',
  'ufw/status-numbered.txt',
  'ufw/status-inactive.txt',
  'nft/basic.json',
  'nft/basic.nft',
  'nft/multibase.json',
  'nft/firewalld.json',
  'nft/firewalld.nft',
  'nft/iptables-nft.json',
  'nft/iptables-nft.nft',
  'firewalld/list-all-public.txt',
  'firewalld/list-all-zones.txt',
];

/** A TCP SYN from `src` to `dst:dport` arriving on eth0. */
export function inbound(src: string, dst: string, dport: number, extra: Partial<Packet> = {}): Packet {
  return { src, dst, dport, direction: 'input', iif: 'eth0', ...extra };
}

export function outbound(src: string, dst: string, dport: number, extra: Partial<Packet> = {}): Packet {
  return { src, dst, dport, direction: 'output', oif: 'eth0', ...extra };
}

export type Views = Record<string, FirewallRulesets>;
