// `nft list ruleset` / `nft -a list ruleset` (text) → tables, sets, chains and rules, each rule keeping the line
// as printed (minus the `# handle N` comment, which becomes `handle`).
import type { FirewallRule, NftChain, NftFamily, NftRuleset, NftSet, NftTable, Parsed } from '../types.js';
import { parsePriority } from './priority.js';
import { parseNftStatements } from './statements.js';

const FAMILIES = new Set<NftFamily>(['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev']);

interface RawChain {
  chain: NftChain;
  ruleLines: { text: string; handle?: number; line: number }[];
}

/** Braces opened minus closed, ignoring quoted text. */
function braceBalance(line: string): number {
  let balance = 0;
  let quoted = false;
  for (let k = 0; k < line.length; k++) {
    const c = line[k];
    if (c === '\\' && quoted) k++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && c === '{') balance++;
    else if (!quoted && c === '}') balance--;
  }
  return balance;
}

function splitHandle(line: string): { text: string; handle?: number } {
  const m = /^(.*?)\s*# handle (\d+)\s*$/.exec(line);
  return m ? { text: m[1]!, handle: Number(m[2]) } : { text: line };
}

export function parseNftText(text: string): Parsed<NftRuleset> {
  const warnings: string[] = [];
  const ruleset: NftRuleset = { tables: [] };
  const lines = text.split('\n');
  let table: NftTable | undefined;
  let rawChains: RawChain[] = [];
  let chain: RawChain | undefined;
  let set: NftSet | undefined;
  let skipDepth = 0;
  let pendingElements: string | undefined;
  let sawAnything = false;

  const finishTable = () => {
    if (!table) return;
    for (const raw of rawChains) {
      for (const r of raw.ruleLines) {
        const parsed = parseNftStatements(r.text, table.sets);
        if (!parsed.complete) warnings.push(`line ${r.line}: unbalanced quotes`);
        const rule: FirewallRule = {
          text: r.text,
          conditions: parsed.conditions,
          action: parsed.action,
          line: r.line,
        };
        if (r.handle !== undefined) rule.handle = r.handle;
        if (parsed.counters) rule.counters = parsed.counters;
        if (parsed.comment !== undefined) rule.comment = parsed.comment;
        raw.chain.rules.push(rule);
      }
    }
    rawChains = [];
    table = undefined;
  };

  for (let index = 0; index < lines.length; index++) {
    const lineNo = index + 1;
    const trimmed = lines[index]!.replace(/\r$/, '').trim();
    if (trimmed === '' || (trimmed.startsWith('#') && !chain)) continue;

    if (skipDepth > 0) {
      skipDepth += braceBalance(trimmed);
      continue;
    }
    if (pendingElements !== undefined && set) {
      pendingElements += ` ${trimmed}`;
      if (braceBalance(pendingElements) <= 0) {
        set.elements = elementsOf(pendingElements);
        pendingElements = undefined;
      }
      continue;
    }

    const { text: body, handle } = splitHandle(trimmed);
    if (!table) {
      const m = /^table\s+(\S+)\s+(\S+)\s*\{$/.exec(body) ?? /^table\s+(\S+)\s*\{$/.exec(body);
      if (m) {
        sawAnything = true;
        const hasFamily = m.length === 3 && m[2] !== undefined;
        const family = (hasFamily ? m[1] : 'ip') as NftFamily;
        const name = hasFamily ? m[2]! : m[1]!;
        if (!FAMILIES.has(family)) warnings.push(`line ${lineNo}: unknown table family ${family}`);
        table = { family, name, chains: [], sets: [] };
        if (handle !== undefined) table.handle = handle;
        ruleset.tables.push(table);
      } else warnings.push(`line ${lineNo}: not understood outside a table: ${body.slice(0, 200)}`);
      continue;
    }

    if (set) {
      if (body === '}') {
        set = undefined;
        continue;
      }
      const type = /^(?:type|typeof)\s+(.+)$/.exec(body);
      if (type) set.type = type[1]!;
      const flags = /^flags\s+(.+)$/.exec(body);
      if (flags) set.flags = flags[1]!.split(',').map((f) => f.trim());
      if (/^elements\s*=/.test(body)) {
        const list = body.slice(body.indexOf('=') + 1).trim();
        if (braceBalance(list) > 0) pendingElements = list;
        else set.elements = elementsOf(list);
      }
      continue;
    }

    if (chain) {
      if (body === '}') {
        chain = undefined;
        continue;
      }
      if (trimmed.startsWith('#')) continue;
      const base =
        /^type\s+(\S+)\s+hook\s+(\S+)(?:\s+device\s+\S+)?\s+priority\s+([^;]+);(?:\s*policy\s+(\S+);)?/.exec(
          body,
        );
      if (base) {
        chain.chain.type = base[1]!;
        chain.chain.hook = base[2]!;
        const priority = parsePriority(base[3]!);
        if (priority === undefined) warnings.push(`line ${lineNo}: unknown priority ${base[3]}`);
        else chain.chain.priority = priority;
        if (base[4] !== undefined) chain.chain.policy = base[4] === 'drop' ? 'drop' : 'accept';
        continue;
      }
      const policy = /^policy\s+(accept|drop)\s*;?$/.exec(body);
      if (policy) {
        chain.chain.policy = policy[1] as 'accept' | 'drop';
        continue;
      }
      if (/^comment\s+"/.test(body) && chain.ruleLines.length === 0) continue;
      const ruleLine: RawChain['ruleLines'][number] = { text: body, line: lineNo };
      if (handle !== undefined) ruleLine.handle = handle;
      chain.ruleLines.push(ruleLine);
      continue;
    }

    if (body === '}') {
      finishTable();
      continue;
    }
    const chainHead = /^chain\s+(\S+)\s*\{$/.exec(body);
    if (chainHead) {
      const c: NftChain = { name: unquoteName(chainHead[1]!), rules: [] };
      if (handle !== undefined) c.handle = handle;
      table.chains.push(c);
      chain = { chain: c, ruleLines: [] };
      rawChains.push(chain);
      continue;
    }
    const setHead = /^set\s+(\S+)\s*\{$/.exec(body);
    if (setHead) {
      set = { name: unquoteName(setHead[1]!), type: '', flags: [], elements: [] };
      if (handle !== undefined) set.handle = handle;
      table.sets.push(set);
      continue;
    }
    if (/^flags\s/.test(body)) {
      if (/\bdormant\b/.test(body)) table.dormant = true;
      continue;
    }
    if (body.endsWith('{')) {
      // map, flowtable, ct helper, counter, quota…: not needed to evaluate a packet.
      skipDepth = braceBalance(body);
      continue;
    }
    warnings.push(
      `line ${lineNo}: not understood in table ${table.family} ${table.name}: ${body.slice(0, 200)}`,
    );
  }
  finishTable();

  if (!sawAnything && text.trim() !== '') return { ok: false, error: 'not nft list ruleset output' };
  return { ok: true, value: ruleset, warnings };
}

function unquoteName(name: string): string {
  return name.startsWith('"') && name.endsWith('"') && name.length >= 2 ? name.slice(1, -1) : name;
}

/** "{ 10.0.0.0/8, 192.0.2.1 }" → elements; element options ("timeout 1h expires 5m") are dropped. */
function elementsOf(list: string): string[] {
  const inner = list.trim().replace(/^\{/, '').replace(/\}$/, '');
  return inner
    .split(',')
    .map((e) => e.trim().replace(/\s+(timeout|expires|counter|comment)\s.*$/, ''))
    .map((e) => (e.startsWith('"') && e.endsWith('"') && e.length >= 2 ? e.slice(1, -1) : e))
    .filter((e) => e !== '');
}
