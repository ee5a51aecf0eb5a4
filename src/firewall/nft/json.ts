// `nft -j list ruleset` → tables, sets, chains and rules. JSON carries exact structure but no rule text: each
// rule gets a text rendered in nft's own syntax, which mergeNftRulesets replaces with the host's printed line
// (from `nft -a list ruleset`) when that was collected too.
import type {
  Condition,
  FirewallRule,
  NftChain,
  NftFamily,
  NftRuleset,
  NftSet,
  NftTable,
  Parsed,
  RuleAction,
} from '../types.js';
import { familyConditions, portRanges, TRANSPORTS, UNKNOWN_VERDICTS, xtTargetAction } from './conditions.js';
import { lookup } from '../../text/lookup.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function str(v: Json | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
function num(v: Json | undefined): number | undefined {
  return typeof v === 'number' ? v : undefined;
}
/** The only key of a one-key object, as nft's JSON uses them ({"accept": null}, {"match": {…}}). */
function single(v: Json | undefined): [string, Json] | undefined {
  if (!isObject(v)) return undefined;
  const keys = Object.keys(v);
  return keys.length === 1 ? [keys[0]!, v[keys[0]!]!] : undefined;
}

export function parseNftJson(text: string): Parsed<NftRuleset> {
  let doc: Json;
  try {
    doc = JSON.parse(text) as Json;
  } catch (e) {
    return { ok: false, error: `not JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (!isObject(doc) || !Array.isArray(doc['nftables'])) return { ok: false, error: 'no "nftables" array' };
  const warnings: string[] = [];
  const ruleset: NftRuleset = { tables: [] };
  const tableOf = (family: string | undefined, name: string | undefined): NftTable | undefined =>
    ruleset.tables.find((t) => t.family === family && t.name === name);
  const pendingRules: { table: NftTable; chain: string; rule: JsonObject }[] = [];

  for (const item of doc['nftables']) {
    const entry = single(item);
    if (!entry || !isObject(entry[1])) continue;
    const [kind, body] = entry as [string, JsonObject];
    const family = str(body['family']);
    switch (kind) {
      case 'table': {
        const name = str(body['name']);
        if (!family || !name) {
          warnings.push('a table without family or name');
          break;
        }
        const table: NftTable = { family: family as NftFamily, name, chains: [], sets: [] };
        const handle = num(body['handle']);
        if (handle !== undefined) table.handle = handle;
        const flags = body['flags'];
        if (flags === 'dormant' || (Array.isArray(flags) && flags.includes('dormant'))) table.dormant = true;
        ruleset.tables.push(table);
        break;
      }
      case 'chain': {
        const table = tableOf(family, str(body['table']));
        const name = str(body['name']);
        if (!table || !name) {
          warnings.push(`a chain outside a known table: ${JSON.stringify(body).slice(0, 200)}`);
          break;
        }
        const chain: NftChain = { name, rules: [] };
        const handle = num(body['handle']);
        if (handle !== undefined) chain.handle = handle;
        const type = str(body['type']);
        const hook = str(body['hook']);
        const prio = num(body['prio']);
        if (type) chain.type = type;
        if (hook) chain.hook = hook;
        if (prio !== undefined) chain.priority = prio;
        const policy = str(body['policy']);
        if (policy === 'accept' || policy === 'drop') chain.policy = policy;
        else if (hook) chain.policy = 'accept';
        table.chains.push(chain);
        break;
      }
      case 'set': {
        const table = tableOf(family, str(body['table']));
        const name = str(body['name']);
        if (!table || !name) break;
        const type = body['type'];
        const set: NftSet = {
          name,
          type: Array.isArray(type) ? type.map((t) => String(t)).join(' . ') : (str(type) ?? ''),
          flags: Array.isArray(body['flags']) ? body['flags'].map((f) => String(f)) : [],
          elements: Array.isArray(body['elem']) ? body['elem'].flatMap((e) => valueStrings(e) ?? []) : [],
        };
        const handle = num(body['handle']);
        if (handle !== undefined) set.handle = handle;
        table.sets.push(set);
        break;
      }
      case 'rule': {
        const table = tableOf(family, str(body['table']));
        const chain = str(body['chain']);
        if (!table || !chain) {
          warnings.push(`a rule outside a known table: ${JSON.stringify(body).slice(0, 200)}`);
          break;
        }
        pendingRules.push({ table, chain, rule: body });
        break;
      }
      default:
        break;
    }
  }

  // Rules last: their set references need every set of the table.
  for (const { table, chain: chainName, rule } of pendingRules) {
    let chain = table.chains.find((c) => c.name === chainName);
    if (!chain) {
      chain = { name: chainName, rules: [] };
      table.chains.push(chain);
    }
    chain.rules.push(ruleFrom(rule, table.sets, table.family));
  }
  return { ok: true, value: ruleset, warnings };
}

function ruleFrom(body: JsonObject, sets: NftSet[], family: string): FirewallRule {
  const exprs = Array.isArray(body['expr']) ? body['expr'] : [];
  const rule: RuleDraft = { sets, family, conditions: [], action: { kind: 'continue' }, texts: [] };
  for (const expr of exprs) {
    const entry = single(expr);
    if (!entry) {
      rule.conditions.push({ kind: 'unknown', text: JSON.stringify(expr) });
      rule.texts.push(JSON.stringify(expr));
      continue;
    }
    const [kind, value] = entry;
    (lookup(STATEMENTS, kind) ?? passingStatement)(rule, kind, value);
  }
  const comment = str(body['comment']);
  if (comment !== undefined) rule.texts.push(`comment ${JSON.stringify(comment)}`);
  const result: FirewallRule = {
    text: rule.texts.join(' '),
    conditions: rule.conditions,
    action: rule.action,
  };
  const handle = num(body['handle']);
  if (handle !== undefined) result.handle = handle;
  if (rule.counters) result.counters = rule.counters;
  if (comment !== undefined) result.comment = comment;
  return result;
}

/** A rule as its statements, read in order, have built it so far. */
interface RuleDraft {
  readonly sets: NftSet[];
  readonly family: string;
  conditions: Condition[];
  action: RuleAction;
  /** The rule in nft's text syntax, one piece per statement. */
  texts: string[];
  counters?: { packets: number; bytes: number };
}

/** Reads one statement (`{"KIND": VALUE}`) into the rule. */
type StatementReader = (rule: RuleDraft, kind: string, value: Json) => void;

/** `KIND VALUE` as text, for a statement we keep only by name. */
function statementText(kind: string, value: Json): string {
  return `${kind}${value === null ? '' : ` ${JSON.stringify(value)}`}`;
}

function matchStatement(rule: RuleDraft, _kind: string, value: Json): void {
  const m = isObject(value) ? value : {};
  const rendered = renderMatch(m);
  rule.texts.push(rendered);
  rule.conditions.push(...matchConditions(m, rule.sets, rendered));
}

function verdict(kind: 'accept' | 'drop' | 'return'): StatementReader {
  return (rule) => {
    rule.action = { kind };
    rule.texts.push(kind);
  };
}

/** `continue` leaves the verdict as it was. */
function continueStatement(rule: RuleDraft, kind: string): void {
  rule.texts.push(kind);
}

function toChain(kind: 'jump' | 'goto'): StatementReader {
  return (rule, _kind, value) => {
    const target = isObject(value) ? (str(value['target']) ?? '') : '';
    rule.action = { kind, chain: target };
    rule.texts.push(`${kind} ${target}`);
  };
}

function rejectStatement(rule: RuleDraft, _kind: string, value: Json): void {
  const how = rejectWith(value, rule.family);
  rule.action = how === undefined ? { kind: 'reject' } : { kind: 'reject', with: how };
  rule.texts.push(how === undefined ? 'reject' : `reject with ${how}`);
}

function counterStatement(rule: RuleDraft, _kind: string, value: Json): void {
  const c = isObject(value) ? value : {};
  const packets = num(c['packets']);
  const bytes = num(c['bytes']);
  if (packets !== undefined && bytes !== undefined) rule.counters = { packets, bytes };
  rule.texts.push(packets !== undefined ? `counter packets ${packets} bytes ${bytes ?? 0}` : 'counter');
}

function logStatement(rule: RuleDraft, _kind: string, value: Json): void {
  const prefix = isObject(value) ? str(value['prefix']) : undefined;
  rule.texts.push(prefix !== undefined ? `log prefix ${JSON.stringify(prefix)}` : 'log');
}

/** `limit`, `quota`: whether the packet matches depends on traffic we cannot see. */
function unknownCondition(rule: RuleDraft, kind: string, value: Json): void {
  const t = `${kind} ${JSON.stringify(value)}`;
  rule.conditions.push({ kind: 'unknown', text: t });
  rule.texts.push(t);
}

function xtStatement(rule: RuleDraft, _kind: string, value: Json): void {
  const x = isObject(value) ? value : {};
  const name = str(x['name']) ?? '?';
  const t = `xt ${str(x['type']) ?? 'match'} ${name}`;
  rule.texts.push(t);
  if (x['type'] === 'target') {
    rule.action = xtTargetAction(name, t);
  } else if (name !== 'comment') rule.conditions.push({ kind: 'unknown', text: t });
}

/** queue, NAT, tproxy, fwd, synproxy: where the packet goes next is not a verdict we can predict. */
function unknownAction(rule: RuleDraft, kind: string, value: Json): void {
  const t = statementText(kind, value);
  rule.action = { kind: 'unknown', text: t };
  rule.texts.push(t);
}

/**
 * Any other statement — mangle (… set …), ct helper/timeout/expectation, notrack, flow, dup, set/map updates —
 * changes or counts the packet and lets it go on.
 */
function passingStatement(rule: RuleDraft, kind: string, value: Json): void {
  rule.texts.push(statementText(kind, value));
}

/**
 * The statements that decide or describe a rule, by their key in nft's JSON; any other key is a passing
 * statement. Exported for keyword-tables.test.ts, which holds an example of each entry.
 */
export const STATEMENTS: Readonly<Record<string, StatementReader>> = {
  match: matchStatement,
  accept: verdict('accept'),
  drop: verdict('drop'),
  return: verdict('return'),
  continue: continueStatement,
  jump: toChain('jump'),
  goto: toChain('goto'),
  reject: rejectStatement,
  counter: counterStatement,
  log: logStatement,
  limit: unknownCondition,
  quota: unknownCondition,
  xt: xtStatement,
  ...Object.fromEntries(UNKNOWN_VERDICTS.map((kind) => [kind, unknownAction])),
};

function rejectWith(value: Json, family: string): string | undefined {
  if (!isObject(value)) return undefined;
  const type = str(value['type']);
  const expr = str(value['expr']);
  if (type === 'tcp reset') return 'tcp reset';
  // nft prints the family's default (port-unreachable of its ICMP flavour) as a bare `reject`.
  const defaultType = family === 'inet' ? 'icmpx' : family === 'ip6' ? 'icmpv6' : 'icmp';
  if (expr === 'port-unreachable' && type === defaultType) return undefined;
  if (type && expr) return `${type} ${expr}`;
  return type;
}

/** Elements as the text form prints them: "10.0.0.0/8", "8000-8100", "lo". undefined for what is not a plain value. */
function valueStrings(v: Json | undefined): string[] | undefined {
  if (typeof v === 'string') return [v];
  if (typeof v === 'number') return [String(v)];
  if (Array.isArray(v)) {
    const out: string[] = [];
    for (const e of v) {
      const s = valueStrings(e);
      if (!s) return undefined;
      out.push(...s);
    }
    return out;
  }
  const entry = single(v);
  if (!entry) return undefined;
  const [kind, body] = entry;
  if (kind === 'prefix' && isObject(body)) return [`${str(body['addr']) ?? ''}/${num(body['len']) ?? ''}`];
  if (kind === 'range' && Array.isArray(body) && body.length === 2) {
    const [a, b] = [valueStrings(body[0]), valueStrings(body[1])];
    return a && b ? [`${a[0]}-${b[0]}`] : undefined;
  }
  if (kind === 'set') return valueStrings(body);
  if (kind === 'elem' && isObject(body)) return valueStrings(body['val']);
  return undefined;
}

function renderValue(v: Json | undefined): string {
  if (isObject(v) && 'set' in v) return `{ ${(valueStrings(v) ?? ['?']).join(', ')} }`;
  if (Array.isArray(v)) return (valueStrings(v) ?? ['?']).join(',');
  const s = valueStrings(v);
  return s ? s.join(',') : JSON.stringify(v);
}

function renderLeft(left: Json | undefined): string {
  const entry = single(left);
  if (!entry) return JSON.stringify(left);
  const [kind, body] = entry;
  if (kind === 'payload' && isObject(body))
    return `${str(body['protocol']) ?? '?'} ${str(body['field']) ?? '?'}`;
  if (kind === 'meta' && isObject(body)) {
    const key = str(body['key']) ?? '?';
    return ['iif', 'iifname', 'oif', 'oifname'].includes(key) ? key : `meta ${key}`;
  }
  if (kind === 'ct' && isObject(body)) return `ct ${str(body['key']) ?? '?'}`;
  if (kind === 'fib' && isObject(body)) {
    const flags = Array.isArray(body['flags']) ? body['flags'].map(String).join(' . ') : '';
    return `fib ${flags} ${str(body['result']) ?? ''}`.trim();
  }
  if (kind === '&' && Array.isArray(body)) return `${renderLeft(body[0])} & ${renderValue(body[1])}`;
  return JSON.stringify(left);
}

function renderMatch(m: JsonObject): string {
  const op = str(m['op']) ?? '==';
  const right = m['right'];
  const quoted =
    typeof right === 'string' && /iifname|oifname|iif|oif/.test(renderLeft(m['left']))
      ? JSON.stringify(right)
      : undefined;
  const value = right === false ? 'missing' : right === true ? 'exists' : (quoted ?? renderValue(right));
  return `${renderLeft(m['left'])} ${op === '==' || op === 'in' ? '' : `${op} `}${value}`;
}

function matchConditions(m: JsonObject, sets: NftSet[], text: string): Condition[] {
  const op = str(m['op']) ?? '==';
  const negated = op === '!=';
  const plainOp = op === '==' || op === '!=' || op === 'in';
  const unknown: Condition[] = [{ kind: 'unknown', text }];
  const left = single(m['left']);
  const right = m['right'];
  if (!left) return unknown;
  const [kind, body] = left;
  const values = (): string[] | undefined => {
    const ref = str(right);
    if (ref?.startsWith('@')) return sets.find((s) => s.name === ref.slice(1))?.elements;
    return valueStrings(right);
  };

  if (kind === 'payload' && isObject(body)) {
    const protocol = str(body['protocol']) ?? '';
    const field = str(body['field']) ?? '';
    if (protocol === 'icmp' || protocol === 'icmpv6') {
      return [{ kind: 'protocol', negated: false, protocols: [protocol === 'icmp' ? 'icmp' : 'ipv6-icmp'] }];
    }
    if ((protocol === 'ip' || protocol === 'ip6') && (field === 'saddr' || field === 'daddr')) {
      const addresses = values();
      if (!addresses || !plainOp) return unknown;
      return [{ kind: field, negated, addresses, family: protocol === 'ip' ? 4 : 6 }];
    }
    if ((protocol === 'ip' && field === 'protocol') || (protocol === 'ip6' && field === 'nexthdr')) {
      const protocols = values();
      if (!protocols || !plainOp) return unknown;
      return [
        { kind: 'family', negated: false, family: protocol === 'ip' ? 4 : 6 },
        { kind: 'protocol', negated, protocols: protocols.map((p) => p.toLowerCase()) },
      ];
    }
    if (TRANSPORTS.has(protocol) && (field === 'dport' || field === 'sport')) {
      const vals = values();
      const ports = vals && portRanges(op, vals);
      if (!ports) return unknown;
      const c: Condition = { kind: field, negated, ports };
      if (protocol !== 'th') c.protocol = protocol;
      return [c];
    }
    return unknown;
  }
  if (kind === '&' && Array.isArray(body)) {
    // tcp flags syn / fin,syn,rst,ack ⇒ {"&": [tcp flags, [fin, syn, rst, ack]]} == "syn"
    const inner = single(body[0]);
    const mask = valueStrings(body[1]) ?? [];
    if (
      inner?.[0] === 'payload' &&
      isObject(inner[1]) &&
      inner[1]['field'] === 'flags' &&
      mask.includes('syn') &&
      mask.includes('ack') &&
      (right === 'syn' || (Array.isArray(right) && right.length === 1 && right[0] === 'syn'))
    ) {
      return [{ kind: 'syn', negated }];
    }
    return unknown;
  }
  if (kind === 'meta' && isObject(body)) {
    const key = str(body['key']) ?? '';
    const vals = values();
    if (!vals || !plainOp) return unknown;
    if (key === 'iif' || key === 'iifname') return [{ kind: 'iif', negated, names: vals }];
    if (key === 'oif' || key === 'oifname') return [{ kind: 'oif', negated, names: vals }];
    if (key === 'l4proto')
      return [{ kind: 'protocol', negated, protocols: vals.map((p) => p.toLowerCase()) }];
    if (key === 'nfproto' || key === 'protocol') return familyConditions(vals, negated) ?? unknown;
    return unknown;
  }
  if (kind === 'ct' && isObject(body)) {
    const key = str(body['key']);
    const vals = values();
    if (!vals || !plainOp) return unknown;
    if (key === 'state') return [{ kind: 'ctstate', negated, states: vals.map((s) => s.toLowerCase()) }];
    if (key === 'status') return [{ kind: 'ctstatus', negated, statuses: vals.map((s) => s.toLowerCase()) }];
    return unknown;
  }
  if (kind === 'fib' && isObject(body)) {
    const result = str(body['result']);
    const flags = Array.isArray(body['flags']) ? body['flags'].map(String) : [];
    if ((result === 'oif' || result === 'oifname') && typeof right === 'boolean') {
      // `… oif missing` is {"right": false}: the reverse-path lookup found no interface.
      return [{ kind: 'rpfilter-fails', negated: negated !== right }];
    }
    if (result === 'type' && (flags.includes('daddr') || flags.includes('saddr'))) {
      const vals = values();
      if (!vals || !plainOp) return unknown;
      return [
        {
          kind: 'addrtype',
          which: flags.includes('daddr') ? 'dst' : 'src',
          negated,
          types: vals.map((v) => v.toUpperCase()),
        },
      ];
    }
    return unknown;
  }
  return unknown;
}
