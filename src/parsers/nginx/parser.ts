// One file's text → its directives in crossplane's payload shape, with nginx's error messages.
// Pure: following `include` is the caller's business (see `onInclude`).
//
// On a syntax error (a stray `}`, a missing `;` at the end of the file, text glued to a quote) nginx stops
// reading. So do we, but we keep what was read before the error: the analyzer can still look at the rest
// of a broken config. crossplane keeps nothing of such a file (`parsed: []`). Misplaced or mis-shaped
// directives we know (see directives.ts) are reported and left out, and parsing goes on, as crossplane does.
// Error lines are nginx's: where it stopped reading (crossplane gives the directive's first line).
// Blocks nest at most MAX_DEPTH deep so that nothing downstream can exhaust the stack on hostile input.

import type { FileError, PayloadDirective } from '../../model/nginx-config.js';
import { checkDirective, enterBlock } from './directives.js';
import { Lexer } from './lexer.js';

export const MAX_DEPTH = 200;

export interface IncludeResult {
  /** Indices into the payload's `config` of the files the pattern names. */
  indices: number[];
  /** nginx's message when a named file cannot be opened; reported at the include's line. */
  error?: string;
}

export interface ParseFileOptions {
  /** The context the file is included into, e.g. `http` or `http/server` (crossplane's ctx); '' for the main file. */
  ctx?: string;
  /** Follows an `include` with the given argument. Without it includes are kept as plain directives (no `includes`). */
  onInclude?: (pattern: string, ctx: string) => IncludeResult;
}

export interface ParsedFile {
  parsed: PayloadDirective[];
  /** Messages in crossplane's form: `unexpected "}" in FILE:LINE`. */
  errors: FileError[];
}

/**
 * An open block. Its directives collect in a scratch array reused by every block at the same depth and are
 * copied out at the `}`, so each block's array is allocated once at its exact size: a config with 10,000
 * server blocks makes hundreds of thousands of arrays, and growing each from empty doubles the heap.
 */
interface Frame {
  owner: PayloadDirective | undefined;
  items: PayloadDirective[];
  count: number;
  ctx: string;
}

/**
 * The first `n` scratch arguments as a new exact-size array. Array literals for the common counts, because
 * V8 learns that what an allocation site makes survives and then allocates it straight in the old
 * generation, sparing the young-generation copies (a big config's payload is hundreds of thousands of
 * these arrays); `slice` results never get that.
 */
function copyArgs(a: string[], n: number): string[] {
  switch (n) {
    case 0:
      return [];
    case 1:
      return [a[0]!];
    case 2:
      return [a[0]!, a[1]!];
    case 3:
      return [a[0]!, a[1]!, a[2]!];
    case 4:
      return [a[0]!, a[1]!, a[2]!, a[3]!];
    default:
      return a.slice(0, n);
  }
}

/** crossplane's _prepare_if_args: `if ($a = b)` has the arguments `$a`, `=`, `b`. */
function prepareIfArgs(args: string[]): void {
  if (args.length === 0 || !args[0]!.startsWith('(') || !args[args.length - 1]!.endsWith(')')) return;
  args[0] = args[0]!.slice(1).trimStart();
  args[args.length - 1] = args[args.length - 1]!.slice(0, -1).trimEnd();
  const start = args[0] === '' ? 1 : 0;
  const end = args.length - (args[args.length - 1] === '' ? 1 : 0);
  const kept = args.slice(start, end);
  args.length = 0;
  args.push(...kept);
}

export function parseFile(text: string, file: string, options: ParseFileOptions = {}): ParsedFile {
  const errors: FileError[] = [];
  const report = (reason: string, line: number): void => {
    errors.push({ error: `${reason} in ${file}:${line}`, line });
  };
  const frames: Frame[] = [{ owner: undefined, items: [], count: 0, ctx: options.ctx ?? '' }];
  let depth = 0; // index of the innermost open frame
  const args: string[] = []; // scratch for the current directive's arguments
  const lexer = new Lexer(text);

  const open = (owner: PayloadDirective, ctx: string): void => {
    depth++;
    const frame = frames[depth];
    if (frame) {
      frame.owner = owner;
      frame.count = 0;
      frame.ctx = ctx;
    } else {
      frames.push({ owner, items: [], count: 0, ctx });
    }
  };
  const close = (): void => {
    const frame = frames[depth]!;
    frame.owner!.block = frame.items.slice(0, frame.count);
    depth--;
  };

  // Skips the rest of a block whose directive was rejected (its `{` already read). False on a syntax error.
  const skipBlock = (): boolean => {
    let level = 1;
    for (;;) {
      const kind = lexer.next();
      if (kind === '{') level++;
      else if (kind === '}') {
        if (--level === 0) return true;
      } else if (kind === 'eof') {
        report('unexpected end of file, expecting "}"', lexer.line);
        return false;
      } else if (kind === 'error') {
        report(lexer.value, lexer.line);
        return false;
      }
    }
  };

  statements: for (;;) {
    const kind = lexer.next();
    switch (kind) {
      case 'word':
      case 'quoted':
        break;
      case 'eof':
        if (depth > 0) report('unexpected end of file, expecting "}"', lexer.line);
        break statements;
      case '}':
        if (depth === 0) {
          report('unexpected "}"', lexer.line);
          break statements;
        }
        close();
        continue;
      case 'error':
        report(lexer.value, lexer.line);
        break statements;
      default:
        // `;` or `{` with no directive before it (a Lua body cannot start a statement).
        report(`unexpected "${kind === ';' ? ';' : '{'}"`, lexer.line);
        break statements;
    }

    const directive = lexer.value;
    const line = lexer.line;
    let argc = 0;
    let terminator: ';' | '{';
    let terminatorLine: number;
    for (;;) {
      const k = lexer.next();
      if (k === 'word' || k === 'quoted') {
        args[argc++] = lexer.value;
        continue;
      }
      if (k === ';' || k === '{') {
        terminator = k;
        terminatorLine = lexer.line;
        break;
      }
      if (k === 'lua') {
        args[argc++] = lexer.value;
        terminator = ';';
        terminatorLine = lexer.line;
        break;
      }
      if (k === '}') report('unexpected "}"', lexer.line);
      else if (k === 'eof') report('unexpected end of file, expecting ";" or "}"', lexer.line);
      else report(lexer.value, lexer.line);
      break statements;
    }

    const stmt: PayloadDirective = { directive, line, args: copyArgs(args, argc) };
    if (directive === 'if') prepareIfArgs(stmt.args);

    const frame = frames[depth]!;
    const problem = checkDirective(frame.ctx, directive, stmt.args.length, terminator);
    if (problem !== undefined) {
      // nginx names the line it had read up to (where the `;` or `{` is), not the directive's first line.
      report(problem, terminatorLine);
      if (terminator === '{' && !skipBlock()) break;
      continue;
    }

    if (directive === 'include' && options.onInclude && stmt.args.length > 0) {
      const included = options.onInclude(stmt.args[0]!, frame.ctx);
      stmt.includes = included.indices;
      if (included.error !== undefined) report(included.error, terminatorLine);
    }

    frame.items[frame.count++] = stmt;
    if (terminator === '{') {
      if (depth >= MAX_DEPTH) {
        report(`blocks nested deeper than ${MAX_DEPTH} levels`, line);
        break;
      }
      open(stmt, enterBlock(frame.ctx, directive));
    }
  }

  // After an error, the blocks still open keep what was read into them.
  while (depth > 0) close();
  const root = frames[0]!;
  const parsed = root.items.slice(0, root.count);
  return { parsed, errors };
}
