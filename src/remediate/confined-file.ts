// The plan's file as its host resolves it now, checked before a test, an apply or a recovery reads or
// writes anything: its real path (readlink -e, for root and sudo logins alike) must be the one the plan was
// made for, under the main config's real directory or a root of REMEDIATION_ROOTS (confine.ts). A symlink
// retargeted since the diagnosis refuses. A test and an apply also need the file byte for byte as the plan
// was made from, and the plan's edit applied to it.
import { confinement } from './confine.js';
import { applyEdit } from '../analyze/edit.js';
import { dirOf, failure, nginxInvocationProblem, ok, safePath, type HostCommands } from './host-steps.js';
import { sha256Hex, type Plan } from './plan.js';
import type { Result } from '../model/result.js';

/** The live file: its real path, its text, and its text with the plan's edit. */
interface Checked {
  real: string;
  text: string;
  newText: string;
}

/** A path's real path on the host (readlink -e), or undefined when it has none or an odd one. */
async function realPathOf(cmd: HostCommands, id: string, path: string): Promise<string | undefined> {
  const r = await cmd.run(id, ['readlink', '-e', '--', path]);
  const real = r.stdout.replace(/\n$/, '');
  return ok(r) && safePath(real) ? real : undefined;
}

/**
 * The plan's file as the host resolves it now, if a plan may write it: the same real path as at the
 * diagnosis, under the main config's real directory or a root. Nothing is read or written before this.
 */
export async function confinedFile(
  cmd: HostCommands,
  plan: Plan,
  roots: readonly string[] = [],
): Promise<Result<string>> {
  const problem = nginxInvocationProblem(plan.nginx);
  if (!safePath(plan.file)) return { ok: false, error: `unsafe file path ${plan.file}` };
  if (problem) return { ok: false, error: problem };
  const resolved = await cmd.run('readlink', ['readlink', '-e', '--', plan.file]);
  // A refusal by sudo or a missing file is said as the host said it.
  if (!ok(resolved)) return { ok: false, error: `${plan.file}: ${failure(resolved)}` };
  const line = resolved.stdout.replace(/\n$/, '');
  const real = safePath(line) ? line : undefined;
  const mainDir = dirOf(plan.nginx.configPath);
  const realDir = await realPathOf(cmd, 'readlink-dir', mainDir);
  const confined = confinement(plan.file, real, mainDir, realDir, roots);
  if (!confined.ok) return { ok: false, error: `${confined.why}; nothing was changed` };
  if (real === undefined || real !== plan.realFile)
    return {
      ok: false,
      error: `${plan.file} now resolves to ${real ?? 'nothing'}, not ${plan.realFile} as at the diagnosis: nothing was changed; diagnose again`,
    };
  return { ok: true, value: real };
}

/** Reads the live file (symlinks resolved) and checks it is byte for byte the file the plan was made from. */
export async function checkUnchanged(
  cmd: HostCommands,
  plan: Plan,
  roots: readonly string[] | undefined,
): Promise<Result<Checked>> {
  const where = await confinedFile(cmd, plan, roots);
  if (!where.ok) return where;
  const real = where.value;
  const read = await cmd.run('read', ['cat', '--', real]);
  if (!ok(read) || read.truncated) return { ok: false, error: `cannot read ${real}: ${failure(read)}` };
  const sha = sha256Hex(read.stdout);
  if (sha !== plan.sha256AtDiagnosis)
    return {
      ok: false,
      error: `${plan.file} changed since the diagnosis (sha256 ${sha.slice(0, 12)}…, the plan was made from ${plan.sha256AtDiagnosis.slice(0, 12)}…): nothing was changed; diagnose again`,
    };
  const edited = applyEdit(read.stdout, plan);
  if (!edited.ok) return { ok: false, error: edited.error };
  return { ok: true, value: { real, text: read.stdout, newText: edited.value } };
}
