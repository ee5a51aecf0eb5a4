// `upstream-doctor start` (what `npm start` runs): the Slack bot and a worker in one process, for small
// teams. Same settings as `bot` and `worker`; when either stops (SIGTERM, or a bad setting at start), the
// other is stopped too, and the exit code is the worse of the two.
import { bot } from './bot.js';
import type { CliIo } from './io.js';
import { worker } from './worker.js';

export const START_USAGE = `usage: upstream-doctor start [--inventory FILE]

The Slack bot and a worker in one process (what \`npm start\` runs). It reads the settings of both:
see \`upstream-doctor bot --help\` and \`upstream-doctor worker --help\`. SIGTERM stops both cleanly.`;

export async function start(args: string[], io: CliIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(`${START_USAGE}\n`);
    return 0;
  }
  const stop = new AbortController();
  const both = [bot(args, io, { stop: stop.signal }), worker(args, io, { stop: stop.signal })].map((run) =>
    run.finally(() => stop.abort()),
  );
  const codes = await Promise.all(both);
  return Math.max(...codes);
}
