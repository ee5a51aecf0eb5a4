// The nginx config lexer: text → tokens with line numbers, by the rules of nginx's own
// ngx_conf_read_token (src/analyze/ngx_conf_file.c), which is the authority on what a config means.
//
// Rules (nginx):
// - Whitespace is space, tab, CR, LF only. A word ends at whitespace, `;` or `{`.
// - `}` ends nothing inside a word: `a}b` is one word (a `}` standing alone closes a block).
// - `$` followed by `{` keeps the `{` in the word: `/a/${uri}` is one word, not a block start.
// - `#` starts a comment only where a word could start; `a#b` is one word. Comments are dropped.
// - A quote starts a quoted word only where a word could start; inside a word it is a plain character.
//   After a closing quote nginx requires whitespace, `;`, `{` or `)`: `"foo"bar` is an error
//   (unexpected "b"). A `)` starts the next word, so `if ($a = "b")` works.
// - A backslash protects the next character (including a quote, `;`, `{`, whitespace).
// - `*_by_lua_block { … }` bodies are Lua, read by ngx_lua's own scanner: its raw text between the braces
//   is one token (crossplane does the same), with Lua strings, comments and long brackets skipped when
//   counting braces.
//
// Where crossplane (crossplane/lexer.py) differs, we follow nginx:
// - crossplane makes `}` a token everywhere, splitting `a}b`; nginx does not.
// - crossplane's `${` handling swallows the whitespace after the `}`, joining `try_files /a/${uri} /b`
//   into one argument; nginx gives two.
// - crossplane splits `"foo"bar` into `foo` and `bar`; nginx rejects it.
// - crossplane counts any Unicode space (NBSP, form feed…) as whitespace; nginx only space/tab/CR/LF.
// - crossplane recognises a fixed list of Lua block directives and does not know Lua long brackets
//   (`[[ } ]]`); we take every `*_by_lua_block` and skip long brackets as ngx_lua does.
// Argument values follow crossplane, not nginx's final bytes: quotes removed, `\"` inside "…" (and `\'`
// inside '…') unescaped, every other escape kept verbatim. `nginxValue()` gives nginx's bytes.

import { scanLuaBlock } from './lua.js';

export type TokenKind = 'word' | 'quoted' | '{' | '}' | ';' | 'lua' | 'eof' | 'error';

export interface Token {
  kind: TokenKind;
  /** The word (quotes removed), the Lua block's body, or the error message; '' for punctuation and eof. */
  value: string;
  /** 1-based line where the token starts (for eof: the last line; for errors: where nginx stops). */
  line: number;
}

const LF = 10;
const CR = 13;
const TAB = 9;
const SPACE = 32;
const HASH = 35; // #
const DQUOTE = 34; // "
const SQUOTE = 39; // '
const DOLLAR = 36; // $
const BACKSLASH = 92;
const LBRACE = 123; // {
const RBRACE = 125; // }
const SEMICOLON = 59; // ;
const RPAREN = 41; // )

/** What a character does inside a word: nothing, end it (whitespace, `;`, `{`), protect the next one, or `$`. */
const PLAIN_CHAR = 0;
const ENDS_WORD = 1;
const ESCAPES_NEXT = 2;
const VARIABLE = 3;
const WORD_CHAR = new Uint8Array(128);
for (const c of [SPACE, TAB, CR, LF, SEMICOLON, LBRACE]) WORD_CHAR[c] = ENDS_WORD;
WORD_CHAR[BACKSLASH] = ESCAPES_NEXT;
WORD_CHAR[DOLLAR] = VARIABLE;

const LUA_BLOCK_SUFFIX = '_by_lua_block';
const MAX_CACHED_LENGTH = 32;
const WORD_CACHE_MASK = 4095;

/** Shown in messages the way nginx prints a character in `unexpected "%c"`. */
function charAt(text: string, pos: number): string {
  const cp = text.codePointAt(pos);
  return cp === undefined ? '' : String.fromCodePoint(cp);
}

