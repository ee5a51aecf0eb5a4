// Glob patterns as nginx's `include` uses them: glob(3) with default flags (glibc). `*`, `?` and `[…]`
// match within one path component, a backslash quotes the next character, and a name starting with `.`
// is matched only by a pattern component starting with a literal `.`. Results sort in byte order (nginx
// runs in the C locale), which is also crossplane's order (Python sorts by code point). Matching is the
// shared wildcard walk (text/wildcard.ts), never a regular expression built from the pattern: a config is
// host input, and `a*a*a*…*b` beside a long file name used to backtrack for minutes.
import { compileWildcard, matchWildcard } from '../../text/wildcard.js';

const GLOB_SYNTAX = { brackets: true, escapes: true } as const;

/** nginx's test for a pattern (ngx_conf_include): any of `*`, `?`, `[`. */
export function hasMagic(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/**
 * A test of directory entry names against one pattern component, with glob's leading-dot rule: a name
 * starting with `.` needs the component to start with a literal `.` (`*`, `?` and `[.]` do not match it).
 */
export function componentMatcher(segment: string): (name: string) => boolean {
  const tokens = compileWildcard(segment, GLOB_SYNTAX);
  const first = tokens[0];
  const dotFirst = first?.kind === 'char' && first.ch === '.';
  return (name) => (dotFirst || !name.startsWith('.')) && matchWildcard(tokens, name);
}

/** A test of whole paths against a pattern, component by component (`*` never crosses `/`). */
export function compileGlob(pattern: string): (path: string) => boolean {
  const components = pattern.split('/').map((seg): ((part: string) => boolean) => {
    if (!hasMagic(seg)) {
      const literal = unquote(seg);
      return (part) => part === literal;
    }
    return componentMatcher(seg);
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
