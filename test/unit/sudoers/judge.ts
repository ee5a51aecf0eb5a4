// Judging sudo rules with the real sudo: `sudo -n -l -U nobody [-u RUNAS] CMD…` answers whether the rules allow
// CMD (exit 0) without running it, in a private mount namespace whose /etc/sudoers.d holds only the rules
// under test: the machine's own rules are never touched. sudo only answers for programs that exist: one the
// machine lacks (ufw, firewall-cmd on a CI box) gets a stand-in in that namespace only, by an overlay of its
// directory. Needs root, as CI has.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A directory to stand in for /etc/sudoers.d, holding these rule files (mode 0440, as sudo wants). */
export function rulesDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ud-sudoers-'));
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(dir, name), text);
    chmodSync(join(dir, name), 0o440);
  }
  return dir;
}

export function removeRulesDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Whether visudo -c accepts the file (its complaint otherwise). */
export function visudoProblem(file: string): string | undefined {
  try {
    execFileSync('visudo', ['-c', '-q', '-f', file], { stdio: 'pipe' });
    return undefined;
  } catch (err) {
    const e = err as { stdout?: Buffer; stderr?: Buffer };
    return `${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}` || 'visudo failed';
  }
}

/** Programs the rules name that a machine may lack, by directory. */
const MAYBE_MISSING: Record<string, string[]> = { '/usr/sbin': ['ufw'], '/usr/bin': ['firewall-cmd'] };
let overlays: string[] | undefined;

/** `mount -t overlay` commands giving each missing program a stand-in (a copy of true), made once. */
function standIns(): string[] {
  if (overlays) return overlays;
  overlays = [];
  for (const [bin, names] of Object.entries(MAYBE_MISSING)) {
    const missing = names.filter((n) => !existsSync(`${bin}/${n}`));
    if (missing.length === 0) continue;
    const stub = mkdtempSync(join(tmpdir(), 'ud-sudo-stub-'));
    process.once('exit', () => rmSync(stub, { recursive: true, force: true }));
    for (const n of missing) {
      copyFileSync('/usr/bin/true', join(stub, n));
      chmodSync(join(stub, n), 0o755);
    }
    overlays.push(`mount -t overlay overlay -o lowerdir=${bin}:${stub} ${bin}`);
  }
  return overlays;
}

/** Whether the rules in `dir` allow `nobody` to run argv (as `runAs`, default root). */
export function allowed(dir: string, argv: string[], runAs?: string): boolean {
  const script = [
    ...standIns(),
    'mount --bind "$1" /etc/sudoers.d',
    'shift',
    'exec sudo -n -l -U nobody "$@"',
  ];
  const as = runAs ? ['-u', runAs] : [];
  const r = spawnSync('unshare', [
    '--mount',
    '--propagation',
    'private',
    'sh',
    '-c',
    script.join(' && '),
    'x',
    dir,
    ...as,
    ...argv,
  ]);
  return r.status === 0;
}
