// One nft rule as `nft list ruleset` prints it ("ip saddr 10.0.0.0/8 tcp dport { 80, 443 } counter accept")
// → conditions and a verdict. Statements we do not know become `unknown` conditions naming the words, so an
// evaluation that depends on them is reported as uncertain rather than guessed.
import type { Condition, NftSet, RuleAction } from '../types.js';
import { familyConditions, portRanges, TRANSPORTS, UNKNOWN_VERDICTS, xtTargetAction } from './conditions.js';
import { splitWords } from '../words.js';
import { lookup } from '../../text/lookup.js';

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

/** Splits braces and strips set-element commas, so `{ 80, 443 }` and `{80,443}` read alike. */
/**
 * nft prints a set of quoted names as `{ "eth0", "eth1" }`: the comma follows the closing quote in the same
 * blank-separated word, which would make it part of the name ("eth0,"). A blank after each closing quote that
 * a comma follows keeps the comma a separator. Quotes are nft's: a backslash escapes inside them.
 */
function apartFromQuotes(text: string): string {
  let out = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    out += c;
    if (quoted && c === '\\' && i + 1 < text.length) out += text[++i];
    else if (c === '"') {
      quoted = !quoted;
      if (!quoted && text[i + 1] === ',') out += ' ';
    }
  }
  return out;
}

function tokens(text: string): { words: string[]; complete: boolean } {
  const { words, complete } = splitWords(apartFromQuotes(text));
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
  const r = new StatementReader(words, sets);
  while (r.i < words.length) {
    const w = words[r.i]!;
    (lookup(STATEMENTS, w) ?? unknownStatement)(r, w);
  }
  const result: ParsedStatements = { conditions: r.conditions, action: r.action, complete };
  if (r.comment !== undefined) result.comment = r.comment;
  if (r.counters) result.counters = r.counters;
  return result;
}

/** One rule's words, what has been read from them so far, and `i`, the next word to read. */
class StatementReader {
  i = 0;
  readonly conditions: Condition[] = [];
  action: RuleAction = { kind: 'continue' };
  comment: string | undefined;
  counters: { packets: number; bytes: number } | undefined;

  constructor(
    readonly words: string[],
    readonly sets: NftSet[],
  ) {}

  at(k: number): string {
    return this.words[k] ?? '';
  }

  /** Reads `[op] value` at i; a value is a word, `@set` or `{ … }`. */
  readValue(): Value {
    const { words } = this;
    const start = this.i;
    let op = '==';
    if (OPERATORS.has(this.at(this.i))) op = words[this.i++]!;
    const elements: string[] = [];
    let setRef: string | undefined;
    if (this.at(this.i) === '{') {
      let depth = 0;
      do {
        const w = words[this.i++]!;
        if (w === '{') depth++;
        else if (w === '}') depth--;
        else elements.push(unquote(w));
      } while (depth > 0 && this.i < words.length);
    } else if (this.at(this.i).startsWith('@')) {
      setRef = words[this.i++]!.slice(1);
    } else if (this.i < words.length) {
      elements.push(unquote(words[this.i++]!));
    }
    const value: Value = { op, elements, text: words.slice(start, this.i).join(' ') };
    if (setRef !== undefined) value.setRef = setRef;
    return value;
  }

  /** Words up to the next statement start, for an unknown condition's text. */
  skipUnknown(from: number): string {
    this.i = from + 1;
    while (this.i < this.words.length && !STATEMENT_STARTS.has(this.at(this.i))) this.i++;
    return this.words.slice(from, this.i).join(' ');
  }

  /** A concatenation ("ip saddr . tcp dport @allowed"): read through to its value, then name it all. */
  skipConcat(from: number): string {
    this.i = from;
    while (this.i < this.words.length && !CONCAT_ENDS.has(this.at(this.i))) {
      const w = this.at(this.i);
      if (w === '{' || w.startsWith('@') || OPERATORS.has(w)) {
        this.readValue();
        break;
      }
      this.i++;
    }
    return this.words.slice(from, this.i).join(' ');
  }
}

/** Reads the statement whose first word, `word`, is at `r.i`, and moves `r.i` past it. */
type StatementHandler = (r: StatementReader, word: string) => void;

/**
 * The statements we read, by their first word; any other word starts an unknown condition. Exported for
 * keyword-tables.test.ts, which holds an example of each entry.
 */
