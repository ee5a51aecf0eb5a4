// One file's text → its directives in crossplane's payload shape, with nginx's error messages.
// Pure: following `include` is the caller's business (see `onInclude`).
//
// On a syntax error (a stray `}`, a missing `;` at the end of the file, text glued to a quote) nginx stops
// reading. So do we, but we keep what was read before the error: the analyzer can still look at the rest
// of a broken config. crossplane keeps nothing of such a file (`parsed: []`). Misplaced or mis-shaped
// directives we know (see directives.ts) are reported and left out, and parsing goes on, as crossplane does.
// Error lines are nginx's: where it stopped reading (crossplane gives the directive's first line).
// Blocks nest at most MAX_DEPTH deep so that nothing downstream can exhaust the stack on hostile input.
//
// What the directives become is the sink's business (`parseInto`): `parseFile` builds crossplane's payload
// objects; nginx-json's writer (json-stream.ts) writes their JSON bytes straight away and builds nothing.

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
 * The first `n` scratch arguments as a new exact-size array. Array literals for the common counts, because
 * V8 learns that what an allocation site makes survives and then allocates it straight in the old
 * generation, sparing the young-generation copies (a big config's payload is hundreds of thousands of
 * these arrays); `slice` results never get that.
 */
function copyArgs(a: readonly string[], n: number): string[] {
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

/**
 * What the parser hands each directive to, in the order read. `args[0, argc)` are the directive's arguments
 * (a scratch array the parser reuses: copy what you keep). A directive with `block` opens a block that
 * `close()` ends; every block opened is closed, also after an error.
 */
export interface DirectiveSink {
  directive(
    name: string,
    line: number,
    args: readonly string[],
    argc: number,
    includes: number[] | undefined,
    block: boolean,
  ): void;
  close(): void;
}

/**
 * The payload's directive objects. Each block's directives collect in a scratch array reused by every
 * block at the same depth and are copied out at the `}`, so each block's array is allocated once at its
 * exact size: a config with 10,000 server blocks makes hundreds of thousands of arrays, and growing each
 * from empty doubles the heap.
 */
class PayloadBuilder implements DirectiveSink {
  private readonly owners: (PayloadDirective | undefined)[] = [undefined];
  private readonly items: PayloadDirective[][] = [[]];
  private readonly counts: number[] = [0];
  private depth = 0;

  directive(
    name: string,
    line: number,
    args: readonly string[],
    argc: number,
    includes: number[] | undefined,
    block: boolean,
  ): void {
    const stmt: PayloadDirective = { directive: name, line, args: copyArgs(args, argc) };
    if (includes !== undefined) stmt.includes = includes;
    const d = this.depth;
    this.items[d]![this.counts[d]!++] = stmt;
    if (block) {
      const inner = ++this.depth;
      this.owners[inner] = stmt;
      this.counts[inner] = 0;
      if (this.items.length === inner) this.items.push([]);
    }
  }

  close(): void {
    const d = this.depth--;
    this.owners[d]!.block = this.items[d]!.slice(0, this.counts[d]);
    this.owners[d] = undefined;
  }

  /** The file's top-level directives. */
  parsed(): PayloadDirective[] {
    return this.items[0]!.slice(0, this.counts[0]);
  }
}

/**
 * crossplane's _prepare_if_args on `args[0, argc)`, in place: `if ($a = b)` has the arguments `$a`, `=`,
 * `b`. Returns the new count.
 */
function prepareIfArgs(args: string[], argc: number): number {
  if (argc === 0 || !args[0]!.startsWith('(') || !args[argc - 1]!.endsWith(')')) return argc;
  args[0] = args[0]!.slice(1).trimStart();
  args[argc - 1] = args[argc - 1]!.slice(0, -1).trimEnd();
  const start = args[0] === '' ? 1 : 0;
  const end = argc - (args[argc - 1] === '' ? 1 : 0);
  if (end <= start) return 0;
  for (let i = start; i < end; i++) args[i - start] = args[i]!;
  return end - start;
}

export function parseFile(text: string, file: string, options: ParseFileOptions = {}): ParsedFile {
  const builder = new PayloadBuilder();
  const errors = parseInto(text, file, options, builder);
  return { parsed: builder.parsed(), errors };
}

/** Reads one file's directives into `sink`; returns the file's errors (crossplane's form). */
export function parseInto(
  text: string,
  file: string,
  options: ParseFileOptions,
  sink: DirectiveSink,
): FileError[] {
  const errors: FileError[] = [];
  const report = (reason: string, line: number): void => {
    errors.push({ error: `${reason} in ${file}:${line}`, line });
  };
  const ctxs: string[] = [options.ctx ?? '']; // the context of each open block, outermost first
  let depth = 0; // index of the innermost open block
  const args: string[] = []; // scratch for the current directive's arguments
  const lexer = new Lexer(text);
  const close = (): void => {
    sink.close();
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

    if (directive === 'if') argc = prepareIfArgs(args, argc);

    const ctx = ctxs[depth]!;
    const problem = checkDirective(ctx, directive, argc, terminator);
    if (problem !== undefined) {
      // nginx names the line it had read up to (where the `;` or `{` is), not the directive's first line.
      report(problem, terminatorLine);
      if (terminator === '{' && !skipBlock()) break;
      continue;
    }

    let includes: number[] | undefined;
    if (directive === 'include' && options.onInclude && argc > 0) {
      const included = options.onInclude(args[0]!, ctx);
      includes = included.indices;
      if (included.error !== undefined) report(included.error, terminatorLine);
    }

    const opens = terminator === '{' && depth < MAX_DEPTH;
    sink.directive(directive, line, args, argc, includes, opens);
    if (terminator === '{') {
      if (!opens) {
        report(`blocks nested deeper than ${MAX_DEPTH} levels`, line);
        break;
      }
      ctxs[++depth] = enterBlock(ctx, directive);
    }
  }

  // After an error, the blocks still open keep what was read into them.
  while (depth > 0) close();
  return errors;
}
