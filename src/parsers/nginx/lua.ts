// The body of a `*_by_lua_block { … }`: Lua code, not nginx syntax. ngx_lua reads it with its own
// scanner (ngx_http_lua_conf_read_lua_token): braces are counted, except inside Lua strings ('…', "…"),
// long strings ([[…]], [==[…]==]) and comments (-- to end of line, --[[…]]). We do the same, so a
// `}` inside a Lua string does not end the block.

export type LuaScan = { ok: true; end: number; line: number } | { ok: false; error: string; line: number };

const LF = 10;
const LBRACE = 123;
const RBRACE = 125;
const DQUOTE = 34;
const SQUOTE = 39;
const BACKSLASH = 92;
const DASH = 45;
const LBRACKET = 91;
const EQUALS = 61;

/** Number of `=` in a long bracket opening `[==[` at `pos`, or -1 when there is none. */
function longBracketLevel(text: string, pos: number): number {
  if (text.charCodeAt(pos) !== LBRACKET) return -1;
  let i = pos + 1;
  while (text.charCodeAt(i) === EQUALS) i++;
  return text.charCodeAt(i) === LBRACKET ? i - pos - 1 : -1;
}

function countLines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Scans from just after the opening `{` to the matching `}`.
 * `end` is the index of that `}`; `line` the line it is on.
 */
export function scanLuaBlock(text: string, start: number, startLine: number): LuaScan {
  const end = text.length;
  let pos = start;
  let line = startLine;
  let depth = 1;
  while (pos < end) {
    const c = text.charCodeAt(pos);
    if (c === LF) {
      line++;
      pos++;
    } else if (c === LBRACE) {
      depth++;
      pos++;
    } else if (c === RBRACE) {
      depth--;
      if (depth === 0) return { ok: true, end: pos, line };
      pos++;
    } else if (c === DQUOTE || c === SQUOTE) {
      pos++;
      while (pos < end && text.charCodeAt(pos) !== c) {
        const d = text.charCodeAt(pos);
        if (d === LF) line++;
        if (d === BACKSLASH) {
          if (text.charCodeAt(pos + 1) === LF) line++;
          pos++;
        }
        pos++;
      }
      pos++;
    } else if (c === DASH && text.charCodeAt(pos + 1) === DASH) {
      const level = longBracketLevel(text, pos + 2);
      if (level >= 0) {
        const closed = skipLongBracket(text, pos + 2, level);
        if (closed < 0) return unclosedLongBracket(text, pos, line, level);
        line += countLines(text, pos, closed);
        pos = closed;
      } else {
        const nl = text.indexOf('\n', pos);
        pos = nl === -1 ? end : nl;
      }
    } else if (c === LBRACKET) {
      const level = longBracketLevel(text, pos);
      if (level >= 0) {
        const closed = skipLongBracket(text, pos, level);
        if (closed < 0) return unclosedLongBracket(text, pos, line, level);
        line += countLines(text, pos, closed);
        pos = closed;
      } else {
        pos++;
      }
    } else {
      pos++;
    }
  }
  return {
    ok: false,
    error: 'unexpected end of file, expecting terminating characters for lua code block',
    line,
  };
}

/** Index just past the long bracket closing the one opened at `pos`, or -1. */
function skipLongBracket(text: string, pos: number, level: number): number {
  const close = `]${'='.repeat(level)}]`;
  const at = text.indexOf(close, pos + level + 2);
  return at < 0 ? -1 : at + close.length;
}

function unclosedLongBracket(text: string, pos: number, line: number, level: number): LuaScan {
  return {
    ok: false,
    error: `Lua code block missing the closing long bracket "]${'='.repeat(level)}]"`,
    line: line + countLines(text, pos, text.length),
  };
}
