// The picture of a real thread for the README: a thread recorded by test/e2e/remediate-slack.test.ts
// (UD_DUMP_THREAD=FILE) drawn as Slack would, then screenshotted with headless Chromium.
//   npx tsx scripts/render-thread.ts THREAD.json OUT.png [--moment offered|applied]
// A doc-time tool: Chromium is needed here only, never in CI (apt-get install chromium fonts-noto-color-emoji
// fonts-lato fonts-dejavu-core).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { atMoment, type Moment, parseThread, threadPage } from './thread-html.js';

const WIDTH = 900;
/** 1.5 keeps text crisp on high-density screens and the PNG well under 400 KB. */
const SCALE = 1.5;
const USAGE = 'usage: npx tsx scripts/render-thread.ts THREAD.json OUT.png [--moment offered|applied]';

function fail(message: string): never {
  process.stderr.write(`render-thread: ${message}\n`);
  process.exit(1);
}

function chromium(args: string[], profile: string): string {
  const binary = process.env.CHROMIUM ?? 'chromium';
  const run = spawnSync(
    binary,
    [
      '--headless=new',
      '--no-sandbox', // we run as root in a container
      '--disable-gpu',
      '--hide-scrollbars',
      `--user-data-dir=${profile}`, // a throwaway profile: nothing left in ~/.config
      `--force-device-scale-factor=${SCALE}`,
      ...args,
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if ((run.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT')
    fail('install chromium: apt-get install chromium');
  if (run.error || run.status !== 0)
    fail(`chromium failed: ${run.error?.message ?? run.stderr.trim().split('\n').at(-1)}`);
  return run.stdout;
}

function main(): void {
  const args = process.argv.slice(2);
  const flag = args.indexOf('--moment');
  const moment = flag < 0 ? 'offered' : args.splice(flag, 2)[1];
  if (moment !== 'offered' && moment !== 'applied') fail(USAGE);
  const [input, output] = args;
  if (!input || !output || args.length !== 2) fail(USAGE);

  let html: string;
  try {
    const thread = parseThread(JSON.parse(readFileSync(input, 'utf8')));
    html = threadPage(atMoment(thread, moment as Moment), thread[0]!.channel);
  } catch (err) {
    fail(`${input}: ${(err as Error).message}`);
  }

  const dir = mkdtempSync(join(tmpdir(), 'render-thread-'));
  try {
    const page = join(dir, 'thread.html');
    writeFileSync(page, html);
    const url = pathToFileURL(page).href;
    // First pass: lay the page out at the final width and read back the height it needs (the page's script
    // writes it into <body data-height>), so the screenshot has no empty band below the thread.
    const dom = chromium([`--window-size=${WIDTH},800`, '--dump-dom', url], join(dir, 'profile'));
    const height = Number(/data-height="(\d+)"/.exec(dom)?.[1]);
    if (!(height > 0)) fail('could not measure the page height (no data-height in --dump-dom output)');
    chromium(
      [`--window-size=${WIDTH},${height}`, `--screenshot=${resolve(output)}`, url],
      join(dir, 'profile'),
    );
    process.stdout.write(`${output}: ${WIDTH}x${height} CSS px at ${SCALE}x (${moment})\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