/**
 * A pull lexer: `next()` advances and returns the kind; `value` and `line` describe the token.
 * No object per token, because a config with 10,000 server blocks has a few hundred thousand tokens.
 */
export class Lexer {
  value = '';
  line = 1;
  private pos = 0;
  private curLine = 1;
  private readonly text: string;
  private readonly end: number;
  /** True where the next word would be a directive name (start, or after `;`, `{`, `}`). */
  private atStatementStart = true;
  private statementName = '';
  private failed = false;
  private readonly wordCache: (string | undefined)[] = new Array<string | undefined>(
    WORD_CACHE_MASK + 1,
  ).fill(undefined);

  constructor(text: string) {
    this.text = text;
    this.end = text.length;
  }

  next(): TokenKind {
    if (this.failed) return this.fail(this.value, this.line);
    const text = this.text;
    const end = this.end;
    let pos = this.pos;
    // Skip whitespace and comments.
    for (;;) {
      if (pos >= end) {
        this.pos = pos;
        this.value = '';
        this.line = this.curLine;
        return 'eof';
      }
      const c = text.charCodeAt(pos);
      if (c === LF) {
        this.curLine++;
        pos++;
      } else if (c === SPACE || c === TAB || c === CR) {
        pos++;
      } else if (c === HASH) {
        const nl = text.indexOf('\n', pos);
        pos = nl === -1 ? end : nl;
      } else {
        break;
      }
    }
    const c = text.charCodeAt(pos);
    this.line = this.curLine;
    if (c === SEMICOLON || c === RBRACE) {
      this.pos = pos + 1;
      this.value = '';
      this.atStatementStart = true;
      this.statementName = '';
      return c === SEMICOLON ? ';' : '}';
    }
    if (c === LBRACE) {
      this.pos = pos + 1;
      this.value = '';
      const luaBlock = !this.atStatementStart && this.statementName.endsWith(LUA_BLOCK_SUFFIX);
      this.atStatementStart = true;
      this.statementName = '';
      if (luaBlock) return this.luaBlock();
      return '{';
    }
    const kind = c === DQUOTE || c === SQUOTE ? this.quoted(pos, c) : this.word(pos);
    if (kind !== 'error' && this.atStatementStart) {
      this.atStatementStart = false;
      this.statementName = this.value;
    }
    return kind;
  }

  private word(start: number): TokenKind {
    const text = this.text;
    const end = this.end;
    let pos = start;
    while (pos < end) {
      const c = text.charCodeAt(pos);
      const kind = c < 128 ? WORD_CHAR[c]! : PLAIN_CHAR;
      if (kind === PLAIN_CHAR) {
        pos++;
      } else if (kind === ENDS_WORD) {
        break;
      } else if (kind === ESCAPES_NEXT) {
        if (pos + 1 < end && text.charCodeAt(pos + 1) === LF) this.curLine++;
        pos += 2;
      } else {
        // `$`. nginx: a `{` right after it belongs to the variable name (`${name}`), so it is no block start.
        pos++;
        while (pos < end && text.charCodeAt(pos) === LBRACE) pos++;
      }
    }
    if (pos > end) pos = end; // a trailing backslash at end of input
    this.pos = pos;
    this.value = this.wordText(start, pos);
    return 'word';
  }

  /**
   * The same short words recur thousands of times in a big config (`proxy_set_header`, `Host`, `$host`,
   * `80`). A small direct-mapped cache of recent words hands out the same string again, checked against
   * the text in place, so most words cost no new string at all: less heap for the payload and much less
   * work for the garbage collector, which otherwise copies every surviving string.
   */
  private wordText(start: number, pos: number): string {
    const length = pos - start;
    if (length > MAX_CACHED_LENGTH) return this.text.slice(start, pos);
    const text = this.text;
    const slot =
      (length * 31 +
        text.charCodeAt(start) * 7 +
        text.charCodeAt(pos - 1) * 13 +
        text.charCodeAt(start + (length >> 1))) &
      WORD_CACHE_MASK;
    const cached = this.wordCache[slot];
    if (cached !== undefined && cached.length === length && text.startsWith(cached, start)) return cached;
    const word = text.slice(start, pos);
    this.wordCache[slot] = word;
    return word;
  }

