// `upstream-doctor nginx-json` as whole processes, beside crossplane (Python, the format's origin) and the
// npm package nginx-conf, on the shared 10,000-server config (bench/nginx-config.ts) written to disk as one
// nginx.conf. Each command runs interleaved with the others, several times, its stdout read through a real
// pipe to the end; printed are the median wall time and peak RSS of each, the output's size and hash
// (ours must equal crossplane's byte for byte, and the in-process reference), and the ratios.
// Figures only, no timed assertion: a busy machine moves them.
//
// Run:  npm run build && node --import tsx bench/nginx-json.ts [--servers 10000] [--runs 5]
//         [--crossplane DIR] [--also NAME=CLI.js]…
//   --crossplane DIR (or CROSSPLANE_DIR): a checkout of github.com/nginxinc/crossplane (pure Python, run as
//                    `python3 -m crossplane parse` from DIR); skipped with a line saying so when absent.
//   --also NAME=PATH: another build of our CLI (say, the one before a change) measured in the same runs.
// Peak RSS comes from GNU time (/usr/bin/time -f %M, the child's own high-water mark); without it, no RSS.
// Targets (issue 16): at least 10x faster than crossplane, 2x faster than nginx-conf, half the old peak RSS.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseConfigFile } from '../src/parsers/nginx/disk.js';
import { parseDump } from '../src/parsers/nginx/dump.js';
import { toCrossplaneJson } from '../src/parsers/nginx/json.js';
import { printableJsonText } from '../src/text/visible.js';
import { generateDump, generateFlat } from './nginx-config.js';

const { values } = parseArgs({
  options: {
    servers: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '5' },
    crossplane: { type: 'string' },
    also: { type: 'string', multiple: true, default: [] },
  },
});
const SERVERS = Number(values.servers);
const RUNS = Number(values.runs);
const MB = 1024 * 1024;
const CLI = fileURLToPath(new URL('../bin/upstream-doctor.js', import.meta.url));
const TIME = '/usr/bin/time';
const hasTime = existsSync(TIME);

/** nginx-conf has no command line: this parses the file and prints its whole tree as JSON (parents left out). */
const NGINX_CONF_MAIN = `
const { parseFile } = require(process.argv[2]);
parseFile(process.argv[3], 'utf8', (err, tree) => {
  if (err) { process.stderr.write(String(err) + '\\n'); process.exitCode = 1; return; }
  const plain = (n) => ({ name: n.name, value: n.value, comments: n.comments,
    children: n.children ? n.children.map(plain) : null });
  process.stdout.write(JSON.stringify(plain(tree)) + '\\n');
});
`;

interface Command {
  label: string;
  argv: string[];
  cwd?: string;
  /** The output it must print, when we know it. */
  expect?: string;
}

interface Sample {
  ms: number;
  rssMb: number | undefined;
  /** User + system CPU time (GNU time's 10 ms resolution): what a busy machine distorts less than wall time. */
  cpuMs: number | undefined;
  bytes: number;
  sha: string;
  code: number | null;
}

/** Runs one command with stdout on a pipe read to the end; wall time from spawn to exit, peak RSS from GNU time. */
function runOnce(cmd: Command): Promise<Sample> {
  const argv = hasTime ? [TIME, '-f', '@@rss %M %U %S', ...cmd.argv] : cmd.argv;
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(argv[0]!, argv.slice(1), { cwd: cmd.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const hash = createHash('sha256');
    let bytes = 0;
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      hash.update(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const rss = /@@rss (\d+) ([\d.]+) ([\d.]+)/.exec(stderr);
      const rest = stderr.replace(/@@rss .*\n?/, '').trim();
      if (code !== 0 && code !== 1) reject(new Error(`${cmd.label}: exit ${code}: ${rest.slice(0, 500)}`));
      else
        resolve({
          ms,
          rssMb: rss ? Number(rss[1]) / 1024 : undefined,
          cpuMs: rss ? (Number(rss[2]) + Number(rss[3])) * 1000 : undefined,
          bytes,
          sha: hash.digest('hex'),
          code,
        });
    });
  });
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

