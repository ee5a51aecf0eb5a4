// What both transports do the same way around one command: the sudo prefix, the environment that keeps the
// output parseable, output caps, and turning sudo's and the shell's complaints into one clear `error`.
import type { CommandResult } from '../model/types.js';
import type { CommandSpec } from './types.js';

/** Per-command limits unless the spec sets its own. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;

/** Directories appended to PATH: nginx, ss, iptables live there and non-root logins often lack them. */
export const EXTRA_PATH = ['/usr/sbin', '/sbin'];

/**
 * Variables set for every command. LC_ALL=C: the parsers read English messages and C-locale dates whatever
 * the host's locale (sudo keeps LC_* by default, so it reaches privileged commands too).
 */
export const COMMAND_ENV = { LC_ALL: 'C' } as const;

export interface PreparedCommand {
  /** The argv actually run, `sudo -n --` (or `runuser`) included when used. */
  argv: string[];
  /** Whether sudo was put in front (its complaints are then explained). */
  sudo: boolean;
  /** Set when the command cannot be run as asked (runAs with neither root nor sudo). */
  problem?: string;
}

export interface CommandContext {
  /** The host is configured to use sudo for privileged commands. */
  sudo: boolean;
  /** We already are root there (login as root, or the local process is root). */
  root: boolean;
}

/**
 * The argv to run for a spec: privileged commands get `sudo -n --` when the host uses sudo and we are not root;
 * runAs commands get `runuser -u USER --` as root or `sudo -n -u USER --` with sudo.
 */
export function prepareCommand(spec: CommandSpec, context: CommandContext): PreparedCommand {
  // -n: never prompt (a prompt would hang a non-interactive session); --: argv[0] is never read as an option.
  if (spec.runAs !== undefined) {
    if (context.root) return { argv: ['runuser', '-u', spec.runAs, '--', ...spec.argv], sudo: false };
    if (context.sudo) return { argv: ['sudo', '-n', '-u', spec.runAs, '--', ...spec.argv], sudo: true };
    return {
      argv: [...spec.argv],
      sudo: false,
      problem: `cannot run as ${spec.runAs}: not root, and sudo is off for this host`,
    };
  }
  const useSudo = spec.privileged === true && context.sudo && !context.root;
  return { argv: useSudo ? ['sudo', '-n', '--', ...spec.argv] : [...spec.argv], sudo: useSudo };
}

/**
 * The `error` for a command that ran but failed in a way the person must act on: sudo wanting a password or
 * refusing the user, sudo or the program missing. Undefined for an ordinary failure (its exit code says it).
 */
export function explainFailure(
  result: Pick<CommandResult, 'exitCode' | 'stderr'>,
  command: PreparedCommand,
  user: string,
  program: string,
): string | undefined {
  const { exitCode, stderr } = result;
  if (command.sudo) {
    if (/^sudo: (a password is required|a terminal is required|no tty present)/m.test(stderr)) {
      return `sudo requires a password for ${user}: add the sudoers rule from the README`;
    }
    // sudo prints these with or without a "sudo: " prefix, depending on its version.
    if (/is not in the sudoers file|is not allowed to (run|execute)/.test(stderr)) {
      return `sudo refuses ${user} for ${program}: add the sudoers rule from the README`;
    }
    if (exitCode === 127 && /sudo: (command )?not found|failed to run command 'sudo'/.test(stderr))
      return 'sudo is not installed on the host';
  }
  // 127: the shell's "not found", or timeout(1)'s "failed to run command …: No such file or directory".
  if (exitCode === 127 && /not found|No such file or directory/i.test(stderr))
    return `command not found: ${program}`;
  return undefined;
}

/** Keeps the first `limit` bytes of a stream and remembers whether more came. */
export class CappedBuffer {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  truncated = false;

  constructor(private readonly limit: number) {}

  /** Add a chunk; returns false once the cap is reached (the caller stops the command). */
  push(chunk: Buffer): boolean {
    const room = this.limit - this.kept;
    if (chunk.length > room) {
      if (room > 0) this.chunks.push(chunk.subarray(0, room));
      this.kept = this.limit;
      this.truncated = true;
      return false;
    }
    this.chunks.push(chunk);
    this.kept += chunk.length;
    return true;
  }

  /** Everything kept, as one Buffer. */
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }

  /**
   * Everything kept, decoded as UTF-8 in one go, so a character split across chunks comes out whole;
   * bytes that are not UTF-8 become U+FFFD (the parsers read text; stdoutBytes keeps the bytes themselves).
   */
  text(): string {
    return this.bytes().toString('utf8');
  }
}
