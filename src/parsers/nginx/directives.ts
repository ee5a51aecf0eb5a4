// Where the core directives this project reasons about may stand, whether they take a block, and how many
// arguments they take: facts from nginx's module tables (NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1 …), as
// crossplane's analyzer encodes them for every directive. We keep only the directives the diagnosis reads
// and the block directives that shape the tree, so a typo such as a missing `;` before the next line
// (`proxy_pass http://app` ⏎ `proxy_set_header …`) is reported the way nginx reports it instead of giving
// proxy_pass four arguments. Directives not listed here, and everything inside blocks with free-form
// content (map, types, geo, split_clients, …), are not checked: `nginx -t` stays the authority.

/** A context path as crossplane names it: nested locations collapse to `http/location`. */
type Ctx =
  | ''
  | 'events'
  | 'http'
  | 'http/server'
  | 'http/location'
  | 'http/upstream'
  | 'http/server/if'
  | 'http/location/if'
  | 'http/location/limit_except'
  | 'stream'
  | 'stream/server'
  | 'stream/upstream'
  | 'mail'
  | 'mail/server';

const KNOWN_CONTEXTS: ReadonlySet<string> = new Set<Ctx>([
  '',
  'events',
  'http',
  'http/server',
  'http/location',
  'http/upstream',
  'http/server/if',
  'http/location/if',
  'http/location/limit_except',
  'stream',
  'stream/server',
  'stream/upstream',
  'mail',
  'mail/server',
]);

interface Shape {
  contexts: readonly Ctx[];
  block: boolean;
  min: number;
  max: number;
}

const MORE = Number.POSITIVE_INFINITY;
const HTTP_MSL: Ctx[] = ['http', 'http/server', 'http/location'];
const HTTP_LOC_IF: Ctx[] = ['http/location', 'http/location/if'];
const REWRITE_CTX: Ctx[] = ['http/server', 'http/server/if', 'http/location', 'http/location/if'];
const ANY: Ctx[] = [...(KNOWN_CONTEXTS as Set<Ctx>)];

function shape(contexts: readonly Ctx[], block: boolean, min: number, max = min): Shape {
  return { contexts, block, min, max };
}

