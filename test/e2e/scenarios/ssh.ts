// Plain OpenSSH against lab hosts, as an operator would type it: proves the hosts are real and
// gives a baseline the product's own transport can be compared with.
import { execFile } from 'node:child_process';
import type { Lab } from '../../../lab/index.js';

export interface SshResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function sshArgs(lab: Lab, login: string, command: string[]): string[] {
  return [
    '-i',
    lab.clientKeyPath,
    '-o',
    `UserKnownHostsFile=${lab.knownHostsPath}`,
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'BatchMode=yes',
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'ConnectTimeout=10',
    '-F',
    '/dev/null',
    login,
    '--',
    ...command,
  ];
}

export function ssh(lab: Lab, login: string, command: string[]): Promise<SshResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      'ssh',
      sshArgs(lab, login, command),
      { encoding: 'utf8', timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, stdout, stderr, ms: Date.now() - started });
      },
    );
  });
}
