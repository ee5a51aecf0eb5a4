// How an `upstream-doctor` process ends. `process.exit()` drops whatever a pipe has not taken yet (a pipe
// holds 64 KiB, so `nginx-json big.conf | jq` lost the rest and still exited 0): here a finished command only
// sets `process.exitCode` and the process ends by itself once stdout and stderr have drained and nothing is
// left open. A reader that goes away (`| head -1`, EPIPE) ends the process quietly with 141, the status a
// shell gives a program killed by SIGPIPE, after a long-running command has stopped cleanly. The one forced
// exit left is a safety net for a library that keeps a handle open: it runs only after the write callbacks
// of stdout and stderr have fired, so even then no byte of output is lost.

import { visibleLines } from '../text/visible.js';

/** The exit status of a process whose reader went away: 128 + SIGPIPE, what a shell reports for `yes | head -1`. */
export const EXIT_OUTPUT_CLOSED = 141;
/** How long a finished process may stay alive after draining before the safety net ends it. */
export const EXIT_GRACE_MS = 3000;
/** What the safety net says when it fires: a handle was left open (a bug; tests look for this line). */
export const EXIT_FORCED_NOTE = 'upstream-doctor: exiting: something stayed open after the command finished';

interface Stream {
  write(chunk: string, callback: (err?: Error | null) => void): boolean;
  destroyed: boolean;
  writableEnded: boolean;
  on(event: 'error', listener: (err: NodeJS.ErrnoException) => void): unknown;
}

const closed = new AbortController();
/** Aborted when stdout's or stderr's reader has gone away (EPIPE): long-running commands stop as on SIGTERM. */
export const outputClosed: AbortSignal = closed.signal;

/** Resolves once everything written to `stream` so far has been handed to the kernel (or cannot be). */
export function drained(stream: Stream): Promise<void> {
  if (stream.destroyed || stream.writableEnded) return Promise.resolve();
  // Writes complete in order: the callback of an empty write fires after every earlier write's.
  return new Promise((resolve) => stream.write('', () => resolve()));
}

/**
 * Makes an EPIPE on stdout or stderr a quiet end instead of an uncaught 'error' with a stack trace: the
 * rest of the output is dropped, long-running commands are asked to stop, and the process exits 141.
 */
export function watchOutputs(streams: Stream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams)
    stream.on('error', (err) => {
      // Any other write error loses the output just the same; it has nowhere to be reported either.
      process.exitCode = err.code === 'EPIPE' ? EXIT_OUTPUT_CLOSED : 2;
      closed.abort();
    });
}

let ending = false;

/**
 * Ends the process with `code` without cutting its output: sets the exit code and waits for both streams
 * to drain; the event loop then empties and the process ends. Should something keep it open (a hung
 * library), it is ended EXIT_GRACE_MS later, still only after the streams drained.
 */
export async function endProcess(code: number, graceMs = EXIT_GRACE_MS): Promise<void> {
  if (ending) return;
  ending = true;
  if (!outputClosed.aborted) process.exitCode = code;
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  setTimeout(() => {
    if (!process.stderr.destroyed) process.stderr.write(`${EXIT_FORCED_NOTE}\n`, () => process.exit());
    else process.exit();
  }, graceMs).unref();
}

/**
 * Exits now, whatever is still running, once stdout and stderr have drained: for a second Ctrl-C, or a
 * demo torn down after a signal while its staging may still hang. The first of these or endProcess wins.
 * A reader that takes nothing at all for graceMs cannot hold up an exit that was asked for.
 */
export async function exitAfterDrain(code: number, graceMs = EXIT_GRACE_MS): Promise<void> {
  if (ending) return;
  ending = true;
  if (!outputClosed.aborted) process.exitCode = code;
  const stuck = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
  await Promise.race([Promise.all([drained(process.stdout), drained(process.stderr)]), stuck]);
  process.exit();
}

/** Runs the CLI's main function as this process: its code ends the process once the output has drained. */
export function runAsProcess(
  main: (argv: string[]) => Promise<number>,
  argv: string[],
  describeError: (err: unknown) => string = (err) => (err instanceof Error ? err.message : String(err)),
): void {
  watchOutputs();
  main(argv).then(
    (code) => endProcess(code),
    (err: unknown) => {
      if (!process.stderr.destroyed)
        process.stderr.write(`upstream-doctor: ${visibleLines(describeError(err))}\n`);
      return endProcess(2);
    },
  );
}
