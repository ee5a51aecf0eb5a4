// "Did you mean …?": edit distance, for socket paths and host names that are almost right.

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

function dirname(path: string): string {
  return path.slice(0, path.lastIndexOf('/'));
}

/**
 * The item whose key is most like `wanted`: same directory counts for a lot (/run/php/php-fpm.sock vs
 * /run/php/php8.2-fpm.sock), then edit distance. Nothing when no candidate is close enough to be a typo.
 */
export function closestBySimilarity<T>(wanted: string, items: T[], key: (item: T) => string): T | undefined {
  let best: { item: T; score: number } | undefined;
  for (const item of items) {
    const k = key(item);
    const distance = levenshtein(wanted, k);
    const sameDir = dirname(k) === dirname(wanted);
    const limit = Math.max(4, Math.floor(wanted.length * 0.4));
    if (!sameDir && distance > limit) continue;
    const score = distance - (sameDir ? 100 : 0);
    if (!best || score < best.score) best = { item, score };
  }
  return best?.item;
}
