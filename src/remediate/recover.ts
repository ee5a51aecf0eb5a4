// Putting a plan's host back as it was. During an apply that failed after changing the file: the backup
// restored over it (atomically, owner and mode kept), nginx reloaded when it had loaded the edit, and the
// thread told whether the host is back as it was (restoreBackup, which apply.ts calls). After a worker died
// mid-apply and the plan was abandoned: the file is whole (old or new) because only a rename touches it;
// leftover temp files go, and a new file that nginx -t rejects is replaced by the newest backup
// (recoverPlan, which the runner calls for an interrupted apply job).
import type { Transport } from '../transport/types.js';
import { confinedFile } from './confined-file.js';
import { applyEdit } from '../analyze/edit.js';
import {
  atomicCopy,
  baseOf,
  dirOf,
  failure,
  hostCommands,
  nginxReload,
  nginxTest,
  ok,
  safePath,
  sha256Of,
  type HostCommands,
} from './host-steps.js';
import { sha256Hex, type Plan } from './plan.js';

/** Whether the host is back as it was, and the restore step's line saying so. */
export interface Restored {
  back: boolean;
  message: string;
}

/**
 * `backup` copied back over `real`, then nginx reloaded when `reload` (it had loaded the edit): back when the
 * copy worked, the file matches the one the plan was made from, and the reload passed.
 */
export async function restoreBackup(
  cmd: HostCommands,
  plan: Plan,
  real: string,
  backup: string,
  reload: boolean,
): Promise<Restored> {
  const problem = await atomicCopy(cmd, backup, real);
  const sha = await sha256Of(cmd, real);
  const reloaded = !reload || ok(await nginxReload(cmd, plan.nginx));
  const back = problem === undefined && sha === plan.sha256AtDiagnosis && reloaded;
  const message = back
    ? `restored ${plan.file} from ${backup}${reload ? ' and reloaded nginx' : ''}: the host is back as it was`
    : `RESTORE INCOMPLETE: ${problem ?? (sha !== plan.sha256AtDiagnosis ? 'the file does not match the backup' : 'reload failed')}; the backup is ${backup}: check the host by hand`;
  return { back, message };
}

export interface RecoveryResult {
  /** old: the plan never reached the file; new: the edit is in place; other: neither (someone else's change). */
  file: 'old' | 'new' | 'other';
  nginxTestOk: boolean;
  summary: string;
}

/**
 * After a worker died mid-apply: the file is whole (old or new) because only a rename touches it. Removes
 * leftover temp files, and when the new file is in place but nginx -t fails, restores the newest backup.
 */
export async function recoverPlan(
  transport: Transport,
  plan: Plan,
  roots: readonly string[] = [],
): Promise<RecoveryResult> {
  const cmd = hostCommands(transport);
  const where = await confinedFile(cmd, plan, roots);
  if (!where.ok) return { file: 'other', nginxTestOk: false, summary: `cannot check: ${where.error}` };
  const real = where.value;
  await cmd.run('cleanup', [
    'find',
    dirOf(real),
    '-maxdepth',
    '1',
    '-name',
    `.${baseOf(real)}.ud-tmp-*`,
    '-delete',
  ]);
  const read = await cmd.run('read', ['cat', '--', real]);
  const sha = sha256Hex(read.stdout);
  const edited = applyEdit(read.stdout, plan);
  const file: RecoveryResult['file'] =
    sha === plan.sha256AtDiagnosis
      ? 'old'
      : !edited.ok && read.stdout.split('\n')[plan.line - 1] === plan.after
        ? 'new'
        : 'other';
  const test = await nginxTest(cmd, plan.nginx);
  if (ok(test))
    return {
      file,
      nginxTestOk: true,
      summary: `${plan.file} is ${file === 'old' ? 'as before the plan' : file === 'new' ? 'the edited version' : 'changed by someone else'}; nginx -t passes`,
    };
  const backups = await cmd.run('backups', [
    'find',
    dirOf(real),
    '-maxdepth',
    '1',
    '-name',
    `.${baseOf(real)}.ud-backup-*-${plan.id}`,
  ]);
  const backup = backups.stdout.split('\n').filter(safePath).sort().pop();
  if (file === 'new' && backup) {
    const problem = await atomicCopy(cmd, backup, real);
    const again = await nginxTest(cmd, plan.nginx);
    return {
      file: 'old',
      nginxTestOk: ok(again),
      summary: problem ?? `nginx -t failed with the edit: restored ${backup}`,
    };
  }
  return { file, nginxTestOk: false, summary: `nginx -t fails: ${failure(test)}` };
}
