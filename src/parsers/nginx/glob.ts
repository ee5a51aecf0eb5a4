// Glob patterns as nginx's `include` uses them: glob(3) with default flags (glibc). `*`, `?` and `[…]`
// match within one path component, a backslash quotes the next character, and a name starting with `.`
// is matched only by a pattern component starting with a literal `.`. Results sort in byte order (nginx
// runs in the C locale), which is also crossplane's order (Python sorts by code point).

/** nginx's test for a pattern (ngx_conf_include): any of `*`, `?`, `[`. */
export function hasMagic(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

function escapeRegExp(ch: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(ch) ? `\\${ch}` : ch;
}

/** Parses `[…]` at `pos`; returns the RegExp class and the index after it, or undefined when unclosed. */
function bracket(segment: string, pos: number): { re: string; next: number } | undefined {
  let i = pos + 1;
  let negate = false;
  if (segment[i] === '!' || segment[i] === '^') {
    negate = true;
    i++;
  }
  let body = '';
  let first = true;
  while (i < segment.length) {
    let ch = segment[i]!;
    if (ch === ']' && !first) {
      return { re: `[${negate ? '^' : ''}${body}]`, next: i + 1 };
    }
    first = false;
    if (ch === '\\' && i + 1 < segment.length) {
      i++;
      ch = segment[i]!;
    }
    if (segment[i + 1] === '-' && i + 2 < segment.length && segment[i + 2] !== ']') {
      let hi = segment[i + 2]!;
      let skip = 3;
      if (hi === '\\' && i + 3 < segment.length) {
        hi = segment[i + 3]!;
        skip = 4;
      }
      // A reversed range matches nothing in glibc; an empty-but-valid class keeps the pattern compiling.
      body += ch <= hi ? `${escapeRegExp(ch)}-${escapeRegExp(hi)}` : '';
      i += skip;
      continue;
    }
    body += escapeRegExp(ch);
    i++;
  }
  return undefined;
}

/** One path component's pattern as an anchored RegExp. */
export function componentRegExp(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length;) {
    const ch = segment[i]!;
    if (ch === '*') {
      re += '.*';
      i++;
    } else if (ch === '?') {
      re += '.';
      i++;
    } else if (ch === '[') {
      const b = bracket(segment, i);
      // (A class emptied by reversed ranges is `[]`, which JS reads as "nothing", as glibc does.)
      if (b) {
        re += b.re;
        i = b.next;
      } else {
        re += '\\[';
        i++;
      }
    } else if (ch === '\\' && i + 1 < segment.length) {
      re += escapeRegExp(segment[i + 1]!);
      i += 2;
    } else {
      re += escapeRegExp(ch);
      i++;
    }
  }
  return new RegExp(`^${re}$`, 's');
}

/** Whether a directory entry's name matches a pattern component (with glob's leading-dot rule). */
export function matchComponent(segment: string, re: RegExp, name: string): boolean {
  if (name.startsWith('.') && !segment.startsWith('.')) return false;
  return re.test(name);
}

/** A test of whole paths against a pattern, component by component (`*` never crosses `/`). */
export function compileGlob(pattern: string): (path: string) => boolean {
  const components = pattern.split('/').map((seg): ((part: string) => boolean) => {
    if (!hasMagic(seg)) {
      const literal = unquote(seg);
      return (part) => part === literal;
    }
    const re = componentRegExp(seg);
    return (part) => matchComponent(seg, re, part);
  });
  return (path) => {
    const parts = path.split('/');
    return parts.length === components.length && components.every((match, i) => match(parts[i]!));
  };
}

/** A component without magic, with its backslash quoting removed. */
export function unquote(segment: string): string {
  return segment.includes('\\') ? segment.replace(/\\(.)/gs, '$1') : segment;
}

/** Byte order of the UTF-8 encodings (strcmp in the C locale). */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Whether a whole path matches a pattern (compile once with `compileGlob` when testing many paths). */
export function matchPath(pattern: string, path: string): boolean {
  return compileGlob(pattern)(path);
}
