// Quick unprivileged commands (date, ps, cat of a small file, id…) run one after another in ONE SSH channel:
// each command of its own costs the host an sshd session, a shell and `timeout`, which is most of the cost
// of a diagnosis when 20 hosts are visited at once. The script is a constant; the commands reach it as
// positional arguments (id, argument count, argv…) and run without any shell parsing of their words. Each
// answer is framed by its length as the shell counted it, so nothing a command prints can forge another
// command's answer.
import type { CommandResult } from '../core/types.js';
import type { CommandSpec } from '../transport/types.js';
import { quoteArgv } from '../transport/quote.js';

/** `eval` only ever sees `"${1}" "${2}"…`, built from numbers: the words themselves are never parsed. */
const BATCH_SCRIPT = `while [ "$#" -gt 0 ]; do
  id=$1; n=$2; shift 2
  cmd=; i=1
  while [ "$i" -le "$n" ]; do cmd="$cmd \\"\\\${$i}\\""; i=$((i+1)); done
  out=$(eval "$cmd" 2>&1 </dev/null; echo "x$?")
  rc=\${out##*x}; out=\${out%x*}
  shift "$n"
  printf '%s %s %s\\n' "$id" "$rc" "\${#out}"
  printf '%s' "$out"
done`;

export const BATCH_ID = 'batch';

/**
 * Whether a spec may join a batch: quick by nature, not as another user, no input; privileged only when
 * no sudo is in the way (sudoers allows each command on its own, never a shell).
 */
export function batchable(spec: CommandSpec, sudoForPrivileged: boolean): boolean {
  return (
    spec.quick === true &&
    (!spec.privileged || !sudoForPrivileged) &&
    spec.runAs === undefined &&
    spec.stdin === undefined
  );
}

export function batchSpec(specs: CommandSpec[]): CommandSpec {
  return {
    id: BATCH_ID,
    privileged: specs.some((s) => s.privileged),
    argv: [
      'sh',
      '-c',
      BATCH_SCRIPT,
      'ud-batch',
      ...specs.flatMap((s) => [s.id, String(s.argv.length), ...s.argv]),
    ],
    timeoutMs: Math.min(
      30_000,
      specs.reduce((sum, s) => sum + (s.timeoutMs ?? 10_000), 0),
    ),
    maxBytes: specs.reduce((sum, s) => sum + (s.maxBytes ?? 8 * 1024 * 1024), 0),
  };
}

/**
 * The batch's output → one result per command (stdout and stderr together in stdout), or undefined when
 * the batch did not run to its end (then each command is run on its own).
 */
export function splitBatch(specs: CommandSpec[], result: CommandResult): CommandResult[] | undefined {
  if (result.exitCode !== 0 || result.truncated) return undefined;
  const out: CommandResult[] = [];
  const text = result.stdout;
  let at = 0;
  for (const spec of specs) {
    const nl = text.indexOf('\n', at);
    const header = nl === -1 ? undefined : /^(\S+) (\d+) (\d+)$/.exec(text.slice(at, nl));
    if (!header || header[1] !== spec.id) return undefined;
    const length = Number(header[3]);
    const stdout = text.slice(nl + 1, nl + 1 + length);
    if (stdout.length !== length) return undefined;
    at = nl + 1 + length;
    out.push({
      id: spec.id,
      command: quoteArgv(spec.argv),
      stdout,
      stderr: '',
      exitCode: Number(header[2]),
      durationMs: result.durationMs,
    });
  }
  return at === text.length ? out : undefined;
}
