// One command on its own channel of an SshConnection: the remote line (PATH, LC_ALL=C, the host's timeout(1)
// around the command), stdout and stderr fed to a CommandRun, the exit status or signal the channel reports,
// TERM to the command's process group when it must stop, and the connection's loss ending it at once.
import type { ClientChannel } from 'ssh2';
import type { CommandResult } from '../model/types.js';
import { COMMAND_ENV, EXTRA_PATH } from './command.js';
import { CommandRun, notRunResult } from './command-run.js';
import type { SshConnection } from './ssh-connection.js';
import { oneLine } from './ssh-errors.js';
import type { CommandSpec, RunResult } from './types.js';

export interface ChannelCommand {
  spec: CommandSpec;
  /** The quoted argv (sudo included) the remote shell runs, and the result names. */
  command: string;
  /** When the transport's run() began: durationMs counts from here. */
  started: number;
  timeoutMs: number;
  maxBytes: number;
  /** The transport's explanation of a command that exited but failed (sudo's complaints…). */
  explain: (result: RunResult) => string | undefined;
}

/** timeout(1) sends KILL this long after TERM when the command ignores TERM. */
const REMOTE_KILL_AFTER_S = 2;

/**
 * The line the remote login shell runs. Only constants, numbers and quoteArgv()'s output go into it.
 * The command runs under the host's timeout(1): sshd refuses SSH "signal" requests on root logins, and a
 * closed channel does not stop a command, so the host itself must end a command that overruns (this also
 * holds when our side dies). timeout(1) is coreutils (busybox has a compatible one).
 */
function remoteLine(command: string, timeoutMs: number): string {
  const env = Object.entries(COMMAND_ENV).map(([name, value]) => `${name}=${value}`);
  const exports = ['PATH', ...Object.keys(COMMAND_ENV)].join(' ');
  const seconds = (Math.max(timeoutMs, 1) / 1000).toFixed(3);
  return `PATH="$PATH:${EXTRA_PATH.join(':')}"; ${env.join('; ')}; export ${exports}; exec timeout -k ${REMOTE_KILL_AFTER_S} ${seconds} ${command}`;
}

/** After a stopped command's channel was asked to close, how long to wait for the server to confirm. */
const CLOSE_GRACE_MS = 2_000;

/**
 * Run one command on its own channel of `connection`. 'retry': the server turned the channel down while others
 * were open (the connection's slots have shrunk; run it again once one is free).
 */
export function runOnChannel(
  connection: SshConnection,
  { spec, command, started, timeoutMs, maxBytes, explain }: ChannelCommand,
): Promise<RunResult | 'retry'> {
  const { client, lost } = connection;
  if (lost !== undefined) return Promise.resolve(notRunResult(spec.id, command, Date.now() - started, lost));
  if (client === undefined) {
    const why = `not connected to ${connection.description}`;
    return Promise.resolve(notRunResult(spec.id, command, Date.now() - started, why));
  }
  const line = remoteLine(command, timeoutMs);

  return new Promise((resolve) => {
    let channel: ClientChannel | undefined;
    let exitCode: number | null = null;
    let signal: string | undefined;
    const run: CommandRun = new CommandRun({
      spec,
      command,
      started,
      maxBytes,
      // The host's `timeout` ends the command on time; this backstop covers a host that does not answer.
      deadlineMs: timeoutMs + REMOTE_KILL_AFTER_S * 1000 + 1000,
      // TERM to the command's process group, then close the channel.
      halt: () => {
        if (channel) {
          signalChannel(channel, 'TERM');
          channel.close();
        }
        run.after(CLOSE_GRACE_MS, () => run.finish({ exitCode, signal })).unref();
      },
      // The host may lack the timeout(1) that remoteLine() runs every command under.
      explain: (result) => missingTimeout(result) ?? explain(result),
      settle: (result) => {
        forget();
        resolve(result);
      },
    });
    const forget = connection.onLost((reason) => run.finish({ exitCode, signal, lost: reason }));
    // The channel never opened: the run is over without a result of its own.
    const notOpened = (outcome: RunResult | 'retry') => {
      run.abandon();
      forget();
      resolve(outcome);
    };
    const execStarted = Date.now();

    try {
      client.exec(line, (error, opened) => {
        if (error) {
          // sshd answers "open failed" past MaxSessions; with others still open, wait for fewer and try again.
          const { slots } = connection;
          if (/open failure/i.test(error.message) && slots.inUse > 1) {
            slots.shrinkTo(slots.inUse - 1);
            notOpened('retry');
          } else {
            const why = `could not start the command: ${oneLine(error.message)}`;
            notOpened(notRunResult(spec.id, command, Date.now() - started, why));
          }
          return;
        }
        channel = opened;
        if (run.finished) {
          // Aborted (connection lost) while the channel was opening.
          opened.close();
          return;
        }
        opened.on('data', (chunk: Buffer) => run.onStdout(chunk));
        opened.stderr.on('data', (chunk: Buffer) => run.onStderr(chunk));
        opened.on('exit', (code: number | null, signalName?: string) => {
          exitCode = code;
          signal = signalName;
          // timeout(1) exits 124 after TERM, 137 after KILL: the deadline passed, not the command's own failure.
          if ((code === 124 || code === 137) && Date.now() - execStarted >= timeoutMs)
            run.noteStopped('timeout');
        });
        opened.on('close', () => run.finish({ exitCode, signal }));
        if (run.stopped !== undefined) {
          // The backstop fired while the channel was still opening: end it at once.
          signalChannel(opened, 'TERM');
          opened.close();
          return;
        }
        opened.end(spec.stdin ?? '');
      });
    } catch (error) {
      // ssh2 throws "Not connected" (rather than calling back) once the connection is gone.
      const why = `could not start the command: ${(error as Error).message}`;
      notOpened(notRunResult(spec.id, command, Date.now() - started, why));
    }
  });
}

function missingTimeout(result: CommandResult): string | undefined {
  if (result.exitCode === 127 && /\btimeout: (command )?not found/.test(result.stderr)) {
    return 'the host has no timeout(1) command (coreutils), which upstream-doctor uses to bound every command';
  }
  return undefined;
}

/** The parts of ssh2's channel that signalChannel() reaches into (ssh2 1.17; private, hence checked). */
interface ChannelInternals {
  outgoing?: { id?: number; state?: string };
  _client?: { _protocol?: { signal?: (channelId: number, signal: string) => void } };
}

/**
 * Send a signal to the command behind a channel. sshd delivers it to the session's process group (killpg),
 * which ends the command and lets the channel close. ssh2's own channel.signal() sends nothing once our side
 * has sent EOF, and we send EOF at once (the command's stdin), so this goes to the protocol layer directly.
 */
function signalChannel(channel: ClientChannel, signal: string): void {
  const internals = channel as unknown as ChannelInternals;
  const id = internals.outgoing?.id;
  const state = internals.outgoing?.state;
  const protocol = internals._client?._protocol;
  if (id === undefined || (state !== 'open' && state !== 'eof') || typeof protocol?.signal !== 'function')
    return;
  try {
    protocol.signal(id, signal);
  } catch {
    // The connection is going away; closing the channel (the caller's next step) is all that is left to do.
  }
}
