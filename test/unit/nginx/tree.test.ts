import { describe, expect, it } from 'vitest';
import type { ConfigNode } from '../../../src/model/nginx-config.js';
import { memorySource, parseConfig } from '../../../src/parsers/nginx/config.js';
import { parseDump } from '../../../src/parsers/nginx/dump.js';
import {
  ancestors,
  buildTree,
  children,
  enclosing,
  findAll,
  walk,
} from '../../../src/parsers/nginx/resolve.js';
import { readFixture } from './fixtures.js';

const where = (n: ConfigNode): string => `${n.file}:${n.line}`;

describe('the resolved tree of the recorded includes tree (nginx -T)', () => {
  const { tree, sources } = parseDump(readFixture('recorded/includes.nginx-T.txt'));

  it('replaces include directives by the directives of the files they name', () => {
    expect(findAll(tree, 'include')).toEqual([]);
    const http = findAll(tree, 'http')[0]!;
    expect(http.block!.map((n) => n.directive)).toEqual([
      'types',
      'default_type',
      'resolver',
      'resolver_timeout',
      'upstream',
      'upstream',
      'log_format',
      'access_log',
      'proxy_connect_timeout',
      'proxy_read_timeout',
      'proxy_http_version',
      'server',
      'server',
      'server_tokens',
      'client_max_body_size',
    ]);
  });

  it('finds every proxy_pass with its file, line and enclosing server and location', () => {
    const found = findAll(tree, 'proxy_pass').map((n) => ({
      at: where(n),
      target: n.args[0],
      location: enclosing(n, 'location')?.args.join(' '),
      serverName: children(enclosing(n, 'server')!, 'server_name')[0]?.args[0],
      context: ancestors(n).map((a) => a.directive),
    }));
    expect(found).toEqual([
      {
        at: '/etc/nginx/sites-enabled/site-a.conf:7',
        target: 'http://app',
        location: '/',
        serverName: 'a.example.com',
        context: ['http', 'server', 'location'],
      },
      {
        at: '/etc/nginx/sites-enabled/site-a.conf:12',
        target: 'http://127.0.0.1:8000/',
        location: '/api/',
        serverName: 'a.example.com',
        context: ['http', 'server', 'location'],
      },
      {
        at: '/etc/nginx/sites-enabled/site-b.conf:7',
        target: 'http://unix:/run/b/b.sock:/',
        location: '/',
        serverName: 'b.example.com',
        context: ['http', 'server', 'location'],
      },
    ]);
  });

  it('finds upstream groups with their servers, and the top-level directives', () => {
    const upstreams = findAll(tree, 'upstream').map((u) => ({
      name: u.args[0],
      at: where(u),
      servers: children(u, 'server').map((s) => s.args.join(' ')),
    }));
    expect(upstreams).toEqual([
      {
        name: 'app',
        at: '/etc/nginx/upstreams/app.conf:1',
        servers: ['127.0.0.1:3000 max_fails=3 fail_timeout=10s', 'unix:/run/app/app.sock backup'],
      },
      { name: 'php', at: '/etc/nginx/upstreams/php.conf:1', servers: ['unix:/run/php/php8.2-fpm.sock'] },
    ]);
    expect(findAll(tree, 'user').map((n) => [n.args, where(n)])).toEqual([
      [['www-data'], '/etc/nginx/nginx.conf:2'],
    ]);
    expect(findAll(tree, 'error_log')[0]!.args).toEqual(['/var/log/nginx/error.log', 'warn']);
    expect(findAll(tree, 'resolver')[0]!.args).toEqual(['127.0.0.53', 'valid=30s', 'ipv6=off']);
  });

  it('gives server blocks their listen and server_name directives', () => {
    const servers = findAll(tree, 'server')
      .filter((s) => s.block)
      .map((s) => ({
        listen: children(s, 'listen').map((l) => l.args.join(' ')),
        names: children(s, 'server_name').flatMap((n) => n.args),
      }));
    expect(servers).toEqual([
      { listen: ['80', '[::]:80'], names: ['a.example.com', 'www.a.example.com'] },
      { listen: ['8080 default_server'], names: ['b.example.com'] },
    ]);
  });

  it('puts a file included twice under each includer, attributed to the included file', () => {
    const hostHeaders = findAll(tree, 'proxy_set_header').filter((n) => n.args[0] === 'Host');
    expect(hostHeaders.map(where)).toEqual([
      '/etc/nginx/snippets/proxy.conf:1',
      '/etc/nginx/snippets/proxy.conf:1',
    ]);
    expect(hostHeaders.map((n) => enclosing(n, 'server')!.file)).toEqual([
      '/etc/nginx/sites-enabled/site-a.conf',
      '/etc/nginx/sites-enabled/site-b.conf',
    ]);
  });

  it('lets an edit quote the exact source line of a directive', () => {
    const pass = findAll(tree, 'proxy_pass')[1]!;
    const line = sources.get(pass.file)!.split('\n')[pass.line - 1];
    expect(line).toBe('        proxy_pass http://127.0.0.1:8000/;');
  });
});

describe('walk and buildTree', () => {
  it('walks in document order, parents before children', () => {
    const { tree } = parseConfig('/n.conf', memorySource(new Map([['/n.conf', 'a { b { c; } d; } e;']])));
    const order: string[] = [];
    walk(tree, (n) => order.push(n.directive));
    expect(order).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('keeps unresolved include directives when includes were not followed', () => {
    const { tree } = parseConfig('/n.conf', memorySource(new Map([['/n.conf', 'include x.conf;']])), {
      single: true,
    });
    expect(tree).toEqual([{ directive: 'include', args: ['x.conf'], file: '/n.conf', line: 1 }]);
  });

  it('gives an empty block as [] and a simple directive no block', () => {
    const { tree } = parseConfig('/n.conf', memorySource(new Map([['/n.conf', 'a { } b;']])));
    expect(tree[0]!.block).toEqual([]);
    expect('block' in tree[1]!).toBe(false);
    expect(tree[0]!.parent).toBeUndefined();
  });

  it('is empty for an empty payload', () => {
    expect(buildTree({ status: 'ok', errors: [], config: [] })).toEqual([]);
  });

  it('stops an include cycle between two files', () => {
    const { tree } = parseConfig(
      '/n/a.conf',
      memorySource(
        new Map([
          ['/n/a.conf', 'a; include b.conf;'],
          ['/n/b.conf', 'b; include a.conf;'],
        ]),
      ),
    );
    expect(tree.map((n) => n.directive)).toEqual(['a', 'b']);
  });

  it('survives files that include each other twice over (exponential fan-out is capped)', () => {
    const files = new Map<string, string>();
    for (let i = 0; i < 30; i++)
      files.set(`/n/${i}.conf`, `x; include ${i + 1}.conf; include ${i + 1}.conf;`);
    files.set('/n/30.conf', 'y;');
    const started = Date.now();
    const { payload, tree } = parseConfig('/n/0.conf', memorySource(files));
    expect(payload.config).toHaveLength(31);
    expect(tree.length).toBeGreaterThan(1000);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
