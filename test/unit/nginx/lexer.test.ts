import { describe, expect, it } from 'vitest';
import { lex, nginxValue, type Token } from '../../../src/parsers/nginx/lexer.js';

/** Tokens as `kind:value` strings (punctuation as itself), without the final eof. */
function words(text: string): string[] {
  return lex(text)
    .filter((t) => t.kind !== 'eof')
    .map((t) =>
      t.kind === 'word' || t.kind === 'quoted' || t.kind === 'lua'
        ? `${t.kind}:${t.value}`
        : t.kind === 'error'
          ? `error:${t.value}`
          : t.kind,
    );
}

function last(text: string): Token {
  const tokens = lex(text);
  return tokens[tokens.length - 1]!;
}

describe('lexer: words and punctuation', () => {
  it('splits on space, tab, CR and LF, and on ; and {', () => {
    expect(words('a b\tc\r\nd;e{f}')).toEqual([
      'word:a',
      'word:b',
      'word:c',
      'word:d',
      ';',
      'word:e',
      '{',
      'word:f}',
    ]);
  });

  it('keeps } inside a word, as nginx does (crossplane would split it)', () => {
    expect(words('return 200 a}b;')).toEqual(['word:return', 'word:200', 'word:a}b', ';']);
    expect(words('location ~ ^/a(b})$ {')).toEqual(['word:location', 'word:~', 'word:^/a(b})$', '{']);
  });

  it('treats a standalone } as a block end', () => {
    expect(words('} }')).toEqual(['}', '}']);
  });

  it('ends a word at { even inside a regex, as nginx does: unquoted a{2,3} is a block start', () => {
    expect(words('location ~ ^/a{2,3}$ {')).toEqual([
      'word:location',
      'word:~',
      'word:^/a',
      '{',
      'word:2,3}$',
      '{',
    ]);
  });

  it('keeps a quoted regex with braces whole', () => {
    expect(words('location ~ "^/a{2,3}$" {')).toEqual(['word:location', 'word:~', 'quoted:^/a{2,3}$', '{']);
  });

  it('only counts ASCII whitespace (a non-breaking space is part of the word, as in nginx)', () => {
    expect(words('a\u00a0b c')).toEqual(['word:a\u00a0b', 'word:c']);
  });
});

describe('lexer: variables', () => {
  it('keeps the { of ${var} in the word', () => {
    expect(words('set $a ${b};')).toEqual(['word:set', 'word:$a', 'word:${b}', ';']);
  });

  it('does not join the next argument after ${var} (crossplane joins "/a/${uri} /b")', () => {
    expect(words('try_files /a/${uri} /b;')).toEqual(['word:try_files', 'word:/a/${uri}', 'word:/b', ';']);
  });

  it('ends a word at { that does not follow $', () => {
    expect(words('a$b{')).toEqual(['word:a$b', '{']);
    expect(words('$ {')).toEqual(['word:$', '{']);
  });
});

describe('lexer: comments', () => {
  it('drops # comments to the end of the line', () => {
    expect(words('a; # comment ; { }\nb;')).toEqual(['word:a', ';', 'word:b', ';']);
  });

  it('does not start a comment inside a word or a quoted string', () => {
    expect(words('a#b "c#d" \'#e\';')).toEqual(['word:a#b', 'quoted:c#d', 'quoted:#e', ';']);
  });

  it('drops a comment between arguments', () => {
    expect(words('listen 80 # port\n default_server;')).toEqual([
      'word:listen',
      'word:80',
      'word:default_server',
      ';',
    ]);
  });

  it('handles a comment at the end of input without a newline', () => {
    expect(words('a; # end')).toEqual(['word:a', ';']);
  });
});

