// "Did you mean …?": edit distance, for socket paths and host names that are almost right.

/**
 * Edit distance between two strings: insertions, deletions, substitutions, and swaps of two neighbouring
 * characters (Levenshtein plus transpositions, "optimal string alignment"), since "prot" means "port".
 * With `max`, any distance over it comes back as `max + 1` as soon as that is certain (the lengths differ
 * by more, or a whole row of the table is over it): callers that only want close words stop early.
 */
export function levenshtein(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  // Three rows of the table (a swap reaches back two), reused: no allocation per cell or row.
  let before = new Int32Array(b.length + 1);
  let previous = new Int32Array(b.length + 1);
  let row = new Int32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  let previousMin = 0;
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, before[j - 2]! + 1);
      row[j] = best;
      if (best < rowMin) rowMin = best;
    }
    // Every later cell builds on this row or, through a swap, on the one before: both over max, so is the end.
    if (rowMin > max && previousMin > max) return max + 1;
    previousMin = rowMin;
    [before, previous, row] = [previous, row, before];
  }
  return Math.min(previous[b.length]!, max + 1);
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
