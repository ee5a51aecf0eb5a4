import { describe, expect, it } from 'vitest';
import { MAX_DEPTH, parseFile } from '../../../src/parsers/nginx/parser.js';

const F = '/etc/nginx/nginx.conf';

describe('parseFile: payload shape', () => {
  it("gives crossplane's statement objects, keys in crossplane's order", () => {
    const { parsed, errors } = parseFile('events {}\nhttp {\n  server { listen 80; }\n}\n', F);
    expect(errors).toEqual([]);
    expect(JSON.stringify(parsed)).toBe(
      '[{"directive":"events","line":1,"args":[],"block":[]},{"directive":"http","line":2,"args":[],"block":[' +
        '{"directive":"server","line":3,"args":[],"block":[{"directive":"listen","line":3,"args":["80"]}]}]}]',
    );
  });

  it('gives a directive the line of its name, whatever lines its arguments are on', () => {
    const { parsed } = parseFile('proxy_set_header\n  Host\n  $host;', F, { ctx: 'http' });
    expect(parsed).toEqual([{ directive: 'proxy_set_header', line: 1, args: ['Host', '$host'] }]);
  });

  it('keeps include as a plain directive when includes are not followed', () => {
    const { parsed } = parseFile('include conf.d/*.conf;', F);
    expect(parsed).toEqual([{ directive: 'include', line: 1, args: ['conf.d/*.conf'] }]);
  });

  it('passes the include pattern and context to onInclude and records its indices', () => {
    const seen: [string, string][] = [];
    const { parsed } = parseFile('http { server { include a.conf; } }', F, {
      onInclude: (pattern, ctx) => {
        seen.push([pattern, ctx]);
        return { indices: [1, 2] };
      },
    });
    expect(seen).toEqual([['a.conf', 'http/server']]);
    expect(parsed[0]!.block![0]!.block![0]).toEqual({
      directive: 'include',
      line: 1,
      args: ['a.conf'],
      includes: [1, 2],
    });
  });

  it("starts from the given context (the includer's)", () => {
    const { errors } = parseFile('proxy_pass http://a;', F, { ctx: 'http/location' });
    expect(errors).toEqual([]);
  });
});

describe('parseFile: if arguments', () => {
  const ifArgs = (text: string): string[] =>
    parseFile(`${text} { }`, F, { ctx: 'http/server' }).parsed[0]!.args;

  it('drops the parentheses as crossplane does', () => {
    expect(ifArgs('if ($request_method = POST)')).toEqual(['$request_method', '=', 'POST']);
    expect(ifArgs('if ( $args )')).toEqual(['$args']);
    expect(ifArgs('if (-f $request_filename)')).toEqual(['-f', '$request_filename']);
    expect(ifArgs('if ($a)')).toEqual(['$a']);
    expect(ifArgs('if ($http_x ~* "^yes$")')).toEqual(['$http_x', '~*', '^yes$']);
  });

  it('leaves arguments without parentheses alone', () => {
    expect(ifArgs('if $a')).toEqual(['$a']);
  });
});

describe('parseFile: blocks with free-form content', () => {
  it('accepts any directive name inside map, types, geo and split_clients', () => {
    const text = `http {
      map $a $b { default 0; "~^x{2}$" 1; '' 2; hostnames; server 3; location 4; }
      types { text/html html htm; }
      geo $g { default 0; 10.0.0.0/8 1; }
      split_clients "\${remote_addr}" $v { 50% a; * b; }
    }`;
    const { parsed, errors } = parseFile(text, F);
    expect(errors).toEqual([]);
    const http = parsed[0]!.block!;
    expect(http.map((d) => d.directive)).toEqual(['map', 'types', 'geo', 'split_clients']);
    expect(http[0]!.block!.map((d) => d.directive)).toEqual([
      'default',
      '~^x{2}$',
      '',
      'hostnames',
      'server',
      'location',
    ]);
  });

  it('reads an unquoted map key with { as nginx does: as a block start', () => {
    const { errors } = parseFile('http { map $a $b { ~^x{2}$ 1; } }', F);
    expect(errors).toEqual([{ error: `unexpected end of file, expecting "}" in ${F}:1`, line: 1 }]);
  });
});

