// `firewall-cmd --list-all` (one zone), `--list-all-zones` (every zone) and `firewall-offline-cmd --list-all`
// (same format, read from the XML config) → zones with target, interfaces, sources, services, ports and rich
// rules. `firewall-cmd` prints "FirewallD is not running" when the daemon is down: that is a state, not an error.
import type {
  FirewalldPort,
  FirewalldRichRule,
  FirewalldState,
  FirewalldZone,
  Parsed,
} from '../types.js';
import { parsePortRange, parsePortList } from '../ports.js';
import { splitWords } from '../words.js';

export function parseFirewalldListAll(text: string, defaultZone?: string): Parsed<FirewalldState> {
  const warnings: string[] = [];
  const state: FirewalldState = { running: true, zones: [] };
  if (defaultZone !== undefined && defaultZone.trim() !== '') state.defaultZone = defaultZone.trim();
  if (/FirewallD is not running/i.test(text) && !/^\S+.*\n\s+target:/m.test(text)) {
    return { ok: true, value: { ...state, running: false }, warnings };
  }
  let zone: FirewalldZone | undefined;
  let key: string | undefined;
  const lines = text.split('\n');

  lines.forEach((rawLine, index) => {
    const line = rawLine.replace(/\r$/, '');
    if (line.trim() === '') {
      key = undefined;
      return;
    }
    // Zone header: the zone name at column 0, "(active)" / "(default, active)" after it.
    const header = /^(\S+)(?:\s+\(([^)]*)\))?\s*$/.exec(line);
    if (header && !line.startsWith(' ') && !line.startsWith('\t')) {
      const marks = (header[2] ?? '').split(',').map((s) => s.trim());
      zone = {
        name: header[1]!,
        active: marks.includes('active'),
        isDefault: marks.includes('default'),
        target: 'default',
        interfaces: [],
        sources: [],
        services: [],
        ports: [],
        protocols: [],
        sourcePorts: [],
        richRules: [],
        icmpBlockInversion: false,
        raw: line,
      };
      state.zones.push(zone);
      key = undefined;
      return;
    }
    if (!zone) {
      warnings.push(`line ${index + 1}: outside a zone: ${line.slice(0, 200)}`);
      return;
    }
    zone.raw += `\n${line}`;
    const kv = /^ {2}([a-z0-9-]+(?: [a-z]+)?):\s?(.*)$/.exec(line);
    if (kv) {
      key = kv[1]!;
      applyValue(zone, key, kv[2]!.trim(), warnings, index + 1);
      return;
    }
    // Continuation lines (tab-indented) belong to the last key: rich rules, forward-ports.
    if (/^\s/.test(line) && key) {
      applyValue(zone, key, line.trim(), warnings, index + 1);
      return;
    }
    warnings.push(`line ${index + 1}: not understood: ${line.slice(0, 200)}`);
  });

  if (state.zones.length === 0 && text.trim() !== '')
    return { ok: false, error: 'no zone found: not firewall-cmd --list-all output' };
  if (state.defaultZone === undefined) {
    const marked = state.zones.find((z) => z.isDefault);
    if (marked) state.defaultZone = marked.name;
  }
  return { ok: true, value: state, warnings };
}

function words(value: string): string[] {
  return value.split(/\s+/).filter((w) => w !== '');
}

function ports(value: string, warnings: string[], lineNo: number): FirewalldPort[] {
  const out: FirewalldPort[] = [];
  for (const w of words(value)) {
    const m = /^([\d-]+)\/([a-z]+)$/.exec(w);
    const range = m ? parsePortRange(m[1]!) : undefined;
    if (m && range) out.push({ ports: range, protocol: m[2]!, raw: w });
    else warnings.push(`line ${lineNo}: unreadable port ${w}`);
  }
  return out;
}

function applyValue(
  zone: FirewalldZone,
  key: string,
  value: string,
  warnings: string[],
  lineNo: number,
): void {
  switch (key) {
    case 'target':
      zone.target = value;
      return;
    case 'icmp-block-inversion':
      zone.icmpBlockInversion = value === 'yes';
      return;
    case 'interfaces':
      zone.interfaces.push(...words(value));
      return;
    case 'sources':
      zone.sources.push(...words(value));
      return;
    case 'services':
      zone.services.push(...words(value));
      return;
    case 'ports':
      zone.ports.push(...ports(value, warnings, lineNo));
      return;
    case 'source-ports':
      zone.sourcePorts.push(...ports(value, warnings, lineNo));
      return;
    case 'protocols':
      zone.protocols.push(...words(value));
      return;
    case 'rich rules':
      if (value !== '') zone.richRules.push(parseRichRule(value));
      return;
    default:
      // forward, masquerade, forward-ports, icmp-blocks, summary, description: no effect on a TCP SYN's verdict.
      return;
  }
}

