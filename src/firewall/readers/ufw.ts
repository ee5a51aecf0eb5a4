// `ufw status verbose` (also plain `ufw status` and `ufw status numbered`) → active flag, default policies and
// rules. ufw prints each rule's IPv4 and IPv6 copy as separate rows; rows keep their order within a direction,
// which is the order ufw's iptables chains evaluate them in.
import type { Parsed, PortRange, UfwPolicy, UfwRule, UfwStatus } from '../types.js';
import { ipFamily, parseAddressSpec } from '../address.js';
import { parsePortList } from '../ports.js';

const ROW = /^(?:\[\s*\d+\]\s+)?(.*?)\s+(ALLOW|DENY|REJECT|LIMIT)(?: (IN|OUT|FWD))?(?:\s+(.*?))?\s*$/;
const POLICIES = new Set(['allow', 'deny', 'reject', 'disabled']);

export function parseUfwStatus(text: string): Parsed<UfwStatus> {
  const warnings: string[] = [];
  const lines = text.split('\n');
  const statusLine = lines.findIndex((l) => /^Status: /.test(l.trim()));
  if (statusLine < 0) return { ok: false, error: 'no "Status:" line: not ufw status output' };
  const status: UfwStatus = { active: /^Status: active/.test(lines[statusLine]!.trim()), rules: [] };
  let inTable = false;

  lines.forEach((rawLine, index) => {
    const line = rawLine.replace(/\r$/, '');
    const trimmed = line.trim();
    if (trimmed === '' || index === statusLine) return;
    const logging = /^Logging: (.*)$/.exec(trimmed);
    if (logging) {
      status.logging = logging[1]!;
      return;
    }
    const defaults = /^Default: (\w+) \(incoming\), (\w+) \(outgoing\), (\w+) \(routed\)/.exec(trimmed);
    if (defaults) {
      const [, incoming = '', outgoing = '', routed = ''] = defaults;
      if ([incoming, outgoing, routed].every((p) => POLICIES.has(p))) {
        status.defaults = {
          incoming: incoming as UfwPolicy,
          outgoing: outgoing as UfwPolicy,
          routed: routed as UfwPolicy,
        };
      } else warnings.push(`line ${index + 1}: unknown default policy: ${trimmed}`);
      return;
    }
    if (/^New profiles: /.test(trimmed)) return;
    if (/^To\s+Action\s+From$/.test(trimmed)) {
      inTable = true;
      return;
    }
    if (/^--\s+------\s+----$/.test(trimmed)) return;
    if (!inTable) {
      warnings.push(`line ${index + 1}: not understood: ${trimmed.slice(0, 200)}`);
      return;
    }
    const rule = parseRow(line, index + 1);
    if (rule) status.rules.push(rule);
    else warnings.push(`line ${index + 1}: not a rule row: ${trimmed.slice(0, 200)}`);
  });
  return { ok: true, value: status, warnings };
}

function parseRow(line: string, lineNo: number): UfwRule | undefined {
  const m = ROW.exec(line.trim());
  if (!m) return undefined;
  const [, toText = '', actionWord = '', dirWord, fromRaw = ''] = m;
  let from = fromRaw;
  let comment: string | undefined;
  const hash = from.indexOf(' # ');
  if (hash >= 0) {
    comment = from.slice(hash + 3).trim();
    from = from.slice(0, hash);
  } else if (from.startsWith('# ')) {
    comment = from.slice(2).trim();
    from = '';
  }
  let log = false;
  // Trailing markers: "(log)", "(log-all)", and numbered output's "(out)" / "(fwd)".
  for (;;) {
    const marker = /\s*\((log|log-all|out|fwd)\)\s*$/.exec(from);
    if (!marker) break;
    if (marker[1]!.startsWith('log')) log = true;
    from = from.slice(0, marker.index);
  }
  from = from.trim();

  const to = readSide(toText);
  const src = readSide(from);
  const rule: UfwRule = {
    action: actionWord.toLowerCase() as UfwRule['action'],
    direction: dirWord === 'OUT' ? 'out' : dirWord === 'FWD' ? 'fwd' : 'in',
    v6: to.v6 || src.v6,
    to: toText,
    from,
    raw: line.trimEnd(),
    line: lineNo,
  };
  if (to.address) rule.toAddress = to.address;
  if (src.address) rule.fromAddress = src.address;
  if (to.ports) rule.toPorts = to.ports;
  if (src.ports) rule.fromPorts = src.ports;
  const protocol = to.protocol ?? src.protocol;
  if (protocol) rule.protocol = protocol;
  if (to.app ?? src.app) rule.app = (to.app ?? src.app)!;
  if (to.iface ?? src.iface) rule.iface = (to.iface ?? src.iface)!;
  if (log) rule.log = true;
  if (comment !== undefined) rule.comment = comment;
  if (to.incomplete || src.incomplete) rule.incomplete = true;
  return rule;
}

interface Side {
  v6: boolean;
  address?: string;
  ports?: PortRange[];
  protocol?: string;
  app?: string;
  iface?: string;
  incomplete?: boolean;
}

/** One of the To/From columns: "Anywhere", "10.0.0.5 4000/tcp", "80,443/tcp (Nginx Full (v6)) on eth0"… */
function readSide(text: string): Side {
  const side: Side = { v6: false };
  let t = text.trim();
  const on = / on (\S+)$/.exec(t);
  if (on) {
    side.iface = on[1]!;
    t = t.slice(0, on.index).trim();
  }
  if (/\(v6\)/.test(t)) side.v6 = true;
  t = t
    .replace(/\s*\(v6\)\s*\)/, ')')
    .replace(/\s*\(v6\)/g, '')
    .trim();
  // Verbose output names the application profile after its ports: "80,443/tcp (Nginx Full)".
  const app = /^(.*?)\s*\((.+)\)$/.exec(t);
  if (app && app[1] !== '') {
    side.app = app[2]!;
    t = app[1]!;
  }
  const words = t.split(/\s+/).filter((w) => w !== '');
  for (const w of words) {
    if (w === 'Anywhere') continue;
    const slash = w.lastIndexOf('/');
    const proto = slash > 0 && /^[a-z]+\d*$/.test(w.slice(slash + 1)) ? w.slice(slash + 1) : undefined;
    const body = proto ? w.slice(0, slash) : w;
    if (proto) side.protocol = proto;
    if (body === 'Anywhere') continue;
    if (/^[\d,:]+$/.test(body)) {
      const ports = parsePortList(body);
      if (ports) side.ports = ports;
      else side.incomplete = true;
      continue;
    }
    if (parseAddressSpec(body)) {
      side.address = body;
      if (ipFamily(body.split('/')[0]!) === 6) side.v6 = true;
      continue;
    }
    // Anything else is an application profile printed without its ports (plain `ufw status`): "Nginx Full".
    side.app = words.join(' ');
    side.incomplete = true;
    delete side.ports;
    delete side.address;
    delete side.protocol;
    break;
  }
  return side;
}
