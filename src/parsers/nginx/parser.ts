// One file's text → its directives in crossplane's payload shape, with nginx's error messages.
// Pure: following `include` is the caller's business (see `onInclude`).
//
// On a syntax error (a stray `}`, a missing `;` at the end of the file, text glued to a quote) nginx stops
// reading. So do we, but we keep what was read before the error: the analyzer can still look at the rest
// of a broken config. crossplane keeps nothing of such a file (`parsed: []`). Misplaced or mis-shaped
// directives we know (see directives.ts) are reported and left out, and parsing goes on, as crossplane does.
// Error lines are nginx's: where it stopped reading (crossplane gives the directive's first line).
// Blocks nest at most MAX_DEPTH deep so that nothing downstream can exhaust the stack on hostile input.

import type { FileError, PayloadDirective } from './ast.js';
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

interface Frame {
  list: PayloadDirective[];
  ctx: string;
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
  const root: PayloadDirective[] = [];
  const frames: Frame[] = [{ list: root, ctx: options.ctx ?? '' }];
  const lexer = new Lexer(text);

  // Skips the rest of a block whose directive was rejected (its `{` already read). False on a syntax error.
  const skipBlock = (): boolean => {
    let depth = 1;
    for (;;) {
      const kind = lexer.next();
      if (kind === '{') depth++;
      else if (kind === '}') {
        if (--depth === 0) return true;
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
    const frame = frames[frames.length - 1]!;
    const kind = lexer.next();
    switch (kind) {
      case 'word':
      case 'quoted':
        break;
      case 'eof':
        if (frames.length > 1) report('unexpected end of file, expecting "}"', lexer.line);
        break statements;
      case '}':
        if (frames.length === 1) {
          report('unexpected "}"', lexer.line);
          break statements;
        }
        frames.pop();
        continue;
      case 'error':
        report(lexer.value, lexer.line);
        break statements;
      default:
        // `;` or `{` with no directive before it (a Lua body cannot start a statement).
        report(`unexpected "${kind === ';' ? ';' : '{'}"`, lexer.line);
        break statements;
    }

    const stmt: PayloadDirective = { directive: lexer.value, line: lexer.line, args: [] };
    const args = stmt.args;
    let terminator: ';' | '{';
    let terminatorLine: number;
    for (;;) {
      const k = lexer.next();
      if (k === 'word' || k === 'quoted') {
        args.push(lexer.value);
        continue;
      }
      if (k === ';' || k === '{') {
        terminator = k;
        terminatorLine = lexer.line;
        break;
      }
      if (k === 'lua') {
        args.push(lexer.value);
        terminator = ';';
        terminatorLine = lexer.line;
        break;
      }
      if (k === '}') report('unexpected "}"', lexer.line);
      else if (k === 'eof') report('unexpected end of file, expecting ";" or "}"', lexer.line);
      else report(lexer.value, lexer.line);
      break statements;
    }

    if (stmt.directive === 'if') prepareIfArgs(args);

    const problem = checkDirective(frame.ctx, stmt.directive, args.length, terminator);
    if (problem !== undefined) {
      // nginx names the line it had read up to (where the `;` or `{` is), not the directive's first line.
      report(problem, terminatorLine);
      if (terminator === '{' && !skipBlock()) break;
      continue;
    }

    if (stmt.directive === 'include' && options.onInclude && args.length > 0) {
      const included = options.onInclude(args[0]!, frame.ctx);
      stmt.includes = included.indices;
      if (included.error !== undefined) report(included.error, terminatorLine);
    }

    frame.list.push(stmt);
    if (terminator === '{') {
      if (frames.length > MAX_DEPTH) {
        report(`blocks nested deeper than ${MAX_DEPTH} levels`, stmt.line);
        break;
      }
      stmt.block = [];
      frames.push({ list: stmt.block, ctx: enterBlock(frame.ctx, stmt.directive) });
    }
  }

  return { parsed: root, errors };
}