const SHAPES: ReadonlyMap<string, readonly Shape[]> = new Map<string, Shape[]>([
  ['include', [shape(ANY, false, 1)]],
  ['user', [shape([''], false, 1, 2)]],
  ['worker_processes', [shape([''], false, 1)]],
  ['pid', [shape([''], false, 1)]],
  ['load_module', [shape([''], false, 1)]],
  [
    'error_log',
    [
      shape([''], false, 1, MORE),
      shape(HTTP_MSL, false, 1, MORE),
      shape(['mail', 'mail/server'], false, 1, MORE),
      shape(['stream', 'stream/server'], false, 1, MORE),
    ],
  ],
  ['events', [shape([''], true, 0)]],
  ['http', [shape([''], true, 0)]],
  ['stream', [shape([''], true, 0)]],
  ['mail', [shape([''], true, 0)]],
  ['worker_connections', [shape(['events'], false, 1)]],
  [
    'server',
    [
      shape(['http'], true, 0),
      shape(['http/upstream'], false, 1, MORE),
      shape(['mail'], true, 0),
      shape(['stream'], true, 0),
      shape(['stream/upstream'], false, 1, MORE),
    ],
  ],
  ['location', [shape(['http/server', 'http/location'], true, 1, 2)]],
  ['upstream', [shape(['http'], true, 1), shape(['stream'], true, 1)]],
  ['map', [shape(['http'], true, 2), shape(['stream'], true, 2)]],
  ['geo', [shape(['http'], true, 1, 2), shape(['stream'], true, 1, 2)]],
  ['split_clients', [shape(['http'], true, 2), shape(['stream'], true, 2)]],
  ['types', [shape(HTTP_MSL, true, 0)]],
  ['if', [shape(['http/server', 'http/location'], true, 1, MORE)]],
  ['limit_except', [shape(['http/location'], true, 1, MORE)]],
  [
    'listen',
    [
      shape(['http/server'], false, 1, MORE),
      shape(['mail/server'], false, 1, MORE),
      shape(['stream/server'], false, 1, MORE),
    ],
  ],
  [
    'server_name',
    [
      shape(['http/server'], false, 1, MORE),
      shape(['mail', 'mail/server'], false, 1),
      // nginx 1.25.5 added server_name to stream servers.
      shape(['stream/server'], false, 1, MORE),
    ],
  ],
  ['root', [shape([...HTTP_MSL, 'http/location/if'], false, 1)]],
  ['alias', [shape(['http/location'], false, 1)]],
  ['try_files', [shape(['http/server', 'http/location'], false, 2, MORE)]],
  ['return', [shape(REWRITE_CTX, false, 1, 2), shape(['stream/server'], false, 1)]],
  ['rewrite', [shape(REWRITE_CTX, false, 2, 3)]],
  ['set', [shape(REWRITE_CTX, false, 2)]],
  [
    'resolver',
    [
      shape(HTTP_MSL, false, 1, MORE),
      shape(['http/upstream'], false, 1, MORE),
      shape(['mail', 'mail/server'], false, 1, MORE),
      shape(['stream', 'stream/server'], false, 1, MORE),
      shape(['stream/upstream'], false, 1, MORE),
    ],
  ],
  [
    'proxy_pass',
    [shape([...HTTP_LOC_IF, 'http/location/limit_except'], false, 1), shape(['stream/server'], false, 1)],
  ],
  ['fastcgi_pass', [shape(HTTP_LOC_IF, false, 1)]],
  ['uwsgi_pass', [shape(HTTP_LOC_IF, false, 1)]],
  ['scgi_pass', [shape(HTTP_LOC_IF, false, 1)]],
  ['grpc_pass', [shape(HTTP_LOC_IF, false, 1)]],
  ['memcached_pass', [shape(HTTP_LOC_IF, false, 1)]],
  ['proxy_set_header', [shape(HTTP_MSL, false, 2)]],
  ['keepalive', [shape(['http/upstream'], false, 1)]],
  ['zone', [shape(['http/upstream'], false, 1, 2), shape(['stream/upstream'], false, 1, 2)]],
]);

/** directive → context → its shapes there (precomputed: the parser asks for every directive it reads). */
const BY_CONTEXT: ReadonlyMap<string, ReadonlyMap<string, readonly Shape[]>> = new Map(
  [...SHAPES].map(([name, shapes]) => {
    const byCtx = new Map<string, Shape[]>();
    for (const ctx of KNOWN_CONTEXTS)
      byCtx.set(
        ctx,
        shapes.filter((s) => (s.contexts as readonly string[]).includes(ctx)),
      );
    return [name, byCtx] as const;
  }),
);

/** crossplane's enter_block_ctx: nested locations keep the context `http/location`. */
export function enterBlock(ctx: string, directive: string): string {
  if (directive === 'location' && (ctx === 'http' || ctx.startsWith('http/'))) return 'http/location';
  return ctx === '' ? directive : `${ctx}/${directive}`;
}

/**
 * nginx's complaint about a directive's placement, block or argument count, or undefined when it is fine
 * or not one we know. `terminator` is what ended it (a Lua block body counts as `;`, as in crossplane).
 */
export function checkDirective(
  ctx: string,
  directive: string,
  nargs: number,
  terminator: ';' | '{',
): string | undefined {
  const allowed = BY_CONTEXT.get(directive)?.get(ctx);
  if (allowed === undefined) return undefined; // an unknown directive, or a context we do not check
  if (allowed.length === 0) return `"${directive}" directive is not allowed here`;
  // As crossplane: the first shape's complaint wins when none fits (it is the one nginx tries).
  let reason = '';
  for (let i = allowed.length - 1; i >= 0; i--) {
    const s = allowed[i]!;
    if (s.block && terminator !== '{') {
      reason = `directive "${directive}" has no opening "{"`;
      continue;
    }
    if (!s.block && terminator !== ';') {
      reason = `directive "${directive}" is not terminated by ";"`;
      continue;
    }
    if (nargs >= s.min && nargs <= s.max) return undefined;
    reason = `invalid number of arguments in "${directive}" directive`;
  }
  return reason;
}
