// The SSH transport: one ssh2 connection per host (through a jump host when configured), the host key checked
// against known_hosts before anything else, and every command a channel of that one connection.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import type { ClientChannel, ConnectConfig, ServerHostKeyAlgorithm } from 'ssh2';
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
import {
  checkHostKey,
  describeVerdict,
  knownKeyTypes,
  parseKnownHosts,
  type KnownHosts,
} from './known-hosts.js';
import { CommandRun, notRunResult } from './command-run.js';
import { argvProblem, quoteArgv } from './quote.js';
import { Slots } from './slots.js';
import { loadCredentials, type Credentials } from './ssh-credentials.js';
import { classifyConnectError, formatHostPort, oneLine, type ConnectWhere } from './ssh-errors.js';
import { TransportError, type CommandSpec, type RunResult, type Transport } from './types.js';

const { Client } = ssh2;
type SshClient = InstanceType<typeof Client>;

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

/** ssh2's host key algorithms for each key type as known_hosts writes it. */
const HOST_KEY_ALGORITHMS: Record<string, ServerHostKeyAlgorithm[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};
const ALL_HOST_KEY_ALGORITHMS = Object.values(HOST_KEY_ALGORITHMS).flat();

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
  private readonly slots: Slots;
  /** Every client opened, jump hosts first; all are closed together. */
  private clients: SshClient[] = [];
  private client: SshClient | undefined;
  private connecting: Promise<void> | undefined;
  /** Why the connection is gone, once it is. */
  private lost: string | undefined;
  /** Commands in flight, so a lost connection can finish them at once. */
  private readonly inFlight = new Set<(reason: string) => void>();

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
    this.slots = new Slots(this.options.maxParallel);
    const via = target.jump ? ` via ${target.jump.name}` : '';
    this.description = `${target.user}@${formatHostPort(target.address, target.port)}${via}`;
    this.sudoForPrivileged = target.sudo && target.user !== 'root';
  }

  connect(): Promise<void> {
    this.connecting ??= this.open();
    return this.connecting;
  }

  private async open(): Promise<void> {
    try {
      this.client = await this.openHop(this.target);
      this.client.on('close', () => this.drop(`the connection to ${this.description} closed`));
    } catch (error) {
      this.closeClients();
      if (error instanceof TransportError) throw error;
      // Anything else is a bug or an ssh2 surprise; callers still get the one error type the interface promises.
      throw new TransportError(
        'other',
        `SSH to ${this.description} failed: ${oneLine(String((error as Error).message ?? error))}`,
      );
    }
    // close() was called while we were connecting: do not leave the new connection open behind its back.
    if (this.lost !== undefined) this.closeClients();
  }

  /** Connect to `target`, first through its jump host when it has one (recursively). */
  private async openHop(target: Target): Promise<SshClient> {
    let sock: Duplex | undefined;
    if (target.jump) {
      const jump = target.jump;
      const jumpClient = await this.openHop(jump).catch((error: unknown) => {
        throw viaJump(jump, error);
      });
      sock = await this.forward(jumpClient, jump, target);
    }
    const known = await readKnownHosts(target);
    const credentials = await loadCredentials(target, this.options.env, this.options.home);
    const client = await this.handshake(target, known, credentials, sock);
    this.clients.push(client);
    return client;
  }

  /** A TCP stream from the jump host to the target, which the target's SSH session runs over. */
  private forward(jumpClient: SshClient, jump: Target, target: Target): Promise<Duplex> {
    const hostPort = formatHostPort(target.address, target.port);
    return new Promise((resolve, reject) => {
      // forwardOut waits for the jump host's own connect(), which can take minutes against a dropping firewall.
      const timer = setTimeout(() => {
        reject(new TransportError('timeout', `jump host ${jump.name} timed out connecting to ${hostPort}`));
      }, this.options.readyTimeoutMs);
      try {
        jumpClient.forwardOut('127.0.0.1', 0, target.address, target.port, (error, channel) => {
          clearTimeout(timer);
          if (error) {
            const reason = /refused/i.test(error.message)
              ? 'refused'
              : /timed out/i.test(error.message)
                ? 'timeout'
                : 'other';
            reject(
              new TransportError(
                reason,
                `jump host ${jump.name} could not reach ${hostPort}: ${oneLine(error.message)}`,
              ),
            );
          } else {
            resolve(channel);
          }
        });
      } catch (error) {
        // ssh2 throws (rather than calling back) when the jump connection is already gone.
        clearTimeout(timer);
        reject(
          new TransportError(
            'other',
            `jump host ${jump.name} dropped the connection: ${(error as Error).message}`,
          ),
        );
      }
    });
  }

  private handshake(
    target: Target,
    known: KnownHosts,
    credentials: Credentials,
    sock: Duplex | undefined,
  ): Promise<SshClient> {
    const hostPort = formatHostPort(target.address, target.port);
    const where: ConnectWhere = {
      login: `${target.user}@${hostPort}`,
      hostPort,
      credentials: credentials.describe,
    };
    const client = new Client();
    return new Promise((resolve, reject) => {
      let settled = false;
      let refusedKey: string | undefined;
      const fail = (error: TransportError) => {
        if (settled) return;
        settled = true;
        client.end();
        reject(error);
      };
      client.once('ready', () => {
        if (settled) return;
        settled = true;
        resolve(client);
      });
      // Kept for the connection's whole life: an 'error' event without a listener would crash the process.
      client.on('error', (error: Error & { level?: string; code?: string }) => {
        if (!settled)
          fail(
            refusedKey !== undefined
              ? new TransportError('host-key', refusedKey)
              : classifyConnectError(error, where),
          );
        else this.drop(`SSH connection to ${this.description} failed: ${oneLine(error.message)}`);
      });
      client.once('close', () =>
        fail(new TransportError('other', `${hostPort} closed the connection before login completed`)),
      );

      const config: ConnectConfig = {
        host: target.address,
        port: target.port,
        username: target.user,
        readyTimeout: this.options.readyTimeoutMs,
        keepaliveInterval: this.options.keepaliveIntervalMs,
        keepaliveCountMax: this.options.keepaliveCountMax,
        // Ask for a key type known_hosts has for this host first, as OpenSSH does; otherwise the server might
        // show a key of another type and a known host would look unknown.
        algorithms: { serverHostKey: preferKnownTypes(knownKeyTypes(known, target.address, target.port)) },
        hostVerifier: (key: Buffer) => {
          const verdict = checkHostKey(known, target.address, target.port, key);
          refusedKey = describeVerdict(
            verdict,
            { host: target.address, port: target.port, file: target.knownHosts },
            key,
          );
          return refusedKey === undefined;
        },
        authHandler: credentials.methods,
      };
      if (sock) config.sock = sock;
      client.connect(config);
    });
  }

  async run(spec: CommandSpec): Promise<RunResult> {
    const started = Date.now();
    const prepared = prepareCommand(spec, { sudo: this.target.sudo, root: this.target.user === 'root' });
    const problem = argvProblem(spec.argv) ?? prepared.problem;
    const command = problem === undefined ? quoteArgv(prepared.argv) : JSON.stringify(spec.argv);
    if (problem !== undefined) return notRunResult(spec.id, command, Date.now() - started, problem);
    const program = spec.argv[0] ?? '';
    const explain = (result: RunResult) => explainRemoteFailure(result, prepared, this.target.user, program);
    const release = await this.slots.acquire();
    try {
      for (;;) {
        if (this.lost !== undefined) return notRunResult(spec.id, command, Date.now() - started, this.lost);
        if (this.client === undefined)
          return notRunResult(spec.id, command, Date.now() - started, `not connected to ${this.description}`);
        const outcome = await this.exec(this.client, spec, command, started, explain);
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
          this.inFlight.delete(abort);
          resolve(result);
        },
      });
      const abort = (reason: string) => run.finish({ exitCode, signal, lost: reason });
      // The channel never opened: the run is over without a result of its own.
      const notOpened = (outcome: RunResult | 'retry') => {
        run.abandon();
        this.inFlight.delete(abort);
        resolve(outcome);
      };
      const execStarted = Date.now();
      this.inFlight.add(abort);

      try {
        client.exec(line, (error, opened) => {
          if (error) {
            // sshd answers "open failed" past MaxSessions; with others still open, wait for fewer and try again.
            if (/open failure/i.test(error.message) && this.slots.inUse > 1) {
              this.slots.shrinkTo(this.slots.inUse - 1);
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

  /** The connection is gone: every command in flight finishes now with `reason`, later ones too. */
  private drop(reason: string): void {
    this.lost ??= reason;
    for (const abort of [...this.inFlight]) abort(reason);
  }

  async close(): Promise<void> {
    this.lost ??= `the connection to ${this.description} was closed`;
    for (const abort of [...this.inFlight]) abort(this.lost);
    this.closeClients();
  }

  private closeClients(): void {
    // The target first, then the jump hosts it ran through.
    for (const client of [...this.clients].reverse()) client.end();
    this.clients = [];
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

function viaJump(jump: Target, error: unknown): TransportError {
  const message = error instanceof Error ? error.message : String(error);
  const reason = error instanceof TransportError ? error.reason : 'other';
  return new TransportError(reason, `jump host ${jump.name}: ${message}`);
}

function preferKnownTypes(types: string[]): ServerHostKeyAlgorithm[] {
  const first = types.flatMap((type) => HOST_KEY_ALGORITHMS[type] ?? []);
  return [...new Set([...first, ...ALL_HOST_KEY_ALGORITHMS])];
}

async function readKnownHosts(target: Target): Promise<KnownHosts> {
  try {
    return parseKnownHosts(await readFile(target.knownHosts, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new TransportError(
      'host-key',
      `cannot read known_hosts ${target.knownHosts} (${code}) for ${target.name}: host keys are always checked; set knownHosts in the inventory`,
    );
  }
}