describe('parseFile: Lua blocks', () => {
  it('gives the Lua body as the last argument and no block, like crossplane', () => {
    const { parsed, errors } = parseFile(
      'location / {\n  content_by_lua_block {\n    ngx.say("}")\n  }\n  return 200;\n}',
      F,
      {
        ctx: 'http/server',
      },
    );
    expect(errors).toEqual([]);
    expect(parsed[0]!.block).toEqual([
      { directive: 'content_by_lua_block', line: 2, args: ['\n    ngx.say("}")\n  '] },
      { directive: 'return', line: 5, args: ['200'] },
    ]);
  });

  it("keeps set_by_lua_block's variable before the body", () => {
    const { parsed } = parseFile('set_by_lua_block $x { return 1 }', F);
    expect(parsed[0]).toEqual({ directive: 'set_by_lua_block', line: 1, args: ['$x', ' return 1 '] });
  });
});

describe('parseFile: errors (nginx wording, file:line)', () => {
  const firstError = (text: string, ctx = ''): unknown => parseFile(text, F, { ctx }).errors[0];

  it('reports a stray }', () => {
    expect(firstError('http {\n}\n}\n')).toEqual({ error: `unexpected "}" in ${F}:3`, line: 3 });
  });

  it('reports a } where a directive has no ;', () => {
    expect(firstError('http {\n  server {\n    listen 80\n  }\n}')).toEqual({
      error: `unexpected "}" in ${F}:4`,
      line: 4,
    });
  });

  it('reports a missing } at the end of the file', () => {
    expect(firstError('http {\n  server {\n}\n')).toEqual({
      error: `unexpected end of file, expecting "}" in ${F}:4`,
      line: 4,
    });
  });

  it('reports a directive cut off by the end of the file', () => {
    expect(firstError('events {}\nworker_processes 2')).toEqual({
      error: `unexpected end of file, expecting ";" or "}" in ${F}:2`,
      line: 2,
    });
  });

  it('reports ; and { with no directive', () => {
    expect(firstError('http {\n  ;\n}')).toEqual({ error: `unexpected ";" in ${F}:2`, line: 2 });
    expect(firstError('{ }')).toEqual({ error: `unexpected "{" in ${F}:1`, line: 1 });
  });

  it('reports text glued after a quote', () => {
    expect(firstError('add_header X "a"b;', 'http/server')).toEqual({
      error: `unexpected "b" in ${F}:1`,
      line: 1,
    });
  });

  it('reports a missing ; before the next directive as nginx does: at the line where it stopped', () => {
    const text = 'location / {\n  proxy_pass http://a\n  proxy_set_header Host $host;\n}';
    expect(firstError(text, 'http/server')).toEqual({
      error: `invalid number of arguments in "proxy_pass" directive in ${F}:3`,
      line: 3,
    });
  });

  it('reports a missing ; before a block', () => {
    const text = 'server {\n  server_name a\n  location / { }\n}';
    expect(firstError(text, 'http')).toEqual({
      error: `directive "server_name" is not terminated by ";" in ${F}:3`,
      line: 3,
    });
  });

  it('reports a block directive without {', () => {
    expect(firstError('http;')).toEqual({ error: `directive "http" has no opening "{" in ${F}:1`, line: 1 });
  });

  it('reports a known directive in the wrong place', () => {
    expect(firstError('http { server { proxy_pass http://a; } }')).toEqual({
      error: `"proxy_pass" directive is not allowed here in ${F}:1`,
      line: 1,
    });
  });

  it('knows that server is a block in http and a simple directive in upstream', () => {
    expect(parseFile('http { upstream u { server 127.0.0.1:80; } server { listen 80; } }', F).errors).toEqual(
      [],
    );
    expect(firstError('http { upstream u { server { } } }')).toEqual({
      error: `directive "server" is not terminated by ";" in ${F}:1`,
      line: 1,
    });
  });

  it('does not check directives it does not know, nor inside free-form blocks', () => {
    expect(parseFile('http { my_module_thing a b c { x; } map $a $b { proxy_pass 1; } }', F).errors).toEqual(
      [],
    );
  });
});