export const STATEMENTS: Readonly<Record<string, StatementHandler>> = {
  ...Object.fromEntries([...META_KEYS].map((key) => [key, bareMetaStatement])),
  ...Object.fromEntries([...TRANSPORTS].map((proto) => [proto, transportStatement])),
  accept: verdict('accept'),
  drop: verdict('drop'),
  return: verdict('return'),
  continue: verdict('continue'),
  jump: toChain('jump'),
  goto: toChain('goto'),
  reject: rejectStatement,
  ...Object.fromEntries(UNKNOWN_VERDICTS.map((kind) => [kind, unknownAction])),
  counter: counterStatement,
  log: logStatement,
  comment: commentStatement,
  notrack: notrackStatement,
  flow: flowStatement,
  limit: unknownStatement,
  quota: unknownStatement,
  xt: xtStatement,
  fib: fibStatement,
  ct: ctOrMetaStatement,
  meta: ctOrMetaStatement,
  ip: ipStatement('ip'),
  ip6: ipStatement('ip6'),
  icmp: icmpStatement,
  icmpv6: icmpStatement,
};

/** Words that start a statement, and so end an unknown one: those we read, and those we only step over. */
const STATEMENT_STARTS = new Set([
  ...Object.keys(STATEMENTS),
  'dup',
  'ether',
  'vlan',
  'arp',
  'socket',
  'osf',
  'rt',
  'numgen',
  'jhash',
]);

/** A statement we cannot decide (or a word we do not know): its words up to the next statement, as printed. */
function unknownStatement(r: StatementReader): void {
  r.conditions.push({ kind: 'unknown', text: r.skipUnknown(r.i) });
}

function verdict(kind: 'accept' | 'drop' | 'return' | 'continue'): StatementHandler {
  return (r) => {
    r.action = { kind };
    r.i++;
  };
}

function toChain(kind: 'jump' | 'goto'): StatementHandler {
  return (r) => {
    r.action = { kind, chain: unquote(r.at(r.i + 1)) };
    r.i += 2;
  };
}

function rejectStatement(r: StatementReader): void {
  r.i++;
  if (r.at(r.i) === 'with') {
    const rest = r.words.slice(r.i + 1);
    r.i = r.words.length;
    // "with icmp type host-prohibited" and "with icmp host-prohibited" are the same; keep as printed.
    r.action = { kind: 'reject', with: rest.join(' ') };
  } else r.action = { kind: 'reject' };
}

/** queue, NAT, tproxy, fwd, synproxy: where the packet goes next is not a verdict we can predict. */
function unknownAction(r: StatementReader): void {
  r.action = { kind: 'unknown', text: r.words.slice(r.i).join(' ') };
  r.i = r.words.length;
}

function counterStatement(r: StatementReader): void {
  r.i++;
  if (r.at(r.i) === 'packets' && r.at(r.i + 2) === 'bytes') {
    r.counters = { packets: Number(r.at(r.i + 1)) || 0, bytes: Number(r.at(r.i + 3)) || 0 };
    r.i += 4;
  } else if (r.at(r.i) === 'name') r.i += 2;
}

function logStatement(r: StatementReader): void {
  r.i++;
  while (['prefix', 'level', 'flags', 'group', 'snaplen', 'queue-threshold'].includes(r.at(r.i))) {
    const key = r.words[r.i]!;
    r.i += 2;
    if (key === 'flags' && (r.at(r.i - 1) === 'tcp' || r.at(r.i - 1) === 'ip')) r.i++;
  }
}

function commentStatement(r: StatementReader): void {
  r.comment = unquote(r.at(r.i + 1));
  r.i += 2;
}

/** `notrack` changes nothing we evaluate. */
function notrackStatement(r: StatementReader): void {
  r.i++;
}

/** `flow add @ft`, `flow offload @ft`: the packet is offloaded and goes on. */
function flowStatement(r: StatementReader): void {
  r.i += r.at(r.i + 1) === 'add' || r.at(r.i + 1) === 'offload' ? 3 : 1;
}

function xtStatement(r: StatementReader): void {
  const kind = r.at(r.i + 1);
  const name = unquote(r.at(r.i + 2));
  r.i += 3;
  if (kind === 'target') {
    r.action = xtTargetAction(name, `xt target ${name}`);
  } else r.conditions.push({ kind: 'unknown', text: `xt ${kind} ${name}` });
}

