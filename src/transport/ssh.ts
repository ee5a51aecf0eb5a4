// The SSH transport: one ssh2 connection per host (through a jump host when configured), the host key checked
// against known_hosts before anything else, and every command a channel of that one connection.
import { homedir } from 'node:os';
import type { ClientChannel } from 'ssh2';
import type { CommandResult } from '../model/types.js';
import type { Target } from '../inventory/types.js';
import {
  COMMAND_ENV,
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_MAX_BYTES,
  EXTRA_PATH,
  explainFailure,
  prepareCommand,
  type PreparedCommand,
} from './command.js';
import { CommandRun, notRunResult } from './command-run.js';
import { argvProblem, quoteArgv } from './quote.js';
import { SshConnection, type SshClient } from './ssh-connection.js';
import { oneLine } from './ssh-errors.js';
import type { CommandSpec, RunResult, Transport } from './types.js';

export interface SshOptions {
  /** How long the TCP connect plus SSH handshake and login may take, per hop. Default 10 s. */
  readyTimeoutMs?: number;
  /** SSH keepalive: a probe every this often, the connection dropped after keepaliveCountMax unanswered. */
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /** Channels open at once on the connection. Default 8: below OpenSSH's default MaxSessions of 10. */
  maxParallel?: number;
  /** Defaults for specs that set no timeoutMs / maxBytes. */
  commandTimeoutMs?: number;
  maxBytes?: number;
  /** Where the passphrase variable and SSH_AUTH_SOCK are read. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Home directory for the default key files (~/.ssh/id_ed25519, id_ecdsa, id_rsa). Default os.homedir(). */
  home?: string;
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

export class SshTransport implements Transport {
  readonly description: string;
  readonly sudoForPrivileged: boolean;
  private readonly options: Required<Omit<SshOptions, 'env' | 'home'>> & {
    env: NodeJS.ProcessEnv;
    home: string;
  };
  private readonly connection: SshConnection;

  constructor(
    readonly target: Target,
    options: SshOptions = {},
  ) {
    this.options = {
      readyTimeoutMs: options.readyTimeoutMs ?? 10_000,
      keepaliveIntervalMs: options.keepaliveIntervalMs ?? 5_000,
      keepaliveCountMax: options.keepaliveCountMax ?? 3,
      maxParallel: options.maxParallel ?? 8,
      commandTimeoutMs: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
      maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
      env: options.env ?? process.env,
      home: options.home ?? homedir(),
    };
    this.connection = new SshConnection(target, this.options);
    this.description = this.connection.description;
    this.sudoForPrivileged = target.sudo && target.user !== 'root';
  }

  connect(): Promise<void> {
    return this.connection.connect();
  }

  async run(spec: CommandSpec): Promise<RunResult> {
    const started = Date.now();
    const prepared = prepareCommand(spec, { sudo: this.target.sudo, root: this.target.user === 'root' });
    const problem = argvProblem(spec.argv) ?? prepared.problem;
    const command = problem === undefined ? quoteArgv(prepared.argv) : JSON.stringify(spec.argv);
    if (problem !== undefined) return notRunResult(spec.id, command, Date.now() - started, problem);
    const program = spec.argv[0] ?? '';
    const explain = (result: RunResult) => explainRemoteFailure(result, prepared, this.target.user, program);
    const release = await this.connection.slots.acquire();
    try {
      for (;;) {
        const { client, lost } = this.connection;
        if (lost !== undefined) return notRunResult(spec.id, command, Date.now() - started, lost);
        if (client === undefined)
          return notRunResult(spec.id, command, Date.now() - started, `not connected to ${this.description}`);
        const outcome = await this.exec(client, spec, command, started, explain);
        if (outcome !== 'retry') return outcome;
      }
    } finally {
      release();
    }
  }

  /** Run one command on its own channel. 'retry': the server turned the channel down while others were open. */
  private exec(
    client: SshClient,
    spec: CommandSpec,
    command: string,
    started: number,
    explain: (result: RunResult) => string | undefined,
  ): Promise<RunResult | 'retry'> {
    const timeoutMs = spec.timeoutMs ?? this.options.commandTimeoutMs;
    const line = remoteLine(command, timeoutMs);

    return new Promise((resolve) => {
      let channel: ClientChannel | undefined;
      let exitCode: number | null = null;
      let signal: string | undefined;
      const run: CommandRun = new CommandRun({
        spec,
        command,
        started,
        maxBytes: spec.maxBytes ?? this.options.maxBytes,
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
        explain,
        settle: (result) => {
          forget();
          resolve(result);
        },
      });
      const forget = this.connection.onLost((reason) => run.finish({ exitCode, signal, lost: reason }));
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
            const { slots } = this.connection;
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

  close(): Promise<void> {
    return this.connection.close();
  }
}

function explainRemoteFailure(
  result: CommandResult,
  prepared: PreparedCommand,
  user: string,
  program: string,
): string | undefined {
  if (result.exitCode === 127 && /\btimeout: (command )?not found/.test(result.stderr)) {
    return 'the host has no timeout(1) command (coreutils), which upstream-doctor uses to bound every command';
  }
  return explainFailure(result, prepared, user, program);
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
