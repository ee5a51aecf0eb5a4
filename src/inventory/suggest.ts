// "Did you mean …?": close matches for mistyped host names and keys.
import { levenshtein } from '../text/similar.js';

export { levenshtein };

/** Longest word that gets "did you mean" suggestions. */
export const MAX_SUGGESTED_LENGTH = 64;

/** The words closest to `word`, if close enough to be what was meant (case-insensitive; ties all listed). */
export function closeWords(word: string, candidates: readonly string[], limit = 5): string[] {
  // A word this long is no typo of a host name, and comparing it with every name of a large inventory is
  // quadratic work any Slack user could ask for twenty times a command, on the bot's one thread.
  if (word.length > MAX_SUGGESTED_LENGTH) return [];
  const lower = word.toLowerCase();
  // Allow about one typo per three characters, at least one, so "web-1" finds "web-01" but "db" not "web".
  const budget = Math.max(1, Math.floor(word.length / 3));
  const scored = candidates
    .map((candidate) => ({ candidate, distance: levenshtein(lower, candidate.toLowerCase(), budget) }))
    .filter(({ distance }) => distance <= budget);
  // Only the best: "WEB-02" means web-02, not also web-01 one edit further away.
  const best = Math.min(...scored.map(({ distance }) => distance));
  return scored
    .filter(({ distance }) => distance === best)
    .map(({ candidate }) => candidate)
    .sort()
    .slice(0, limit);
}