function ctOrMetaStatement(r: StatementReader, w: string): void {
  const start = r.i;
  const key = r.at(r.i + 1);
  // `ct mark set 1`, `meta mark set 1`: they change the packet and let it go on.
  if (r.at(r.i + 2) === 'set') {
    r.i += 4;
    return;
  }
  if (r.at(r.i + 2) === '.') {
    r.conditions.push({ kind: 'unknown', text: r.skipConcat(start) });
    return;
  }
  r.i += 2;
  const value = r.readValue();
  r.conditions.push(...(w === 'ct' ? [ctCondition(key, value)] : metaCondition(key, value, `meta ${key}`)));
}

/** `iifname "lo"`, `mark set 1`: a meta key written without `meta`. */
function bareMetaStatement(r: StatementReader, w: string): void {
  const start = r.i;
  if (r.at(r.i + 1) === 'set') {
    r.i += 3;
    return;
  }
  if (r.at(r.i + 1) === '.') {
    r.conditions.push({ kind: 'unknown', text: r.skipConcat(start) });
    return;
  }
  r.i++;
  r.conditions.push(...metaCondition(w, r.readValue(), w));
}

function ipStatement(proto: 'ip' | 'ip6'): StatementHandler {
  return (r) => {
    const start = r.i;
    const field = r.at(r.i + 1);
    if (r.at(r.i + 2) === '.') {
      r.conditions.push({ kind: 'unknown', text: r.skipConcat(start) });
      return;
    }
    r.i += 2;
    r.conditions.push(...ipConditions(proto, field, r.readValue(), r.sets));
  };
}

function icmpStatement(r: StatementReader, w: string): void {
  r.i += 2;
  r.readValue();
  r.conditions.push({ kind: 'protocol', negated: false, protocols: [w === 'icmp' ? 'icmp' : 'ipv6-icmp'] });
}

/** `tcp dport 80`, `udp sport { 53, 5353 }`, `th dport @ports`, `tcp flags syn / fin,syn,rst,ack`. */
function transportStatement(r: StatementReader, w: string): void {
  const start = r.i;
  const field = r.at(r.i + 1);
  r.i += 2;
  if (field === 'flags') {
    r.conditions.push(tcpFlagsCondition(r, start));
    return;
  }
  if (r.at(r.i) === '.') {
    r.conditions.push({ kind: 'unknown', text: r.skipConcat(start) });
    return;
  }
  r.conditions.push(portCondition(w, field, r.readValue(), r.sets, r.words.slice(start, r.i).join(' ')));
}

function fibStatement(r: StatementReader): void {
  const start = r.i;
  r.i++;
  const flags: string[] = [];
  while (r.i < r.words.length && !['oif', 'oifname', 'type'].includes(r.at(r.i))) {
    if (r.at(r.i) !== '.') flags.push(r.at(r.i));
    r.i++;
  }
  const result = r.at(r.i);
  r.i++;
  const value = r.readValue();
  r.conditions.push(fibCondition(flags, result, value, r.words.slice(start, r.i).join(' ')));
}

/** `fib FLAGS RESULT VALUE`: a reverse-path check, an address type, or a lookup we cannot decide. */
function fibCondition(flags: string[], result: string, value: Value, text: string): Condition {
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

/** `tcp flags …` from the words after `flags` (r.i) up to the next statement; `start` is at `tcp`. */
function tcpFlagsCondition(r: StatementReader, start: number): Condition {
  // "tcp flags syn / fin,syn,rst,ack" (nft ≥ 0.9.9), "tcp flags & (fin|syn|rst|ack) == syn" (older), "tcp flags syn".
  let j = r.i;
  let negated = false;
  const parts: string[] = [];
  while (j < r.words.length && !STATEMENT_STARTS.has(r.words[j]!)) parts.push(r.words[j++]!);
  r.i = j;
  let rest = parts.join(' ');
  if (rest.startsWith('!= ')) {
    negated = true;
    rest = rest.slice(3);
  } else if (rest.startsWith('== ')) rest = rest.slice(3);
  const masked = /^syn \/ ([a-z,]+)$/.exec(rest) ?? /^& \(([a-z|]+)\) == syn$/.exec(rest);
  if (rest === 'syn' || (masked && /ack/.test(masked[1]!) && /syn/.test(masked[1]!))) {
    return { kind: 'syn', negated };
  }
  return { kind: 'unknown', text: r.words.slice(start, j).join(' ') };
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
