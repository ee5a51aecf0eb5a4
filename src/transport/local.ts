// The local transport (`--local`): the same CommandSpecs run on this machine with child_process.spawn, no shell
// in between, with the same limits, sudo rules and result shape as over SSH.
import { spawn } from 'node:child_process';
import { userInfo } from 'node:os';
import {
  CappedBuffer,
  COMMAND_ENV,
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_MAX_BYTES,
  EXTRA_PATH,
  explainFailure,
  prepareCommand,
} from './command.js';
import { argvProblem, quoteArgv } from './quote.js';
import type { CommandSpec, RunResult, Transport } from './types.js';

export interface LocalOptions {
  /** Defaults for specs that set no timeoutMs / maxBytes. */
  commandTimeoutMs?: number;
  maxBytes?: number;
  /** Use `sudo -n` for privileged commands when this process is not root. Default true. */
  sudo?: boolean;
  /** The environment commands start from. Default process.env. */
  env?: NodeJS.ProcessEnv;
}

/** After TERM, how long a command may take to go before KILL, and how long we wait for its pipes to close. */
const KILL_AFTER_MS = 2_000;
const CLOSE_GRACE_MS = 1_000;

export class LocalTransport implements Transport {
  readonly description = 'local';
  private readonly root = process.getuid?.() === 0;
  get sudoForPrivileged(): boolean {
    return (this.options.sudo ?? true) && !this.root;
  }
  private readonly env: NodeJS.ProcessEnv;

  constructor(private readonly options: LocalOptions = {}) {
    const base = options.env ?? process.env;
    const path = [base.PATH ?? '/usr/local/bin:/usr/bin:/bin', ...EXTRA_PATH].join(':');
    this.env = { ...base, PATH: path, ...COMMAND_ENV };
  }

  async connect(): Promise<void> {
    // Nothing to open: this machine is always reachable.
  }

  async close(): Promise<void> {
    // Commands own no shared resource here; each ends on its own or by its timeout.
  }

  run(spec: CommandSpec): Promise<RunResult> {
    const started = Date.now();
    const prepared = prepareCommand(spec, { sudo: this.options.sudo ?? true, root: this.root });
    const problem = argvProblem(spec.argv) ?? prepared.problem;
    const command =
      argvProblem(spec.argv) === undefined ? quoteArgv(prepared.argv) : JSON.stringify(spec.argv);
    const program = spec.argv[0] ?? '';
    if (problem !== undefined) {
      return Promise.resolve({
        id: spec.id,
        command,
        stdout: '',
        stderr: '',
        exitCode: null,
        durationMs: 0,
        error: problem,
      });
    }
    const maxBytes = spec.maxBytes ?? this.options.maxBytes ?? DEFAULT_MAX_BYTES;
    const timeoutMs = spec.timeoutMs ?? this.options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    const stdout = new CappedBuffer(maxBytes);
    const stderr = new CappedBuffer(maxBytes);

    return new Promise((resolve) => {
      // detached: the command leads its own process group, so a timeout can end it with everything it started.
      const child = spawn(prepared.argv[0]!, prepared.argv.slice(1), {
        env: this.env,
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
      });
      let stopped: string | undefined;
      let failedToStart: NodeJS.ErrnoException | undefined;
      let done = false;
      const timers: NodeJS.Timeout[] = [];

      const finish = (exitCode: number | null, signal: NodeJS.Signals | null) => {
        if (done) return;
        done = true;
        timers.forEach(clearTimeout);
        const result: RunResult = {
          id: spec.id,
          command,
          stdout: stdout.text(),
          stderr: stderr.text(),
          exitCode: stopped === undefined ? exitCode : null,
          durationMs: Date.now() - started,
        };
        if (spec.rawStdout === true) result.stdoutBytes = stdout.bytes();
        if (failedToStart !== undefined) {
          const notFound = failedToStart.code === 'ENOENT';
          result.exitCode = notFound ? 127 : 126;
          result.stderr = `${prepared.argv[0]}: ${notFound ? 'command not found' : failedToStart.message}\n`;
          result.error = notFound
            ? `command not found: ${prepared.argv[0]}`
            : `cannot run ${prepared.argv[0]}: ${failedToStart.code ?? failedToStart.message}`;
        } else if (stopped !== undefined) {
          result.error = stopped;
        } else if (exitCode === null) {
          result.error = `killed by signal ${signal ?? 'unknown'}`;
        } else {
          const explained = explainFailure(result, prepared, userInfo().username, program);
          if (explained !== undefined) result.error = explained;
        }
        if (stdout.truncated || stderr.truncated) result.truncated = true;
        resolve(result);
      };

      const signalGroup = (signal: NodeJS.Signals) => {
        if (child.pid === undefined) return;
        try {
          process.kill(-child.pid, signal);
        } catch {
          // Already gone.
        }
      };
      const stop = (reason: string) => {
        if (stopped !== undefined || done) return;
        stopped = reason;
        signalGroup('SIGTERM');
        timers.push(setTimeout(() => signalGroup('SIGKILL'), KILL_AFTER_MS));
        // A grandchild holding our pipes open must not keep us waiting for 'close'.
        timers.push(setTimeout(() => finish(null, null), KILL_AFTER_MS + CLOSE_GRACE_MS));
      };

      timers.push(setTimeout(() => stop('timeout'), timeoutMs));
      child.stdout.on('data', (chunk: Buffer) => {
        if (!stdout.push(chunk)) stop('output cap reached');
      });
      child.stderr.on('data', (chunk: Buffer) => {
        if (!stderr.push(chunk)) stop('output cap reached');
      });
      child.once('error', (error: NodeJS.ErrnoException) => {
        if (child.pid === undefined) {
          failedToStart = error;
          finish(null, null);
        }
      });
      child.once('close', (code, signal) => finish(code, signal));
      // A command that does not read its stdin may exit before we write: that EPIPE is no error of its.
      child.stdin.on('error', () => undefined);
      child.stdin.end(spec.stdin ?? '');
    });
  }
}