  private quoted(start: number, quote: number): TokenKind {
    const text = this.text;
    const end = this.end;
    let pos = start + 1;
    let escapes = false;
    for (;;) {
      if (pos >= end) {
        // nginx reads on to the end of the file looking for the closing quote (curLine has counted its lines).
        return this.fail('unexpected end of file, expecting ";" or "}"', this.curLine);
      }
      const c = text.charCodeAt(pos);
      if (c === quote) break;
      if (c === LF) this.curLine++;
      else if (c === BACKSLASH) {
        escapes = true;
        if (pos + 1 < end && text.charCodeAt(pos + 1) === LF) this.curLine++;
        pos++;
      }
      pos++;
    }
    const body = text.slice(start + 1, pos);
    this.value = escapes ? unescapeQuote(body, quote) : body;
    pos++;
    this.pos = pos;
    // nginx's need_space: what follows a closing quote must end the word.
    if (pos < end) {
      const c = text.charCodeAt(pos);
      if (!(
        c === SPACE ||
        c === TAB ||
        c === CR ||
        c === LF ||
        c === SEMICOLON ||
        c === LBRACE ||
        c === RPAREN
      )) {
        return this.fail(`unexpected "${charAt(text, pos)}"`, this.curLine);
      }
    }
    return 'quoted';
  }

  private luaBlock(): TokenKind {
    const result = scanLuaBlock(this.text, this.pos, this.curLine);
    if (!result.ok) {
      this.curLine = result.line;
      return this.fail(result.error, result.line);
    }
    this.value = this.text.slice(this.pos, result.end);
    this.pos = result.end + 1;
    this.curLine = result.line;
    return 'lua';
  }

  private fail(message: string, line: number): TokenKind {
    this.failed = true;
    this.value = message;
    this.line = line;
    this.pos = this.end;
    return 'error';
  }
}

/** crossplane's unescaping inside quotes: only a backslash before the same quote character goes. */
function unescapeQuote(body: string, quote: number): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < body.length; i++) {
    if (body.charCodeAt(i) === BACKSLASH) {
      if (body.charCodeAt(i + 1) === quote) {
        out += body.slice(from, i);
        from = i + 1;
      }
      i++; // the escaped character is never a terminator
    }
  }
  return out + body.slice(from);
}

/** All tokens of a text, ending with `eof` or `error`. For tests and tools; the parser pulls from `Lexer`. */
export function lex(text: string): Token[] {
  const lexer = new Lexer(text);
  const tokens: Token[] = [];
  for (;;) {
    const kind = lexer.next();
    tokens.push({ kind, value: lexer.value, line: lexer.line });
    if (kind === 'eof' || kind === 'error') return tokens;
  }
}

/**
 * The bytes nginx makes of an argument: its escapes `\"`, `\'`, `\\`, `\t`, `\r`, `\n` decoded, any other
 * backslash kept. Applies to payload arguments (which keep crossplane's escapes).
 */
export function nginxValue(arg: string): string {
  if (!arg.includes('\\')) return arg;
  let out = '';
  for (let i = 0; i < arg.length; i++) {
    const c = arg[i]!;
    if (c === '\\' && i + 1 < arg.length) {
      const n = arg[i + 1]!;
      if (n === '"' || n === "'" || n === '\\') {
        out += n;
        i++;
        continue;
      }
      if (n === 't' || n === 'r' || n === 'n') {
        out += n === 't' ? '\t' : n === 'r' ? '\r' : '\n';
        i++;
        continue;
      }
    }
    out += c;
  }
  return out;
}
