// Where a variable in a pass directive gets its value, so a finding about `proxy_pass $upstream;` can point
// at the line that chose the host — the `set` or the `map` entry — and name it.
// nginx's rules (ngx_http_rewrite_module, ngx_http_map_module): `set` runs in the rewrite phase of the
// server and of the location that handles the request, `if` blocks included; a `map` (http or stream
// level) defines its variable for every server, one value per entry. A variable no `set` or `map` gives
// (a header, $host) has no line to point at: it gets no assignment here.
import type { ConfigNode } from '../model/nginx-config.js';

/** One place a variable is given a value: a `set` line, or one entry of a `map` block. */
export interface Assignment {
  /** "$upstream" */
  variable: string;
  /** The `set` directive, or the map entry (`default app.internal;`). */
  node: ConfigNode;
  /** The value as written. */
  value: string;
}

/** Map block keywords that are not entries. */
const MAP_KEYWORDS = new Set(['hostnames', 'volatile']);

/** The variables named in a directive argument: `$name` and `${name}`, in order, each once. */
export function variablesIn(text: string): string[] {
  const names = [...text.matchAll(/\$(?:\{(\w+)\}|(\w+))/g)].map((m) => `$${m[1] ?? m[2]!}`);
  return [...new Set(names)];
}

/** The `set` directives of a block, and of the `if` blocks directly in it. */
function setsIn(block: ConfigNode[], variable: string): ConfigNode[] {
  return block.flatMap((n) =>
    n.directive === 'set' && n.args[0] === variable
      ? [n]
      : n.directive === 'if' && n.block
        ? n.block.filter((c) => c.directive === 'set' && c.args[0] === variable)
        : [],
  );
}

/**
 * The assignments of `variable` that can be in effect where `pass` stands: `set` in its block and every
 * enclosing block up to the server; failing those, the entries of the `map` that defines it.
 */
export function assignmentsOf(pass: ConfigNode, variable: string): Assignment[] {
  const sets: ConfigNode[] = [];
  let top: ConfigNode | undefined;
  for (let block = pass.parent; block; block = block.parent) {
    if (block.directive === 'http' || block.directive === 'stream') {
      top = block;
      break;
    }
    sets.unshift(...setsIn(block.block ?? [], variable));
  }
  if (sets.length > 0) return sets.map((node) => ({ variable, node, value: node.args[1] ?? '' }));
  const map = top?.block?.find((n) => n.directive === 'map' && n.args[1] === variable);
  return (map?.block ?? [])
    .filter((entry) => !MAP_KEYWORDS.has(entry.directive) && entry.args.length === 1)
    .map((node) => ({ variable, node, value: node.args[0]! }));
}
