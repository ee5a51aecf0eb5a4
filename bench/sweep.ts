// How long a fleet sweep takes, `/502 tag:NAME` to the parent edited to the grouped verdict, for 30 and 100
// fake hosts with one and two worker processes (real bot and worker processes, real Redis, the Slack Web API
// stand-in, real SSH), next to parallel-ssh running the collector's raw commands on the same hosts at once
// (target: within 1.2x of parallel-ssh). Figures only, no assertion. Run as root:
//
//   npx tsx bench/sweep.ts [--hosts 30,100] [--workers 1,2] [--runs 3] [--concurrency 16]
//
// --concurrency is WORKER_CONCURRENCY of each worker (jobs at once, and diagnosis threads); parallel-ssh
// runs every host at once (-p N). Beside them, `diagnose tag:bN --summary` of the built binary (npm run build
// first): the same diagnoses in one process, without the queue. Each worker set first runs one sweep that is not counted (warm threads).
import { cpus, loadavg } from 'node:os';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse, stringify } from 'yaml';
import { Lab, type LabHost } from '../lab/index.js';
import { healthy, nginxNotRunning, portMismatch } from '../lab/scenarios/index.js';
import { collectTarget } from '../src/collect/from-inventory.js';
import { loadInventory, selectHosts } from '../src/inventory/index.js';
import { cliEnv, spawnCli, type CliProcess } from '../test/support/cli-processes.js';
import { SlackApiStandIn } from '../test/support/slack-api.js';
import { postSigned, slashCommandBody } from '../test/support/slack-requests.js';
import { dropPrefix, redisForTest, REDIS_URL, testPrefix } from '../test/unit/queue/support.js';
import { median, parallelSsh, rawScript, run, timed } from './ssh-baseline.js';

const BIN = new URL('../bin/upstream-doctor.js', import.meta.url).pathname;

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '30,100' },
    workers: { type: 'string', default: '1,2' },
    runs: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '16' },
  },
});
const list = (text: string) =>
  text
    .split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
const SIZES = list(values.hosts);
const WORKERS = list(values.workers);
const RUNS = Number(values.runs);
const CONCURRENCY = Number(values.concurrency);
const MAX = Math.max(...SIZES);
const TOKEN = 'xoxb-bench-sweep';
const SECRET = 'bench-sweep-secret';
const CHANNEL = 'C0BENCH';

const name = (i: number) => `web-${String(i).padStart(3, '0')}`;

/** Every tenth host has the port mismatch, host 7 has nginx down, the rest are healthy. */
function scenarioOf(i: number) {
  return i % 10 === 3 ? portMismatch : i === 7 ? nginxNotRunning : healthy;
}

