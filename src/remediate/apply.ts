// Applying a plan on its host, following the remediation protocol: the file unchanged since the plan (else
// refuse) → backup next to it → atomic write (temp file in the same directory, owner and mode copied from
// the file, rename) → `nginx -t` (fail: restore) → reload → verify (a request through nginx is not 502/504,
// and no new upstream error for it in the error log) → fail: restore, reload, and say the host is back as
// it was (recover.ts). Every step is reported as it happens. The host is never left with a partial file:
// the only change to the live path is a rename(2) of a complete, checked file.
//
// Before anything is read or written, the file's real path is checked again on the host: it must be the one
// the plan was made for, inside the tree a plan may write (confined-file.ts).
import type { Transport } from '../transport/types.js';
import { checkUnchanged } from './confined-file.js';
import {
  baseOf,
  dirOf,
  failure,
  hostCommands,
  logSizes,
  newLogLines,
  nginxReload,
  nginxTest,
  ok,
  requestStatus,
  sha256Of,
  tempNextTo,
  upstreamErrors,
  writeVia,
} from './host-steps.js';
import { sha256Hex, type Plan } from './plan.js';
import { restoreBackup } from './recover.js';
import { Steps, type OnHostOptions, type StepName, type StepReport } from './steps.js';

export interface ApplyOptions extends OnHostOptions {
  /** Checked before every step that changes the host: false (the host lock was lost) stops the apply. */
  stillHeld?: () => Promise<boolean>;
  /** Wait after a reload before the verify request (new workers take the listening sockets). */
  reloadSettleMs?: number;
  /** How long after the verify request new error-log lines are looked for. */
  verifyWindowMs?: number;
  /** Timestamp in backup names; default now. */
  now?: () => Date;
  /** Called after each step that changed the host (tests stop the process there to check atomicity). */
  afterStep?: (step: StepName) => Promise<void> | void;
}

export interface ApplyResult {
  /** applied: fixed and verified; refused: nothing was changed; rolled-back: changed, then restored. */
  status: 'applied' | 'refused' | 'rolled-back' | 'failed';
  summary: string;
  /** Where the original was saved (kept after an apply, for a manual undo). */
  backup?: string;
  /** The real file written (the plan's path with symlinks resolved). */
  realFile?: string;
  steps: StepReport[];
}

const BAD_STATUSES = new Set([0, 502, 504]);