describe('lexer: quotes and escapes', () => {
  it('removes quotes and unescapes the same quote, keeping other escapes (as crossplane does)', () => {
    expect(words(String.raw`"a\"b" 'c\'d' "e\'f" 'g\"h' "i\\j" "k\nl"`)).toEqual([
      'quoted:a"b',
      "quoted:c'd",
      String.raw`quoted:e\'f`,
      String.raw`quoted:g\"h`,
      String.raw`quoted:i\\j`,
      String.raw`quoted:k\nl`,
    ]);
  });

  it('keeps quotes and escapes inside an unquoted word verbatim', () => {
    expect(words(String.raw`a"b" c\"d e\;f g\ h;`)).toEqual([
      'word:a"b"',
      String.raw`word:c\"d`,
      String.raw`word:e\;f`,
      String.raw`word:g\ h`,
      ';',
    ]);
  });

  it('keeps ; { } # inside quotes', () => {
    expect(words(`"a;b{c}d#e" x;`)).toEqual(['quoted:a;b{c}d#e', 'word:x', ';']);
  });

  it('accepts an empty quoted string', () => {
    expect(words(`set $d "";`)).toEqual(['word:set', 'word:$d', 'quoted:', ';']);
  });

  it('accepts whitespace, ; { or ) right after a closing quote', () => {
    expect(words(`"a";"b"{"c")`)).toEqual(['quoted:a', ';', 'quoted:b', '{', 'quoted:c', 'word:)']);
  });

  it('rejects text glued after a closing quote, as nginx does (crossplane splits it)', () => {
    expect(words(`add_header X "foo"bar;`)).toEqual(['word:add_header', 'word:X', 'error:unexpected "b"']);
    expect(last(`"a"}`)).toMatchObject({ kind: 'error', value: 'unexpected "}"' });
    expect(last(`"a"#`)).toMatchObject({ kind: 'error', value: 'unexpected "#"' });
    expect(last(`"a""b"`)).toMatchObject({ kind: 'error', value: 'unexpected """' });
  });

  it('reports an unterminated quote at the end of the file', () => {
    expect(last('a "b\nc\n')).toMatchObject({
      kind: 'error',
      value: 'unexpected end of file, expecting ";" or "}"',
      line: 3,
    });
  });

  it('stops after an error', () => {
    const tokens = lex('"a"b c d;');
    expect(tokens.map((t) => t.kind)).toEqual(['error']);
  });
});

describe('lexer: line numbers', () => {
  it('gives each token the line it starts on', () => {
    const tokens = lex('a\n  b "c\nd" e\r\n\n{ }').filter((t) => t.kind !== 'eof');
    expect(tokens.map((t) => [t.kind === 'word' || t.kind === 'quoted' ? t.value : t.kind, t.line])).toEqual([
      ['a', 1],
      ['b', 2],
      ['c\nd', 2],
      ['e', 3],
      ['{', 5],
      ['}', 5],
    ]);
  });

  it('counts an escaped newline', () => {
    const tokens = lex('a\\\nb c');
    expect(tokens.map((t) => t.line)).toEqual([1, 2, 2]);
  });

  it('puts eof on the line after the final newline, as nginx counts', () => {
    expect(last('a;\nb;\n')).toMatchObject({ kind: 'eof', line: 3 });
    expect(last('a;\nb;')).toMatchObject({ kind: 'eof', line: 2 });
  });
});

describe('lexer: *_by_lua_block', () => {
  it('makes the Lua body one token, braces in strings and comments not counted', () => {
    const text = `content_by_lua_block {\n  local t = { a = "{", b = '}' } -- }\n  ngx.say("x")\n}\nnext;`;
    expect(words(text)).toEqual([
      'word:content_by_lua_block',
      `lua:\n  local t = { a = "{", b = '}' } -- }\n  ngx.say("x")\n`,
      'word:next',
      ';',
    ]);
  });

  it('skips Lua long strings and long comments (crossplane does not know them)', () => {
    const text = 'access_by_lua_block { local s = [==[ } ]==] --[[ } ]] }';
    expect(words(text)).toEqual(['word:access_by_lua_block', 'lua: local s = [==[ } ]==] --[[ } ]] ']);
  });

  it('takes the argument of set_by_lua_block and any *_by_lua_block name, with or without space', () => {
    expect(words('set_by_lua_block $v { return 1 }')).toEqual([
      'word:set_by_lua_block',
      'word:$v',
      'lua: return 1 ',
    ]);
    expect(words('ssl_client_hello_by_lua_block{x()}')).toEqual([
      'word:ssl_client_hello_by_lua_block',
      'lua:x()',
    ]);
  });

  it('treats a *_by_lua_block word in argument position as a plain word', () => {
    expect(words('set $x content_by_lua_block { }')).toEqual([
      'word:set',
      'word:$x',
      'word:content_by_lua_block',
      '{',
      '}',
    ]);
  });

  it('counts the lines inside the Lua body', () => {
    const tokens = lex('content_by_lua_block {\n"a\nb"\n--[[\n]]\n}\nx;');
    expect(tokens.find((t) => t.value === 'x')?.line).toBe(7);
  });

  it('reports an unterminated Lua block and an unclosed long bracket', () => {
    expect(last('content_by_lua_block { if x then\n')).toMatchObject({
      kind: 'error',
      value: 'unexpected end of file, expecting terminating characters for lua code block',
      line: 2,
    });
    expect(last('content_by_lua_block { s = [[ }\n')).toMatchObject({
      kind: 'error',
      value: 'Lua code block missing the closing long bracket "]]"',
    });
  });
});

describe('nginxValue', () => {
  it("decodes nginx's escapes and keeps other backslashes", () => {
    expect(nginxValue(String.raw`a\"b\'c\\d\te\nf\rg\$h\x`)).toBe('a"b\'c\\d\te\nf\rg\\$h\\x');
    expect(nginxValue('plain')).toBe('plain');
    expect(nginxValue('trailing\\')).toBe('trailing\\');
  });
});