describe('parseFile: after an error', () => {
  it('keeps what was read before a syntax error and stops, as nginx stops', () => {
    const { parsed, errors } = parseFile(
      'events {}\nhttp {\n  server { listen 80; }\n}\n}\nuser nobody;\n',
      F,
    );
    expect(errors).toHaveLength(1);
    expect(parsed.map((d) => d.directive)).toEqual(['events', 'http']);
    expect(parsed[1]!.block![0]!.block).toEqual([{ directive: 'listen', line: 3, args: ['80'] }]);
  });

  it('keeps the open blocks read before a missing }', () => {
    const { parsed } = parseFile('http {\n  server {\n    listen 80;\n', F);
    expect(parsed[0]!.block![0]!.block).toEqual([{ directive: 'listen', line: 3, args: ['80'] }]);
  });

  it('leaves out a rejected directive (and its block) and goes on, as crossplane does', () => {
    const text =
      'http {\n  server {\n    proxy_pass http://a;\n    listen 80;\n  }\n  upstream u { server { a; } }\n  server { listen 81; }\n}';
    const { parsed, errors } = parseFile(text, F);
    expect(errors.map((e) => e.line)).toEqual([3, 6]);
    const http = parsed[0]!.block!;
    expect(http[0]!.block).toEqual([{ directive: 'listen', line: 4, args: ['80'] }]);
    expect(http[1]).toEqual({ directive: 'upstream', line: 6, args: ['u'], block: [] });
    expect(http[2]!.block).toEqual([{ directive: 'listen', line: 7, args: ['81'] }]);
  });

  it('records an include error at the include and goes on', () => {
    const { parsed, errors } = parseFile('include a.conf;\nuser nobody;', F, {
      onInclude: () => ({
        indices: [],
        error: 'open() "/etc/nginx/a.conf" failed (2: No such file or directory)',
      }),
    });
    expect(errors).toEqual([
      { error: `open() "/etc/nginx/a.conf" failed (2: No such file or directory) in ${F}:1`, line: 1 },
    ]);
    expect(parsed.map((d) => d.directive)).toEqual(['include', 'user']);
  });

  it(`stops nesting past ${MAX_DEPTH} levels instead of growing without bound`, () => {
    const text = 'a {'.repeat(MAX_DEPTH + 5) + '}'.repeat(MAX_DEPTH + 5);
    const { errors } = parseFile(text, F);
    expect(errors).toEqual([{ error: `blocks nested deeper than ${MAX_DEPTH} levels in ${F}:1`, line: 1 }]);
  });
});

describe('parseFile: where nginx and crossplane disagree, nginx wins', () => {
  it('gives try_files /a/${uri} /b two arguments', () => {
    expect(parseFile('try_files /a/${uri} /b;', F, { ctx: 'http/location' }).parsed[0]!.args).toEqual([
      '/a/${uri}',
      '/b',
    ]);
  });

  it('keeps } inside an argument', () => {
    expect(parseFile('return 200 a}b;', F, { ctx: 'http/location' }).parsed[0]!.args).toEqual(['200', 'a}b']);
  });

  it('rejects "foo"bar', () => {
    expect(parseFile('return 200 "foo"bar;', F).errors[0]?.error).toBe(`unexpected "b" in ${F}:1`);
  });

  it('reads an unquoted regex with { as nginx does, which breaks the block structure', () => {
    // nginx: `unknown directive "2,3}$"`; the braces no longer balance either way.
    const { errors } = parseFile('http { server { location ~ ^/a{2,3}$ { return 200; } } }\n', F);
    expect(errors).toEqual([{ error: `unexpected end of file, expecting "}" in ${F}:2`, line: 2 }]);
  });
});