function stamp(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/** Words of the edited line that the edit changed (addresses, ports): what an upstream error would quote. */
function changedWords(before: string, after: string): string[] {
  const words = (s: string) => s.split(/[\s;]+/).filter((w) => w !== '');
  const old = new Set(words(before));
  const fresh = new Set(words(after));
  return [...words(after).filter((w) => !old.has(w)), ...words(before).filter((w) => !fresh.has(w))];
}

export async function applyPlan(
  transport: Transport,
  plan: Plan,
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  const cmd = hostCommands(transport);
  const steps = new Steps(options);
  const held = options.stillHeld ?? (async () => true);
  const after = async (s: StepName) => options.afterStep?.(s);
  const result = (status: ApplyResult['status'], summary: string, extra: Partial<ApplyResult> = {}) => ({
    status,
    summary,
    steps: steps.list,
    ...extra,
  });

  const checked = await checkUnchanged(cmd, plan, options.roots);
  if (!checked.ok) {
    await steps.report('check', false, checked.error);
    return result('refused', checked.error);
  }
  const { real, newText } = checked.value;
  await steps.report('check', true, `${plan.file} is unchanged since the diagnosis`);
  if (!(await held()))
    return result('refused', 'the host lock was lost before any change: nothing was changed');

  // Backup: hidden (leading dot) so `include sites-enabled/*` never loads it, next to the file, timestamped.
  const backup = `${dirOf(real)}/.${baseOf(real)}.ud-backup-${stamp((options.now ?? (() => new Date()))())}-${plan.id}`;
  const copied = await cmd.run('backup', ['cp', '-p', '--', real, backup]);
  if (!ok(copied) || (await sha256Of(cmd, backup)) !== plan.sha256AtDiagnosis) {
    const message = `backup to ${backup} failed: ${failure(copied)}; nothing was changed`;
    await cmd.run('cleanup', ['rm', '-f', '--', backup]);
    await steps.report('backup', false, message);
    return result('failed', message);
  }
  await steps.report('backup', true, `backup: ${backup}`);
  await after('backup');
  // From here on a failed step puts the original back (recover.ts) and says whether the host is as it was.
  const rollBack = async (why: string, reload: boolean): Promise<ApplyResult> => {
    const restored = await restoreBackup(cmd, plan, real, backup, reload);
    await steps.report('restore', restored.back, restored.message);
    return result(restored.back ? 'rolled-back' : 'failed', `${why}; ${restored.message}`, {
      backup,
      realFile: real,
    });
  };

  // Write the new text to a temp file beside the file, give it the file's owner and mode, check it.
  const tmp = await tempNextTo(cmd, real);
  if (typeof tmp !== 'string') {
    await steps.report('write', false, `${tmp.error}; nothing was changed`);
    return result('failed', `${tmp.error}; nothing was changed`, { backup });
  }
  const written = await writeVia(cmd, tmp, newText);
  const owner = await cmd.run('chown', ['chown', '--reference', real, '--', tmp]);
  const mode = await cmd.run('chmod', ['chmod', '--reference', real, '--', tmp]);
  const tmpSha = await sha256Of(cmd, tmp);
  if (!ok(written) || !ok(owner) || !ok(mode) || tmpSha !== sha256Hex(newText)) {
    await cmd.run('cleanup', ['rm', '-f', '--', tmp]);
    const why = !ok(written)
      ? failure(written)
      : !ok(owner)
        ? failure(owner)
        : !ok(mode)
          ? failure(mode)
          : 'the written file differs';
    await steps.report('write', false, `writing the new file failed: ${why}; nothing was changed`);
    return result('failed', `writing the new file failed: ${why}; nothing was changed`, { backup });
  }
  await steps.report('write', true, `new file written beside it (${baseOf(tmp)}), owner and mode kept`);
  await after('write');
  if (!(await held())) {
    await cmd.run('cleanup', ['rm', '-f', '--', tmp]);
    return result('refused', 'the host lock was lost before the file was replaced: nothing was changed', {
      backup,
    });
  }
  const renamed = await cmd.run('rename', ['mv', '-f', '--', tmp, real]);
  if (!ok(renamed)) {
    await cmd.run('cleanup', ['rm', '-f', '--', tmp]);
    await steps.report('rename', false, `rename failed: ${failure(renamed)}`);
    return rollBack(`rename failed: ${failure(renamed)}`, false);
  }
  await steps.report('rename', true, `${plan.file} replaced (atomic rename)`);
  await after('rename');

  const test = await nginxTest(cmd, plan.nginx);
  if (!ok(test)) {
    await steps.report('nginx-t', false, `nginx -t failed: ${failure(test)}`);
    return rollBack(`nginx -t failed: ${failure(test)}`, false);
  }
  await steps.report('nginx-t', true, 'nginx -t: the configuration is valid');

  const sizes = await logSizes(cmd, plan.errorLogs);
  const reload = await nginxReload(cmd, plan.nginx);
  if (!ok(reload)) {
    await steps.report('reload', false, `reload failed: ${failure(reload)}`);
    return rollBack(`reload failed: ${failure(reload)}`, true);
  }
  await steps.report('reload', true, 'nginx reloaded');
  await after('reload');
  await sleep(options.reloadSettleMs ?? 1000);

  const status = await requestStatus(cmd, plan.verify);
  await sleep(options.verifyWindowMs ?? 1500);
  const errors = upstreamErrors(await newLogLines(cmd, sizes), {
    host: plan.verify.hostHeader,
    words: changedWords(plan.before, plan.after),
  });
  const target = `GET http://${plan.verify.hostHeader}${plan.verify.path} (via ${plan.verify.address}:${plan.verify.port})`;
  if (BAD_STATUSES.has(status) || errors.length > 0) {
    const why = BAD_STATUSES.has(status)
      ? `${target} → ${status === 0 ? 'no answer' : status}`
      : `new upstream error: ${errors[0]}`;
    await steps.report('verify', false, `not fixed: ${why}`);
    return rollBack(`not fixed: ${why}`, true);
  }
  await steps.report('verify', true, `${target} → ${status}, no new upstream error in the log`);
  return result('applied', `applied and verified: ${target} → ${status}; backup ${backup}`, {
    backup,
    realFile: real,
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
