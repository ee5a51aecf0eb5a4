// The host visit of a diagnose job: collect() over SSH like the CLI's collectTarget, but every transport it
// opens (the host's and its upstream peers') is tracked, so an aborted job closes them all at once.
import type { HostSnapshot } from '../model/types.js';
import { collect } from '../collect/collect.js';
import { findHostByAddress, type Inventory, type Target } from '../inventory/index.js';
import { SshTransport } from '../transport/ssh.js';
import type { Transport } from '../transport/types.js';

export interface CollectRequest {
  onProgress: (step: string) => void;
  /** Aborts the visit: the SSH connections are closed and the snapshot is abandoned. */
  signal: AbortSignal;
}

/** Visits a host and returns what it printed (HostSnapshot.unreachable when it could not be reached). */
export type Collector = (
  inventory: Inventory,
  target: Target,
  request: CollectRequest,
) => Promise<HostSnapshot>;

export function sshCollector(
  options: { env?: NodeJS.ProcessEnv; transportFor?: (target: Target) => Transport } = {},
): Collector {
  const transportFor =
    options.transportFor ?? ((t: Target) => new SshTransport(t, { env: options.env ?? process.env }));
  return async (inventory, target, { onProgress, signal }) => {
    const opened: Transport[] = [];
    const closeAll = () => {
      for (const t of opened) void t.close().catch(() => undefined);
    };
    const open = (t: Target): Transport => {
      const transport = transportFor(t);
      opened.push(transport);
      if (signal.aborted) void transport.close().catch(() => undefined);
      return transport;
    };
    signal.addEventListener('abort', closeAll, { once: true });
    try {
      return await collect(open(target), target, {
        onProgress,
        peerFor: (address) => {
          const peer = findHostByAddress(inventory, address);
          return peer && peer.name !== target.name ? { name: peer.name, transport: open(peer) } : undefined;
        },
      });
    } finally {
      signal.removeEventListener('abort', closeAll);
    }
  };
}

export class JobTimeoutError extends Error {
  override name = 'JobTimeoutError';
}

/**
 * Runs `fn` for at most `ms`: then its signal aborts (so it can close what it opened) and the returned
 * promise rejects with JobTimeoutError at once, without waiting for `fn` to notice. An abort of `outer`
 * (the host lock lost, the worker closing) is passed on the same way.
 */
export function withTimeLimit<T>(
  ms: number,
  what: string,
  outer: AbortSignal | undefined,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    const stop = (reason: Error) => {
      controller.abort(reason);
      reject(reason);
    };
    const timer = setTimeout(
      () => stop(new JobTimeoutError(`${what} took longer than ${Math.round(ms / 1000)} s`)),
      ms,
    );
    const onOuter = () =>
      stop(outer!.reason instanceof Error ? outer!.reason : new Error(String(outer!.reason)));
    if (outer?.aborted) onOuter();
    outer?.addEventListener('abort', onOuter, { once: true });
    fn(controller.signal)
      .then(resolve, reject)
      .finally(() => {
        clearTimeout(timer);
        outer?.removeEventListener('abort', onOuter);
      });
  });
}
