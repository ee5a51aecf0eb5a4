// How a long-running command (bot, worker) learns it should stop: SIGTERM, SIGINT, or the embedding
// process's AbortSignal (`start`, tests) — also one that was aborted before we began to listen — or the
// reader of our output going away (EPIPE), which ends a Unix program like SIGPIPE would, but cleanly.
import { outputClosed } from './exit.js';

/** Resolves with what asked to stop ("SIGTERM", "SIGINT", "stop" or "EPIPE"), and stops listening then. */
export function waitForStop(stop?: AbortSignal): Promise<string> {
  const closed = outputClosed;
  return new Promise((resolve) => {
    const done = (why: string) => {
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      stop?.removeEventListener('abort', onStop);
      closed.removeEventListener('abort', onClosed);
      resolve(why);
    };
    const onTerm = () => done('SIGTERM');
    const onInt = () => done('SIGINT');
    const onStop = () => done('stop');
    const onClosed = () => done('EPIPE');
    process.once('SIGTERM', onTerm);
    process.once('SIGINT', onInt);
    stop?.addEventListener('abort', onStop, { once: true });
    closed.addEventListener('abort', onClosed, { once: true });
    if (stop?.aborted) onStop();
    else if (closed.aborted) onClosed();
  });
}
