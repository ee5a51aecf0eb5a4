// nftables rulesets: `nft -j list ruleset` (JSON) and `nft [-a] list ruleset` (text). The collector can run both:
// JSON gives exact structure, the text gives each rule as the operator knows it. mergeNftRulesets joins them by
// rule handle so the evaluator works on JSON and names rules with the host's own words.
import type { FirewallRule, NftRuleset, Parsed } from '../types.js';
import { parseNftJson } from '../nft/json.js';
import { parseNftText } from '../nft/text.js';

export { parseNftJson, parseNftText };

/** Either form: JSON when the output starts with `{`, text otherwise. */
export function parseNftRuleset(text: string): Parsed<NftRuleset> {
  return text.trimStart().startsWith('{') ? parseNftJson(text) : parseNftText(text);
}

/**
 * The JSON ruleset with each rule's text replaced by the line `nft -a list ruleset` printed for the same handle.
 * Where the JSON rule holds matches nft could only print as `xt …` (iptables-nft compat expressions) but the
 * text form translated them, the text form's reading is taken instead.
 */
export function mergeNftRulesets(fromJson: NftRuleset, fromText: NftRuleset): NftRuleset {
  const textRules = new Map<string, FirewallRule>();
  for (const t of fromText.tables) {
    for (const c of t.chains) {
      for (const r of c.rules) {
        if (r.handle !== undefined) textRules.set(`${t.family} ${t.name} ${c.name} ${r.handle}`, r);
      }
    }
  }
  return {
    tables: fromJson.tables.map((t) => ({
      ...t,
      chains: t.chains.map((c) => ({
        ...c,
        rules: c.rules.map((r) => {
          const printed =
            r.handle === undefined ? undefined : textRules.get(`${t.family} ${t.name} ${c.name} ${r.handle}`);
          if (!printed) return r;
          const jsonUnknown = r.conditions.some((k) => k.kind === 'unknown') || r.action.kind === 'unknown';
          const textUnknown =
            printed.conditions.some((k) => k.kind === 'unknown') || printed.action.kind === 'unknown';
          const merged: FirewallRule =
            jsonUnknown && !textUnknown
              ? { ...r, conditions: printed.conditions, action: printed.action }
              : { ...r };
          merged.text = printed.text;
          if (printed.line !== undefined) merged.line = printed.line;
          return merged;
        }),
      })),
    })),
  };
}
