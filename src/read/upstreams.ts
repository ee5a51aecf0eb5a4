// The upstream model: every place nginx sends a request (proxy_pass, fastcgi_pass, …), resolved through
// `upstream { server … }` groups into concrete endpoints (address:port or unix socket), each knowing the
// server blocks and locations that use it and the file:line it was written at.
// Follows nginx's own rules (ngx_http_proxy_module, ngx_http_upstream, ngx_parse_url) rather than intuition:
// a proxy_pass without scheme is invalid, a name that is not an upstream group is a hostname resolved at
// start-up, variables make the target dynamic (resolved per request, which needs `resolver`).

import type { ConfigNode } from '../model/nginx-config.js';
import {
  PASS_DIRECTIVES,
  type ConfigRef,
  type Endpoint,
  type PassDirective,
  type UpstreamTarget,
  type UpstreamUse,
  type VariableSource,
} from '../model/upstream.js';
import { assignmentsOf, variablesIn } from './variables.js';

const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443, grpc: 80, grpcs: 443 };
/** Schemes each directive accepts (nginx rejects others with "invalid URL prefix"). */
const SCHEMES: Record<PassDirective, string[] | null> = {
  proxy_pass: ['http', 'https'],
  grpc_pass: ['grpc', 'grpcs'],
  uwsgi_pass: ['uwsgi', 'suwsgi'],
  fastcgi_pass: null,
  scgi_pass: null,
  memcached_pass: null,
};

export function refOf(node: ConfigNode): ConfigRef {
  return { file: node.file, line: node.line, text: directiveText(node) };
}

