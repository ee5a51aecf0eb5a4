// How a long-running command (bot, worker) learns it should stop: SIGTERM, SIGINT, or the embedding
// process's AbortSignal (`start`, tests) — also one that was aborted before we began to listen.

/** Resolves with what asked to stop ("SIGTERM", "SIGINT" or "stop"), and stops listening then. */
export function waitForStop(stop?: AbortSignal): Promise<string> {
  return new Promise((resolve) => {
    const done = (why: string) => {
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      stop?.removeEventListener('abort', onStop);
      resolve(why);
    };
    const onTerm = () => done('SIGTERM');
    const onInt = () => done('SIGINT');
    const onStop = () => done('stop');
    process.once('SIGTERM', onTerm);
    process.once('SIGINT', onInt);
    stop?.addEventListener('abort', onStop, { once: true });
    if (stop?.aborted) onStop();
  });
}
