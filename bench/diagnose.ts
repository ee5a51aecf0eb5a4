// How long `upstream-doctor diagnose` takes as the process an operator starts, next to plain OpenSSH and
// parallel-ssh running the same raw commands on the same fake hosts, each pair measured in the same run
// and interleaved (the machine is shared: the anchor sees the same load). Targets (issue 16): one host
// within 1.3x of one `ssh`; 20 and 60 hosts at once within 1.06x and 0.98x of `parallel-ssh -p N`, and at
// or under 1.0x as the count grows to 200. Figures only, never an assertion.
//
//   npx tsx bench/diagnose.ts [--hosts 20,60,200] [--runs 5] [--bin bin/upstream-doctor.js[,OTHER…]] [--prefix udbench]
//
// Several --bin (comma-separated: another checkout's bin/upstream-doctor.js, say the commit before a change)
// are measured in the same run, interleaved with each other and with the anchor: before/after figures.
//
// Besides the wall time, for each host count: the peak RSS of our process (getrusage of the child, via
// GNU time), and the peak of the whole process tree of each side sampled from /proc (parallel-ssh is a
// python process plus one `ssh` per host), in a run of its own so the sampling never slows a timed run.
// And for one host, where the time goes: the process start → first byte out to SSH → last byte in → exit,
// from bench/cli-timeline.ts preloaded into the CLI (and its threads).
import { execFile, spawn } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Lab, type LabHost } from '../lab/index.js';
import { healthy } from '../lab/scenarios/index.js';
import { loadInventory, selectHosts } from '../src/inventory/index.js';
import { collectTarget } from '../src/collect/from-inventory.js';
import { median, parallelSshArgs, rawScript, sshOptions } from './ssh-baseline.js';

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '20' },
    runs: { type: 'string', default: '5' },
    bin: { type: 'string', default: new URL('../bin/upstream-doctor.js', import.meta.url).pathname },
    prefix: { type: 'string', default: 'udbench' },
  },
});
const COUNTS = values.hosts.split(',').map(Number);
const RUNS = Number(values.runs);
const BINS = values.bin.split(',');
const TIMELINE = new URL('./cli-timeline.mjs', import.meta.url).href;
if (COUNTS.some((n) => !Number.isInteger(n) || n < 1 || n > 240) || !(RUNS >= 1))
  throw new Error('--hosts: counts from 1 to 240, comma-separated; --runs: at least 1');
const MAX = Math.max(1, ...COUNTS);

interface Ran {
  ms: number;
  stdout: string;
  stderr: string;
  code: number | null;
}

/** Runs a program to its end; exit codes are the caller's to judge (parallel-ssh exits 1 when a command did). */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Ran> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 256 * 1024 * 1024, env }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(new Error(`${cmd}: ${error.message} ${stderr}`));
      else resolve({ ms: performance.now() - t0, stdout, stderr, code: error ? (error.code as number) : 0 });
    });
  });
}

/** The same, with the peak of the process tree's summed RSS sampled from /proc every 20 ms. */
function runSampled(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'ignore', env });
    let peak = 0;
    const timer = setInterval(() => (peak = Math.max(peak, treeRssKb(child.pid!))), 20);
    child.on('error', reject);
    child.on('exit', () => {
      clearInterval(timer);
      resolve(peak);
    });
  });
}

function treeRssKb(pid: number): number {
  let total = 0;
  const stack = [pid];
  while (stack.length > 0) {
    const p = stack.pop()!;
    try {
      total += Number(readFileSync(`/proc/${p}/statm`, 'utf8').split(' ')[1]) * 4;
      for (const task of readdirSync(`/proc/${p}/task`)) {
        const kids = readFileSync(`/proc/${p}/task/${task}/children`, 'utf8').trim();
        if (kids) stack.push(...kids.split(' ').map(Number));
      }
    } catch {
      // gone between two reads
    }
  }
  return total;
}