export function directiveText(node: Pick<ConfigNode, 'directive' | 'args'>): string {
  const args = node.args.map((a) => (a === '' || /[\s;{}"']/.test(a) ? JSON.stringify(a) : a));
  return [node.directive, ...args].join(' ') + ';';
}

/** Split "host:port", "[v6]:port", "unix:/path" as nginx's ngx_parse_url does. */
export function parseAddress(
  text: string,
  defaultPort: number | undefined,
): { kind: 'tcp'; host: string; port?: number } | { kind: 'unix'; path: string } {
  if (text.startsWith('unix:')) return { kind: 'unix', path: text.slice(5) };
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    const host = close > 0 ? text.slice(1, close) : text.slice(1);
    const rest = close > 0 ? text.slice(close + 1) : '';
    const port = rest.startsWith(':') ? Number(rest.slice(1)) : defaultPort;
    return { kind: 'tcp', host, port: Number.isInteger(port) ? port : undefined };
  }
  const colon = text.lastIndexOf(':');
  if (colon > 0 && text.indexOf(':') === colon) {
    const port = Number(text.slice(colon + 1));
    return { kind: 'tcp', host: text.slice(0, colon), port: Number.isInteger(port) ? port : undefined };
  }
  return { kind: 'tcp', host: text, port: defaultPort };
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
export function isIpLiteral(host: string): boolean {
  return IPV4.test(host) || host.includes(':');
}

/** What a hostname stands for without DNS: literals, and localhost as nginx's resolver sees /etc/hosts. */
export function literalAddresses(host: string): { addresses: string[]; needsResolution: boolean } {
  if (isIpLiteral(host)) return { addresses: [host], needsResolution: false };
  if (host === 'localhost') return { addresses: ['127.0.0.1', '::1'], needsResolution: false };
  return { addresses: [], needsResolution: true };
}

function endpoint(
  address: string,
  defaultPort: number | undefined,
  node: ConfigNode,
  params: Partial<Pick<Endpoint, 'weight' | 'backup' | 'down' | 'maxFails'>> = {},
): Endpoint {
  const parsed = parseAddress(address, defaultPort);
  const base = {
    weight: params.weight ?? 1,
    backup: params.backup ?? false,
    down: params.down ?? false,
    maxFails: params.maxFails ?? 1,
    ref: refOf(node),
  };
  if (parsed.kind === 'unix')
    return { kind: 'unix', path: parsed.path, addresses: [], needsResolution: false, ...base };
  return { kind: 'tcp', host: parsed.host, port: parsed.port, ...literalAddresses(parsed.host), ...base };
}

/** `server ADDRESS [weight=N] [max_fails=N] [backup] [down] …` inside an upstream block. */
function groupServer(node: ConfigNode): Endpoint | undefined {
  const [address, ...params] = node.args;
  if (address === undefined) return undefined;
  const num = (name: string) => {
    const p = params.find((x) => x.startsWith(`${name}=`));
    return p === undefined ? undefined : Number(p.slice(name.length + 1));
  };
  return endpoint(address, 80, node, {
    weight: num('weight'),
    maxFails: num('max_fails'),
    backup: params.includes('backup'),
    down: params.includes('down'),
  });
}

interface Scope {
  context: 'http' | 'stream';
  server?: ConfigNode;
  location?: ConfigNode;
  /** resolver directives seen from http down to here (inherited like nginx's merge). */
  hasResolver: boolean;
}

/** Every upstream target the config sends requests to, each listing the places that use it. */
export function upstreamTargets(tree: ConfigNode[]): UpstreamTarget[] {
  const groups = new Map<string, ConfigNode>();
  const passes: { node: ConfigNode; scope: Scope }[] = [];

  const visit = (nodes: ConfigNode[], scope: Scope) => {
    const hasResolver = scope.hasResolver || nodes.some((n) => n.directive === 'resolver');
    for (const node of nodes) {
      const here = { ...scope, hasResolver };
      if (node.directive === 'upstream' && node.block) {
        groups.set(`${scope.context}:${node.args[0] ?? ''}`, node);
        continue;
      }
      if ((PASS_DIRECTIVES as readonly string[]).includes(node.directive)) passes.push({ node, scope: here });
      if (!node.block) continue;
      if (node.directive === 'http' || node.directive === 'stream') {
        visit(node.block, { context: node.directive, hasResolver: false });
      } else if (node.directive === 'server') {
        visit(node.block, { ...here, server: node, location: undefined });
      } else if (node.directive === 'location') {
        visit(node.block, { ...here, location: node });
      } else {
        visit(node.block, here);
      }
    }
  };
  visit(tree, { context: 'http', hasResolver: false });

  const targets = new Map<string, UpstreamTarget>();
  for (const { node, scope } of passes) {
    const target = resolvePass(node, scope, groups);
    const existing = targets.get(`${scope.context}:${target.directive}:${target.id}`);
    const use = useOf(node, scope);
    if (existing) existing.uses.push(use);
    else targets.set(`${scope.context}:${target.directive}:${target.id}`, { ...target, uses: [use] });
  }
  return [...targets.values()];
}

function useOf(node: ConfigNode, scope: Scope): UpstreamUse {
  const block = scope.server?.block ?? [];
  return {
    directive: node.directive as PassDirective,
    ref: refOf(node),
    node,
    context: scope.context,
    serverNames: block.filter((n) => n.directive === 'server_name').flatMap((n) => n.args),
    listen: block.filter((n) => n.directive === 'listen').map((n) => n.args[0] ?? ''),
    serverRef: scope.server ? refOf(scope.server) : undefined,
    location: scope.location ? scope.location.args.join(' ') : undefined,
    locationRef: scope.location ? refOf(scope.location) : undefined,
  };
}

function resolvePass(
  node: ConfigNode,
  scope: Scope,
  groups: Map<string, ConfigNode>,
): Omit<UpstreamTarget, 'uses'> {
  const directive = node.directive as PassDirective;
  const raw = node.args[0] ?? '';
  const schemes = scope.context === 'stream' ? null : SCHEMES[directive];
  let scheme: string | undefined;
  let rest = raw;
  const m = /^([a-z]+):\/\//i.exec(raw);
  if (m) {
    scheme = m[1]!.toLowerCase();
    rest = raw.slice(m[0].length);
  }
  const base = { directive, scheme };

  if (scheme && schemes && !schemes.includes(scheme)) {
    return { ...base, id: raw, endpoints: [], invalid: `invalid URL prefix "${scheme}://" in ${directive}` };
  }
  const address = addressOf(rest);
  const id = scheme ? `${scheme}://${address}` : address;

  // With a variable in it nginx parses the URL per request: the scheme may come from the variable too.
  if (address.includes('$')) {
    const sources = variableSources(node, raw, scope.context, groups);
    return { ...base, id, endpoints: [], dynamic: { hasResolver: scope.hasResolver, sources } };
  }

  // Only proxy_pass insists on a scheme; grpc_pass and uwsgi_pass take a bare address too.
  if (schemes && !scheme && directive === 'proxy_pass') {
    return {
      ...base,
      id: raw,
      endpoints: [],
      invalid: `invalid URL prefix in "${raw}": ${directive} needs a scheme (${schemes.map((s) => `${s}://`).join(' or ')})`,
    };
  }

  const group = groups.get(`${scope.context}:${address}`);
  if (group) {
    const endpoints = (group.block ?? [])
      .filter((n) => n.directive === 'server')
      .map(groupServer)
      .filter((e): e is Endpoint => e !== undefined);
    return { ...base, id, group: { name: address, ref: refOf(group) }, endpoints };
  }

  const defaultPort = scheme ? DEFAULT_PORTS[scheme] : undefined;
  const ep = endpoint(address, defaultPort, node);
  if (ep.kind === 'tcp' && ep.port === undefined) {
    return { ...base, id, endpoints: [], invalid: `no port in upstream "${address}"` };
  }
  return { ...base, id, endpoints: [ep] };
}

/** The address part of a URL without its scheme: up to the URI's "/" (a unix: path ends at the next ':'). */
function addressOf(rest: string): string {
  if (rest.startsWith('unix:')) {
    const end = rest.indexOf(':', 5);
    return end === -1 ? rest : rest.slice(0, end);
  }
  const slash = rest.indexOf('/');
  return slash === -1 ? rest : rest.slice(0, slash);
}

/** Variables that only ever hold the request's URI or its arguments: they never change the host. */
const URI_VARIABLES =
  /\$(?:\{(?:request_uri|uri|document_uri|is_args|args|query_string)\}|(?:request_uri|uri|document_uri|is_args|args|query_string)(?!\w))/g;

/** `text` with every `$name` / `${name}` of `variable` replaced by `value`. */
function substitute(text: string, variable: string, value: string): string {
  const name = variable.slice(1);
  return text.replace(new RegExp(`\\$(?:\\{${name}\\}|${name}(?!\\w))`, 'g'), () => value);
}

/**
 * The host a URL names (undefined when variables still decide it, or for a unix socket), and whether it
 * names no port: only then can it be an upstream group's name (ngx_http_upstream_init_request).
 */
function hostOfUrl(url: string): { host?: string; unix: boolean; noPort: boolean } {
  const rest = url.replace(URI_VARIABLES, '').replace(/^[a-z]+:\/\//i, '');
  const address = addressOf(rest);
  if (address.startsWith('unix:')) return { unix: true, noPort: true };
  const parsed = parseAddress(address, undefined);
  const host = parsed.kind === 'tcp' ? parsed.host : undefined;
  const noPort = !/:[^\]]*$/.test(
    address.startsWith('[') ? address.slice(address.indexOf(']') + 1) : address,
  );
  return { unix: parsed.kind === 'unix', noPort, ...(host && !host.includes('$') ? { host } : {}) };
}

/**
 * Each line that gives a variable of the pass's address a value, with the host the URL then names. nginx
 * looks for an upstream group of that name first (when the URL names no port), and parses an address
 * literal itself: only other names go to its resolver.
 */
function variableSources(
  pass: ConfigNode,
  raw: string,
  context: Scope['context'],
  groups: Map<string, ConfigNode>,
): VariableSource[] {
  const scheme = /^[^/]*:\/\//.exec(raw)?.[0] ?? '';
  const address = scheme + addressOf(raw.slice(scheme.length));
  return variablesIn(address).flatMap((variable) =>
    assignmentsOf(pass, variable).map((a) => {
      const { host, unix, noPort } = hostOfUrl(substitute(raw, variable, a.value));
      const group = noPort && groups.has(`${context}:${host}`);
      const needsResolver = host === undefined ? !unix : !isIpLiteral(host) && !group;
      return { variable, ref: refOf(a.node), value: a.value, ...(host ? { host } : {}), needsResolver };
    }),
  );
}

/**
 * The directive of this name in effect where `node` stands: in its own block, else the nearest enclosing
 * block that sets it (nginx's merge of http → server → location).
 */
export function inEffect(node: ConfigNode, directive: string): ConfigNode | undefined {
  for (let block = node.parent; block; block = block.parent) {
    const found = block.block?.find((n) => n.directive === directive);
    if (found) return found;
  }
  return undefined;
}

/** Directives of this name in the same block as `node`. */
export function sibling(node: ConfigNode, directive: string): ConfigNode | undefined {
  return node.parent?.block?.find((n) => n.directive === directive);
}
