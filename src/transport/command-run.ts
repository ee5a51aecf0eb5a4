// One command while it runs, the same on this machine (local.ts) and over SSH (ssh-channel.ts): its stdout and
// stderr kept up to the byte cap, its deadline, stopping it once (deadline, cap), and the one place where how it
// ended becomes a RunResult. A transport only starts the command, feeds its output here, says how to stop it
// and how it ended; so both transports answer with the same result for the same ending.
import { CappedBuffer } from './command.js';
import type { CommandSpec, RunResult } from './types.js';

export interface CommandRunSetup {
  /** The spec being run: its id goes into the result, and rawStdout asks for stdout's bytes. */
  spec: Pick<CommandSpec, 'id' | 'rawStdout'>;
  /** The command as the result names it (quoted argv, sudo included). */
  command: string;
  /** When the transport's run() began: durationMs counts from here. */
  started: number;
  /** Bytes kept of stdout, and of stderr; one more stops the command ("output cap reached"). */
  maxBytes: number;
  /** After this long the command is stopped ("timeout"). */
  deadlineMs: number;
  /** End the command the transport's way. Called once, on the first stop; finish() follows when it is gone. */
  halt: () => void;
  /** The error for a command that exited but failed in a way the person must act on (sudo's complaints…). */
  explain: (result: RunResult) => string | undefined;
  /** Receives the result, once. */
  settle: (result: RunResult) => void;
}

/** How a command ended, as its transport saw it. */
export interface CommandEnd {
  /** Its exit status; null when a signal killed it or no status came. */
  exitCode: number | null;
  /** The signal that killed it, when one did. */
  signal?: string | null;
  /** Why no exit status will come (the connection went away): the result's error. */
  lost?: string;
}

export class CommandRun {
  private readonly stdout: CappedBuffer;
  private readonly stderr: CappedBuffer;
  private readonly timers: NodeJS.Timeout[] = [];
  private stoppedFor: string | undefined;
  private done = false;

  constructor(private readonly setup: CommandRunSetup) {
    this.stdout = new CappedBuffer(setup.maxBytes);
    this.stderr = new CappedBuffer(setup.maxBytes);
    this.after(setup.deadlineMs, () => this.stop('timeout'));
  }

  /** Why the command was stopped, once it was. */
  get stopped(): string | undefined {
    return this.stoppedFor;
  }

  /** Whether the result is out (or the run was abandoned): nothing the command does matters any more. */
  get finished(): boolean {
    return this.done;
  }

  onStdout(chunk: Buffer): void {
    if (!this.stdout.push(chunk)) this.stop('output cap reached');
  }

  onStderr(chunk: Buffer): void {
    if (!this.stderr.push(chunk)) this.stop('output cap reached');
  }

  /** Stop the command for `reason` (the result's error): only the first stop counts. */
  stop(reason: string): void {
    if (this.stoppedFor !== undefined || this.done) return;
    this.stoppedFor = reason;
    this.setup.halt();
  }

  /** The command was stopped for `reason` without us (the host's timeout(1) ended it): only note it. */
  noteStopped(reason: string): void {
    this.stoppedFor ??= reason;
  }

  /** Do `action` after `ms`, unless the run is over by then. */
  after(ms: number, action: () => void): NodeJS.Timeout {
    const timer = setTimeout(action, ms);
    this.timers.push(timer);
    return timer;
  }

  /** The command is gone: settle its result. A stopped or lost command has no exit status. */
  finish(end: CommandEnd): void {
    const stopped = this.stoppedFor;
    const exitCode = stopped === undefined && end.lost === undefined ? end.exitCode : null;
    this.settleWith(exitCode, this.stderr.text(), (result) => {
      if (stopped !== undefined) return stopped;
      if (end.lost !== undefined) return end.lost;
      if (end.exitCode === null) return `killed by signal ${end.signal ?? 'unknown'}`;
      return this.setup.explain(result);
    });
  }

  /** The program could not be started at all: the result says so with a shell's status, stderr and `error`. */
  notStarted(exitCode: number, stderr: string, error: string): void {
    this.settleWith(exitCode, stderr, () => error);
  }

  /** Give up on the run without a result (the transport answers otherwise). */
  abandon(): void {
    this.end();
  }

  /** Mark the run over and cancel its timers; false when it already was. */
  private end(): boolean {
    if (this.done) return false;
    this.done = true;
    this.timers.forEach(clearTimeout);
    return true;
  }

  private settleWith(
    exitCode: number | null,
    stderr: string,
    errorOf: (result: RunResult) => string | undefined,
  ): void {
    if (!this.end()) return;
    const { spec, command, started } = this.setup;
    const result: RunResult = {
      id: spec.id,
      command,
      stdout: this.stdout.text(),
      stderr,
      exitCode,
      durationMs: Date.now() - started,
    };
    if (spec.rawStdout === true) result.stdoutBytes = this.stdout.bytes();
    const error = errorOf(result);
    if (error !== undefined) result.error = error;
    if (this.stdout.truncated || this.stderr.truncated) result.truncated = true;
    this.setup.settle(result);
  }
}

/** The result for a command that never ran: nothing printed, no exit status, and why. */
export function notRunResult(id: string, command: string, durationMs: number, error: string): RunResult {
  return { id, command, stdout: '', stderr: '', exitCode: null, durationMs, error };
}