async function main(): Promise<void> {
  const lab = await Lab.create({ prefix: values.prefix });
  const hostsFile = `/tmp/${values.prefix}-${process.pid}-hosts`;
  try {
    const hosts: LabHost[] = [];
    for (let i = 0; i < MAX; i += 8) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(8, MAX - i) }, (_, j) =>
          healthy.stage(lab, { name: `web-${String(i + j + 1).padStart(3, '0')}` }),
        ),
      );
      hosts.push(...batch.map((s) => s.targetHost!));
    }
    const loaded = await loadInventory({ path: lab.inventoryPath });
    if (!loaded.ok) throw new Error(loaded.error.join('\n'));
    const selection = selectHosts(loaded.value, [hosts[0]!.name]);
    if (!selection.ok) throw new Error(selection.error.join('\n'));
    const first = await collectTarget(loaded.value, selection.value[0]!);
    const script = rawScript(first);
    const commands = Object.keys(first.results).length;

    const ours = (names: string[], bin = BINS[0]!) => [
      bin,
      'diagnose',
      '--inventory',
      lab.inventoryPath,
      '--json',
      ...names,
    ];
    const oursRun = async (names: string[], env?: NodeJS.ProcessEnv, bin = BINS[0]!) => {
      const r = await run(process.execPath, ours(names, bin), env);
      // Healthy hosts: anything else is noted with the figures (a finding a loaded machine provoked).
      if (r.code !== 0) {
        const causes = [...r.stdout.matchAll(/"cause": "([^"]+)"/g)].map((m) => m[1]);
        const which = `bin ${label(BINS.indexOf(bin))} ${names.length} host${names.length === 1 ? '' : 's'}`;
        oddities.push(
          `${which}: exit ${r.code} (${[...new Set(causes)].join(', ')}) ${r.stderr.trim()}`.trim(),
        );
      }
      return r.ms;
    };
    const psshArgs = (n: number) => parallelSshArgs(lab, hostsFile, n, script);
    const oddities: string[] = [];
    const label = (i: number) => (BINS.length === 1 ? '' : `#${i + 1}`);
    const lines = [
      `diagnose benchmark: ${commands} commands a host, median of ${RUNS} runs`,
      ...BINS.map((b, i) => `  bin ${label(i)} ${b}`),
    ];
    const row = (what: string, a: number[], b: number[], anchor: string) =>
      `${what.padEnd(21)} upstream-doctor ${median(a).toFixed(0).padStart(6)} ms   ${anchor.padEnd(13)} ${median(b).toFixed(0).padStart(6)} ms   ratio ${(median(a) / median(b)).toFixed(2)}x`;

    // One host: the process, against one `ssh` with the same commands.
    const one: number[][] = BINS.map(() => []);
    const oneSsh: number[] = [];
    for (const bin of BINS) await oursRun([hosts[0]!.name], undefined, bin); // page cache warm
    for (let r = 0; r < RUNS; r++) {
      for (const [i, bin] of BINS.entries()) one[i]!.push(await oursRun([hosts[0]!.name], undefined, bin));
      oneSsh.push((await run('ssh', [...sshOptions(lab), `root@${hosts[0]!.address}`, script])).ms);
    }
    for (const [i, bin] of BINS.entries()) {
      lines.push(row(`1 host ${label(i)}`, one[i]!, oneSsh, 'ssh'));
      lines.push(
        `  where the time goes (median, ms from process start): ${await timeline(hosts[0]!.name, bin)}`,
      );
    }

    // N hosts at once, against parallel-ssh -p N.
    for (const n of COUNTS.filter((c) => c > 1)) {
      const names = hosts.slice(0, n).map((h) => h.name);
      writeFileSync(
        hostsFile,
        hosts
          .slice(0, n)
          .map((h) => `root@${h.address}`)
          .join('\n') + '\n',
      );
      const many: number[][] = BINS.map(() => []);
      const manyPssh: number[] = [];
      for (let r = 0; r < RUNS; r++) {
        for (const [i, bin] of BINS.entries()) many[i]!.push(await oursRun(names, undefined, bin));
        manyPssh.push((await run('parallel-ssh', psshArgs(n))).ms);
      }
      const treePssh = await runSampled('parallel-ssh', psshArgs(n));
      for (const [i, bin] of BINS.entries()) {
        const maxRss = /(\d+)\s*$/.exec(
          (await run('/usr/bin/time', ['-f', '%M', process.execPath, ...ours(names, bin)])).stderr,
        )?.[1];
        const treeOurs = await runSampled(process.execPath, ours(names, bin));
        lines.push(row(`${n} hosts at once ${label(i)}`, many[i]!, manyPssh, 'parallel-ssh'));
        lines.push(
          `  peak RSS: upstream-doctor ${mb(Number(maxRss) || 0)} (getrusage), ${mb(treeOurs)} sampled;` +
            `  parallel-ssh and its ${n} ssh ${mb(treePssh)} sampled`,
        );
      }
    }
    if (oddities.length > 0) lines.push(`runs that did not exit 0: ${oddities.join('; ')}`);
    process.stdout.write(`${lines.join('\n')}\n`);

    async function timeline(name: string, bin: string): Promise<string> {
      const marks: Record<string, number[]> = {};
      for (let r = 0; r < RUNS; r++) {
        const file = `/tmp/${values.prefix}-${process.pid}-timeline`;
        rmSync(file, { force: true });
        await oursRun(
          [name],
          { ...process.env, NODE_OPTIONS: `--import ${TIMELINE}`, UD_BENCH_TIMELINE: file },
          bin,
        );
        const events = readFileSync(file, 'utf8')
          .trim()
          .split('\n')
          .map((l) => l.split(' '))
          .map(([k, t]) => [k!, Number(t)] as const);
        const origin = Math.min(...events.filter(([k]) => k === 'start').map(([, t]) => t));
        const first = (k: string) => Math.min(...events.filter(([e]) => e === k).map(([, t]) => t));
        const last = (k: string) => Math.max(...events.filter(([e]) => e === k).map(([, t]) => t));
        const at = {
          'thread up': first('thread') - origin,
          'first byte out': first('out') - origin,
          'last byte in': last('in') - origin,
          exit: last('exit') - origin,
        };
        for (const [k, v] of Object.entries(at)) (marks[k] ??= []).push(v);
        rmSync(file, { force: true });
      }
      return Object.entries(marks)
        .map(([k, v]) => `${k} ${median(v).toFixed(0)}`)
        .join(', ');
    }
  } finally {
    rmSync(hostsFile, { force: true });
    await lab.teardown();
  }
}

function mb(kb: number): string {
  return `${(kb / 1024).toFixed(0)} MB`;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/diagnose: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
