// One nft rule as `nft list ruleset` prints it ("ip saddr 10.0.0.0/8 tcp dport { 80, 443 } counter accept")
// → conditions and a verdict. Statements we do not know become `unknown` conditions naming the words, so an
// evaluation that depends on them is reported as uncertain rather than guessed.
import type { Condition, NftSet, RuleAction } from '../types.js';
import { familyConditions, portRanges, TRANSPORTS, xtTargetAction } from './conditions.js';
import { splitWords } from '../words.js';

export interface ParsedStatements {
  conditions: Condition[];
  action: RuleAction;
  comment?: string;
  counters?: { packets: number; bytes: number };
  complete: boolean;
}

const OPERATORS = new Set(['==', '!=', '<', '>', '<=', '>=']);
const META_KEYS = new Set([
  'iif',
  'iifname',
  'oif',
  'oifname',
  'l4proto',
  'nfproto',
  'protocol',
  'mark',
  'skuid',
  'skgid',
  'iiftype',
  'oiftype',
  'iifgroup',
  'oifgroup',
  'pkttype',
  'cpu',
  'cgroup',
  'length',
  'priority',
  'nftrace',
  'rtclassid',
  'secmark',
  'random',
  'ipsec',
  'time',
  'day',
  'hour',
]);
/** Words that end a concatenation whose value we did not find (a verdict, or a counter/log before one). */
const CONCAT_ENDS = new Set([
  'accept',
  'drop',
  'reject',
  'return',
  'jump',
  'goto',
  'continue',
  'counter',
  'log',
]);
const STATEMENT_STARTS = new Set([
  ...META_KEYS,
  ...TRANSPORTS,
  'accept',
  'drop',
  'reject',
  'return',
  'jump',
  'goto',
  'continue',
  'queue',
  'counter',
  'log',
  'limit',
  'quota',
  'comment',
  'ct',
  'meta',
  'ip',
  'ip6',
  'icmp',
  'icmpv6',
  'fib',
  'xt',
  'notrack',
  'flow',
  'dnat',
  'snat',
  'masquerade',
  'redirect',
  'tproxy',
  'dup',
  'fwd',
  'ether',
  'vlan',
  'arp',
  'socket',
  'osf',
  'rt',
  'ipsec',
  'synproxy',
  'numgen',
  'jhash',
]);

/** Splits braces and strips set-element commas, so `{ 80, 443 }` and `{80,443}` read alike. */
function tokens(text: string): { words: string[]; complete: boolean } {
  const { words, complete } = splitWords(text);
  const out: string[] = [];
  let depth = 0;
  for (const w of words) {
    if (w.quoted) {
      out.push(depth > 0 ? w.value : JSON.stringify(w.value));
      continue;
    }
    let v = w.value;
    while (v.startsWith('{')) {
      out.push('{');
      depth++;
      v = v.slice(1);
    }
    let closing = 0;
    while (v.endsWith('}')) {
      closing++;
      v = v.slice(0, -1);
    }
    if (depth > 0) {
      for (const part of v.split(',')) if (part !== '') out.push(part);
    } else if (v !== '') out.push(v);
    for (let k = 0; k < closing; k++) {
      out.push('}');
      depth = Math.max(0, depth - 1);
    }
  }
  return { words: out, complete };
}

/** A quoted word outside a set is kept JSON-quoted by `tokens`; this gives back its value. */
function unquote(word: string): string {
  if (word.startsWith('"') && word.endsWith('"') && word.length >= 2) {
    try {
      const v: unknown = JSON.parse(word);
      return typeof v === 'string' ? v : word;
    } catch {
      return word.slice(1, -1);
    }
  }
  return word;
}

interface Value {
  op: string;
  elements: string[];
  setRef?: string;
  text: string;
}

