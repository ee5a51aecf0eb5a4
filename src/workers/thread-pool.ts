// A small pool of warm worker threads running one module, for work whose running time hostile input decides
// (parsing what a host printed). The caller's thread only posts a job and waits, so its timers, sockets and
// HTTP server keep running however long a job spins; a job whose signal aborts (its deadline) gets its
// thread terminated — V8 stops even a running regular expression — and a fresh thread takes the slot.
// Threads start with the pool and stay up between jobs: starting one (loading ssh2 and the parsers) costs
// far more than a job's messages (bench/threads.ts has the figures).
//
// The module is a thread entry (see serveThreadJobs): it answers each job's message with progress lines and
// one result or error. From source (tsx) the entry is a .ts file, loaded through tsx's loader in the thread.
import { parentPort, Worker } from 'node:worker_threads';

export type ThreadMessage<R> =
  | { id: number; kind: 'progress'; step: string }
  | { id: number; kind: 'done'; result: R }
  | { id: number; kind: 'error'; message: string };

export interface ThreadJobOptions {
  /** Aborting ends the job at once: its thread is terminated (with any other job on it) and replaced. */
  signal?: AbortSignal;
  onProgress?: (step: string) => void;
}

/** A job's thread ended under it (terminated by another job's abort, crashed, out of memory). */
export class ThreadLost extends Error {
  override name = 'ThreadLost';
}

interface Pending<R> {
  resolve: (result: R) => void;
  reject: (err: Error) => void;
  onProgress?: (step: string) => void;
}

interface Slot<R> {
  worker: Worker;
  pending: Map<number, Pending<R>>;
}

export interface ThreadPoolOptions {
  /** Threads kept warm; jobs go to the least busy one. */
  size: number;
  /** The thread's heap limit: a job that would need more ends with ThreadLost, not the process. */
  maxHeapMb?: number;
}

const DEFAULT_HEAP_MB = 1024;

/**
 * Threads started before their pool (startEarly), by entry and heap limit: the pool made later takes them.
 * Each is unref'd, so one never taken (a usage error, `--help`) never keeps the process alive.
 */
const early = new Map<string, Worker[]>();
const earlyKey = (entry: URL, maxHeapMb: number) => `${maxHeapMb} ${entry.href}`;

/**
 * Starts a thread on `entry` now, for a pool not made yet: a one-host CLI run waits on its thread's start
 * (node booting a worker, then the entry loading ssh2 and the parsers), and started before the CLI's own
 * modules load, that start runs beside them on the other core. One that fails before it is taken is dropped.
 */
export function startEarly(entry: URL, maxHeapMb = DEFAULT_HEAP_MB): Worker {
  const key = earlyKey(entry, maxHeapMb);
  const worker = spawn(entry, maxHeapMb);
  worker.unref();
  const drop = () =>
    early.set(
      key,
      (early.get(key) ?? []).filter((w) => w !== worker),
    );
  worker.once('error', drop);
  worker.once('exit', drop);
  early.set(key, [...(early.get(key) ?? []), worker]);
  return worker;
}

function takeEarly(entry: URL, maxHeapMb: number): Worker | undefined {
  const worker = early.get(earlyKey(entry, maxHeapMb))?.shift();
  worker?.removeAllListeners('error').removeAllListeners('exit');
  return worker;
}

/** How to start a thread on `entry`: directly when built, through tsx's loader when running from source. */
function spawn(entry: URL, maxHeapMb: number): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: maxHeapMb };
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { resourceLimits });
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(boot, { eval: true, resourceLimits });
}

export class ThreadPool<J, R> {
  private readonly slots: Slot<R>[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly entry: URL,
    private readonly options: ThreadPoolOptions,
  ) {
    for (let i = 0; i < Math.max(1, options.size); i++) this.slots.push(this.start());
  }

  /** Starts threads until `size` are up (a pool started small, before its caller knew how many it needs). */
  grow(size: number): void {
    while (!this.closed && this.slots.length < size) this.slots.push(this.start());
  }

  /** Runs one job on the least busy thread. Rejects with the signal's reason when it aborts. */
  run(job: J, options: ThreadJobOptions = {}): Promise<R> {
    if (this.closed) return Promise.reject(new Error('the thread pool is closed'));
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(reasonOf(signal));
    const slot = this.slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      const onAbort = () => this.replace(slot, reasonOf(signal!));
      const settle = () => {
        signal?.removeEventListener('abort', onAbort);
        // A thread with no job never keeps the process alive (a CLI that printed its answer exits).
        if (slot.pending.size === 0) slot.worker.unref();
      };
      slot.pending.set(id, {
        resolve: (r) => (settle(), resolve(r)),
        reject: (e) => (settle(), reject(e)),
        onProgress: options.onProgress,
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      slot.worker.ref();
      slot.worker.postMessage({ id, job });
    });
  }

  /** Jobs running now, across threads. */
  busy(): number {
    return this.slots.reduce((n, s) => n + s.pending.size, 0);
  }

  /** Terminates every thread; jobs still running reject with ThreadLost. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => this.stop(s, new ThreadLost('the thread pool closed'))));
  }

  private start(): Slot<R> {
    const heapMb = this.options.maxHeapMb ?? DEFAULT_HEAP_MB;
    const worker = takeEarly(this.entry, heapMb) ?? spawn(this.entry, heapMb);
    const slot: Slot<R> = { worker, pending: new Map() };
    worker.on('message', (m: ThreadMessage<R>) => {
      const p = slot.pending.get(m.id);
      if (!p) return;
      if (m.kind === 'progress') return p.onProgress?.(m.step);
      slot.pending.delete(m.id);
      if (m.kind === 'done') p.resolve(m.result);
      else p.reject(new Error(m.message));
    });
    worker.on('error', (err) =>
      this.replace(slot, new ThreadLost(`the diagnosis thread failed: ${err.message}`)),
    );
    worker.on('exit', () => this.replace(slot, new ThreadLost('the diagnosis thread stopped')));
    worker.unref();
    return slot;
  }

  /** Ends a slot's thread, failing its jobs with `reason`, and puts a fresh thread in its place. */
  private replace(slot: Slot<R>, reason: Error): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    void this.stop(slot, reason);
    if (!this.closed) this.slots[index] = this.start();
    else this.slots.splice(index, 1);
  }

  private async stop(slot: Slot<R>, reason: Error): Promise<void> {
    slot.worker.removeAllListeners('exit');
    slot.worker.removeAllListeners('error');
    slot.worker.on('error', () => undefined);
    const pending = [...slot.pending.values()];
    slot.pending.clear();
    for (const p of pending) p.reject(reason);
    await slot.worker.terminate();
  }
}

function reasonOf(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason));
}

/**
 * The thread side: answers every job posted to this thread with `handle`'s progress lines and its result
 * (or its error as a message). Jobs run concurrently; the pool decides how many a thread gets.
 */
export function serveThreadJobs<J, R>(
  handle: (job: J, progress: (step: string) => void) => Promise<R>,
): void {
  const port = parentPort;
  if (!port) throw new Error('serveThreadJobs runs in a worker thread');
  port.on('message', ({ id, job }: { id: number; job: J }) => {
    const post = (m: ThreadMessage<R>) => port.postMessage(m);
    handle(job, (step) => post({ id, kind: 'progress', step })).then(
      (result) => post({ id, kind: 'done', result }),
      (err: unknown) =>
        post({ id, kind: 'error', message: err instanceof Error ? err.message : String(err) }),
    );
  });
}
