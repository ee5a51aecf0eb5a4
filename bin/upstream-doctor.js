#!/usr/bin/env node
// The published entry point: the bundled CLI (dist/bundle/, built by `npm run build`, which `npm ci` runs via
// `prepare`; scripts/bundle.ts says why it is bundled). The process ends when its output has drained (never
// process.exit(), which cuts a pipe at 64 KiB).
import { runAsProcess } from '../dist/bundle/exit.js';
import { main } from '../dist/bundle/main.js';

runAsProcess(main, process.argv.slice(2));
