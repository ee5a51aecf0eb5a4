// The folder import graph of src/: which top-level folder imports which, and every loop among them. The
// layout is meant to be a one-way stack (vocabulary at the bottom, the edges on top); a loop is a folder
// that imports, directly or through others, one that imports it back, and it is how a layering rots
// without anyone deciding it. Reads the import specifiers of every .ts file (static `import … from`,
// `export … from` and `import('…')` of relative paths), so it needs no build.
//
// It also lists every import that leaves src/ for a folder beside it (the lab: only the demo command may).
//
//   npx tsx scripts/folder-graph.ts [SRC_DIR]      prints "folder → folders" lines, the imports that leave
//                                                  SRC_DIR ("outside: cli/demo.ts → lab"), then the loops
// Exit 0: no loop; 1: loops (each printed as a → b → … → a); 2: cannot read SRC_DIR.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const IMPORT =
  /(?:^|[\s;])(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The top-level folder of a file under src ("" for a file directly in src). */
function folderOf(src: string, file: string): string {
  const parts = relative(src, file).split(sep);
  return parts.length > 1 ? parts[0]! : '';
}

/** The .ts files below src, and each relative import of theirs: the importing file and the absolute target. */
export interface Scan {
  files: string[];
  imports: { file: string; target: string }[];
}

/** Reads every file once; the graph and the list of outside imports are both made from this. */
export function scan(src: string): Scan {
  const files = tsFiles(src);
  const imports = files.flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(IMPORT)]
      .map((m) => m[1] ?? m[2]!)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => ({ file, target: resolve(dirname(file), spec) })),
  );
  return { files, imports };
}

/** folder → the folders its files import (itself excluded). */
export function folderGraph(src: string, scanned: Scan = scan(src)): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of scanned.files) graph.set(folderOf(src, file), new Set());
  for (const { file, target } of scanned.imports) {
    if (!target.startsWith(src + sep)) continue;
    const from = folderOf(src, file);
    const to = folderOf(src, target);
    if (to !== from) graph.get(from)!.add(to);
  }
  return graph;
}

/** Imports that leave src for a folder beside it: "cli/demo.ts → lab", each once. */
export function outsideImports(src: string, scanned: Scan = scan(src)): string[] {
  const found = new Set<string>();
  for (const { file, target } of scanned.imports) {
    if (target.startsWith(src + sep)) continue;
    found.add(`${relative(src, file)} → ${relative(dirname(src), target).split(sep)[0]}`);
  }
  return [...found].sort();
}

/** Every elementary loop, each once, as a list of folders starting at its smallest name. */
export function loops(graph: Map<string, Set<string>>): string[][] {
  const found = new Map<string, string[]>();
  const walk = (start: string, at: string, path: string[]) => {
    for (const next of graph.get(at) ?? []) {
      if (next === start) {
        const cycle = [...path];
        const min = cycle.indexOf([...cycle].sort()[0]!);
        const rotated = [...cycle.slice(min), ...cycle.slice(0, min)];
        found.set(rotated.join('→'), rotated);
      } else if (!path.includes(next) && next > start) {
        walk(start, next, [...path, next]);
      }
    }
  };
  for (const start of [...graph.keys()].sort()) walk(start, start, [start]);
  return [...found.values()];
}

function main(argv: string[]): number {
  const src = resolve(argv[0] ?? 'src');
  try {
    if (!statSync(src).isDirectory()) throw new Error('not a directory');
  } catch (err) {
    process.stderr.write(`folder-graph: cannot read ${src}: ${(err as Error).message}\n`);
    return 2;
  }
  const scanned = scan(src);
  const graph = folderGraph(src, scanned);
  const name = (f: string) => (f === '' ? '(src)' : f);
  for (const [folder, edges] of [...graph].sort(([a], [b]) => a.localeCompare(b))) {
    process.stdout.write(`${name(folder)} → ${[...edges].sort().map(name).join(', ') || '(nothing)'}\n`);
  }
  for (const edge of outsideImports(src, scanned)) process.stdout.write(`outside: ${edge}\n`);
  const cycles = loops(graph);
  if (cycles.length === 0) {
    process.stdout.write('no loops\n');
    return 0;
  }
  process.stdout.write(`${cycles.length} loop${cycles.length === 1 ? '' : 's'}:\n`);
  for (const c of cycles) process.stdout.write(`  ${[...c, c[0]!].map(name).join(' → ')}\n`);
  return 1;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = main(process.argv.slice(2));