export function parseNftStatements(text: string, sets: NftSet[]): ParsedStatements {
  const { words, complete } = tokens(text);
  const conditions: Condition[] = [];
  let action: RuleAction = { kind: 'continue' };
  let comment: string | undefined;
  let counters: { packets: number; bytes: number } | undefined;
  let i = 0;

  const at = (k: number) => words[k] ?? '';
  /** Reads `[op] value` at i; a value is a word, `@set` or `{ … }`. */
  const readValue = (): Value => {
    const start = i;
    let op = '==';
    if (OPERATORS.has(at(i))) op = words[i++]!;
    const elements: string[] = [];
    let setRef: string | undefined;
    if (at(i) === '{') {
      let depth = 0;
      do {
        const w = words[i++]!;
        if (w === '{') depth++;
        else if (w === '}') depth--;
        else elements.push(unquote(w));
      } while (depth > 0 && i < words.length);
    } else if (at(i).startsWith('@')) {
      setRef = words[i++]!.slice(1);
    } else if (i < words.length) {
      elements.push(unquote(words[i++]!));
    }
    const value: Value = { op, elements, text: words.slice(start, i).join(' ') };
    if (setRef !== undefined) value.setRef = setRef;
    return value;
  };
  /** Words up to the next statement start, for an unknown condition's text. */
  const skipUnknown = (from: number): string => {
    i = from + 1;
    while (i < words.length && !STATEMENT_STARTS.has(at(i))) i++;
    return words.slice(from, i).join(' ');
  };
  /** A concatenation ("ip saddr . tcp dport @allowed"): read through to its value, then name it all. */
  const skipConcat = (from: number): string => {
    i = from;
    while (i < words.length && !CONCAT_ENDS.has(at(i))) {
      if (at(i) === '{' || at(i).startsWith('@') || OPERATORS.has(at(i))) {
        readValue();
        break;
      }
      i++;
    }
    return words.slice(from, i).join(' ');
  };

  while (i < words.length) {
    const start = i;
    const w = words[i]!;
    switch (w) {
      case 'accept':
      case 'drop':
      case 'return':
        action = { kind: w };
        i++;
        continue;
      case 'continue':
        action = { kind: 'continue' };
        i++;
        continue;
      case 'jump':
      case 'goto':
        action = { kind: w, chain: unquote(at(i + 1)) };
        i += 2;
        continue;
      case 'reject': {
        i++;
        if (at(i) === 'with') {
          const rest = words.slice(i + 1);
          i = words.length;
          // "with icmp type host-prohibited" and "with icmp host-prohibited" are the same; keep as printed.
          action = { kind: 'reject', with: rest.join(' ') };
        } else action = { kind: 'reject' };
        continue;
      }
      case 'queue':
      case 'dnat':
      case 'snat':
      case 'masquerade':
      case 'redirect':
      case 'tproxy':
      case 'fwd':
      case 'synproxy':
        action = { kind: 'unknown', text: words.slice(i).join(' ') };
        i = words.length;
        continue;
      case 'counter':
        i++;
        if (at(i) === 'packets' && at(i + 2) === 'bytes') {
          counters = { packets: Number(at(i + 1)) || 0, bytes: Number(at(i + 3)) || 0 };
          i += 4;
        } else if (at(i) === 'name') i += 2;
        continue;
      case 'log':
        i++;
        while (['prefix', 'level', 'flags', 'group', 'snaplen', 'queue-threshold'].includes(at(i))) {
          const key = words[i]!;
          i += 2;
          if (key === 'flags' && (at(i - 1) === 'tcp' || at(i - 1) === 'ip')) i++;
        }
        continue;
      case 'comment':
        comment = unquote(at(i + 1));
        i += 2;
        continue;
      case 'notrack':
        i++;
        continue;
      case 'flow':
        i += at(i + 1) === 'add' || at(i + 1) === 'offload' ? 3 : 1;
        continue;
      case 'limit':
      case 'quota':
        conditions.push({ kind: 'unknown', text: skipUnknown(start) });
        continue;
      case 'xt': {
        const kind = at(i + 1);
        const name = unquote(at(i + 2));
        i += 3;
        if (kind === 'target') {
          action = xtTargetAction(name, `xt target ${name}`);
        } else conditions.push({ kind: 'unknown', text: `xt ${kind} ${name}` });
        continue;
      }
      case 'fib':
        conditions.push(readFib());
        continue;
      case 'ct':
      case 'meta': {
        const key = at(i + 1);
        // `ct mark set 1`, `meta mark set 1`: they change the packet and let it go on.
        if (at(i + 2) === 'set') {
          i += 4;
          continue;
        }
        if (at(i + 2) === '.') {
          conditions.push({ kind: 'unknown', text: skipConcat(start) });
          continue;
        }
        i += 2;
        const value = readValue();
        conditions.push(
          ...(w === 'ct' ? [ctCondition(key, value)] : metaCondition(key, value, `meta ${key}`)),
        );
        continue;
      }
      case 'ip':
      case 'ip6': {
        const field = at(i + 1);
        if (at(i + 2) === '.') {
          conditions.push({ kind: 'unknown', text: skipConcat(start) });
          continue;
        }
        i += 2;
        conditions.push(...ipConditions(w, field, readValue(), sets));
        continue;
      }
      case 'icmp':
      case 'icmpv6': {
        i += 2;
        readValue();
        conditions.push({
          kind: 'protocol',
          negated: false,
          protocols: [w === 'icmp' ? 'icmp' : 'ipv6-icmp'],
        });
        continue;
      }
      default:
        break;
    }
    if (META_KEYS.has(w)) {
      if (at(i + 1) === 'set') {
        i += 3;
        continue;
      }
      if (at(i + 1) === '.') {
        conditions.push({ kind: 'unknown', text: skipConcat(start) });
        continue;
      }
      i++;
      conditions.push(...metaCondition(w, readValue(), w));
      continue;
    }
    if (TRANSPORTS.has(w)) {
      const field = at(i + 1);
      i += 2;
      if (field === 'flags') {
        conditions.push(readTcpFlags(start));
        continue;
      }
      if (at(i) === '.') {
        conditions.push({ kind: 'unknown', text: skipConcat(start) });
        continue;
      }
      conditions.push(portCondition(w, field, readValue(), sets, words.slice(start, i).join(' ')));
      continue;
    }
    conditions.push({ kind: 'unknown', text: skipUnknown(start) });
  }

  const result: ParsedStatements = { conditions, action, complete };
  if (comment !== undefined) result.comment = comment;
  if (counters) result.counters = counters;
  return result;

  function readFib(): Condition {
    const start = i;
    i++;
    const flags: string[] = [];
    while (i < words.length && !['oif', 'oifname', 'type'].includes(at(i))) {
      if (at(i) !== '.') flags.push(at(i));
      i++;
    }
    const result = at(i);
    i++;
    const value = readValue();
    const text = words.slice(start, i).join(' ');
    const negated = value.op === '!=';
    if ((result === 'oif' || result === 'oifname') && value.elements.length === 1) {
      const v = value.elements[0];
      if (v === 'missing' || v === 'exists') {
        return { kind: 'rpfilter-fails', negated: negated !== (v === 'exists') };
      }
    }
    if (
      result === 'type' &&
      value.elements.length > 0 &&
      (flags.includes('daddr') || flags.includes('saddr'))
    ) {
      return {
        kind: 'addrtype',
        which: flags.includes('daddr') ? 'dst' : 'src',
        negated,
        types: value.elements.map((e) => e.toUpperCase()),
      };
    }
    return { kind: 'unknown', text };
  }

  function readTcpFlags(start: number): Condition {
    // "tcp flags syn / fin,syn,rst,ack" (nft ≥ 0.9.9), "tcp flags & (fin|syn|rst|ack) == syn" (older), "tcp flags syn".
    let j = i;
    let negated = false;
    const parts: string[] = [];
    while (j < words.length && !STATEMENT_STARTS.has(words[j]!)) parts.push(words[j++]!);
    i = j;
    let rest = parts.join(' ');
    if (rest.startsWith('!= ')) {
      negated = true;
      rest = rest.slice(3);
    } else if (rest.startsWith('== ')) rest = rest.slice(3);
    const masked = /^syn \/ ([a-z,]+)$/.exec(rest) ?? /^& \(([a-z|]+)\) == syn$/.exec(rest);
    if (rest === 'syn' || (masked && /ack/.test(masked[1]!) && /syn/.test(masked[1]!))) {
      return { kind: 'syn', negated };
    }
    return { kind: 'unknown', text: words.slice(start, j).join(' ') };
  }
}

