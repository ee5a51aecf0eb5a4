// "Did you mean …?": edit distance, used for socket paths that are almost right.

export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
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
