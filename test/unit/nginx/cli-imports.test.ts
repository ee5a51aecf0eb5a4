// `upstream-doctor nginx-json` starts fast because it loads only what it uses: following the static imports
// from the CLI's entry (exit.ts, main.ts) and nginx-json.ts reaches our own modules and node's built-ins,
// and no npm package (zod, ssh2, yaml, … belong to other subcommands, which main.ts imports lazily).
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The specifiers of a module's static value imports and re-exports (`import type` loads nothing). */
function staticImports(source: string): string[] {
  const found: string[] = [];
  const re = /^(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
  for (const m of source.matchAll(re)) found.push(m[1]!);
  return found;
}

/** Every module the roots load at start, and the bare (package or built-in) specifiers among their imports. */
function closure(roots: string[]): { modules: string[]; bare: string[] } {
  const seen = new Set<string>();
  const bare = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of staticImports(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) queue.push(join(dirname(file), spec).replace(/\.js$/, '.ts'));
      else bare.add(spec);
    }
  }
  return { modules: [...seen].map((f) => relative(ROOT, f)).sort(), bare: [...bare].sort() };
}

describe('what nginx-json loads', () => {
  it('no npm package, only our modules and node: built-ins', () => {
    const { modules, bare } = closure(
      ['src/cli/exit.ts', 'src/cli/main.ts', 'src/cli/nginx-json.ts'].map((f) => join(ROOT, f)),
    );
    expect(modules).toContain('src/parsers/nginx/json-stream.ts');
    expect(bare.filter((s) => !s.startsWith('node:'))).toEqual([]);
  });
});
