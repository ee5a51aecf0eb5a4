// The shipped CLI as a few bundled files (issue 16): node resolving, reading and compiling several hundred
// small modules (ours, zod's, yaml's, ssh2's) before the first byte goes out was a third of a one-host
// `diagnose`. `npm run build` runs this after tsc; bin/upstream-doctor.js runs dist/bundle/main.js.
//
// ES modules with code splitting: each subcommand stays a chunk of its own that main.js imports only when
// that command runs, and the diagnosis thread (src/workers/diagnosis-thread.ts) is an entry of the same
// bundle, sharing its chunks, so the threads load from it too. Everything sits flat in dist/bundle/, so the
// pool's `new URL('./diagnosis-thread.js', import.meta.url)` finds the thread from whichever chunk holds it.
//
// Bundled: our code, zod, yaml and ssh2 (what `diagnose` loads). Left to node_modules: the packages only
// the long-running commands use (Bolt, BullMQ, ioredis, pino, prom-client), and native add-ons (ssh2's
// optional sshcrypto.node, found by its package path, as ssh2 itself would). The lab stays the tsc output
// in dist/lab/ (it finds its backend server next to itself), imported from there by `demo`'s chunk.
import { build, type Plugin } from 'esbuild';
import { rmSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/bundle`;

const EXTERNAL_PACKAGES = ['@slack/bolt', 'bullmq', 'ioredis', 'pino', 'prom-client'];

/** Native add-ons by their package path; the lab by its compiled files in dist/lab/. */
const keepOutside: Plugin = {
  name: 'keep-outside',
  setup(b) {
    b.onResolve({ filter: /\.node$/ }, async (args) => {
      if (args.pluginData === 'keep-outside') return undefined;
      const resolved = await b.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        pluginData: 'keep-outside',
      });
      if (resolved.errors.length > 0) return { path: args.path, external: true };
      const inModules = resolved.path.split(`${sep}node_modules${sep}`).at(-1)!;
      return { path: inModules.split(sep).join('/'), external: true };
    });
    b.onResolve({ filter: /(^|\/)lab\// }, (args) => {
      if (!args.path.startsWith('.')) return undefined;
      const absolute = `${args.resolveDir}/${args.path}`.replace(/\.ts$/, '.js');
      const fromRoot = relative(root, absolute);
      if (!fromRoot.startsWith(`lab${sep}`)) return undefined;
      return { path: `../${fromRoot.split(sep).join('/')}`, external: true };
    });
  },
};

rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: {
    main: 'src/cli/main.ts',
    exit: 'src/cli/exit.ts',
    'diagnosis-thread': 'src/workers/diagnosis-thread.ts',
    // Its own entry so that bin/upstream-doctor.js can start the first thread before main.js loads.
    'diagnosis-pool': 'src/workers/diagnosis-pool.ts',
  },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL_PACKAGES,
  plugins: [keepOutside],
  // CommonJS packages (yaml, ssh2) inside ES modules: their require(), __dirname and __filename.
  banner: {
    js: [
      "import { createRequire as __udCreateRequire } from 'node:module';",
      "import { fileURLToPath as __udFileURLToPath } from 'node:url';",
      'const require = __udCreateRequire(import.meta.url);',
      'const __filename = __udFileURLToPath(import.meta.url);',
      "const __dirname = __udFileURLToPath(new URL('.', import.meta.url));",
    ].join('\n'),
  },
  sourcemap: true,
  legalComments: 'linked',
  logLevel: 'warning',
});
