// Every message nginx's upstream machinery writes about an upstream, taken from nginx's source, with what each
// means: the error-log classifier (errorlog.ts) must give each its kind, and the analyzer a cause, so that no
// line nginx can write about a failing backend leaves the report empty. A unit test
// (test/unit/parsers/upstream-errors.test.ts) fails when a row has no cause or its example classifies otherwise.
//
// Where the rows come from: every ngx_log_error / ngx_connection_error / ngx_ssl_connection_error call of
// src/http/ngx_http_upstream.c, ngx_http_upstream_round_robin.c, the proxy, proxy_v2, fastcgi, uwsgi, scgi, grpc,
// memcached and upstream_keepalive modules, src/event/ngx_event_openssl.c and ngx_event_connect.c, and the
// socket calls of src/os/unix (recv, readv, send, writev, sendfile) that log on the upstream connection, at
// NGINX_SOURCE. `message` is nginx's format string as written (%V, %ui, %uz, %d: its placeholders); `detail`
// names the errno or OpenSSL reason a row is about where one message means several things. `example` is a
// source-quoted line (the format filled in, with the "while …" action and context nginx prints) unless
// `recorded` names where it was recorded. Messages of those files that say nothing about a failing upstream
// (configuration time, the client's side, nginx's own alerts) are in NOT_UPSTREAM_FAILURES, each with why.
import type { ErrorLogEntry, ErrorLogKind } from '../model/facts.js';
import type { Cause } from '../model/types.js';

export const NGINX_SOURCE = {
  repository: 'https://github.com/nginx/nginx',
  commit: '3f6f7824d4e2eb1ac37dec76683d525ac0ff521c',
  version: 'release-1.31.4-4-g3f6f7824d (2026-08-21)',
} as const;

export interface UpstreamErrorMessage {
  /** nginx's module (file) that writes it: "grpc" is ngx_http_grpc_module.c, "os" the socket calls. */
  module: string;
  /** nginx's format string, as in the source. */
  message: string;
  /** The errno or OpenSSL reason this row is about, when one message means several things. */
  detail?: string;
  level: ErrorLogEntry['level'];
  /** file:line at NGINX_SOURCE.commit of every call that writes it. */
  source: string[];
  /** What classifyErrorLog must make of the example. */
  kind: ErrorLogKind;
  /** The cause the message means. Every row has one: a test fails otherwise. */
  cause?: Cause;
  example: string;
  /** Where the example was recorded (a lab scenario, a fixture); absent: quoted from the source. */
  recorded?: string;
}

export interface NotAnUpstreamFailure {
  module: string;
  message: string;
  level: string;
  source: string[];
  /** Why no cause: what the message is about instead. */
  why: string;
}

