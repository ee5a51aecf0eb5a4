// One wildcard matcher for every pattern a host, a config or an operator hands us: nginx include globs (one
// path component at a time, with `[…]` and backslash quoting), inventory host globs and known_hosts patterns
// (`*` and `?` only). A pattern is compiled into tokens and matched by the greedy two-pointer walk that only
// ever returns to the most recent `*`: at most |pattern| × |name| steps, never the exponential backtracking
// of a regular expression built from the pattern (`a*a*a*…*b` against a long name froze the event loop).
// Characters are UTF-16 code units, as the regular expressions this replaces read them.

/** One piece of a compiled pattern. */
export type WildcardToken =
  | { kind: 'star' }
  /** What glibc's fnmatch rejects (a trailing backslash, a set cut off in a range or an escape, an unknown
   * `[:class:]`): the pattern then matches no name at all. */
  | { kind: 'invalid' }
  | { kind: 'any' }
  | { kind: 'char'; ch: string }
  | {
      kind: 'set';
      negate: boolean;
      ranges: readonly (readonly [string, string])[];
      classes: readonly string[];
    };

export interface WildcardSyntax {
  /** `[…]` sets (glob(3)); otherwise `[` is an ordinary character. */
  brackets: boolean;
  /** A backslash quotes the next character (glob(3) without GLOB_NOESCAPE). */
  escapes: boolean;
}

/** The POSIX character classes glob(3) accepts inside a set, in the C locale. */
const CLASSES: Readonly<Record<string, (c: number) => boolean>> = {
  alnum: (c) => isDigit(c) || isAlpha(c),
  alpha: (c) => isAlpha(c),
  blank: (c) => c === 0x20 || c === 0x09,
  cntrl: (c) => c < 0x20 || c === 0x7f,
  digit: (c) => isDigit(c),
  graph: (c) => c > 0x20 && c < 0x7f,
  lower: (c) => c >= 0x61 && c <= 0x7a,
  print: (c) => c >= 0x20 && c < 0x7f,
  punct: (c) => c > 0x20 && c < 0x7f && !isDigit(c) && !isAlpha(c),
  space: (c) => c === 0x20 || (c >= 0x09 && c <= 0x0d),
  upper: (c) => c >= 0x41 && c <= 0x5a,
  xdigit: (c) => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66),
};

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

const INVALID: WildcardToken = { kind: 'invalid' };

/**
 * Parses `[…]` at `pos`: the set and the index after it, or undefined when it never closes (then `[` is
 * literal). As in glibc's fnmatch: `!` or `^` negates, a leading `]` is a member, `[:class:]`, `[=c=]` and
 * `[.c.]` name members, and a set that ends inside a range or an escape, or names an unknown class, is invalid.
 */
function parseSet(
  pattern: string,
  pos: number,
  escapes: boolean,
): { token: WildcardToken; next: number } | undefined {
  let i = pos + 1;
  const negate = pattern[i] === '!' || pattern[i] === '^';
  if (negate) i++;
  const ranges: [string, string][] = [];
  const classes: string[] = [];
  let first = true;
  while (i < pattern.length) {
    let ch = pattern[i]!;
    if (ch === ']' && !first) return { token: { kind: 'set', negate, ranges, classes }, next: i + 1 };
    first = false;
    if (ch === '[' && pattern[i + 1] === ':') {
      const name = /^[a-z]*/.exec(pattern.slice(i + 2))![0];
      if (pattern.startsWith(':]', i + 2 + name.length)) {
        if (!Object.hasOwn(CLASSES, name)) return { token: INVALID, next: pattern.length };
        classes.push(name);
        i += name.length + 4;
        continue;
      }
    }
    if (ch === '[' && (pattern[i + 1] === '=' || pattern[i + 1] === '.')) {
      const mark = pattern[i + 1]!;
      if (pattern[i + 3] === mark && pattern[i + 4] === ']') {
        ranges.push([pattern[i + 2]!, pattern[i + 2]!]);
        i += 5;
        continue;
      }
      if (mark === '.') return { token: INVALID, next: pattern.length };
    }
    if (ch === '\\' && escapes) {
      if (i + 1 >= pattern.length) return { token: INVALID, next: pattern.length };
      ch = pattern[++i]!;
    }
    if (pattern[i + 1] === '-' && pattern[i + 2] !== ']') {
      let hi = pattern[i + 2];
      let skip = 3;
      if (hi === '\\' && escapes) {
        hi = pattern[i + 3];
        skip = 4;
      }
      if (hi === undefined) return { token: INVALID, next: pattern.length };
      // A reversed range matches nothing in glibc.
      if (ch <= hi) ranges.push([ch, hi]);
      i += skip;
      continue;
    }
    ranges.push([ch, ch]);
    i++;
  }
  return undefined;
}

/** The tokens of a pattern; runs of `*` fold into one (they match the same names, and fewer restarts). */
export function compileWildcard(pattern: string, syntax: WildcardSyntax): WildcardToken[] {
  const tokens: WildcardToken[] = [];
  for (let i = 0; i < pattern.length;) {
    const ch = pattern[i]!;
    if (ch === '*') {
      if (tokens.at(-1)?.kind !== 'star') tokens.push({ kind: 'star' });
      i++;
    } else if (ch === '?') {
      tokens.push({ kind: 'any' });
      i++;
    } else if (ch === '[' && syntax.brackets) {
      const set = parseSet(pattern, i, syntax.escapes);
      tokens.push(set ? set.token : { kind: 'char', ch });
      i = set ? set.next : i + 1;
    } else if (ch === '\\' && syntax.escapes) {
      tokens.push(i + 1 < pattern.length ? { kind: 'char', ch: pattern[i + 1]! } : INVALID);
      i += 2;
    } else {
      tokens.push({ kind: 'char', ch });
      i++;
    }
  }
  return tokens;
}

function inSet(token: Extract<WildcardToken, { kind: 'set' }>, ch: string): boolean {
  const code = ch.charCodeAt(0);
  const hit =
    token.ranges.some(([lo, hi]) => ch >= lo && ch <= hi) || token.classes.some((c) => CLASSES[c]!(code));
  return hit !== token.negate;
}

/** Whether one non-star token matches one character. */
function matchesOne(token: WildcardToken, ch: string): boolean {
  switch (token.kind) {
    case 'any':
      return true;
    case 'char':
      return token.ch === ch;
    case 'set':
      return inSet(token, ch);
    case 'star':
    case 'invalid':
      return false;
  }
}

/**
 * Whether the whole of `name` matches. After a mismatch only the latest `*` takes one more character: an
 * earlier star never needs to, because whatever it would absorb the later one can absorb as well.
 */
export function matchWildcard(tokens: readonly WildcardToken[], name: string): boolean {
  let t = 0;
  let n = 0;
  let star = -1;
  let resume = 0;
  while (n < name.length) {
    const token = tokens[t];
    if (token?.kind === 'star') {
      star = t++;
      resume = n;
    } else if (token && matchesOne(token, name[n]!)) {
      t++;
      n++;
    } else if (star >= 0) {
      t = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (tokens[t]?.kind === 'star') t++;
  return t === tokens.length;
}

/** Shell-style `*` and `?` over a whole name, nothing else special (inventory globs, known_hosts patterns). */
export function simpleWildcard(pattern: string, name: string): boolean {
  return matchWildcard(compileWildcard(pattern, { brackets: false, escapes: false }), name);
}
