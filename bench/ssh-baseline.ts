// The anchor the lab benchmarks measure against: the raw commands a diagnosis ran, as one shell script,
// run on the same fake hosts by plain OpenSSH or by parallel-ssh (with the e2e suite's options: the lab's
// key, its known_hosts, batch mode). Shared by bench/diagnose.ts and bench/sweep.ts.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import type { Lab, LabHost } from '../lab/index.js';
import type { HostSnapshot } from '../src/model/types.js';
import { sshArgs } from '../test/e2e/scenarios/ssh.js';

export function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 256 * 1024 * 1024 }, (error, _stdout, stderr) =>
      // parallel-ssh exits non-zero when a remote command did (nginx -t with warnings, systemctl…): that is fine.
      error && error.code === undefined ? reject(new Error(`${cmd}: ${stderr}`)) : resolve(),
    );
  });
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** The raw commands a diagnosis ran, as one shell script an operator would paste into `ssh host '…'`. */
export function rawScript(snapshot: HostSnapshot): string {
  return Object.values(snapshot.results)
    .map((r) => `${r.command} >/dev/null 2>&1`)
    .join('\n');
}

/** OpenSSH's options as the e2e suite uses them (key, the lab's known_hosts, batch mode), without login. */
export function sshOptions(lab: Lab): string[] {
  const args = sshArgs(lab, 'LOGIN', []);
  return args.slice(0, args.indexOf('LOGIN'));
}

/** parallel-ssh's arguments: `script` on the hosts of `hostsFile`, `at` at once (as root, the lab's key). */
export function parallelSshArgs(lab: Lab, hostsFile: string, at: number, script: string): string[] {
  return [
    '-h',
    hostsFile,
    '-p',
    String(at),
    '-t',
    '60',
    ...sshOptions(lab).flatMap((o, i, all) => (o === '-o' ? ['-O', all[i + 1]!] : [])),
    '-x',
    `-i ${lab.clientKeyPath} -F /dev/null`,
    script,
  ];
}

/** `script` on every host at once with parallel-ssh (as root, the lab's key). */
export function parallelSsh(lab: Lab, hosts: LabHost[], script: string, hostsFile: string): Promise<void> {
  writeFileSync(hostsFile, hosts.map((h) => `root@${h.address}`).join('\n') + '\n');
  return run('parallel-ssh', parallelSshArgs(lab, hostsFile, hosts.length, script));
}
