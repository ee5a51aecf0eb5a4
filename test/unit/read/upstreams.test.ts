// The upstream model: every pass directive resolved to endpoints the way nginx resolves it.
import { describe, expect, it } from 'vitest';
import { memorySource, parseConfig } from '../../../src/parsers/nginx/index.js';
import { inEffect, upstreamTargets } from '../../../src/read/upstreams.js';
import { type UpstreamTarget } from '../../../src/model/upstream.js';

function targets(conf: string, extra: Record<string, string> = {}): UpstreamTarget[] {
  const files = new Map<string, string>([['/etc/nginx/nginx.conf', conf], ...Object.entries(extra)]);
  return upstreamTargets(parseConfig('/etc/nginx/nginx.conf', memorySource(files)).tree);
}

const http = (body: string) => `events {}\nhttp {\n${body}\n}\n`;

describe('upstream model', () => {
  it('resolves an upstream group with weights, backup, down and max_fails', () => {
    const [t] = targets(
      http(`upstream app {
  server 10.0.0.1:8000 weight=5 max_fails=3 fail_timeout=30s;
  server 10.0.0.2 backup;
  server [fd00::3]:8001 down;
  server unix:/run/app.sock;
}
server { listen 80; server_name shop.example; location /api/ { proxy_pass http://app/v1/; } }`),
    );
    expect(t!.id).toBe('http://app');
    expect(t!.group).toMatchObject({ name: 'app', ref: { file: '/etc/nginx/nginx.conf', line: 3 } });
    expect(
      t!.endpoints.map((e) => [e.kind, e.host ?? e.path, e.port, e.weight, e.backup, e.down, e.maxFails]),
    ).toEqual([
      ['tcp', '10.0.0.1', 8000, 5, false, false, 3],
      ['tcp', '10.0.0.2', 80, 1, true, false, 1],
      ['tcp', 'fd00::3', 8001, 1, false, true, 1],
      ['unix', '/run/app.sock', undefined, 1, false, false, 1],
    ]);
    expect(t!.endpoints[0]!.ref).toMatchObject({
      line: 4,
      text: 'server 10.0.0.1:8000 weight=5 max_fails=3 fail_timeout=30s;',
    });
    expect(t!.uses).toHaveLength(1);
    expect(t!.uses[0]).toMatchObject({
      directive: 'proxy_pass',
      serverNames: ['shop.example'],
      listen: ['80'],
      location: '/api/',
      ref: { line: 9 },
    });
  });

  it('gives schemes their default ports and keeps IPv6 literals and URIs apart', () => {
    const ts = targets(
      http(`server {
  location /a { proxy_pass http://127.0.0.1; }
  location /b { proxy_pass https://[::1]/path; }
  location /c { proxy_pass http://[::1]:3000/x; }
  location /d { grpc_pass grpc://127.0.0.1:50051; }
  location /e { grpc_pass 127.0.0.1:50052; }
}`),
    );
    expect(ts.map((t) => [t.id, t.endpoints[0]?.host, t.endpoints[0]?.port])).toEqual([
      ['http://127.0.0.1', '127.0.0.1', 80],
      ['https://[::1]', '::1', 443],
      ['http://[::1]:3000', '::1', 3000],
      ['grpc://127.0.0.1:50051', '127.0.0.1', 50051],
      ['127.0.0.1:50052', '127.0.0.1', 50052],
    ]);
  });

  it('reads unix sockets in every pass directive', () => {
    const ts = targets(
      http(`server {
  location ~ \\.php$ { fastcgi_pass unix:/run/php/php8.2-fpm.sock; }
  location /py { uwsgi_pass unix:/run/uwsgi/app.sock; }
  location /s { scgi_pass unix:/run/scgi.sock; }
  location /m { memcached_pass 127.0.0.1:11211; }
  location /h { proxy_pass http://unix:/run/gunicorn.sock:/app/; }
}`),
    );
    expect(
      ts.map((t) => [t.directive, t.endpoints[0]?.kind, t.endpoints[0]?.path ?? t.endpoints[0]?.port]),
    ).toEqual([
      ['fastcgi_pass', 'unix', '/run/php/php8.2-fpm.sock'],
      ['uwsgi_pass', 'unix', '/run/uwsgi/app.sock'],
      ['scgi_pass', 'unix', '/run/scgi.sock'],
      ['memcached_pass', 'tcp', 11211],
      ['proxy_pass', 'unix', '/run/gunicorn.sock'],
    ]);
  });

  it('expands localhost to both loopbacks and marks other names for resolution', () => {
    const ts = targets(
      http(
        `server { location / { proxy_pass http://localhost:3000; } location /b { proxy_pass http://app.internal:8080; } }`,
      ),
    );
    expect(ts[0]!.endpoints[0]).toMatchObject({
      host: 'localhost',
      addresses: ['127.0.0.1', '::1'],
      needsResolution: false,
    });
    expect(ts[1]!.endpoints[0]).toMatchObject({
      host: 'app.internal',
      addresses: [],
      needsResolution: true,
      port: 8080,
    });
  });

  it('treats variables as dynamic, and knows whether a resolver is in effect', () => {
    const ts = targets(
      http(`server { set $b app; location / { proxy_pass http://$b:8080; } }
server { resolver 127.0.0.53; location / { proxy_pass http://$host; } }`),
    );
    expect(ts[0]!.dynamic).toEqual({
      hasResolver: false,
      sources: [
        {
          variable: '$b',
          ref: { file: '/etc/nginx/nginx.conf', line: 3, text: 'set $b app;' },
          value: 'app',
          host: 'app',
          needsResolver: true,
        },
      ],
    });
    // $host is the request's: no line gives it a value.
    expect(ts[1]!.dynamic).toEqual({ hasResolver: true, sources: [] });
    expect(ts[0]!.endpoints).toEqual([]);
  });

  it('reads a whole URL from a variable (container proxies), and the set lines that give it', () => {
    const ts = targets(
      http(`server {
  set $upstream http://app:8080;
  location / {
    if ($arg_v2) { set $upstream https://app-v2.internal; }
    proxy_pass $upstream;
  }
  location /static/ { set $files http://10.0.0.7:9000; proxy_pass $files$request_uri; }
}`),
    );
    expect(ts[0]).toMatchObject({ id: '$upstream', endpoints: [], dynamic: { hasResolver: false } });
    expect(ts[0]!.invalid).toBeUndefined();
    expect(ts[0]!.dynamic!.sources.map((s) => [s.ref.line, s.value, s.host, s.needsResolver])).toEqual([
      [4, 'http://app:8080', 'app', true],
      [6, 'https://app-v2.internal', 'app-v2.internal', true],
    ]);
    // An address literal is parsed by nginx itself: no resolver is asked.
    expect(ts[1]!.dynamic!.sources.map((s) => [s.ref.line, s.host, s.needsResolver])).toEqual([
      [9, '10.0.0.7', false],
    ]);
  });

  it('reads the entries of a map as the values of its variable; a group name needs no resolver', () => {
    const ts = targets(
      http(`upstream blue { server 127.0.0.1:3001; }
map $host $backend {
  hostnames;
  default blue;
  shop.example.com shop-api.internal:3000;
  admin.example.com $admin_host;
}
server { location / { proxy_pass http://$backend; } location /v2/ { proxy_pass http://$backend:8080; } }`),
    );
    expect(ts[0]!.dynamic!.sources.map((s) => [s.ref.line, s.ref.text, s.host, s.needsResolver])).toEqual([
      [6, 'default blue;', 'blue', false],
      [7, 'shop.example.com shop-api.internal:3000;', 'shop-api.internal', true],
      [8, 'admin.example.com $admin_host;', undefined, true],
    ]);
    // With a port in the URL nginx does not look for a group of that name: "blue" goes to the resolver.
    expect(ts[1]!.dynamic!.sources[0]).toMatchObject({ host: 'blue', needsResolver: true });
  });

  it('marks a proxy_pass without scheme as invalid, as nginx -t does, but not a stream proxy_pass', () => {
    const ts = targets(`events {}
http { server { location / { proxy_pass 127.0.0.1:8000; } } }
stream { upstream db { server 10.0.0.9:5432; } server { listen 5432; proxy_pass db; } }
`);
    expect(ts[0]!.invalid).toMatch(/invalid URL prefix/);
    expect(ts[1]).toMatchObject({ id: 'db', group: { name: 'db' }, uses: [{ context: 'stream' }] });
    expect(ts[1]!.invalid).toBeUndefined();
  });

  it('a name that is no upstream group is a host; fastcgi_pass without port is an error', () => {
    const ts = targets(
      http(`server { location / { proxy_pass http://backend; } location ~ php { fastcgi_pass php; } }`),
    );
    expect(ts[0]!.endpoints[0]).toMatchObject({ host: 'backend', port: 80, needsResolution: true });
    expect(ts[1]!.invalid).toBe('no port in upstream "php"');
  });

  it('collects every place that uses a target, across included files, with file:line', () => {
    const ts = targets(http('include /etc/nginx/conf.d/*.conf;'), {
      '/etc/nginx/conf.d/a.conf':
        'upstream app { server 127.0.0.1:3000; }\nserver { server_name a; location / { proxy_pass http://app; } }\n',
      '/etc/nginx/conf.d/b.conf':
        'server {\n  server_name b;\n  location / {\n    proxy_pass http://app;\n  }\n}\n',
    });
    expect(ts).toHaveLength(1);
    expect(ts[0]!.uses.map((u) => [u.ref.file, u.ref.line, u.serverNames[0]])).toEqual([
      ['/etc/nginx/conf.d/a.conf', 2, 'a'],
      ['/etc/nginx/conf.d/b.conf', 4, 'b'],
    ]);
  });

  it('finds the setting in effect for a location (nginx merges http → server → location)', () => {
    const [t] = targets(
      http(
        `proxy_read_timeout 5s;\nserver { proxy_buffer_size 8k; location / { proxy_pass http://127.0.0.1:1; } }`,
      ),
    );
    const pass = t!.uses[0]!.node;
    expect(inEffect(pass, 'proxy_read_timeout')?.args).toEqual(['5s']);
    expect(inEffect(pass, 'proxy_buffer_size')?.args).toEqual(['8k']);
    expect(inEffect(pass, 'proxy_connect_timeout')).toBeUndefined();
  });
});