const dir = mkdtempSync(join(tmpdir(), 'bench-nginx-json-'));
try {
  const flat = generateFlat(SERVERS);
  const confPath = join(dir, 'nginx.conf');
  writeFileSync(confPath, flat);
  const dumpPath = join(dir, 'nginx-T.txt');
  writeFileSync(dumpPath, generateDump(SERVERS));
  const runner = join(dir, 'nginx-conf-main.cjs');
  writeFileSync(runner, NGINX_CONF_MAIN);

  // The reference: the in-process payload, serialized the way nginx-json printed it before streaming.
  const reference = (text: string): string => `${printableJsonText(text)}\n`;
  const expectFlat = reference(toCrossplaneJson(parseConfigFile(confPath).payload));
  const expectDump = reference(toCrossplaneJson(parseDump(generateDump(SERVERS)).payload));

  const commands: Command[] = [
    { label: 'node start-up (node -e 0)', argv: [process.execPath, '-e', '0'] },
    { label: 'ours: nginx-json --help (start-up)', argv: [process.execPath, CLI, 'nginx-json', '--help'] },
    {
      label: 'ours: nginx-json nginx.conf',
      argv: [process.execPath, CLI, 'nginx-json', confPath],
      expect: expectFlat,
    },
    {
      label: 'ours: nginx-json nginx-T.txt (dump)',
      argv: [process.execPath, CLI, 'nginx-json', dumpPath],
      expect: expectDump,
    },
  ];
  for (const spec of values.also) {
    const [name, path] = spec.split('=', 2) as [string, string | undefined];
    if (!path) throw new Error(`--also wants NAME=PATH, not ${spec}`);
    commands.push(
      {
        label: `${name}: nginx-json nginx.conf`,
        argv: [process.execPath, path, 'nginx-json', confPath],
        expect: expectFlat,
      },
      {
        label: `${name}: nginx-json nginx-T.txt`,
        argv: [process.execPath, path, 'nginx-json', dumpPath],
        expect: expectDump,
      },
    );
  }
  const notes: string[] = [];
  const crossplane = values.crossplane ?? process.env.CROSSPLANE_DIR;
  if (crossplane && existsSync(join(crossplane, 'crossplane', '__main__.py'))) {
    commands.push({
      label: 'crossplane parse nginx.conf (python3)',
      argv: ['python3', '-m', 'crossplane', 'parse', confPath],
      cwd: crossplane,
      expect: expectFlat,
    });
  } else {
    notes.push(
      `crossplane: skipped (no checkout: pass --crossplane DIR or set CROSSPLANE_DIR to a crossplane source tree${crossplane ? `; ${crossplane} has no crossplane/__main__.py` : ''})`,
    );
  }
  let nginxConf: string | undefined;
  try {
    nginxConf = createRequire(import.meta.url).resolve('nginx-conf');
  } catch {
    notes.push('nginx-conf: skipped (the npm package is not installed: npm ci)');
  }
  if (nginxConf)
    commands.push({
      label: 'nginx-conf parseFile + JSON (node)',
      argv: [process.execPath, runner, nginxConf, confPath],
    });

  console.log(
    `config: ${SERVERS} server blocks, ${Math.floor(SERVERS / 4)} upstream groups, nginx.conf ${(flat.length / MB).toFixed(1)} MB ` +
      `(${flat.split('\n').length} lines); payload ${(expectFlat.length / MB).toFixed(1)} MB`,
  );
  console.log(
    `runs: ${RUNS} of each, interleaved, stdout through a pipe read in full; node ${process.version}, ` +
      `${availableParallelism()} CPUs, load average ${loadavg()[0]!.toFixed(2)}` +
      (hasTime ? '' : `; no ${TIME}: peak RSS not measured`),
  );
  for (const n of notes) console.log(n);
  console.log('');

  const samples = new Map<string, Sample[]>(commands.map((c) => [c.label, []]));
  for (let r = 0; r < RUNS; r++) for (const c of commands) samples.get(c.label)!.push(await runOnce(c));

  const ms = new Map<string, number>();
  const cpu = new Map<string, number | undefined>();
  const rss = new Map<string, number | undefined>();
  const fmt = (n: number | undefined, width: number): string =>
    n === undefined ? '?'.padStart(width) : n.toFixed(0).padStart(width);
  for (const c of commands) {
    const s = samples.get(c.label)!;
    const m = median(s.map((x) => x.ms));
    const peak = hasTime ? median(s.map((x) => x.rssMb ?? 0)) : undefined;
    const busy = hasTime ? median(s.map((x) => x.cpuMs ?? 0)) : undefined;
    ms.set(c.label, m);
    cpu.set(c.label, busy);
    rss.set(c.label, peak);
    const out = s[s.length - 1]!;
    let check = '';
    if (c.expect !== undefined) {
      const same = s.every((x) => x.sha === sha(c.expect!) && x.bytes === Buffer.byteLength(c.expect!));
      check = same
        ? 'output = reference'
        : `OUTPUT DIFFERS (${out.bytes} bytes, sha256 ${out.sha.slice(0, 12)})`;
    }
    console.log(
      `${c.label.padEnd(40)} wall median ${fmt(m, 5)} ms (min ${fmt(Math.min(...s.map((x) => x.ms)), 5)})` +
        `  cpu ${fmt(busy, 5)} ms  peak RSS ${fmt(peak, 4)} MB` +
        `  ${(out.bytes / MB).toFixed(1).padStart(5)} MB out, exit ${out.code}  ${check}`,
    );
  }

  const ours = 'ours: nginx-json nginx.conf';
  const times = (a: number | undefined, b: number | undefined): string =>
    a === undefined || b === undefined ? '?' : `${(a / b).toFixed(2)}x`;
  console.log(`\nagainst "${ours}" (their figure / ours):`);
  for (const c of commands) {
    if (c.label === ours || c.label.startsWith('node start-up') || c.label.includes('--help')) continue;
    console.log(
      `${c.label.padEnd(40)} wall ${times(ms.get(c.label), ms.get(ours))}, cpu ${times(cpu.get(c.label), cpu.get(ours))}` +
        `, peak RSS ${times(rss.get(c.label), rss.get(ours))}`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
