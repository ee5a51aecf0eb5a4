// Port numbers and ranges as the firewalls print them: "22", "8000:8100" (iptables, ufw), "8000-8100" (nft,
// firewalld), and the few service names older nft versions print instead of numbers.
import type { PortRange } from './types.js';
import { lookup } from '../text/lookup.js';

// /etc/services names that nft < 0.9.1 printed for well-known ports; anything else stays unknown.
const SERVICE_PORTS: Record<string, number> = {
  ftp: 21,
  ssh: 22,
  telnet: 23,
  smtp: 25,
  domain: 53,
  http: 80,
  pop3: 110,
  imap2: 143,
  imap: 143,
  https: 443,
  submission: 587,
  imaps: 993,
  pop3s: 995,
  mysql: 3306,
  postgresql: 5432,
  'http-alt': 8080,
  webcache: 8080,
};

function port(text: string): number | undefined {
  const t = text.trim();
  if (/^\d{1,5}$/.test(t)) {
    const n = Number(t);
    return n <= 65535 ? n : undefined;
  }
  return lookup(SERVICE_PORTS, t.toLowerCase());
}

/** "22", "8000:8100", "8000-8100", "ssh" → range; undefined when unreadable. An open end ("1024:") runs to 65535. */
export function parsePortRange(text: string): PortRange | undefined {
  const t = text.trim();
  const sep = t.includes(':') ? ':' : t.includes('-') ? '-' : undefined;
  if (!sep) {
    const p = port(t);
    return p === undefined ? undefined : { from: p, to: p };
  }
  const [a = '', b = ''] = t.split(sep, 2);
  const from = a === '' ? 0 : port(a);
  const to = b === '' ? 65535 : port(b);
  if (from === undefined || to === undefined || from > to) return undefined;
  return { from, to };
}

/** "80,443,8000:8100" → ranges; undefined when any item is unreadable. */
export function parsePortList(text: string, separator = ','): PortRange[] | undefined {
  const ranges: PortRange[] = [];
  for (const item of text.split(separator)) {
    if (item.trim() === '') continue;
    const range = parsePortRange(item);
    if (!range) return undefined;
    ranges.push(range);
  }
  return ranges.length > 0 ? ranges : undefined;
}

export function portInRanges(p: number, ranges: PortRange[]): boolean {
  return ranges.some((r) => p >= r.from && p <= r.to);
}
