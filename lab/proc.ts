// Running programs for the lab: argv only, never a shell command line built from strings.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface RunResult {
  argv: string[];
  /** null when the program was killed by a signal (or the timeout). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface RunOptions {
  stdin?: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** The lab is test machinery: when setting up fails, it says exactly which command failed and how. */
export class LabError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabError';
  }
}

/** A small, predictable environment: the machine's locale and the user's PATH quirks stay out of the hosts. */
export const LAB_ENV: NodeJS.ProcessEnv = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  LANG: 'C.UTF-8',
  HOME: '/root',
};

export function run(argv: string[], options: RunOptions = {}): Promise<RunResult> {
  const [program, ...args] = argv;
  if (program === undefined) return Promise.reject(new LabError('run: empty argv'));
  return new Promise((resolve) => {
    const child = spawn(program, args, {
      env: options.env ?? LAB_ENV,
      stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, options.timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
    if (options.stdin !== undefined && child.stdin) {
      // A program that exits without reading its input must not crash us with EPIPE.
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.stdin);
    }
    const finish = (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error): void => {
      if (timer) clearTimeout(timer);
      resolve({
        argv,
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: spawnError ? spawnError.message : Buffer.concat(err).toString('utf8'),
        timedOut,
      });
    };
    child.on('error', (e) => finish(null, null, e));
    child.on('close', (code, signal) => finish(code, signal));
  });
}

/** Runs and rejects with a LabError (command, exit status, stderr) unless the program exits 0. */
export async function runOk(argv: string[], options: RunOptions = {}): Promise<RunResult> {
  const result = await run(argv, options);
  if (result.code !== 0) throw new LabError(describeFailure(result));
  return result;
}

export function describeFailure(result: RunResult): string {
  const status = result.timedOut
    ? 'timed out'
    : result.code === null
      ? `died of ${result.signal ?? 'an error'}`
      : `exited ${result.code}`;
  const detail = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-5).join(' | ');
  return `${result.argv.join(' ')}: ${status}${detail ? `: ${detail}` : ''}`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * True while a process with this pid runs. A zombie counts as gone: daemons (nginx, sshd) are
 * reparented to pid 1, which in a container or micro-VM may never reap them.
 */
export function processExists(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X';
}

/** Polls `check` every `intervalMs` until it returns true; false when `timeoutMs` passed first. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  intervalMs = 10,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(intervalMs);
  }
}
