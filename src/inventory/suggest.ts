// "Did you mean …?": close matches for mistyped host names and keys.

/**
 * Edit distance between two strings: insertions, deletions, substitutions, and swaps of two neighbouring
 * characters (Levenshtein plus transpositions, "optimal string alignment"), since "prot" means "port".
 */
export function levenshtein(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row[j] = j;
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      row[j] = best;
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}

/** The words closest to `word`, if close enough to be what was meant (case-insensitive; ties all listed). */
export function closeWords(word: string, candidates: readonly string[], limit = 5): string[] {
  const lower = word.toLowerCase();
  // Allow about one typo per three characters, at least one, so "web-1" finds "web-01" but "db" not "web".
  const budget = Math.max(1, Math.floor(word.length / 3));
  const scored = candidates
    .map((candidate) => ({ candidate, distance: levenshtein(lower, candidate.toLowerCase()) }))
    .filter(({ distance }) => distance <= budget);
  // Only the best: "WEB-02" means web-02, not also web-01 one edit further away.
  const best = Math.min(...scored.map(({ distance }) => distance));
  return scored
    .filter(({ distance }) => distance === best)
    .map(({ candidate }) => candidate)
    .sort()
    .slice(0, limit);
}