/** `rule family="ipv4" source address="10.0.0.0/8" port port="6379" protocol="tcp" accept` → parts. */
export function parseRichRule(text: string): FirewalldRichRule {
  const rule: FirewalldRichRule = { priority: 0, log: false, raw: text };
  const { words: ws, complete } = splitWords(text);
  const tokens = ws.map((w) => w.value);
  const unreadable: string[] = [];
  if (!complete) unreadable.push('unbalanced quotes');
  /** key=value attributes following an element keyword. */
  const attrs = (from: number): { values: Record<string, string>; next: number; invert: boolean } => {
    const values: Record<string, string> = {};
    let i = from;
    let invert = false;
    while (i < tokens.length) {
      const t = tokens[i]!;
      if (t === 'NOT' || t === 'not') {
        invert = true;
        i++;
        continue;
      }
      const eq = t.indexOf('=');
      if (eq <= 0) break;
      values[t.slice(0, eq)] = t.slice(eq + 1);
      i++;
    }
    return { values, next: i, invert };
  };

  let i = 0;
  if (tokens[0] === 'rule') i = 1;
  const head = attrs(i);
  i = head.next;
  if (head.values['family'] === 'ipv4' || head.values['family'] === 'ipv6')
    rule.family = head.values['family'];
  if (head.values['priority'] !== undefined) {
    const p = Number(head.values['priority']);
    if (Number.isInteger(p)) rule.priority = p;
    else unreadable.push(`priority ${head.values['priority']}`);
  }

  while (i < tokens.length) {
    const keyword = tokens[i]!;
    const a = attrs(i + 1);
    i = a.next;
    switch (keyword) {
      case 'source': {
        const source: NonNullable<FirewalldRichRule['source']> = { invert: a.invert };
        if (a.values['address'] !== undefined) source.address = a.values['address'];
        if (a.values['ipset'] !== undefined) source.ipset = a.values['ipset'];
        if (a.values['mac'] !== undefined) source.mac = a.values['mac'];
        rule.source = source;
        break;
      }
      case 'destination': {
        const destination: NonNullable<FirewalldRichRule['destination']> = { invert: a.invert };
        if (a.values['address'] !== undefined) destination.address = a.values['address'];
        if (a.values['ipset'] !== undefined) destination.ipset = a.values['ipset'];
        rule.destination = destination;
        break;
      }
      case 'port':
      case 'source-port': {
        const range = parsePortList(a.values['port'] ?? '', ',');
        if (range) rule.element = { kind: keyword, ports: range, protocol: a.values['protocol'] ?? '' };
        else {
          rule.element = { kind: 'other', text: `${keyword} port="${a.values['port'] ?? ''}"` };
          unreadable.push(`${keyword} ${a.values['port'] ?? ''}`);
        }
        break;
      }
      case 'service':
        rule.element = { kind: 'service', name: a.values['name'] ?? '' };
        break;
      case 'protocol':
        rule.element = { kind: 'protocol', value: a.values['value'] ?? '' };
        break;
      case 'icmp-block':
      case 'icmp-type':
      case 'masquerade':
      case 'forward-port':
        rule.element = { kind: 'other', text: keyword };
        break;
      case 'log':
      case 'nflog':
      case 'audit':
        rule.log = true;
        break;
      case 'limit':
        if (rule.action) rule.action.limit = a.values['value'] ?? '';
        break;
      case 'accept':
      case 'drop':
      case 'reject':
      case 'mark': {
        const action: NonNullable<FirewalldRichRule['action']> = { kind: keyword };
        if (keyword === 'reject' && a.values['type'] !== undefined) action.rejectType = a.values['type'];
        rule.action = action;
        break;
      }
      default:
        unreadable.push(keyword);
        break;
    }
  }
  if (unreadable.length > 0) rule.unreadable = unreadable.join(', ');
  return rule;
}