function ctCondition(key: string, value: Value): Condition {
  const negated = value.op === '!=';
  const items = value.elements.flatMap((e) => e.split(',')).filter((e) => e !== '');
  if (value.setRef === undefined && (value.op === '==' || value.op === '!=') && items.length > 0) {
    if (key === 'state') return { kind: 'ctstate', negated, states: items.map((s) => s.toLowerCase()) };
    if (key === 'status') return { kind: 'ctstatus', negated, statuses: items.map((s) => s.toLowerCase()) };
  }
  return { kind: 'unknown', text: `ct ${key} ${value.text}` };
}

function metaCondition(key: string, value: Value, selector: string): Condition[] {
  const negated = value.op === '!=';
  const plain =
    value.setRef === undefined && (value.op === '==' || value.op === '!=') && value.elements.length > 0;
  if (plain) {
    switch (key) {
      case 'iif':
      case 'iifname':
        return [{ kind: 'iif', negated, names: value.elements }];
      case 'oif':
      case 'oifname':
        return [{ kind: 'oif', negated, names: value.elements }];
      case 'l4proto':
        return [{ kind: 'protocol', negated, protocols: value.elements.map((p) => p.toLowerCase()) }];
      case 'nfproto':
      case 'protocol': {
        const families = familyConditions(value.elements, negated);
        if (families) return families;
        break;
      }
      default:
        break;
    }
  }
  return [{ kind: 'unknown', text: `${selector} ${value.text}` }];
}

