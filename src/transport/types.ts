// A Transport runs allow-listed commands on one host: over SSH (ssh.ts) or on this machine (local.ts).
import type { CommandResult } from '../model/types.js';

/** One command to run. `argv` is never given to a shell as one string: each element is quoted on its own. */
export interface CommandSpec {
  /** The collector's id for the command ("nginx-T", "ss-tcp"…), copied into the result. */
  id: string;
  /** Program and arguments. argv[0] is looked up on PATH (plus /usr/sbin and /sbin). */
  argv: string[];
  /** Run under `sudo -n` when the host is configured with sudo. Default true for commands that need root. */
  privileged?: boolean;
  /**
   * Run as this (unprivileged) user: `sudo -n -u USER --` on sudo hosts, `runuser -u USER --` when we are root.
   * Used to ask "may nginx's worker user connect to this socket?" as that very user.
   */
  runAs?: string;
  /** Kill the command after this long; the result then has exitCode null and error "timeout". */
  timeoutMs?: number;
  /** Keep at most this many bytes of stdout (and of stderr); the result is then marked truncated. */
  maxBytes?: number;
  /**
   * A short, bounded, read-only command (date, ps, stat…): the collector may run several such in one channel
   * (src/collect/batch.ts; each keeps its own stdout, stderr and exit code), privileged ones only without sudo.
   */
  quick?: boolean;
  /** Bytes for the command's standard input. */
  stdin?: string;
  /**
   * Also hand back stdout's bytes exactly as they came (RunResult.stdoutBytes), for output framed in bytes
   * (batch.ts): `stdout` is decoded text, where a length in bytes no longer means anything.
   */
  rawStdout?: boolean;
}

/**
 * What a transport answers: the CommandResult, plus stdout's bytes when the spec asked for them. The bytes
 * never go into a snapshot (only the results split from them do), so a CommandResult stays plain JSON.
 */
export interface RunResult extends CommandResult {
  stdoutBytes?: Buffer;
}

export interface Transport {
  /** Human name of where commands run: "deploy@10.0.1.10:22" or "local". */
  readonly description: string;
  /** Whether privileged commands go through `sudo -n` (then each must match a sudoers rule on its own). */
  readonly sudoForPrivileged: boolean;
  /** Connect (or check the local machine). Rejects with a TransportError. */
  connect(): Promise<void>;
  /** Run one command. Never rejects for a command that fails: the failure is in the result. */
  run(spec: CommandSpec): Promise<RunResult>;
  close(): Promise<void>;
}

export type TransportFailure = 'refused' | 'timeout' | 'auth' | 'host-key' | 'dns' | 'other';

/** Why a host could not be reached at all. `message` is one clear line for a human. */
export class TransportError extends Error {
  constructor(
    readonly reason: TransportFailure,
    message: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}
