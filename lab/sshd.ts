// Debian's real sshd inside a lab host: its own config, host key and pid file, listening on the
// host's address only.
import { readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { LabError, processExists, runOk, waitFor } from './proc.js';

export interface SshdPaths {
  config: string;
  hostKey: string;
  log: string;
}

/**
 * sshd_config for a lab host. UsePAM no: PAM's session modules expect systemd and a real login
 * environment, and would cost time on every command; keys are the only way in, as in production.
 */
export function sshdConfig(address: string, paths: SshdPaths): string {
  return [
    `# upstream-doctor lab host`,
    `Port 22`,
    `ListenAddress ${address}`,
    `HostKey ${paths.hostKey}`,
    `PidFile /run/sshd.pid`,
    `PermitRootLogin prohibit-password`,
    `PasswordAuthentication no`,
    `KbdInteractiveAuthentication no`,
    `PubkeyAuthentication yes`,
    `AuthorizedKeysFile .ssh/authorized_keys`,
    `StrictModes yes`,
    `UsePAM no`,
    `UseDNS no`,
    `MaxSessions 10`,
    `MaxStartups 50:30:200`,
    `PrintMotd no`,
    `PrintLastLog no`,
    `X11Forwarding no`,
    `AcceptEnv LANG LC_*`,
    `Subsystem sftp internal-sftp`,
    '',
  ].join('\n');
}

export const SSHD_PID_FILE = '/run/sshd.pid';

/** Starts sshd through `enter` (an nsenter argv prefix); sshd forks and writes its pid file when listening. */
export async function startSshd(
  enter: (argv: string[]) => string[],
  paths: SshdPaths,
  pidFileBacking: string,
): Promise<number> {
  await runOk(enter(['/usr/sbin/sshd', '-f', paths.config, '-E', paths.log]), { timeoutMs: 10_000 });
  let pid = 0;
  const up = await waitFor(async () => {
    pid = await readPid(pidFileBacking);
    return pid > 0;
  }, 5_000);
  if (!up) throw new LabError(`sshd wrote no pid file; see ${paths.log}`);
  return pid;
}

export async function readPid(pidFile: string): Promise<number> {
  const text = await readFile(pidFile, 'utf8').catch(() => '');
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : 0;
}

/** Stops the listening sshd, given its machine pid (sessions already open stay, as with `systemctl stop ssh`). */
export async function stopSshd(pid: number): Promise<void> {
  if (pid <= 0 || !processExists(pid)) return;
  process.kill(pid, 'SIGTERM');
  if (!(await waitFor(() => !processExists(pid), 5_000))) process.kill(pid, 'SIGKILL');
}

export function sshdPaths(hostDir: string): SshdPaths {
  return {
    config: posix.join(hostDir, 'sshd_config'),
    hostKey: posix.join(hostDir, 'ssh_host_ed25519_key'),
    log: posix.join(hostDir, 'sshd.log'),
  };
}