function ipConditions(proto: 'ip' | 'ip6', field: string, value: Value, sets: NftSet[]): Condition[] {
  const family = proto === 'ip' ? 4 : 6;
  const negated = value.op === '!=';
  const selector = `${proto} ${field}`;
  if (field === 'saddr' || field === 'daddr') {
    const elements = resolve(value, sets);
    if (elements === undefined || (value.op !== '==' && value.op !== '!=')) {
      return [{ kind: 'unknown', text: `${selector} ${value.text}` }];
    }
    return [{ kind: field, negated, addresses: elements, family }];
  }
  if ((field === 'protocol' && proto === 'ip') || (field === 'nexthdr' && proto === 'ip6')) {
    if (value.setRef === undefined && (value.op === '==' || value.op === '!=')) {
      return [
        { kind: 'family', negated: false, family },
        { kind: 'protocol', negated, protocols: value.elements.map((p) => p.toLowerCase()) },
      ];
    }
  }
  return [{ kind: 'unknown', text: `${selector} ${value.text}` }];
}

function portCondition(
  proto: string,
  field: string,
  value: Value,
  sets: NftSet[],
  selector: string,
): Condition {
  const unknown: Condition = { kind: 'unknown', text: `${selector} ${value.text}` };
  if (field !== 'dport' && field !== 'sport') return unknown;
  const elements = resolve(value, sets);
  if (elements === undefined) return unknown;
  const ports = portRanges(value.op, elements);
  if (!ports) return unknown;
  const condition: Condition = { kind: field, negated: value.op === '!=', ports };
  if (proto !== 'th') condition.protocol = proto;
  return condition;
}

/** The elements a value stands for: its own, or those of the named set it references. */
function resolve(value: Value, sets: NftSet[]): string[] | undefined {
  if (value.setRef === undefined) return value.elements;
  return sets.find((s) => s.name === value.setRef)?.elements;
}
