#!/usr/bin/env node
// The published entry point: the bundled CLI (dist/bundle/, built by `npm run build`, which `npm ci` runs via
// `prepare`; scripts/bundle.ts says why it is bundled). The process ends when its output has drained (never
// process.exit(), which cuts a pipe at 64 KiB).
//
// For `diagnose`, the first diagnosis thread starts before the rest of the CLI is even loaded: its start
// (node booting a worker, the thread loading ssh2) is most of a one-host run before the first byte goes out,
// and it runs beside the loading of main.js on another core. Nothing is read from the arguments but the
// command's name; an unused thread (a usage error, --help) never holds the process open.
if (process.argv[2] === 'diagnose')
  (await import('../dist/bundle/diagnosis-pool.js')).startDiagnosisThreadEarly();
const [{ runAsProcess }, { main }] = await Promise.all([
  import('../dist/bundle/exit.js'),
  import('../dist/bundle/main.js'),
]);
runAsProcess(main, process.argv.slice(2));