export const UPSTREAM_ERRORS: readonly UpstreamErrorMessage[] = [
  {
    module: 'upstream',
    message: 'no port in upstream "%V"',
    level: 'error',
    source: ['ngx_http_upstream.c:770', 'ngx_http_upstream.c:791'],
    kind: 'invalid-url',
    cause: 'upstream-url-invalid',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 no port in upstream "api.internal", client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", host: "shop.example.com"',
  },
  {
    module: 'upstream',
    message: 'no resolver defined to resolve %V',
    level: 'error',
    source: ['ngx_http_upstream.c:808'],
    kind: 'no-resolver',
    cause: 'resolver-missing',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 no resolver defined to resolve api.internal, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", host: "shop.example.com"',
  },
  {
    module: 'upstream',
    message: '%V could not be resolved (%i: %s)',
    level: 'error',
    source: ['ngx_http_upstream.c:1258'],
    kind: 'host-not-found',
    cause: 'upstream-host-not-found',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 api.internal could not be resolved (3: Host not found), client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", host: "shop.example.com"',
  },
  {
    module: 'upstream',
    message: 'no live upstreams',
    level: 'error',
    source: ['ngx_http_upstream.c:1632'],
    kind: 'no-live-upstreams',
    cause: 'no-live-upstreams',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 no live upstreams while connecting to upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://shop/", host: "shop.example.com"',
  },
  {
    module: 'upstream',
    message: 'upstream SSL certificate verify error: (%l:%s)',
    level: 'error',
    source: ['ngx_http_upstream.c:1879'],
    kind: 'ssl-handshake',
    cause: 'upstream-ssl-handshake-failed',
    example:
      '2026/12/03 08:27:26 [error] 16#16: *1 upstream SSL certificate verify error: (21:unable to verify the first certificate) while SSL handshaking to upstream, client: 10.213.229.1, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "https://127.0.0.1:3443/", host: "upstream-ssl-verify-failed"',
    recorded:
      'lab scenario upstream-ssl-verify-failed, nginx 1.22.1 (test/fixtures/snapshots/upstream-ssl-verify-failed.json)',
  },
  {
    module: 'upstream',
    message: 'upstream SSL certificate does not match "%V"',
    level: 'error',
    source: ['ngx_http_upstream.c:1886'],
    kind: 'ssl-handshake',
    cause: 'upstream-ssl-handshake-failed',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream SSL certificate does not match "api.internal" while SSL handshaking to upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'upstream',
    message: 'upstream prematurely closed connection',
    level: 'error',
    source: ['ngx_http_upstream.c:2548', 'ngx_http_upstream.c:3994', 'ngx_http_upstream.c:4485'],
    kind: 'prematurely-closed',
    cause: 'upstream-closed-connection',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream prematurely closed connection while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'upstream',
    message: 'upstream prematurely sent response',
    level: 'error',
    source: ['ngx_http_upstream.c:2559'],
    kind: 'ssl-handshake',
    cause: 'upstream-ssl-handshake-failed',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream prematurely sent response while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'upstream',
    message: 'upstream sent too big header',
    level: 'error',
    source: ['ngx_http_upstream.c:2585'],
    kind: 'header-too-big',
    cause: 'upstream-header-too-big',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent too big header while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'upstream',
    message: 'upstream sent more data than specified in "Content-Length" header',
    level: 'warn',
    source: ['ngx_http_upstream.c:4099', 'ngx_http_upstream.c:4132'],
    kind: 'invalid-response',
    cause: 'upstream-invalid-response',
    example:
      '2026/12/03 08:00:00 [warn] 4242#4242: *7 upstream sent more data than specified in "Content-Length" header while reading upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'upstream',
    message: 'upstream timed out',
    level: 'error',
    source: ['ngx_http_upstream.c:4632'],
    kind: 'read-timeout',
    cause: 'upstream-timeout',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'upstream',
    message: 'upstream sent duplicate header line: "%V: %V", previous value: "%V: %V", ignored',
    level: 'warn',
    source: [
      'ngx_http_upstream.c:4953',
      'ngx_http_upstream.c:5043',
      'ngx_http_upstream.c:5236',
      'ngx_http_upstream.c:5289',
      'ngx_http_upstream.c:5365',
    ],
    kind: 'invalid-response',
    cause: 'upstream-invalid-response',
    example:
      '2026/12/03 08:00:00 [warn] 4242#4242: *7 upstream sent duplicate header line: "Content-Length: 5", previous value: "Content-Length: 7", ignored while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'upstream',
    message: 'upstream sent duplicate header line: "%V: %V", previous value: "%V: %V"',
    level: 'error',
    source: ['ngx_http_upstream.c:5003', 'ngx_http_upstream.c:5484'],
    kind: 'invalid-response',
    cause: 'upstream-invalid-response',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent duplicate header line: "Content-Length: 5", previous value: "Content-Length: 7" while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'upstream',
    message: 'upstream sent "Content-Length" and "Transfer-Encoding" headers at the same time',
    level: 'error',
    source: ['ngx_http_upstream.c:5013', 'ngx_http_upstream.c:5494'],
    kind: 'invalid-response',
    cause: 'upstream-invalid-response',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent "Content-Length" and "Transfer-Encoding" headers at the same time while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'upstream',
    message: 'upstream sent invalid "Content-Length" header: "%V: %V"',
    level: 'error',
    source: ['ngx_http_upstream.c:5024'],
    kind: 'invalid-response',
    cause: 'upstream-invalid-response',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent invalid "Content-Length" header: "shop: shop" while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'upstream',
    message: 'upstream sent unknown "Transfer-Encoding": "%V"',
    level: 'error',
    source: ['ngx_http_upstream.c:5509'],
    kind: 'invalid-response',
    cause: 'upstream-invalid-response',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent unknown "Transfer-Encoding": "shop" while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy',
    message: 'invalid URL prefix in "%V"',
    level: 'error',
    source: ['ngx_http_proxy_module.c:1016'],
    kind: 'invalid-url',
    cause: 'upstream-url-invalid',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 invalid URL prefix in "api.internal:8080", client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", host: "shop.example.com"',
  },
  {
    module: 'proxy',
    message: '%s in upstream "%V"',
    level: 'error',
    source: ['ngx_http_proxy_module.c:1036'],
    kind: 'invalid-url',
    cause: 'upstream-url-invalid',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 invalid host in upstream "http://:80", client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", host: "shop.example.com"',
  },
  {
    module: 'proxy',
    message: 'zero length URI to proxy',
    level: 'error',
    source: ['ngx_http_proxy_module.c:1281'],
    kind: 'invalid-url',
    cause: 'upstream-url-invalid',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 zero length URI to proxy, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", host: "shop.example.com"',
  },
  {
    module: 'proxy',
    message: 'upstream sent no valid HTTP/1.0 header',
    level: 'error',
    source: ['ngx_http_proxy_module.c:1835'],
    kind: 'invalid-header',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent no valid HTTP/1.0 header while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy',
    message: 'upstream sent HTTP/1.0 response with early hints',
    level: 'error',
    source: ['ngx_http_proxy_module.c:1874'],
    kind: 'invalid-response',
    cause: 'upstream-invalid-response',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent HTTP/1.0 response with early hints while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy',
    message: 'upstream sent invalid header: "%*s\\x%02xd..."',
    level: 'error',
    source: ['ngx_http_proxy_module.c:2056'],
    kind: 'invalid-header',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent invalid header: "X-Bad\\x01..." while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy',
    message: 'upstream sent more data than specified in "Content-Length" header',
    level: 'warn',
    source: [
      'ngx_http_proxy_module.c:2144',
      'ngx_http_proxy_module.c:2184',
      'ngx_http_proxy_module.c:2413',
      'ngx_http_proxy_module.c:2447',
    ],
    kind: 'invalid-response',
    cause: 'upstream-invalid-response',
    example:
      '2026/12/03 08:00:00 [warn] 4242#4242: *7 upstream sent more data than specified in "Content-Length" header while reading upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy',
    message: 'upstream sent data after final chunk',
    level: 'warn',
    source: ['ngx_http_proxy_module.c:2234', 'ngx_http_proxy_module.c:2350', 'ngx_http_proxy_module.c:2585'],
    kind: 'invalid-response',
    cause: 'upstream-invalid-response',
    example:
      '2026/12/03 08:00:00 [warn] 4242#4242: *7 upstream sent data after final chunk while reading upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy',
    message: 'upstream sent data after trailers',
    level: 'warn',
    source: ['ngx_http_proxy_module.c:2260', 'ngx_http_proxy_module.c:2508'],
    kind: 'invalid-response',
    cause: 'upstream-invalid-response',
    example:
      '2026/12/03 08:00:00 [warn] 4242#4242: *7 upstream sent data after trailers while reading upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy',
    message: 'upstream sent invalid chunked response',
    level: 'error',
    source: ['ngx_http_proxy_module.c:2369', 'ngx_http_proxy_module.c:2599'],
    kind: 'invalid-response',
    cause: 'upstream-invalid-response',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent invalid chunked response while reading upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy',
    message: 'upstream sent too big trailers',
    level: 'error',
    source: ['ngx_http_proxy_module.c:2698'],
    kind: 'header-too-big',
    cause: 'upstream-header-too-big',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent too big trailers while reading upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy',
    message: 'upstream sent invalid trailer: "%*s\\x%02xd..."',
    level: 'error',
    source: ['ngx_http_proxy_module.c:2708'],
    kind: 'invalid-response',
    cause: 'upstream-invalid-response',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent invalid trailer: "X-Bad\\x01..." while reading upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'zero length URI to proxy',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:429'],
    kind: 'invalid-url',
    cause: 'upstream-url-invalid',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 zero length URI to proxy, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent unexpected http2 frame: %d',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:1497', 'ngx_http_proxy_v2_module.c:2182'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent unexpected http2 frame: 72 while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent frame for unknown stream %ui',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:1504', 'ngx_http_proxy_v2_module.c:2232'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent frame for unknown stream 1 while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream rejected request with error %ui',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:1526', 'ngx_http_proxy_v2_module.c:2285'],
    kind: 'reset-by-peer',
    cause: 'upstream-closed-connection',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream rejected request with error 1 while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent invalid header "%V: %V"',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:1587'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent invalid header "shop: shop" while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent duplicate :status header',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:1594'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent duplicate :status header while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent invalid :status "%V"',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:1602', 'ngx_http_proxy_v2_module.c:1611'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent invalid :status "shop" while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent unexpected :status "%V"',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:1619'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent unexpected :status "shop" while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent no :status header',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:1636'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent no :status header while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream prematurely closed stream',
    level: 'error',
    source: [
      'ngx_http_proxy_v2_module.c:1678',
      'ngx_http_proxy_v2_module.c:1748',
      'ngx_http_proxy_v2_module.c:2141',
    ],
    kind: 'prematurely-closed',
    cause: 'upstream-closed-connection',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream prematurely closed stream while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent invalid header',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:1703'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent invalid header while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent response body larger than indicated content length',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:1835', 'ngx_http_proxy_v2_module.c:1946'],
    kind: 'invalid-response',
    cause: 'upstream-invalid-response',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent response body larger than indicated content length while reading upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent goaway with error %ui',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:2026'],
    kind: 'reset-by-peer',
    cause: 'upstream-closed-connection',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent goaway with error 1 while reading upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent unexpected push promise frame',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:2094'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent unexpected push promise frame while reading upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent data frame for unknown stream %ui',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:2191'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent data frame for unknown stream 1 while reading upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream violated stream flow control, received %uz data frame with window %uz',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:2199'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream violated stream flow control, received 4740180 data frame with window 4740180 while reading upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream violated connection flow control, received %uz data frame with window %uz',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:2207'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream violated connection flow control, received 4740180 data frame with window 4740180 while reading upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent frame for closed stream %ui',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:2242', 'ngx_http_proxy_v2_module.c:2292'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent frame for closed stream 1 while reading upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent invalid trailer "%V: %V"',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:2337'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent invalid trailer "shop: shop" while reading upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent trailer without end stream flag',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:2369'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent trailer without end stream flag while reading upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent invalid trailer',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:2377'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent invalid trailer while reading upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent too short http2 frame',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:2425'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent too short http2 frame while reading upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent http2 frame with too long padding: %d in frame %uz',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:2439', 'ngx_http_proxy_v2_module.c:2719'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent http2 frame with too long padding: 72 in frame 4740180 while reading upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent too large http2 frame: %uz',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:2507'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent too large http2 frame: 4740180 while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent headers frame with invalid length: %uz',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:2604'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent headers frame with invalid length: 4740180 while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent truncated http2 header',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:2770'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent truncated http2 header while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent invalid http2 table index: %ui',
    level: 'error',
    source: [
      'ngx_http_proxy_v2_module.c:2856',
      'ngx_http_proxy_v2_module.c:2900',
      'ngx_http_proxy_v2_module.c:3064',
    ],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent invalid http2 table index: 1 while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent invalid http2 dynamic table size update: %ui',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:2933'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent invalid http2 dynamic table size update: 1 while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent http2 table index with continuation flag',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:3057'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent http2 table index with continuation flag while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent zero http2 header name length',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:3086'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent zero http2 header name length while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent too large http2 header name length',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:3121'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent too large http2 header name length while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent too large http2 header name length: %uz',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:3135'],
    kind: 'header-too-big',
    cause: 'upstream-header-too-big',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent too large http2 header name length: 4740180 while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent invalid encoded header',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:3174', 'ngx_http_proxy_v2_module.c:3291'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent invalid encoded header while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent too large http2 header value length',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:3238'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent too large http2 header value length while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent too large http2 header value length: %uz',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:3252'],
    kind: 'header-too-big',
    cause: 'upstream-header-too-big',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent too large http2 header value length: 4740180 while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent invalid header: "%V: %V"',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:3334', 'ngx_http_proxy_v2_module.c:3345'],
    kind: 'invalid-header',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent invalid header: "shop: shop" while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent too large http2 header',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:3355'],
    kind: 'header-too-big',
    cause: 'upstream-header-too-big',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent too large http2 header while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent rst stream frame with invalid length: %uz',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:3444'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent rst stream frame with invalid length: 4740180 while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent goaway frame with non-zero stream id: %ui',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:3531'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent goaway frame with non-zero stream id: 1 while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent goaway frame with invalid length: %uz',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:3539'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent goaway frame with invalid length: 4740180 while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent window update frame with invalid length: %uz',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:3643'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent window update frame with invalid length: 4740180 while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent zero window update',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:3697'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent zero window update while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent too large window update',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:3707', 'ngx_http_proxy_v2_module.c:3719'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent too large window update while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent settings frame with non-zero stream id: %ui',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:3759'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent settings frame with non-zero stream id: 1 while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent settings frame with ack flag and non-zero length: %uz',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:3771'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent settings frame with ack flag and non-zero length: 4740180 while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent settings frame with invalid length: %uz',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:3784'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent settings frame with invalid length: 4740180 while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent too many settings frames',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:3792'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent too many settings frames while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent settings frame with too large initial window size: %ui',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:3857', 'ngx_http_proxy_v2_module.c:3872'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent settings frame with too large initial window size: 1 while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent ping frame with non-zero stream id: %ui',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:3928'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent ping frame with non-zero stream id: 1 while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent ping frame with invalid length: %uz',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:3936'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent ping frame with invalid length: 4740180 while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent ping frame with ack flag',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:3944'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent ping frame with ack flag while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'proxy_v2',
    message: 'upstream sent too many ping frames',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:3950'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent too many ping frames while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'fastcgi',
    message: '%s in upstream "%V"',
    level: 'error',
    source: ['ngx_http_fastcgi_module.c:803'],
    kind: 'invalid-url',
    cause: 'upstream-url-invalid',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 invalid host in upstream "http://:80", client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", host: "shop.example.com"',
  },
  {
    module: 'fastcgi',
    message: 'upstream sent unexpected FastCGI record: %ui',
    level: 'error',
    source: ['ngx_http_fastcgi_module.c:1781'],
    kind: 'invalid-header',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent unexpected FastCGI record: 1 while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "fastcgi://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'fastcgi',
    message: 'upstream prematurely closed FastCGI stdout',
    level: 'error',
    source: ['ngx_http_fastcgi_module.c:1789', 'ngx_http_fastcgi_module.c:2272'],
    kind: 'prematurely-closed',
    cause: 'upstream-closed-connection',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream prematurely closed FastCGI stdout while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "fastcgi://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'fastcgi',
    message: 'upstream sent invalid status "%V"',
    level: 'error',
    source: ['ngx_http_fastcgi_module.c:2098'],
    kind: 'invalid-header',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent invalid status "shop" while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "fastcgi://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'fastcgi',
    message: 'upstream sent invalid header: "%*s\\x%02xd..."',
    level: 'error',
    source: ['ngx_http_fastcgi_module.c:2129'],
    kind: 'invalid-header',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent invalid header: "X-Bad\\x01..." while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "fastcgi://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'fastcgi',
    message: 'upstream prematurely closed FastCGI request',
    level: 'error',
    source: ['ngx_http_fastcgi_module.c:2296', 'ngx_http_fastcgi_module.c:2580'],
    kind: 'prematurely-closed',
    cause: 'upstream-closed-connection',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream prematurely closed FastCGI request while reading upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "fastcgi://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'fastcgi',
    message: 'upstream sent more data than specified in "Content-Length" header',
    level: 'warn',
    source: [
      'ngx_http_fastcgi_module.c:2421',
      'ngx_http_fastcgi_module.c:2474',
      'ngx_http_fastcgi_module.c:2683',
      'ngx_http_fastcgi_module.c:2723',
    ],
    kind: 'invalid-response',
    cause: 'upstream-invalid-response',
    example:
      '2026/12/03 08:00:00 [warn] 4242#4242: *7 upstream sent more data than specified in "Content-Length" header while reading upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "fastcgi://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'fastcgi',
    message: 'upstream sent unsupported FastCGI protocol version: %d',
    level: 'error',
    source: ['ngx_http_fastcgi_module.c:2761'],
    kind: 'invalid-header',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent unsupported FastCGI protocol version: 72, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "fastcgi://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'fastcgi',
    message: 'upstream sent invalid FastCGI record type: %d',
    level: 'error',
    source: ['ngx_http_fastcgi_module.c:2777'],
    kind: 'invalid-header',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent invalid FastCGI record type: 72, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "fastcgi://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'fastcgi',
    message: 'upstream sent unexpected FastCGI request id high byte: %d',
    level: 'error',
    source: ['ngx_http_fastcgi_module.c:2790'],
    kind: 'invalid-header',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent unexpected FastCGI request id high byte: 72, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "fastcgi://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'fastcgi',
    message: 'upstream sent unexpected FastCGI request id low byte: %d',
    level: 'error',
    source: ['ngx_http_fastcgi_module.c:2800'],
    kind: 'invalid-header',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent unexpected FastCGI request id low byte: 72, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "fastcgi://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'uwsgi',
    message: 'suwsgi protocol requires SSL support',
    level: 'error',
    source: ['ngx_http_uwsgi_module.c:801'],
    kind: 'invalid-url',
    cause: 'upstream-url-invalid',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 suwsgi protocol requires SSL support, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", host: "shop.example.com"',
  },
  {
    module: 'uwsgi',
    message: '%s in upstream "%V"',
    level: 'error',
    source: ['ngx_http_uwsgi_module.c:827'],
    kind: 'invalid-url',
    cause: 'upstream-url-invalid',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 invalid host in upstream "http://:80", client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", host: "shop.example.com"',
  },
  {
    module: 'uwsgi',
    message: 'upstream sent invalid status "%V"',
    level: 'error',
    source: ['ngx_http_uwsgi_module.c:1437'],
    kind: 'invalid-header',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent invalid status "shop" while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "uwsgi://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'uwsgi',
    message: 'upstream sent invalid header: "%*s\\x%02xd..."',
    level: 'error',
    source: ['ngx_http_uwsgi_module.c:1480'],
    kind: 'invalid-header',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent invalid header: "X-Bad\\x01..." while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "uwsgi://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'scgi',
    message: '%s in upstream "%V"',
    level: 'error',
    source: ['ngx_http_scgi_module.c:601'],
    kind: 'invalid-url',
    cause: 'upstream-url-invalid',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 invalid host in upstream "http://:80", client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", host: "shop.example.com"',
  },
  {
    module: 'scgi',
    message: 'upstream sent invalid status "%V"',
    level: 'error',
    source: ['ngx_http_scgi_module.c:1195'],
    kind: 'invalid-header',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent invalid status "shop" while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "scgi://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'scgi',
    message: 'upstream sent invalid header: "%*s\\x%02xd..."',
    level: 'error',
    source: ['ngx_http_scgi_module.c:1238'],
    kind: 'invalid-header',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent invalid header: "X-Bad\\x01..." while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "scgi://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'grpcs protocol requires SSL support',
    level: 'error',
    source: ['ngx_http_grpc_module.c:666'],
    kind: 'invalid-url',
    cause: 'upstream-url-invalid',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 grpcs protocol requires SSL support, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: '%s in upstream "%V"',
    level: 'error',
    source: ['ngx_http_grpc_module.c:692'],
    kind: 'invalid-url',
    cause: 'upstream-url-invalid',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 invalid host in upstream "http://:80", client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent unexpected http2 frame: %d',
    level: 'error',
    source: ['ngx_http_grpc_module.c:1785', 'ngx_http_grpc_module.c:2220'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent unexpected http2 frame: 72 while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent frame for unknown stream %ui',
    level: 'error',
    source: ['ngx_http_grpc_module.c:1792', 'ngx_http_grpc_module.c:2268'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent frame for unknown stream 1 while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream rejected request with error %ui',
    level: 'error',
    source: ['ngx_http_grpc_module.c:1813', 'ngx_http_grpc_module.c:2321'],
    kind: 'reset-by-peer',
    cause: 'upstream-closed-connection',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream rejected request with error 1 while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent goaway with error %ui',
    level: 'error',
    source: ['ngx_http_grpc_module.c:1845', 'ngx_http_grpc_module.c:2364'],
    kind: 'reset-by-peer',
    cause: 'upstream-closed-connection',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent goaway with error 1 while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent unexpected push promise frame',
    level: 'error',
    source: ['ngx_http_grpc_module.c:1912', 'ngx_http_grpc_module.c:2431'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent unexpected push promise frame while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent invalid header "%V: %V"',
    level: 'error',
    source: ['ngx_http_grpc_module.c:1960'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent invalid header "shop: shop" while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent duplicate :status header',
    level: 'error',
    source: ['ngx_http_grpc_module.c:1967'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent duplicate :status header while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent invalid :status "%V"',
    level: 'error',
    source: ['ngx_http_grpc_module.c:1975', 'ngx_http_grpc_module.c:1984'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent invalid :status "shop" while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent unexpected :status "%V"',
    level: 'error',
    source: ['ngx_http_grpc_module.c:1992'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent unexpected :status "shop" while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent no :status header',
    level: 'error',
    source: ['ngx_http_grpc_module.c:2009'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent no :status header while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream prematurely closed stream',
    level: 'error',
    source: ['ngx_http_grpc_module.c:2051', 'ngx_http_grpc_module.c:2124', 'ngx_http_grpc_module.c:2177'],
    kind: 'prematurely-closed',
    cause: 'upstream-closed-connection',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream prematurely closed stream while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent invalid header',
    level: 'error',
    source: ['ngx_http_grpc_module.c:2082'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent invalid header while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent data frame for unknown stream %ui',
    level: 'error',
    source: ['ngx_http_grpc_module.c:2229'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent data frame for unknown stream 1 while reading upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream violated stream flow control, received %uz data frame with window %uz',
    level: 'error',
    source: ['ngx_http_grpc_module.c:2237'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream violated stream flow control, received 4740180 data frame with window 4740180 while reading upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream violated connection flow control, received %uz data frame with window %uz',
    level: 'error',
    source: ['ngx_http_grpc_module.c:2245'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream violated connection flow control, received 4740180 data frame with window 4740180 while reading upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent frame for closed stream %ui',
    level: 'error',
    source: ['ngx_http_grpc_module.c:2278', 'ngx_http_grpc_module.c:2328'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent frame for closed stream 1 while reading upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent invalid trailer "%V: %V"',
    level: 'error',
    source: ['ngx_http_grpc_module.c:2456'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent invalid trailer "shop: shop" while reading upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent trailer without end stream flag',
    level: 'error',
    source: ['ngx_http_grpc_module.c:2488'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent trailer without end stream flag while reading upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent invalid trailer',
    level: 'error',
    source: ['ngx_http_grpc_module.c:2496'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent invalid trailer while reading upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent too short http2 frame',
    level: 'error',
    source: ['ngx_http_grpc_module.c:2548'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent too short http2 frame while reading upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent http2 frame with too long padding: %d in frame %uz',
    level: 'error',
    source: ['ngx_http_grpc_module.c:2562', 'ngx_http_grpc_module.c:2899'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent http2 frame with too long padding: 72 in frame 4740180 while reading upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent response body larger than indicated content length',
    level: 'error',
    source: ['ngx_http_grpc_module.c:2608', 'ngx_http_grpc_module.c:2627'],
    kind: 'invalid-response',
    cause: 'upstream-invalid-response',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent response body larger than indicated content length while reading upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent too large http2 frame: %uz',
    level: 'error',
    source: ['ngx_http_grpc_module.c:2687'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:27:26 [error] 9#9: *1 upstream sent too large http2 frame: 4740180 while reading response header from upstream, client: 10.213.229.1, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://127.0.0.1:3000", host: "grpc-to-http1-backend"',
    recorded:
      'lab scenario grpc-to-http1-backend, nginx 1.22.1 (test/fixtures/snapshots/grpc-to-http1-backend.json)',
  },
  {
    module: 'grpc',
    message: 'upstream sent headers frame with invalid length: %uz',
    level: 'error',
    source: ['ngx_http_grpc_module.c:2784'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent headers frame with invalid length: 4740180 while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent truncated http2 header',
    level: 'error',
    source: ['ngx_http_grpc_module.c:2950'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent truncated http2 header while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent invalid http2 table index: %ui',
    level: 'error',
    source: ['ngx_http_grpc_module.c:3036', 'ngx_http_grpc_module.c:3080', 'ngx_http_grpc_module.c:3243'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent invalid http2 table index: 1 while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent invalid http2 dynamic table size update: %ui',
    level: 'error',
    source: ['ngx_http_grpc_module.c:3113'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent invalid http2 dynamic table size update: 1 while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent http2 table index with continuation flag',
    level: 'error',
    source: ['ngx_http_grpc_module.c:3236'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent http2 table index with continuation flag while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent zero http2 header name length',
    level: 'error',
    source: ['ngx_http_grpc_module.c:3265'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent zero http2 header name length while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent too large http2 header name length',
    level: 'error',
    source: ['ngx_http_grpc_module.c:3300'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent too large http2 header name length while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent too large http2 header name length: %uz',
    level: 'error',
    source: ['ngx_http_grpc_module.c:3314'],
    kind: 'header-too-big',
    cause: 'upstream-header-too-big',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent too large http2 header name length: 4740180 while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent invalid encoded header',
    level: 'error',
    source: ['ngx_http_grpc_module.c:3353', 'ngx_http_grpc_module.c:3470'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent invalid encoded header while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent too large http2 header value length',
    level: 'error',
    source: ['ngx_http_grpc_module.c:3417'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent too large http2 header value length while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent too large http2 header value length: %uz',
    level: 'error',
    source: ['ngx_http_grpc_module.c:3431'],
    kind: 'header-too-big',
    cause: 'upstream-header-too-big',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent too large http2 header value length: 4740180 while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent invalid header: "%V: %V"',
    level: 'error',
    source: ['ngx_http_grpc_module.c:3511', 'ngx_http_grpc_module.c:3520'],
    kind: 'invalid-header',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent invalid header: "shop: shop" while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent too large http2 header',
    level: 'error',
    source: ['ngx_http_grpc_module.c:3530'],
    kind: 'header-too-big',
    cause: 'upstream-header-too-big',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent too large http2 header while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent rst stream frame with invalid length: %uz',
    level: 'error',
    source: ['ngx_http_grpc_module.c:3619'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent rst stream frame with invalid length: 4740180 while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent goaway frame with non-zero stream id: %ui',
    level: 'error',
    source: ['ngx_http_grpc_module.c:3706'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent goaway frame with non-zero stream id: 1 while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent goaway frame with invalid length: %uz',
    level: 'error',
    source: ['ngx_http_grpc_module.c:3714'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent goaway frame with invalid length: 4740180 while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent window update frame with invalid length: %uz',
    level: 'error',
    source: ['ngx_http_grpc_module.c:3818'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent window update frame with invalid length: 4740180 while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent zero window update',
    level: 'error',
    source: ['ngx_http_grpc_module.c:3872'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent zero window update while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent too large window update',
    level: 'error',
    source: ['ngx_http_grpc_module.c:3882', 'ngx_http_grpc_module.c:3894'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent too large window update while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent settings frame with non-zero stream id: %ui',
    level: 'error',
    source: ['ngx_http_grpc_module.c:3934'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent settings frame with non-zero stream id: 1 while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent settings frame with ack flag and non-zero length: %uz',
    level: 'error',
    source: ['ngx_http_grpc_module.c:3946'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent settings frame with ack flag and non-zero length: 4740180 while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent settings frame with invalid length: %uz',
    level: 'error',
    source: ['ngx_http_grpc_module.c:3959'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent settings frame with invalid length: 4740180 while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent too many settings frames',
    level: 'error',
    source: ['ngx_http_grpc_module.c:3967'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent too many settings frames while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent settings frame with too large initial window size: %ui',
    level: 'error',
    source: ['ngx_http_grpc_module.c:4032', 'ngx_http_grpc_module.c:4047'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent settings frame with too large initial window size: 1 while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent ping frame with non-zero stream id: %ui',
    level: 'error',
    source: ['ngx_http_grpc_module.c:4103'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent ping frame with non-zero stream id: 1 while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent ping frame with invalid length: %uz',
    level: 'error',
    source: ['ngx_http_grpc_module.c:4111'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent ping frame with invalid length: 4740180 while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent ping frame with ack flag',
    level: 'error',
    source: ['ngx_http_grpc_module.c:4119'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent ping frame with ack flag while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'grpc',
    message: 'upstream sent too many ping frames',
    level: 'error',
    source: ['ngx_http_grpc_module.c:4125'],
    kind: 'http2-protocol',
    cause: 'upstream-protocol-mismatch',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream sent too many ping frames while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "grpc://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'memcached',
    message: 'the "$memcached_key" variable is not set',
    level: 'error',
    source: ['ngx_http_memcached_module.c:253'],
    kind: 'invalid-url',
    cause: 'upstream-url-invalid',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 the "$memcached_key" variable is not set, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", host: "shop.example.com"',
  },
  {
    module: 'memcached',
    message: 'memcached sent invalid key in response "%V" for key "%V"',
    level: 'error',
    source: ['ngx_http_memcached_module.c:355'],
    kind: 'invalid-response',
    cause: 'upstream-invalid-response',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 memcached sent invalid key in response "shop" for key "shop" while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "memcached://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'memcached',
    message: 'memcached sent invalid flags in response "%V" for key "%V"',
    level: 'error',
    source: ['ngx_http_memcached_module.c:390'],
    kind: 'invalid-response',
    cause: 'upstream-invalid-response',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 memcached sent invalid flags in response "shop" for key "shop" while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "memcached://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'memcached',
    message: 'memcached sent invalid length in response "%V" for key "%V"',
    level: 'error',
    source: ['ngx_http_memcached_module.c:417'],
    kind: 'invalid-response',
    cause: 'upstream-invalid-response',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 memcached sent invalid length in response "shop" for key "shop" while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "memcached://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'memcached',
    message: 'memcached sent invalid response: "%V"',
    level: 'error',
    source: ['ngx_http_memcached_module.c:446'],
    kind: 'invalid-response',
    cause: 'upstream-invalid-response',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 memcached sent invalid response: "shop" while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "memcached://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'memcached',
    message: 'memcached sent invalid trailer',
    level: 'error',
    source: ['ngx_http_memcached_module.c:495', 'ngx_http_memcached_module.c:548'],
    kind: 'invalid-response',
    cause: 'upstream-invalid-response',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 memcached sent invalid trailer while reading upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "memcached://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'event_connect',
    message: 'connect() to %V failed',
    detail: '(111: Connection refused)',
    level: 'error',
    source: ['ngx_event_connect.c:254'],
    kind: 'connect-refused',
    cause: 'upstream-not-listening',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 connect() to 192.0.2.20:8080 failed (111: Connection refused) while connecting to upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'event_connect',
    message: 'connect() to %V failed',
    detail: '(113: No route to host)',
    level: 'error',
    source: ['ngx_event_connect.c:254'],
    kind: 'no-route',
    cause: 'upstream-unreachable',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 connect() to 192.0.2.20:8080 failed (113: No route to host) while connecting to upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'event_connect',
    message: 'connect() to %V failed',
    detail: '(101: Network is unreachable)',
    level: 'error',
    source: ['ngx_event_connect.c:254'],
    kind: 'no-route',
    cause: 'upstream-unreachable',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 connect() to 192.0.2.20:8080 failed (101: Network is unreachable) while connecting to upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'event_connect',
    message: 'connect() to %V failed',
    detail: '(2: No such file or directory), a unix socket',
    level: 'crit',
    source: ['ngx_event_connect.c:254'],
    kind: 'unix-socket-missing',
    cause: 'unix-socket-missing',
    example:
      '2026/12/03 08:00:00 [crit] 4242#4242: *7 connect() to unix:/run/php/php8.2-fpm.sock failed (2: No such file or directory) while connecting to upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "fastcgi://unix:/run/php/php8.2-fpm.sock:", host: "shop.example.com"',
  },
  {
    module: 'event_connect',
    message: 'connect() to %V failed',
    detail: '(13: Permission denied), a unix socket',
    level: 'crit',
    source: ['ngx_event_connect.c:254'],
    kind: 'unix-socket-permission',
    cause: 'unix-socket-permission',
    example:
      '2026/12/03 08:00:00 [crit] 4242#4242: *7 connect() to unix:/run/php/php8.2-fpm.sock failed (13: Permission denied) while connecting to upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "fastcgi://unix:/run/php/php8.2-fpm.sock:", host: "shop.example.com"',
  },
  {
    module: 'event_connect',
    message: 'connect() to %V failed',
    detail: '(13: Permission denied), TCP under SELinux',
    level: 'crit',
    source: ['ngx_event_connect.c:254'],
    kind: 'selinux-denied',
    cause: 'selinux-denies-connect',
    example:
      '2026/12/03 08:00:00 [crit] 4242#4242: *7 connect() to 192.0.2.20:8080 failed (13: Permission denied) while connecting to upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'event_connect',
    message: 'connect() to %V failed',
    detail: '(11: Resource temporarily unavailable), a unix socket',
    level: 'error',
    source: ['ngx_event_connect.c:254'],
    kind: 'backlog-full',
    cause: 'upstream-backlog-full',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 connect() to unix:/run/php/php8.2-fpm.sock failed (11: Resource temporarily unavailable) while connecting to upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "fastcgi://unix:/run/php/php8.2-fpm.sock:", host: "shop.example.com"',
  },
  {
    module: 'upstream',
    message: 'upstream timed out',
    detail: '(110: Connection timed out) while connecting',
    level: 'error',
    source: ['ngx_http_upstream.c:4632'],
    kind: 'connect-timeout',
    cause: 'upstream-unreachable',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 upstream timed out (110: Connection timed out) while connecting to upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'os',
    message: 'recv() failed',
    detail: '(104: Connection reset by peer)',
    level: 'error',
    source: ['ngx_recv.c:190'],
    kind: 'reset-by-peer',
    cause: 'upstream-closed-connection',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 recv() failed (104: Connection reset by peer) while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'os',
    message: 'readv() failed',
    detail: '(104: Connection reset by peer)',
    level: 'error',
    source: ['ngx_readv_chain.c:239'],
    kind: 'reset-by-peer',
    cause: 'upstream-closed-connection',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 readv() failed (104: Connection reset by peer) while reading upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'os',
    message: 'send() failed',
    detail: '(32: Broken pipe)',
    level: 'error',
    source: ['ngx_send.c:69'],
    kind: 'prematurely-closed',
    cause: 'upstream-closed-connection',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 send() failed (32: Broken pipe) while sending request to upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'os',
    message: 'writev() failed',
    detail: '(32: Broken pipe)',
    level: 'error',
    source: ['ngx_writev_chain.c:210'],
    kind: 'prematurely-closed',
    cause: 'upstream-closed-connection',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 writev() failed (32: Broken pipe) while sending request to upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'os',
    message: 'sendfile() failed',
    detail: '(32: Broken pipe)',
    level: 'error',
    source: ['ngx_linux_sendfile_chain.c:279'],
    kind: 'prematurely-closed',
    cause: 'upstream-closed-connection',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 sendfile() failed (32: Broken pipe) while sending request to upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://192.0.2.20:8080/", host: "shop.example.com"',
  },
  {
    module: 'ssl',
    message: 'peer closed connection in SSL handshake',
    level: 'error',
    source: ['ngx_event_openssl.c:2328'],
    kind: 'ssl-handshake',
    cause: 'upstream-ssl-handshake-failed',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 peer closed connection in SSL handshake (104: Connection reset by peer) while SSL handshaking to upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "https://192.0.2.20:8443/", host: "shop.example.com"',
  },
  {
    module: 'ssl',
    message: 'SSL_do_handshake() failed',
    detail: 'the backend requires SNI: tlsv1 unrecognized name (alert 112)',
    level: 'crit',
    source: ['ngx_event_openssl.c:2342'],
    kind: 'ssl-handshake',
    cause: 'upstream-ssl-handshake-failed',
    example:
      '2026/12/03 08:27:27 [crit] 10#10: *1 SSL_do_handshake() failed (SSL: error:0A000458:SSL routines::tlsv1 unrecognized name:SSL alert number 112) while SSL handshaking to upstream, client: 10.213.229.1, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "https://10.213.229.15:8443/", host: "upstream-sni-required"',
    recorded:
      'lab scenario upstream-sni-required, nginx 1.22.1 (test/fixtures/snapshots/upstream-sni-required.json)',
  },
  {
    module: 'ssl',
    message: 'SSL_do_handshake() failed',
    detail: 'the backend answers in plain text: wrong version number',
    level: 'error',
    source: ['ngx_event_openssl.c:2342'],
    kind: 'ssl-handshake',
    cause: 'upstream-ssl-handshake-failed',
    example:
      '2026/12/03 08:27:26 [error] 9#9: *1 SSL_do_handshake() failed (SSL: error:0A00010B:SSL routines::wrong version number) while SSL handshaking to upstream, client: 10.213.229.1, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "https://127.0.0.1:3000/", host: "upstream-https-to-plain-http"',
    recorded:
      'lab scenario upstream-https-to-plain-http, nginx 1.22.1 (test/fixtures/snapshots/upstream-https-to-plain-http.json)',
  },
  {
    module: 'ssl',
    message: 'SSL_do_handshake() failed',
    detail: 'the backend answers in plain text: packet length too long',
    level: 'crit',
    source: ['ngx_event_openssl.c:2342'],
    kind: 'ssl-handshake',
    cause: 'upstream-ssl-handshake-failed',
    example:
      '2026/12/03 08:00:00 [crit] 4242#4242: *7 SSL_do_handshake() failed (SSL: error:0A0000C6:SSL routines::packet length too long) while SSL handshaking to upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "https://192.0.2.20:8443/", host: "shop.example.com"',
  },
  {
    module: 'ssl',
    message: 'SSL_do_handshake() failed',
    detail: 'no protocol, cipher or certificate both sides accept (alert 40)',
    level: 'error',
    source: ['ngx_event_openssl.c:2342'],
    kind: 'ssl-handshake',
    cause: 'upstream-ssl-handshake-failed',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 SSL_do_handshake() failed (SSL: error:0A000410:SSL routines::sslv3 alert handshake failure:SSL alert number 40) while SSL handshaking to upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "https://192.0.2.20:8443/", host: "shop.example.com"',
  },
  {
    module: 'ssl',
    message: 'SSL_do_handshake() failed',
    detail: 'the backend requires a client certificate (alert 116)',
    level: 'error',
    source: ['ngx_event_openssl.c:2342'],
    kind: 'ssl-handshake',
    cause: 'upstream-ssl-handshake-failed',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 SSL_do_handshake() failed (SSL: error:0A00045C:SSL routines::tlsv13 alert certificate required:SSL alert number 116) while SSL handshaking to upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "https://192.0.2.20:8443/", host: "shop.example.com"',
  },
  {
    module: 'ssl',
    message: 'SSL_do_handshake() failed',
    detail: 'the backend does not trust the client certificate nginx sends (alert 48)',
    level: 'error',
    source: ['ngx_event_openssl.c:2342'],
    kind: 'ssl-handshake',
    cause: 'upstream-ssl-handshake-failed',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 SSL_do_handshake() failed (SSL: error:0A000418:SSL routines::tlsv1 alert unknown ca:SSL alert number 48) while SSL handshaking to upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "https://192.0.2.20:8443/", host: "shop.example.com"',
  },
  {
    module: 'ssl',
    message: 'SSL_do_handshake() failed',
    detail: 'no TLS version both sides accept',
    level: 'crit',
    source: ['ngx_event_openssl.c:2342'],
    kind: 'ssl-handshake',
    cause: 'upstream-ssl-handshake-failed',
    example:
      '2026/12/03 08:00:00 [crit] 4242#4242: *7 SSL_do_handshake() failed (SSL: error:0A000102:SSL routines::unsupported protocol) while SSL handshaking to upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "https://192.0.2.20:8443/", host: "shop.example.com"',
  },
  {
    module: 'ssl',
    message: 'SSL_do_handshake() failed',
    detail: 'the certificate does not verify',
    level: 'crit',
    source: ['ngx_event_openssl.c:2342'],
    kind: 'ssl-handshake',
    cause: 'upstream-ssl-handshake-failed',
    example:
      '2026/12/03 08:00:00 [crit] 4242#4242: *7 SSL_do_handshake() failed (SSL: error:0A000086:SSL routines::certificate verify failed) while SSL handshaking to upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "https://192.0.2.20:8443/", host: "shop.example.com"',
  },
  {
    module: 'ssl',
    message: 'SSL_read() failed',
    detail: 'an OpenSSL reason',
    level: 'crit',
    source: ['ngx_event_openssl.c:2991'],
    kind: 'prematurely-closed',
    cause: 'upstream-closed-connection',
    example:
      '2026/12/03 08:00:00 [crit] 4242#4242: *7 SSL_read() failed (SSL: error:0A000126:SSL routines::unexpected eof while reading) while reading response header from upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "https://192.0.2.20:8443/", host: "shop.example.com"',
  },
  {
    module: 'ssl',
    message: 'SSL_write() failed',
    detail: 'an OpenSSL reason or errno',
    level: 'error',
    source: ['ngx_event_openssl.c:3311'],
    kind: 'prematurely-closed',
    cause: 'upstream-closed-connection',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 SSL_write() failed (32: Broken pipe) while sending request to upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "https://192.0.2.20:8443/", host: "shop.example.com"',
  },
  {
    module: 'ssl',
    message: 'SSL_sendfile() failed',
    detail: 'an OpenSSL reason or errno',
    level: 'error',
    source: ['ngx_event_openssl.c:3600'],
    kind: 'prematurely-closed',
    cause: 'upstream-closed-connection',
    example:
      '2026/12/03 08:00:00 [error] 4242#4242: *7 SSL_sendfile() failed (32: Broken pipe) while sending request to upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "https://192.0.2.20:8443/", host: "shop.example.com"',
  },
  {
    module: 'ssl',
    message: 'SSL_shutdown() failed',
    detail: 'an OpenSSL reason',
    level: 'crit',
    source: ['ngx_event_openssl.c:3747'],
    kind: 'prematurely-closed',
    cause: 'upstream-closed-connection',
    example:
      '2026/12/03 08:00:00 [crit] 4242#4242: *7 SSL_shutdown() failed (SSL: error:0A000126:SSL routines::unexpected eof while reading) while reading upstream, client: 192.0.2.10, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "https://192.0.2.20:8443/", host: "shop.example.com"',
  },
];

export const NOT_UPSTREAM_FAILURES: readonly NotAnUpstreamFailure[] = [
  {
    module: 'upstream',
    message: 'no upstream configuration',
    level: 'alert',
    source: ['ngx_http_upstream.c:835'],
    why: 'cache, thread pools, early hints, upgrade in a subrequest: nginx-side, not a failing upstream',
  },
  {
    module: 'upstream',
    message: '%V_buffer_size %uz is not enough for cache key, it should be increased to at least %uz',
    level: 'error',
    source: ['ngx_http_upstream.c:906'],
    why: 'cache, thread pools, early hints, upgrade in a subrequest: nginx-side, not a failing upstream',
  },
  {
    module: 'upstream',
    message: 'cache "%V" not found',
    level: 'error',
    source: ['ngx_http_upstream.c:1085'],
    why: 'cache, thread pools, early hints, upgrade in a subrequest: nginx-side, not a failing upstream',
  },
  {
    module: 'upstream',
    message: 'cache file "%s" contains invalid header',
    level: 'crit',
    source: ['ngx_http_upstream.c:1150'],
    why: 'cache, thread pools, early hints, upgrade in a subrequest: nginx-side, not a failing upstream',
  },
  {
    module: 'upstream',
    message:
      'kevent() reported that client prematurely closed connection, so upstream connection is closed too',
    level: 'info',
    source: ['ngx_http_upstream.c:1436'],
    why: 'the client went away (499): not about the upstream',
  },
  {
    module: 'upstream',
    message: 'kevent() reported that client prematurely closed connection',
    level: 'info',
    source: ['ngx_http_upstream.c:1444'],
    why: 'the client went away (499): not about the upstream',
  },
  {
    module: 'upstream',
    message:
      'epoll_wait() reported that client prematurely closed connection, so upstream connection is closed too',
    level: 'info',
    source: ['ngx_http_upstream.c:1489'],
    why: 'the client went away (499): not about the upstream',
  },
  {
    module: 'upstream',
    message: 'epoll_wait() reported that client prematurely closed connection',
    level: 'info',
    source: ['ngx_http_upstream.c:1497'],
    why: 'the client went away (499): not about the upstream',
  },
  {
    module: 'upstream',
    message: 'client prematurely closed connection, so upstream connection is closed too',
    level: 'info',
    source: ['ngx_http_upstream.c:1552'],
    why: 'the client went away (499): not about the upstream',
  },
  {
    module: 'upstream',
    message: 'client prematurely closed connection',
    level: 'info',
    source: ['ngx_http_upstream.c:1560'],
    why: 'the client went away (499): not about the upstream',
  },
  {
    module: 'upstream',
    message: ' failed',
    level: 'crit',
    source: ['ngx_http_upstream.c:2212', 'ngx_http_upstream.c:2237'],
    why: "nginx's own internal or system-call failure (an alert: no buffer space, setsockopt, length mismatch): a bug or the host's resources, not the upstream",
  },
  {
    module: 'upstream',
    message: 'upstream sent too big early hints',
    level: 'info',
    source: ['ngx_http_upstream.c:2709'],
    why: 'cache, thread pools, early hints, upgrade in a subrequest: nginx-side, not a failing upstream',
  },
  {
    module: 'upstream',
    message: 'connection upgrade in subrequest',
    level: 'error',
    source: ['ngx_http_upstream.c:3630'],
    why: 'cache, thread pools, early hints, upgrade in a subrequest: nginx-side, not a failing upstream',
  },
  {
    module: 'upstream',
    message: 'thread pool "%V" not found',
    level: 'error',
    source: ['ngx_http_upstream.c:4197'],
    why: 'cache, thread pools, early hints, upgrade in a subrequest: nginx-side, not a failing upstream',
  },
  {
    module: 'upstream',
    message: 'thread operation took too long',
    level: 'alert',
    source: ['ngx_http_upstream.c:4235'],
    why: 'cache, thread pools, early hints, upgrade in a subrequest: nginx-side, not a failing upstream',
  },
  {
    module: 'upstream',
    message: ' "%s" failed',
    level: 'crit',
    source: ['ngx_http_upstream.c:4867'],
    why: "nginx's own internal or system-call failure (an alert: no buffer space, setsockopt, length mismatch): a bug or the host's resources, not the upstream",
  },
  {
    module: 'upstream',
    message: 'upstream "%V" may not have port %d in %s:%ui',
    level: 'emerg',
    source: ['ngx_http_upstream.c:6831'],
    why: 'configuration time: `nginx -t` fails with it (nginx-config-invalid from nginx -t, not from a request)',
  },
  {
    module: 'upstream',
    message: 'invalid local address "%V"',
    level: 'error',
    source: ['ngx_http_upstream.c:7038'],
    why: "nginx's own local address (proxy_bind): not the upstream",
  },
  {
    module: 'upstream_round_robin',
    message: 'load balancing method does not support resolving names at run time in upstream "%V" in %s:%ui',
    level: 'emerg',
    source: ['ngx_http_upstream_round_robin.c:96'],
    why: 'configuration time: `nginx -t` fails with it (nginx-config-invalid from nginx -t, not from a request)',
  },
  {
    module: 'upstream_round_robin',
    message: 'no resolver defined to resolve names at run time in upstream "%V" in %s:%ui',
    level: 'emerg',
    source: ['ngx_http_upstream_round_robin.c:120'],
    why: 'configuration time: `nginx -t` fails with it (nginx-config-invalid from nginx -t, not from a request)',
  },
  {
    module: 'upstream_round_robin',
    message: 'resolving names at run time requires upstream "%V" in %s:%ui to be in shared memory',
    level: 'emerg',
    source: ['ngx_http_upstream_round_robin.c:129'],
    why: 'configuration time: `nginx -t` fails with it (nginx-config-invalid from nginx -t, not from a request)',
  },
  {
    module: 'upstream_round_robin',
    message: 'no servers in upstream "%V" in %s:%ui',
    level: 'emerg',
    source: ['ngx_http_upstream_round_robin.c:139'],
    why: 'configuration time: `nginx -t` fails with it (nginx-config-invalid from nginx -t, not from a request)',
  },
  {
    module: 'upstream_round_robin',
    message: 'no port in upstream "%V" in %s:%ui',
    level: 'emerg',
    source: ['ngx_http_upstream_round_robin.c:393'],
    why: 'configuration time: `nginx -t` fails with it (nginx-config-invalid from nginx -t, not from a request)',
  },
  {
    module: 'upstream_round_robin',
    message: '%s in upstream "%V" in %s:%ui',
    level: 'emerg',
    source: ['ngx_http_upstream_round_robin.c:406'],
    why: 'configuration time: `nginx -t` fails with it (nginx-config-invalid from nginx -t, not from a request)',
  },
  {
    module: 'upstream_round_robin',
    message: 'upstream server temporarily disabled',
    level: 'warn',
    source: ['ngx_http_upstream_round_robin.c:1067'],
    why: 'a warning that follows the failures of one server (connect() failed, timed out…), which carry the cause: alone it says only that max_fails was reached',
  },
  {
    module: 'proxy',
    message: 'no "proxy_ssl_certificate_key" is defined for certificate "%V"',
    level: 'emerg',
    source: ['ngx_http_proxy_module.c:5376'],
    why: 'configuration time: `nginx -t` fails with it (nginx-config-invalid from nginx -t, not from a request)',
  },
  {
    module: 'proxy',
    message: 'no proxy_ssl_trusted_certificate for proxy_ssl_verify',
    level: 'emerg',
    source: ['ngx_http_proxy_module.c:5399'],
    why: 'configuration time: `nginx -t` fails with it (nginx-config-invalid from nginx -t, not from a request)',
  },
  {
    module: 'proxy_v2',
    message: 'too long http2 method: "%V"',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:389'],
    why: "the client's request does not fit the HTTP/2 request nginx builds for the upstream: the request, not the upstream",
  },
  {
    module: 'proxy_v2',
    message: 'too long http2 URI',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:435'],
    why: "the client's request does not fit the HTTP/2 request nginx builds for the upstream: the request, not the upstream",
  },
  {
    module: 'proxy_v2',
    message: 'too long http2 host: "%V"',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:464'],
    why: "the client's request does not fit the HTTP/2 request nginx builds for the upstream: the request, not the upstream",
  },
  {
    module: 'proxy_v2',
    message: 'too long http2 header name',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:522'],
    why: "the client's request does not fit the HTTP/2 request nginx builds for the upstream: the request, not the upstream",
  },
  {
    module: 'proxy_v2',
    message: 'too long http2 header value',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:528'],
    why: "the client's request does not fit the HTTP/2 request nginx builds for the upstream: the request, not the upstream",
  },
  {
    module: 'proxy_v2',
    message: 'too long http2 header name: "%V"',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:570'],
    why: "the client's request does not fit the HTTP/2 request nginx builds for the upstream: the request, not the upstream",
  },
  {
    module: 'proxy_v2',
    message: 'too long http2 header value: "%V: %V"',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:577'],
    why: "the client's request does not fit the HTTP/2 request nginx builds for the upstream: the request, not the upstream",
  },
  {
    module: 'proxy_v2',
    message: 'no buffer space in HTTP/2 create request',
    level: 'alert',
    source: [
      'ngx_http_proxy_v2_module.c:774',
      'ngx_http_proxy_v2_module.c:796',
      'ngx_http_proxy_v2_module.c:821',
    ],
    why: "nginx's own internal or system-call failure (an alert: no buffer space, setsockopt, length mismatch): a bug or the host's resources, not the upstream",
  },
  {
    module: 'proxy_v2',
    message: 'no connection data found for keepalive http2 connection',
    level: 'error',
    source: ['ngx_http_proxy_v2_module.c:4237'],
    why: 'an nginx bug check on keepalive HTTP/2 connections, not the upstream',
  },
  {
    module: 'fastcgi',
    message: 'fastcgi request record is too big: %uz',
    level: 'alert',
    source: ['ngx_http_fastcgi_module.c:1021'],
    why: "nginx's own internal or system-call failure (an alert: no buffer space, setsockopt, length mismatch): a bug or the host's resources, not the upstream",
  },
  {
    module: 'fastcgi',
    message: 'fastcgi request length mismatch',
    level: 'alert',
    source: ['ngx_http_fastcgi_module.c:1156'],
    why: "nginx's own internal or system-call failure (an alert: no buffer space, setsockopt, length mismatch): a bug or the host's resources, not the upstream",
  },
  {
    module: 'fastcgi',
    message: 'FastCGI sent in stderr: "%*s"',
    level: 'error',
    source: [
      'ngx_http_fastcgi_module.c:1844',
      'ngx_http_fastcgi_module.c:2384',
      'ngx_http_fastcgi_module.c:2650',
    ],
    why: "the application's own output (PHP's messages, kind fastcgi-stderr): the answer is the application's (500, 404 for \"Primary script unknown\"), shown as evidence, not a broken upstream",
  },
  {
    module: 'fastcgi',
    message: 'invalid header after joining FastCGI records',
    level: 'alert',
    source: ['ngx_http_fastcgi_module.c:2009'],
    why: "nginx's own internal or system-call failure (an alert: no buffer space, setsockopt, length mismatch): a bug or the host's resources, not the upstream",
  },
  {
    module: 'fastcgi',
    message: ' failed: %i on "%V" using "%V"',
    level: 'alert',
    source: ['ngx_http_fastcgi_module.c:3694'],
    why: "nginx's own internal or system-call failure (an alert: no buffer space, setsockopt, length mismatch): a bug or the host's resources, not the upstream",
  },
  {
    module: 'uwsgi',
    message: 'uwsgi request is too little: %uz',
    level: 'alert',
    source: ['ngx_http_uwsgi_module.c:1035'],
    why: "nginx's own internal or system-call failure (an alert: no buffer space, setsockopt, length mismatch): a bug or the host's resources, not the upstream",
  },
  {
    module: 'uwsgi',
    message: 'uwsgi request is too big: %uz',
    level: 'alert',
    source: ['ngx_http_uwsgi_module.c:1042'],
    why: "nginx's own internal or system-call failure (an alert: no buffer space, setsockopt, length mismatch): a bug or the host's resources, not the upstream",
  },
  {
    module: 'uwsgi',
    message: 'uwsgi request length mismatch',
    level: 'alert',
    source: ['ngx_http_uwsgi_module.c:1141'],
    why: "nginx's own internal or system-call failure (an alert: no buffer space, setsockopt, length mismatch): a bug or the host's resources, not the upstream",
  },
  {
    module: 'uwsgi',
    message: 'no "uwsgi_ssl_certificate_key" is defined for certificate "%V"',
    level: 'emerg',
    source: ['ngx_http_uwsgi_module.c:2746'],
    why: 'configuration time: `nginx -t` fails with it (nginx-config-invalid from nginx -t, not from a request)',
  },
  {
    module: 'uwsgi',
    message: 'no uwsgi_ssl_trusted_certificate for uwsgi_ssl_verify',
    level: 'emerg',
    source: ['ngx_http_uwsgi_module.c:2769'],
    why: 'configuration time: `nginx -t` fails with it (nginx-config-invalid from nginx -t, not from a request)',
  },
  {
    module: 'scgi',
    message: 'scgi request length mismatch',
    level: 'alert',
    source: ['ngx_http_scgi_module.c:908'],
    why: "nginx's own internal or system-call failure (an alert: no buffer space, setsockopt, length mismatch): a bug or the host's resources, not the upstream",
  },
  {
    module: 'grpc',
    message: 'too long http2 method: "%V"',
    level: 'error',
    source: ['ngx_http_grpc_module.c:774'],
    why: "the client's request does not fit the HTTP/2 request nginx builds for the upstream: the request, not the upstream",
  },
  {
    module: 'grpc',
    message: 'too long http2 URI',
    level: 'error',
    source: ['ngx_http_grpc_module.c:800'],
    why: "the client's request does not fit the HTTP/2 request nginx builds for the upstream: the request, not the upstream",
  },
  {
    module: 'grpc',
    message: 'too long http2 host: "%V"',
    level: 'error',
    source: ['ngx_http_grpc_module.c:829'],
    why: "the client's request does not fit the HTTP/2 request nginx builds for the upstream: the request, not the upstream",
  },
  {
    module: 'grpc',
    message: 'too long http2 header name',
    level: 'error',
    source: ['ngx_http_grpc_module.c:864'],
    why: "the client's request does not fit the HTTP/2 request nginx builds for the upstream: the request, not the upstream",
  },
  {
    module: 'grpc',
    message: 'too long http2 header value',
    level: 'error',
    source: ['ngx_http_grpc_module.c:870'],
    why: "the client's request does not fit the HTTP/2 request nginx builds for the upstream: the request, not the upstream",
  },
  {
    module: 'grpc',
    message: 'too long http2 header name: "%V"',
    level: 'error',
    source: ['ngx_http_grpc_module.c:912'],
    why: "the client's request does not fit the HTTP/2 request nginx builds for the upstream: the request, not the upstream",
  },
  {
    module: 'grpc',
    message: 'too long http2 header value: "%V: %V"',
    level: 'error',
    source: ['ngx_http_grpc_module.c:919'],
    why: "the client's request does not fit the HTTP/2 request nginx builds for the upstream: the request, not the upstream",
  },
  {
    module: 'grpc',
    message: 'no buffer space in grpc create request',
    level: 'alert',
    source: ['ngx_http_grpc_module.c:1109', 'ngx_http_grpc_module.c:1131', 'ngx_http_grpc_module.c:1156'],
    why: "nginx's own internal or system-call failure (an alert: no buffer space, setsockopt, length mismatch): a bug or the host's resources, not the upstream",
  },
  {
    module: 'grpc',
    message: 'no connection data found for keepalive http2 connection',
    level: 'error',
    source: ['ngx_http_grpc_module.c:4399'],
    why: 'an nginx bug check on keepalive HTTP/2 connections, not the upstream',
  },
  {
    module: 'grpc',
    message: 'no "grpc_ssl_certificate_key" is defined for certificate "%V"',
    level: 'emerg',
    source: ['ngx_http_grpc_module.c:5274'],
    why: 'configuration time: `nginx -t` fails with it (nginx-config-invalid from nginx -t, not from a request)',
  },
  {
    module: 'grpc',
    message: 'no grpc_ssl_trusted_certificate for grpc_ssl_verify',
    level: 'emerg',
    source: ['ngx_http_grpc_module.c:5297'],
    why: 'configuration time: `nginx -t` fails with it (nginx-config-invalid from nginx -t, not from a request)',
  },
  {
    module: 'memcached',
    message: 'key: "%V" was not found by memcached',
    level: 'info',
    source: ['ngx_http_memcached_module.c:432'],
    why: 'info: a cache miss answered 404, not a failure',
  },
  {
    module: 'ssl',
    message: '"ssl_certificate_compression" is not supported on this platform, ignored',
    level: 'warn',
    source: ['ngx_event_openssl.c:765'],
    why: 'TLS library setup on this platform (certificate compression, ECH, early data, session tickets, renegotiation of client connections)',
  },
  {
    module: 'ssl',
    message: 'deflateInit() failed: %d',
    level: 'alert',
    source: ['ngx_event_openssl.c:835'],
    why: "nginx's own internal or system-call failure (an alert: no buffer space, setsockopt, length mismatch): a bug or the host's resources, not the upstream",
  },
  {
    module: 'ssl',
    message: 'deflate(Z_FINISH) failed: %d',
    level: 'alert',
    source: ['ngx_event_openssl.c:853'],
    why: "nginx's own internal or system-call failure (an alert: no buffer space, setsockopt, length mismatch): a bug or the host's resources, not the upstream",
  },
  {
    module: 'ssl',
    message: 'deflateEnd() failed: %d',
    level: 'alert',
    source: ['ngx_event_openssl.c:863'],
    why: "nginx's own internal or system-call failure (an alert: no buffer space, setsockopt, length mismatch): a bug or the host's resources, not the upstream",
  },
  {
    module: 'ssl',
    message: '"ssl_ech_file" is not supported on this platform, ignored',
    level: 'warn',
    source: ['ngx_event_openssl.c:1752'],
    why: 'TLS library setup on this platform (certificate compression, ECH, early data, session tickets, renegotiation of client connections)',
  },
  {
    module: 'ssl',
    message: '"ssl_early_data" is not supported on this platform, ignored',
    level: 'warn',
    source: ['ngx_event_openssl.c:1864'],
    why: 'TLS library setup on this platform (certificate compression, ECH, early data, session tickets, renegotiation of client connections)',
  },
  {
    module: 'ssl',
    message: 'SSL_CONF_cmd() is not available on this platform',
    level: 'emerg',
    source: ['ngx_event_openssl.c:1938'],
    why: 'configuration time: `nginx -t` fails with it (nginx-config-invalid from nginx -t, not from a request)',
  },
  {
    module: 'ssl',
    message: 'SSL renegotiation disabled',
    level: 'notice',
    source: ['ngx_event_openssl.c:2899'],
    why: 'TLS library setup on this platform (certificate compression, ECH, early data, session tickets, renegotiation of client connections)',
  },
  {
    module: 'ssl',
    message: 'SSL_sendfile() reported that "%s" was truncated at %O',
    level: 'alert',
    source: ['ngx_event_openssl.c:3499'],
    why: "nginx's own internal or system-call failure (an alert: no buffer space, setsockopt, length mismatch): a bug or the host's resources, not the upstream",
  },
  {
    module: 'ssl',
    message: 'SSL_sendfile() not available',
    level: 'alert',
    source: ['ngx_event_openssl.c:3603'],
    why: "nginx's own internal or system-call failure (an alert: no buffer space, setsockopt, length mismatch): a bug or the host's resources, not the upstream",
  },
  {
    module: 'ssl',
    message: '%*s',
    level: 'by errno or reason',
    source: ['ngx_event_openssl.c:4096'],
    why: "the SSL layer's writer: the messages are the rows of ngx_ssl_connection_error below",
  },
  {
    module: 'ssl',
    message: 'could not allocate new session%s',
    level: 'warn',
    source: ['ngx_event_openssl.c:4497'],
    why: 'TLS library setup on this platform (certificate compression, ECH, early data, session tickets, renegotiation of client connections)',
  },
  {
    module: 'ssl',
    message:
      'nginx was built with Session Tickets support, however, now it is linked dynamically to an OpenSSL library which has no tlsext support, therefore Session Tickets are not available',
    level: 'warn',
    source: ['ngx_event_openssl.c:4822'],
    why: 'TLS library setup on this platform (certificate compression, ECH, early data, session tickets, renegotiation of client connections)',
  },
  {
    module: 'ssl',
    message: ' "%V" failed',
    level: 'alert',
    source: ['ngx_event_openssl.c:4916', 'ngx_event_openssl.c:4928'],
    why: "nginx's own internal or system-call failure (an alert: no buffer space, setsockopt, length mismatch): a bug or the host's resources, not the upstream",
  },
  {
    module: 'ssl',
    message: '"ssl_session_ticket_key" ignored, not supported',
    level: 'warn',
    source: ['ngx_event_openssl.c:5221'],
    why: 'TLS library setup on this platform (certificate compression, ECH, early data, session tickets, renegotiation of client connections)',
  },
  {
    module: 'event_connect',
    message: ' failed',
    level: 'alert',
    source: [
      'ngx_event_connect.c:47',
      'ngx_event_connect.c:57',
      'ngx_event_connect.c:101',
      'ngx_event_connect.c:285',
    ],
    why: "nginx's own internal or system-call failure (an alert: no buffer space, setsockopt, length mismatch): a bug or the host's resources, not the upstream",
  },
  {
    module: 'event_connect',
    message: 'setsockopt(SO_RCVBUF, %d) failed, ignored',
    level: 'alert',
    source: ['ngx_event_connect.c:71'],
    why: "nginx's own internal or system-call failure (an alert: no buffer space, setsockopt, length mismatch): a bug or the host's resources, not the upstream",
  },
  {
    module: 'event_connect',
    message: 'setsockopt(SO_SNDBUF, %d) failed, ignored',
    level: 'alert',
    source: ['ngx_event_connect.c:82'],
    why: "nginx's own internal or system-call failure (an alert: no buffer space, setsockopt, length mismatch): a bug or the host's resources, not the upstream",
  },
  {
    module: 'event_connect',
    message: 'setsockopt(SO_KEEPALIVE) failed, ignored',
    level: 'alert',
    source: ['ngx_event_connect.c:95'],
    why: "nginx's own internal or system-call failure (an alert: no buffer space, setsockopt, length mismatch): a bug or the host's resources, not the upstream",
  },
  {
    module: 'event_connect',
    message: 'setsockopt(IP_BIND_ADDRESS_NO_PORT) failed, ignored',
    level: 'alert',
    source: ['ngx_event_connect.c:134'],
    why: "nginx's own internal or system-call failure (an alert: no buffer space, setsockopt, length mismatch): a bug or the host's resources, not the upstream",
  },
  {
    module: 'event_connect',
    message: 'setsockopt(SO_REUSEADDR) failed',
    level: 'alert',
    source: ['ngx_event_connect.c:156'],
    why: "nginx's own internal or system-call failure (an alert: no buffer space, setsockopt, length mismatch): a bug or the host's resources, not the upstream",
  },
  {
    module: 'event_connect',
    message: 'bind(%V) failed',
    level: 'crit',
    source: ['ngx_event_connect.c:165'],
    why: "nginx's own local address (proxy_bind): not the upstream",
  },
  {
    module: 'event_connect',
    message: 'setsockopt(SO_BINDANY) failed',
    level: 'alert',
    source: ['ngx_event_connect.c:360'],
    why: "nginx's own internal or system-call failure (an alert: no buffer space, setsockopt, length mismatch): a bug or the host's resources, not the upstream",
  },
  {
    module: 'event_connect',
    message: 'setsockopt(IP_TRANSPARENT) failed',
    level: 'alert',
    source: ['ngx_event_connect.c:376'],
    why: "nginx's own internal or system-call failure (an alert: no buffer space, setsockopt, length mismatch): a bug or the host's resources, not the upstream",
  },
  {
    module: 'event_connect',
    message: 'setsockopt(IP_BINDANY) failed',
    level: 'alert',
    source: ['ngx_event_connect.c:386'],
    why: "nginx's own internal or system-call failure (an alert: no buffer space, setsockopt, length mismatch): a bug or the host's resources, not the upstream",
  },
  {
    module: 'event_connect',
    message: 'setsockopt(IPV6_TRANSPARENT) failed',
    level: 'alert',
    source: ['ngx_event_connect.c:404'],
    why: "nginx's own internal or system-call failure (an alert: no buffer space, setsockopt, length mismatch): a bug or the host's resources, not the upstream",
  },
  {
    module: 'event_connect',
    message: 'setsockopt(IPV6_BINDANY) failed',
    level: 'alert',
    source: ['ngx_event_connect.c:414'],
    why: "nginx's own internal or system-call failure (an alert: no buffer space, setsockopt, length mismatch): a bug or the host's resources, not the upstream",
  },
  {
    module: 'event_connect',
    message: 'could not enable transparent proxying for IPv6 on this platform',
    level: 'alert',
    source: ['ngx_event_connect.c:421'],
    why: "nginx's own internal or system-call failure (an alert: no buffer space, setsockopt, length mismatch): a bug or the host's resources, not the upstream",
  },
  {
    module: 'ssl',
    message: 'SSL_read_early_data() failed',
    level: 'crit',
    source: ['ngx_event_openssl.c:2482'],
    why: 'TLS 1.3 early data of client connections: nginx sends none to upstreams',
  },
  {
    module: 'ssl',
    message: 'SSL_write_early_data() failed',
    level: 'crit',
    source: ['ngx_event_openssl.c:3426'],
    why: 'TLS 1.3 early data: nginx sends none to upstreams',
  },
  {
    module: 'ssl',
    message: 'handshake rejected',
    level: 'info',
    source: ['ngx_event_openssl.c:2334'],
    why: 'a client connection nginx itself rejects (ssl_reject_handshake): not an upstream',
  },
];
