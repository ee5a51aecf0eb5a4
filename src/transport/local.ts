// The local transport (`--local`): the same CommandSpecs run on this machine with child_process.spawn, no shell
// in between, with the same limits, sudo rules and result shape as over SSH (both run through command-run.ts).
import { spawn } from 'node:child_process';
import { userInfo } from 'node:os';
import {
  COMMAND_ENV,
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_MAX_BYTES,
  EXTRA_PATH,
  explainFailure,
  prepareCommand,
} from './command.js';
import { CommandRun, notRunResult } from './command-run.js';
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
    if (problem !== undefined) return Promise.resolve(notRunResult(spec.id, command, 0, problem));
    const timeoutMs = spec.timeoutMs ?? this.options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;

    return new Promise((resolve) => {
      // detached: the command leads its own process group, so a timeout can end it with everything it started.
      const child = spawn(prepared.argv[0]!, prepared.argv.slice(1), {
        env: this.env,
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
      });
      const signalGroup = (signal: NodeJS.Signals) => {
        if (child.pid === undefined) return;
        try {
          process.kill(-child.pid, signal);
        } catch {
          // Already gone.
        }
      };
      const run: CommandRun = new CommandRun({
        spec,
        command,
        started,
        maxBytes: spec.maxBytes ?? this.options.maxBytes ?? DEFAULT_MAX_BYTES,
        deadlineMs: timeoutMs,
        halt: () => {
          signalGroup('SIGTERM');
          run.after(KILL_AFTER_MS, () => signalGroup('SIGKILL'));
          // A grandchild holding our pipes open must not keep us waiting for 'close'.
          run.after(KILL_AFTER_MS + CLOSE_GRACE_MS, () => run.finish({ exitCode: null }));
        },
        explain: (result) => explainFailure(result, prepared, userInfo().username, program),
        settle: resolve,
      });

      child.stdout.on('data', (chunk: Buffer) => run.onStdout(chunk));
      child.stderr.on('data', (chunk: Buffer) => run.onStderr(chunk));
      child.once('error', (error: NodeJS.ErrnoException) => {
        if (child.pid !== undefined) return;
        const notFound = error.code === 'ENOENT';
        run.notStarted(
          notFound ? 127 : 126,
          `${prepared.argv[0]}: ${notFound ? 'command not found' : error.message}\n`,
          notFound
            ? `command not found: ${prepared.argv[0]}`
            : `cannot run ${prepared.argv[0]}: ${error.code ?? error.message}`,
        );
      });
      child.once('close', (code, signal) => run.finish({ exitCode: code, signal }));
      // A command that does not read its stdin may exit before we write: that EPIPE is no error of its.
      child.stdin.on('error', () => undefined);
      child.stdin.end(spec.stdin ?? '');
    });
  }
}
