// The SSH transport: one connection per host (ssh-connection.ts: through its jump hosts, every host key checked
// against known_hosts before login, with the keys and agent of ssh-credentials.ts), and every command a channel
// of that one connection (ssh-channel.ts), at most maxParallel at once. Here: the sudo prefix and the defaults.
import { homedir } from 'node:os';
import type { Target } from '../inventory/types.js';
import { DEFAULT_COMMAND_TIMEOUT_MS, DEFAULT_MAX_BYTES, explainFailure, prepareCommand } from './command.js';
import { notRunResult } from './command-run.js';
import { argvProblem, quoteArgv } from './quote.js';
import { runOnChannel, type ChannelCommand } from './ssh-channel.js';
import { SshConnection } from './ssh-connection.js';
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
    const job: ChannelCommand = {
      spec,
      command,
      started,
      timeoutMs: spec.timeoutMs ?? this.options.commandTimeoutMs,
      maxBytes: spec.maxBytes ?? this.options.maxBytes,
      explain: (result) => explainFailure(result, prepared, this.target.user, program),
    };
    const release = await this.connection.slots.acquire();
    try {
      for (;;) {
        const outcome = await runOnChannel(this.connection, job);
        if (outcome !== 'retry') return outcome;
      }
    } finally {
      release();
    }
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}
