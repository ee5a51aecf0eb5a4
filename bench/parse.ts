// Parse benchmark: an nginx config with 10,000 server blocks (and 2,500 upstream groups), as one
// `nginx -T` dump. Prints the median parse time of several runs and the memory it takes.
// Run: node --import tsx bench/parse.ts [SERVERS]   (target: parse under 250 ms for 10,000 servers)
//      node --import tsx bench/parse.ts SERVERS --write FILE   writes the generated dump and exits

import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseDump } from '../src/parsers/nginx/dump.js';
import { parseFile } from '../src/parsers/nginx/parser.js';
import { buildTree, findAll } from '../src/parsers/nginx/resolve.js';
import { generateDump } from './nginx-config.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const SERVERS = Number(process.argv[2] ?? 10_000);
const RUNS = 7;
const WARMUP = 2;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function time<T>(fn: () => T): { ms: number; cpuMs: number; value: T } {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const value = fn();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, value };
}

/** Wall time, and CPU time (all threads: the garbage collector's helpers count) which a busy machine distorts less. */
function measure<T>(label: string, fn: () => T): T {
  const last: { value?: T } = {};
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    delete last.value; // each run starts from the same heap: nothing of the previous run's result alive
    gc();
    const r = time(fn);
    if (i >= WARMUP) {
      times.push(r.ms);
      cpu.push(r.cpuMs);
    }
    last.value = r.value;
  }
  const fmt = (n: number): string => n.toFixed(1).padStart(7);
  console.log(
    `${label.padEnd(44)} median ${fmt(median(times))} ms   min ${fmt(Math.min(...times))} ms   cpu median ${fmt(median(cpu))} ms`,
  );
  return last.value!;
}

const MB = 1024 * 1024;
const text = generateDump(SERVERS);
const writeTo = process.argv.indexOf('--write');
if (writeTo > 0) {
  writeFileSync(process.argv[writeTo + 1]!, text);
  process.exit(0);
}
const lines = text.split('\n').length;
console.log(
  `config: ${SERVERS} server blocks, ${Math.floor(SERVERS / 4)} upstream groups, ${lines} lines, ${(text.length / MB).toFixed(1)} MB`,
);
console.log(
  `runs: median of ${RUNS} after ${WARMUP} warm-up runs, node ${process.version}, ` +
    `${availableParallelism()} CPUs, load average ${loadavg()[0]!.toFixed(2)}\n`,
);

const serversHeader = '# configuration file /etc/nginx/conf.d/servers.conf:\n';
const servers = text.slice(text.indexOf(serversHeader) + serversHeader.length);
measure('parseFile (servers file: lexer + parser)', () =>
  parseFile(servers, 'servers.conf', { ctx: 'http' }),
);
const config = measure('parseDump (split + parse + includes + tree)', () => parseDump(text));
measure('buildTree (resolved tree only)', () => buildTree(config.payload));

// Memory of one full parse, measured alone after a collection.
gc();
const before = process.memoryUsage();
const kept = parseDump(text);
const after = process.memoryUsage();
const proxyPasses = findAll(kept.tree, 'proxy_pass').length;
console.log(
  `\nmemory of one parseDump result: heap +${((after.heapUsed - before.heapUsed) / MB).toFixed(1)} MB, ` +
    `rss ${(after.rss / MB).toFixed(0)} MB, peak rss ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
);
console.log(
  `check: ${kept.payload.status}, ${kept.payload.config.length} files, ${proxyPasses} proxy_pass directives`,
);
