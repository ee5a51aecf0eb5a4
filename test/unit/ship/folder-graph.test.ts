// The folders of src/ form a one-way stack. scripts/folder-graph.ts is run here as a process, as a
// contributor runs it: on src/ it must find no loop and no import leaving src/ but the demo command's of the
// lab; on small trees with loops it must fail and name each loop. And the stack drawn in ARCHITECTURE.md is
// held to the code: every folder of src/ is in it once, and every import goes down it.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { folderGraph } from '../../../scripts/folder-graph.js';

const run = promisify(execFile);
const root = new URL('../../../', import.meta.url).pathname;

async function folderGraphScript(dir: string) {
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/folder-graph.ts', dir], {
      cwd: root,
    });
    return { code: 0, lines: stdout.trimEnd().split('\n') };
  } catch (err) {
    const e = err as { code: number; stdout: string };
    return { code: e.code, lines: e.stdout.trimEnd().split('\n') };
  }
}

const scratch = mkdtempSync(join(tmpdir(), 'ud-folder-graph-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A src tree of one-line files: path → the relative imports it makes. */
function tree(name: string, files: Record<string, string[]>): string {
  const src = join(scratch, name, 'src');
  for (const [path, imports] of Object.entries(files)) {
    mkdirSync(dirname(join(src, path)), { recursive: true });
    const body = imports.map((spec, i) => `import { x${i} } from '${spec}';`).join('\n');
    writeFileSync(join(src, path), `${body}\nexport const x = 1;\n`);
  }
  return src;
}

describe('scripts/folder-graph.ts', () => {
  it('finds no loop in src/, and only the demo command imports from beside it (the lab)', async () => {
    const r = await folderGraphScript('src');
    expect(r.code).toBe(0);
    expect(r.lines.at(-1)).toBe('no loops');
    expect(r.lines.filter((l) => l.startsWith('outside: '))).toEqual(['outside: cli/demo.ts → lab']);
  });

  it('fails on a loop between two folders and on one through a third, printing each', async () => {
    const src = tree('loops', {
      'a/one.ts': ['../b/two.js'],
      'b/two.ts': ['../a/one.js', '../c/three.js'],
      'c/three.ts': ['../a/one.js'],
      'd/four.ts': ['../a/one.js', './five.js'],
      'd/five.ts': [],
    });
    const r = await folderGraphScript(src);
    expect(r.code).toBe(1);
    expect(r.lines).toContain('d → a');
    expect(r.lines).toContain('2 loops:');
    expect(r.lines).toContain('  a → b → a');
    expect(r.lines).toContain('  a → b → c → a');
  });

  it('sees dynamic imports and re-exports too', async () => {
    const src = join(scratch, 'dynamic', 'src');
    mkdirSync(join(src, 'a'), { recursive: true });
    mkdirSync(join(src, 'b'), { recursive: true });
    writeFileSync(join(src, 'a/one.ts'), "export const load = () => import('../b/two.js');\n");
    writeFileSync(join(src, 'b/two.ts'), "export { x } from '../a/one.js';\n");
    const r = await folderGraphScript(src);
    expect(r.code).toBe(1);
    expect(r.lines).toContain('  a → b → a');
  });

  it('says so when the folder cannot be read', async () => {
    const r = await folderGraphScript(join(scratch, 'absent'));
    expect(r.code).toBe(2);
  });
});

describe("ARCHITECTURE.md's stack", () => {
  const map = readFileSync(join(root, 'ARCHITECTURE.md'), 'utf8');
  const block = map.split('<!-- stack:')[1]!.split('```')[1]!;
  const stack = [...block.matchAll(/^(?:\w+)?\s+([a-z-]+)\/\s/gm)].map((m) => m[1]!);
  const graph = folderGraph(join(root, 'src'));

  it('names every folder of src/ once', () => {
    expect([...stack].sort()).toEqual([...graph.keys()].filter((f) => f !== '').sort());
  });

  it('has every import of src/ going down it', () => {
    const upward = [...graph].flatMap(([from, tos]) =>
      [...tos].filter((to) => stack.indexOf(to) > stack.indexOf(from)).map((to) => `${from} → ${to}`),
    );
    expect(upward).toEqual([]);
  });
});
