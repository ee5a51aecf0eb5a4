#!/usr/bin/env node
// The published entry point: the compiled CLI (built by `npm run build`, which `npm ci` runs via `prepare`).
// The process ends when its output has drained (never process.exit(), which cuts a pipe at 64 KiB).
import { runAsProcess } from '../dist/src/cli/exit.js';
import { main } from '../dist/src/cli/main.js';

runAsProcess(main, process.argv.slice(2));