async function main(): Promise<void> {
  const lab = await Lab.create({ prefix: 'udswb' });
  const dir = await mkdtemp(join(tmpdir(), 'ud-bench-sweep-'));
  const redis = redisForTest();
  const prefix = testPrefix();
  let slack: SlackApiStandIn | undefined;
  let bot: CliProcess | undefined;
  let workers: CliProcess[] = [];
  try {
    const hosts: LabHost[] = [];
    for (let i = 1; i <= MAX; i += 5) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(5, MAX - i + 1) }, (_, j) =>
          scenarioOf(i + j).stage(lab, { name: name(i + j), warm: false }),
        ),
      );
      hosts.push(...batch.map((s) => s.targetHost!));
    }
    // Tag `bN` on the first N hosts, for each size.
    const doc = parse(await readFile(lab.inventoryPath, 'utf8')) as {
      hosts: Record<string, { tags?: string[] }>;
    };
    for (const [host, entry] of Object.entries(doc.hosts)) {
      const i = Number(host.slice(4));
      entry.tags = SIZES.filter((n) => i <= n).map((n) => `b${n}`);
    }
    const inventoryPath = join(dir, 'hosts.yml');
    await writeFile(inventoryPath, stringify(doc));

    // The collector's commands, as one script: what parallel-ssh runs.
    const loaded = await loadInventory({ path: inventoryPath });
    if (!loaded.ok) throw new Error(loaded.error.join('\n'));
    const first = selectHosts(loaded.value, [name(1)]);
    if (!first.ok) throw new Error(first.error.join('\n'));
    const snapshot = await collectTarget(loaded.value, first.value[0]!);
    const script = rawScript(snapshot);
    const commands = Object.keys(snapshot.results).length;

    slack = await SlackApiStandIn.start({ token: TOKEN });
    const env = {
      ...cliEnv({ token: TOKEN, secret: SECRET, slackUrl: slack.url, redisUrl: REDIS_URL, prefix }),
      AUDIT_LOG: join(dir, 'audit.jsonl'),
      WORKER_CONCURRENCY: String(CONCURRENCY),
    };
    bot = spawnCli(['bot', '--inventory', inventoryPath], env);
    const listening = await bot.waitForLog((l) => l.msg === 'bot listening', 60_000);
    const events = `http://127.0.0.1:${Number(listening.port)}/slack/events`;
    const stand = slack;

    /** `/502 tag:bN` to the parent edited to the grouped verdict. */
    const sweep = async (n: number): Promise<void> => {
      const mark = stand.calls.length;
      const ack = await postSigned(
        events,
        slashCommandBody({ text: `tag:b${n}`, channel_id: CHANNEL, user_id: 'U0BENCH' }),
        { secret: SECRET },
      );
      if (ack.status !== 200) throw new Error(`the bot answered ${ack.status}`);
      const parent = () =>
        stand.calls
          .slice(mark)
          .find((c) => c.method === 'chat.postMessage' && c.args.thread_ts === undefined);
      await stand.waitFor(() => parent() !== undefined, 30_000, 'the parent');
      const ts = String(parent()!.answer.ts);
      await stand.waitFor(
        () => (stand.messages.get(ts)?.text ?? '').includes('with a cause of 502'),
        600_000,
        'the sweep verdict',
      );
    };

    const rows: string[] = [];
    for (const w of WORKERS) {
      workers = Array.from({ length: w }, () => spawnCli(['worker', '--inventory', inventoryPath], env));
      await Promise.all(workers.map((p) => p.waitForLog((l) => l.msg === 'workers started', 60_000)));
      // One sweep not counted: the workers' diagnosis threads load their code on their first job.
      await sweep(Math.min(...SIZES));
      for (const n of SIZES) {
        const ours: number[] = [];
        const theirs: number[] = [];
        const cli: number[] = [];
        for (let r = 0; r < RUNS; r++) {
          ours.push(await timed(() => sweep(n)));
          theirs.push(
            await timed(() => parallelSsh(lab, hosts.slice(0, n), script, join(dir, 'pssh-hosts'))),
          );
          // The same hosts diagnosed by the built CLI in one process: the diagnoses alone, without the queue.
          cli.push(
            await timed(() =>
              run(process.execPath, [
                BIN,
                'diagnose',
                `tag:b${n}`,
                '--summary',
                '--inventory',
                inventoryPath,
              ]),
            ),
          );
        }
        const a = median(ours);
        const b = median(theirs);
        const runs = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
        rows.push(
          `${`${n} hosts, ${w} worker${w === 1 ? '' : 's'}`.padEnd(22)} sweep ${a.toFixed(0).padStart(6)} ms   parallel-ssh ${b.toFixed(0).padStart(6)} ms   ratio ${(a / b).toFixed(2)}x   diagnose --summary ${median(cli).toFixed(0).padStart(6)} ms   (runs: ${runs(ours)} / ${runs(theirs)} / ${runs(cli)})`,
        );
        process.stderr.write(`${rows.at(-1)}\n`);
      }
      await Promise.all(workers.map((p) => p.stop()));
      workers = [];
    }
    process.stdout.write(
      [
        `sweep benchmark: /502 tag:bN to the grouped verdict; ${commands} commands a host; WORKER_CONCURRENCY ${CONCURRENCY}; median of ${RUNS} runs; ${cpus().length} cores, load ${loadavg()[0]!.toFixed(1)}`,
        ...rows,
        '',
      ].join('\n'),
    );
  } finally {
    await Promise.all([...workers, ...(bot ? [bot] : [])].map((p) => p.stop()));
    await slack?.close();
    await dropPrefix(redis, prefix);
    await redis.quit();
    await lab.teardown();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/sweep: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
