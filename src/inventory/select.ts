// Choosing hosts from the inventory: exact names, globs (`web-*`, `*`, `?`) and tags (`tag:prod`), and finding
// the inventory host behind an address (an upstream that points at another host we know).
import { normalizeAddress } from './address.js';
import { simpleWildcard } from '../text/wildcard.js';
import { closeWords } from './suggest.js';
import type { Inventory, Target } from './types.js';
import type { Result } from '../model/result.js';

export type Selection = Result<Target[], string[]>;

const GLOB_CHARS = /[*?]/;
/** Unknown words of one selection that get "did you mean" (the rest are named without). */
const SUGGESTED_WORDS = 3;

/**
 * The hosts `patterns` name, in the order asked (a glob or tag adds its hosts in file order), each once.
 * Every pattern must select at least one host; otherwise the result lists one error per such pattern.
 */
export function selectHosts(inventory: Inventory, patterns: readonly string[]): Selection {
  if (patterns.length === 0)
    return {
      ok: false,
      error: ['no hosts given: name one or more hosts, globs (web-*) or tags (tag:prod)'],
    };
  const chosen = new Map<string, Target>();
  const errors: string[] = [];
  for (const pattern of patterns) {
    // "Did you mean" for the first few unknown words only: each costs a comparison with every name.
    const matched = matchPattern(inventory, pattern, errors.length < SUGGESTED_WORDS);
    if (typeof matched === 'string') errors.push(matched);
    else for (const target of matched) if (!chosen.has(target.name)) chosen.set(target.name, target);
  }
  return errors.length > 0 ? { ok: false, error: errors } : { ok: true, value: [...chosen.values()] };
}

/** The hosts one pattern selects, or a message saying why it selects none. */
function matchPattern(inventory: Inventory, pattern: string, suggest: boolean): Target[] | string {
  const names = inventory.hosts.map((h) => h.name);
  if (pattern.startsWith('tag:')) {
    const tag = pattern.slice(4);
    const tagged = inventory.hosts.filter((h) => h.tags.includes(tag));
    if (tagged.length > 0) return tagged;
    const tags = [...new Set(inventory.hosts.flatMap((h) => h.tags))].sort();
    const close = suggest ? closeWords(tag, tags) : [];
    const hint =
      close.length > 0
        ? `did you mean ${close.map((t) => `tag:${t}`).join(', ')}?`
        : tags.length > 0
          ? `known tags: ${tags.join(', ')}`
          : 'no host has tags';
    return `no host has tag '${tag}'; ${hint}`;
  }
  if (GLOB_CHARS.test(pattern)) {
    const globbed = inventory.hosts.filter((h) => globMatch(pattern, h.name));
    return globbed.length > 0 ? globbed : `no host matches '${pattern}' in ${inventory.source}`;
  }
  const exact = inventory.hosts.find((h) => h.name === pattern);
  if (exact) return [exact];
  const close = suggest ? closeWords(pattern, names) : [];
  if (close.length > 0) return `unknown host '${pattern}'; did you mean ${close.join(', ')}?`;
  const listed =
    names.length <= 10 ? names.join(', ') : `${names.slice(0, 10).join(', ')}, … (${names.length} in all)`;
  return `unknown host '${pattern}'; hosts in ${inventory.source}: ${listed}`;
}

/** Shell-style glob over a whole name: `*` any run of characters, `?` exactly one (the shared matcher). */
export function globMatch(pattern: string, name: string): boolean {
  return simpleWildcard(pattern, name);
}

/** The inventory host whose address is `address` (written any equivalent way), if any. */
export function findHostByAddress(inventory: Inventory, address: string): Target | undefined {
  const wanted = normalizeAddress(address);
  return inventory.hosts.find((h) => normalizeAddress(h.address) === wanted);
}
