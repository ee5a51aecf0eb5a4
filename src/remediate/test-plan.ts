// "Run nginx -t": a plan's edit checked by nginx without touching the live config. The edited file is
// written as a candidate under a fresh temp directory and bind-mounted over the live one in a private mount
// namespace that exists only for that `nginx -t` (so includes with absolute paths, relative ones and globs
// all read exactly the live tree, with only the edited file different). The sudo rules (sudoers.ts) spell
// out CANDIDATE_SCRIPT and candidateTestArgv's shape.
import type { Transport } from '../transport/types.js';
import { checkUnchanged } from './confined-file.js';
import { baseOf, failure, hostCommands, nginxArgs, ok, safePath, writeVia } from './host-steps.js';
import type { NginxInvocation, Plan } from './plan.js';
import { Steps, type OnHostOptions, type StepReport } from './steps.js';

export interface TestResult {
  status: 'passed' | 'failed' | 'refused';
  summary: string;
  /** What nginx -t printed for the candidate. */
  output: string;
  steps: StepReport[];
}

/** A constant script: bind the candidate over the live file in a private mount namespace, run nginx -t. */
export const CANDIDATE_SCRIPT = 'mount --bind "$1" "$2" || exit 97; shift 2; exec "$@"';

/** nginx -t with `candidate` in place of `live`, seen only inside a private mount namespace. */
export function candidateTestArgv(candidate: string, live: string, nginx: NginxInvocation): string[] {
  return [
    'unshare',
    '--mount',
    '--propagation',
    'private',
    '--',
    'sh',
    '-c',
    CANDIDATE_SCRIPT,
    'upstream-doctor-test',
    candidate,
    live,
    nginx.binary,
    '-t',
    ...nginxArgs(nginx),
  ];
}

export async function testPlan(
  transport: Transport,
  plan: Plan,
  options: OnHostOptions = {},
): Promise<TestResult> {
  const cmd = hostCommands(transport);
  const steps = new Steps(options);
  const checked = await checkUnchanged(cmd, plan, options.roots);
  if (!checked.ok) {
    await steps.report('check', false, checked.error);
    return { status: 'refused', summary: checked.error, output: '', steps: steps.list };
  }
  const { real, newText } = checked.value;
  const dir = await cmd.run('mktemp-dir', ['mktemp', '-d', '-t', 'upstream-doctor-test.XXXXXXXX']);
  const tmpDir = dir.stdout.trim();
  if (!ok(dir) || !safePath(tmpDir)) {
    const message = `mktemp -d failed: ${failure(dir)}`;
    await steps.report('candidate', false, message);
    return { status: 'failed', summary: message, output: '', steps: steps.list };
  }
  try {
    const candidate = `${tmpDir}/${baseOf(real)}`;
    const written = await writeVia(cmd, candidate, newText);
    if (!ok(written)) {
      const message = `writing the candidate failed: ${failure(written)}`;
      await steps.report('candidate', false, message);
      return { status: 'failed', summary: message, output: '', steps: steps.list };
    }
    await steps.report('candidate', true, `candidate ${candidate}; the live config is not touched`);
    const t = await cmd.run('nginx-t-candidate', candidateTestArgv(candidate, real, plan.nginx), {
      timeoutMs: 20_000,
    });
    const output = t.stderr.trim();
    if (t.exitCode === 97) {
      const message = `could not stage the candidate (private mount): ${failure(t)}`;
      await steps.report('nginx-t', false, message);
      return { status: 'failed', summary: message, output, steps: steps.list };
    }
    const passed = ok(t);
    const message = passed
      ? 'nginx -t with the edit: the configuration is valid'
      : `nginx -t with the edit fails: ${failure(t)}`;
    await steps.report('nginx-t', passed, message);
    return { status: passed ? 'passed' : 'failed', summary: message, output, steps: steps.list };
  } finally {
    await cmd.run('cleanup', ['rm', '-rf', '--', tmpDir]);
  }
}
