// The upstream vocabulary: where nginx hands a request to an upstream (UpstreamUse), what it names
// (UpstreamTarget) and each concrete place it connects to (Endpoint), every one with the file:line it was
// written at. Read from the config by read/upstreams.ts; reasoned over by the analyzer.

import type { ConfigNode } from './nginx-config.js';

export interface ConfigRef {
  file: string;
  line: number;
  /** The directive as nginx sees it, re-joined: `proxy_pass http://app;` */
  text: string;
}

export const PASS_DIRECTIVES = [
  'proxy_pass',
  'fastcgi_pass',
  'uwsgi_pass',
  'scgi_pass',
  'grpc_pass',
  'memcached_pass',
] as const;
export type PassDirective = (typeof PASS_DIRECTIVES)[number];

/** Where in the config a request is handed to an upstream. */
export interface UpstreamUse {
  directive: PassDirective;
  ref: ConfigRef;
  /** The pass directive in the resolved tree (its parent chain gives the enclosing blocks). */
  node: ConfigNode;
  /** `http` or `stream` */
  context: 'http' | 'stream';
  serverNames: string[];
  listen: string[];
  serverRef?: ConfigRef;
  location?: string;
  locationRef?: ConfigRef;
}

/** One concrete place nginx connects to. */
export interface Endpoint {
  kind: 'tcp' | 'unix';
  /** As written: "127.0.0.1", "::1" (no brackets), "localhost", "app.internal". */
  host?: string;
  port?: number;
  path?: string;
  /** IP addresses nginx will use: literals, localhost's two, or (later) what `getent ahosts` returned. */
  addresses: string[];
  /** True for a hostname that must be resolved (not a literal, not localhost). */
  needsResolution: boolean;
  weight: number;
  backup: boolean;
  down: boolean;
  maxFails: number;
  /** The `server` line of the upstream group, or the pass directive itself. */
  ref: ConfigRef;
}

/** A line that gives a variable of a pass directive's address a value (`set`, or a `map` entry). */
export interface VariableSource {
  /** "$upstream" */
  variable: string;
  /** The `set` line, or the `map` entry (`default app.internal;`) that gives this value. */
  ref: ConfigRef;
  value: string;
  /** The host nginx looks up when the variable holds this value; undefined when other variables decide it. */
  host?: string;
  /** False for an address literal, a unix socket or an upstream group's name: nginx's resolver is not asked. */
  needsResolver: boolean;
}

export interface UpstreamTarget {
  /** What the pass directive names, without the URI: "http://backend", "unix:/run/php/php8.2-fpm.sock". */
  id: string;
  directive: PassDirective;
  scheme?: string;
  /** Set when the directive names an `upstream` group. */
  group?: { name: string; ref: ConfigRef };
  endpoints: Endpoint[];
  /** Set when the address contains variables: nginx resolves it per request. */
  dynamic?: { hasResolver: boolean; sources: VariableSource[] };
  /** Set when nginx would reject the directive (no scheme, no port…): the reason. */
  invalid?: string;
  uses: UpstreamUse[];
}
