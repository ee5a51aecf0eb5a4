// The Dockerfile, read as text (there is no Docker engine here): two stages, the runtime one with production
// dependencies only and an unprivileged user; everything it copies exists and is not excluded by .dockerignore;
// and the code the runtime stage ships imports nothing but Node's builtins and production dependencies.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url).pathname;
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const dockerignore = readFileSync(join(root, '.dockerignore'), 'utf8');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

/** Instructions (continuation lines joined, comments dropped), grouped by FROM. */
function parseDockerfile(text: string): Stage[] {
  const logical = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, op = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (op.toUpperCase() === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?/i.exec(args)!;
      stages.push({ from: m[1]!, ...(m[2] ? { name: m[2] } : {}), instructions: [] });
    } else stages.at(-1)?.instructions.push({ op: op.toUpperCase(), args });
  }
  return stages;
}

const stages = parseDockerfile(dockerfile);
const runtime = stages.at(-1)!;
const of = (stage: Stage, op: string) => stage.instructions.filter((i) => i.op === op).map((i) => i.args);

describe('Dockerfile', () => {
  it('is multi-stage: a build stage, then a runtime stage that copies the build output from it', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const build = stages[0]!;
    expect(build.name).toBe('build');
    expect(of(build, 'RUN').some((r) => /\bnpm run build\b/.test(r))).toBe(true);
    expect(of(runtime, 'COPY')).toContain('--from=build /app/dist ./dist');
    // Same Node major as package.json's engines and the CI machine.
    for (const s of stages) expect(s.from).toMatch(/^node:20[-.]/);
  });

  it('the runtime stage installs production dependencies only', () => {
    const runs = of(runtime, 'RUN');
    expect(runs.some((r) => /\bnpm ci\b.*--omit=dev/.test(r))).toBe(true);
    expect(runs.filter((r) => /\bnpm (ci|install|i)\b/.test(r)).every((r) => r.includes('--omit=dev'))).toBe(
      true,
    );
    expect(runs.join(' ')).not.toMatch(/\bnpm run build\b|\btsc\b/);
  });

  it('runs as a non-root user', () => {
    const users = of(runtime, 'USER');
    expect(users.length).toBeGreaterThan(0);
    const user = users.at(-1)!.split(':')[0]!;
    expect(['root', '0']).not.toContain(user);
    // Nothing after USER switches back or installs as root.
    const afterUser = runtime.instructions.slice(runtime.instructions.findIndex((i) => i.op === 'USER'));
    expect(afterUser.filter((i) => i.op === 'RUN')).toEqual([]);
  });

  it('starts the CLI: node bin/upstream-doctor.js', () => {
    expect(JSON.parse(of(runtime, 'ENTRYPOINT').at(-1)!)).toEqual(['node', 'bin/upstream-doctor.js']);
  });

  it('installs no SSH client: ssh2 is JavaScript', () => {
    const runs = stages.flatMap((s) => of(s, 'RUN')).join('\n');
    expect(runs).not.toMatch(/apt-get|apk add|openssh/);
    expect(pkg.dependencies).toHaveProperty('ssh2');
  });

  it('copies only paths that exist and that .dockerignore lets through', () => {
    const ignored = dockerignore
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    const sources = stages
      .flatMap((s) => of(s, 'COPY'))
      .filter((c) => !c.startsWith('--from'))
      .flatMap((c) => c.split(/\s+/).slice(0, -1));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(existsSync(join(root, source)), source).toBe(true);
      expect(ignored, `${source} is excluded by .dockerignore`).not.toContain(source);
    }
    // Secrets and local state never enter the build context.
    for (const secret of ['.env', 'hosts.yml', 'ssh', '.git', 'node_modules'])
      expect(ignored).toContain(secret);
  });
});

/** Every .ts file under a directory. */
function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Package names of the runtime imports of a module: `import type` is erased by tsc, so it does not count. */
function runtimeImports(source: string): string[] {
  const specifiers = [
    ...source.matchAll(/^\s*import\s+(?!type\s)[^'"]*?from\s+'([^']+)'/gm),
    ...source.matchAll(/^\s*export\s+(?!type\s)[^'"]*?from\s+'([^']+)'/gm),
    ...source.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g),
  ].map((m) => m[1]!);
  return specifiers
    .filter((s) => !s.startsWith('.') && !s.startsWith('node:'))
    .map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!));
}

describe('the runtime image has what the shipped code imports', () => {
  // lab/backend.ts transpiles backend-server.ts with TypeScript only when run from sources; the image runs
  // the compiled backend-server.js (and the lab is not for containers anyway).
  const DEV_ONLY_WHEN_RUN_FROM_SOURCES = new Set(['lab/backend.ts:typescript']);

  it('every package imported by src/ and lab/ (shipped for demo) is a production dependency or a Node builtin', () => {
    const missing: string[] = [];
    for (const file of [...tsFiles(join(root, 'src')), ...tsFiles(join(root, 'lab'))]) {
      const rel = file.slice(root.length);
      for (const name of runtimeImports(readFileSync(file, 'utf8'))) {
        if (builtinModules.includes(name) || name in pkg.dependencies) continue;
        if (DEV_ONLY_WHEN_RUN_FROM_SOURCES.has(`${rel}:${name}`)) continue;
        missing.push(`${rel}: ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('the import scan sees imports (so the check above can fail)', () => {
    expect(runtimeImports("import { Redis } from 'ioredis';\nimport type { X } from 'vitest';")).toEqual([
      'ioredis',
    ]);
    expect(runtimeImports("const ts = await import('typescript');")).toEqual(['typescript']);
    expect(runtimeImports("import { webApi } from '@slack/bolt/dist/x.js';")).toEqual(['@slack/bolt']);
  });
});
