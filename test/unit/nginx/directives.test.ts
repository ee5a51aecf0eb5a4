// The directive table read from nginx's source (directive-table.ts, written by
// scripts/directives-from-source.ts) and the checks nginx's ngx_conf_handler makes with it. What nginx -t
// itself says about such configs is recorded in test/fixtures/nginx (recorded.test.ts); these pin the rules.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NGINX_COMMANDS, NGINX_SOURCE } from '../../../src/parsers/nginx/directive-table.js';
import { checkDirective } from '../../../src/parsers/nginx/directives.js';
import { NGINX_FLAGS } from '../../../src/parsers/nginx/nginx-flags.js';
import { parseFile } from '../../../src/parsers/nginx/parser.js';

const F = '/etc/nginx/nginx.conf';
const TABLE = new URL('../../../src/parsers/nginx/directive-table.ts', import.meta.url);

describe('the table from nginx source', () => {
  it('records the version and commit its header names', () => {
    const header = readFileSync(TABLE, 'utf8').split('\n').slice(0, 2).join('\n');
    const m = /from nginx (\S+), do not edit:\n\/\/ commit ([0-9a-f]{40})\./.exec(header);
    expect(m).not.toBeNull();
    expect({ version: m![1], commit: m![2] }).toEqual(NGINX_SOURCE);
  });

  it('quotes only flags whose meaning we know, each command with a place to stand', () => {
    for (const [name, module, flags] of NGINX_COMMANDS) {
      const meanings = flags.split('|').map((f) => NGINX_FLAGS.get(f));
      expect(meanings, `${module} ${name}`).not.toContain(undefined);
      expect(
        meanings.some((m) => (m?.contexts ?? []).length > 0),
        `${module} ${name}`,
      ).toBe(true);
    }
  });

  it('has the modules of http, stream and mail', () => {
    const modules = new Set(NGINX_COMMANDS.map(([, module]) => module));
    for (const m of [
      'ngx_http_rewrite_module',
      'ngx_stream_set_module',
      'ngx_mail_smtp_module',
      'ngx_core_module',
    ])
      expect(modules).toContain(m);
  });
});

describe('set in stream (nginx 1.19.3)', () => {
  it('is accepted in a stream server', () => {
    const { parsed, errors } = parseFile(
      'stream {\n  server {\n    listen 15432;\n    set $target 127.0.0.1:5432;\n    proxy_pass $target;\n  }\n}\n',
      F,
    );
    expect(errors).toEqual([]);
    expect(parsed[0]!.block![0]!.block![1]).toEqual({
      directive: 'set',
      line: 4,
      args: ['$target', '127.0.0.1:5432'],
    });
  });

  it('takes two arguments there, and stands only in a server', () => {
    expect(checkDirective('stream/server', 'set', 1, ';')).toBe(
      'invalid number of arguments in "set" directive',
    );
    expect(checkDirective('stream', 'set', 2, ';')).toBe('"set" directive is not allowed here');
    expect(checkDirective('stream/upstream', 'set', 2, ';')).toBe('"set" directive is not allowed here');
    expect(checkDirective('http/location/if', 'set', 2, ';')).toBeUndefined();
  });
});

describe("ngx_conf_handler's checks, in its order", () => {
  it('asks for ";" before it counts arguments, and for "{" of a block', () => {
    expect(checkDirective('stream/server', 'set', 0, '{')).toBe('directive "set" is not terminated by ";"');
    expect(checkDirective('', 'http', 0, ';')).toBe('directive "http" has no opening "{"');
    expect(checkDirective('', 'http', 1, '{')).toBe('invalid number of arguments in "http" directive');
  });

  it('counts a FLAG as one argument (the on/off value is the handler’s business)', () => {
    expect(checkDirective('http', 'gzip', 2, ';')).toBe('invalid number of arguments in "gzip" directive');
    expect(checkDirective('http', 'gzip', 1, ';')).toBeUndefined();
  });

  it('allows exactly the counts of the TAKE bits, and 1MORE/2MORE from their least', () => {
    expect(checkDirective('http', 'keepalive_timeout', 3, ';')).toBe(
      'invalid number of arguments in "keepalive_timeout" directive',
    );
    expect(checkDirective('http/server', 'rewrite', 1, ';')).toBe(
      'invalid number of arguments in "rewrite" directive',
    );
    expect(checkDirective('http/server', 'rewrite', 3, ';')).toBeUndefined();
    expect(checkDirective('http/server', 'try_files', 1, ';')).toBe(
      'invalid number of arguments in "try_files" directive',
    );
    expect(checkDirective('http/server', 'try_files', 9, ';')).toBeUndefined();
  });

  it('tells a directive of another module family as not allowed here (smtp_auth in http)', () => {
    expect(checkDirective('http/server', 'smtp_auth', 1, ';')).toBe(
      '"smtp_auth" directive is not allowed here',
    );
  });

  it('lets include stand anywhere, if and limit_except too (NGX_ANY_CONF is 0xFF000000)', () => {
    for (const ctx of [
      '',
      'events',
      'http/server/if',
      'http/location/limit_except',
      'stream/upstream',
      'mail/server',
    ])
      expect(checkDirective(ctx, 'include', 1, ';'), ctx).toBeUndefined();
  });

  it('leaves alone directives of other modules and free-form blocks', () => {
    expect(checkDirective('http', 'more_set_headers', 0, '{')).toBeUndefined();
    expect(checkDirective('http/map', 'gzip', 5, ';')).toBeUndefined();
  });
});
