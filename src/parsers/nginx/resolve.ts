// The resolved tree: the payload with every followed `include` replaced by the directives of the files it
// names, each node knowing its file, line and parent. Built and walked without recursion, so a hostile
// config cannot exhaust the stack; and includes stop being expanded past MAX_TREE_NODES nodes, so files
// that include each other twice over (a doubling at each level) cannot exhaust memory.

import type { ConfigNode, Payload, PayloadDirective } from '../../model/nginx-config.js';

/** Several times the nodes of a config with 10,000 server blocks (about 200,000). */
export const MAX_TREE_NODES = 1_000_000;

interface Pending {
  source: readonly PayloadDirective[];
  next: number;
  out: ConfigNode[];
  parent: ConfigNode | undefined;
  file: string;
  /** Indices of the files being expanded on the way here: an include cycle stops at a repeat. */
  chain: readonly number[];
}

/**
 * The directives of the main file (`config[0]`) with includes resolved. An `include` whose `includes` is
 * present is replaced (by nothing when it matched no file); one without (includes not followed) stays.
 * Argument arrays are shared with the payload: treat both as read-only.
 */
export function buildTree(payload: Payload): ConfigNode[] {
  const configs = payload.config;
  const roots: ConfigNode[] = [];
  const main = configs[0];
  if (!main) return roots;
  const stack: Pending[] = [
    { source: main.parsed, next: 0, out: roots, parent: undefined, file: main.file, chain: [0] },
  ];
  let count = 0;
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next >= top.source.length) {
      stack.pop();
      continue;
    }
    const d = top.source[top.next++]!;
    if (d.includes) {
      if (count > MAX_TREE_NODES) continue;
      // Pushed last-first so the first included file is expanded first, appending to the same list.
      for (let i = d.includes.length - 1; i >= 0; i--) {
        const index = d.includes[i]!;
        const config = configs[index];
        if (!config || top.chain.includes(index)) continue;
        stack.push({
          source: config.parsed,
          next: 0,
          out: top.out,
          parent: top.parent,
          file: config.file,
          chain: [...top.chain, index],
        });
      }
      continue;
    }
    // `parent` always present (undefined at the top) so every node has one of two shapes.
    const node: ConfigNode = {
      directive: d.directive,
      args: d.args,
      file: top.file,
      line: d.line,
      parent: top.parent,
    };
    top.out.push(node);
    count++;
    if (d.block) {
      node.block = [];
      stack.push({
        source: d.block,
        next: 0,
        out: node.block,
        parent: node,
        file: top.file,
        chain: top.chain,
      });
    }
  }
  return roots;
}

/** Visits every node in document order (a block's directive before its children). */
export function walk(nodes: readonly ConfigNode[], visit: (node: ConfigNode) => void): void {
  const stack: { list: readonly ConfigNode[]; next: number }[] = [{ list: nodes, next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next >= top.list.length) {
      stack.pop();
      continue;
    }
    const node = top.list[top.next++]!;
    visit(node);
    if (node.block && node.block.length > 0) stack.push({ list: node.block, next: 0 });
  }
}

/** Every directive with this name, anywhere in the tree, in document order. */
export function findAll(nodes: readonly ConfigNode[], directive: string): ConfigNode[] {
  const found: ConfigNode[] = [];
  walk(nodes, (node) => {
    if (node.directive === directive) found.push(node);
  });
  return found;
}

/** The enclosing block directives, outermost first: for a `proxy_pass`, e.g. [http, server, location]. */
export function ancestors(node: ConfigNode): ConfigNode[] {
  const out: ConfigNode[] = [];
  for (let p = node.parent; p; p = p.parent) out.push(p);
  return out.reverse();
}

/** The nearest enclosing block directive with this name (`enclosing(proxyPass, 'server')`). */
export function enclosing(node: ConfigNode, directive: string): ConfigNode | undefined {
  for (let p = node.parent; p; p = p.parent) if (p.directive === directive) return p;
  return undefined;
}

/** The direct children with this name (`children(server, 'listen')`). */
export function children(node: ConfigNode, directive: string): ConfigNode[] {
  return (node.block ?? []).filter((c) => c.directive === directive);
}
