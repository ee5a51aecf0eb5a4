// Quick unprivileged commands (date, ps, cat of a small file, id…) run one after another in ONE SSH channel:
// each command of its own costs the host an sshd session, a shell and `timeout`, which is most of the cost
// of a diagnosis when 20 hosts are visited at once. The script is a constant; the commands reach it as
// positional arguments (id, argument count, argv…) and run without any shell parsing of their words.
//
// Framing is in bytes, end to end. Each command's output streams through dd(1) straight to the channel,
// never through a shell variable (command substitution drops NUL bytes, and `${#var}` counts characters
// in a UTF-8 locale but bytes in C), and dd's count of the bytes it copied goes into a trailer after the
// output: `\n<id> <exit code> <bytes>\n`. The split reads the trailers from the end of the raw bytes
// (RunResult.stdoutBytes, never the decoded text, where a multibyte character is one unit but several
// bytes), so nothing a command prints, whatever its encoding, can forge another command's answer; each
// answer is decoded on its own, as when the command runs alone.
import type { CommandResult } from '../model/types.js';
import type { CommandSpec, RunResult } from '../transport/types.js';
import { quoteArgv } from '../transport/quote.js';

/**
 * `eval` only ever sees `"${1}" "${2}"…`, built from numbers: the words themselves are never parsed.
 * fd 3 is the channel: dd writes the output there, while the command substitution collects only the exit
 * code (fd 4) and dd's statistics, whose last line starts with the number of bytes copied (whatever the
 * locale or the dd; LC_ALL=C for its words all the same). The command itself gets neither fd.
 */
const BATCH_SCRIPT = `nl='
'
exec 3>&1
while [ "$#" -gt 0 ]; do
  id=$1; n=$2; shift 2
  cmd=; i=1
  while [ "$i" -le "$n" ]; do cmd="$cmd \\"\\\${$i}\\""; i=$((i+1)); done
  meta=$( { { eval "$cmd" 2>&1 </dev/null 3>&- 4>&-; echo "$?" >&4; } | LC_ALL=C dd bs=65536 2>&4 >&3 3>&- 4>&-; } 4>&1 )
  shift "$n"
  rc=\${meta%%"$nl"*}; last=\${meta##*"$nl"}
  printf '\\n%s %s %s\\n' "$id" "$rc" "\${last%% *}"
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
    rawStdout: true,
  };
}

const NEWLINE = 0x0a;
const TRAILER = /^ (\d+) (\d+)$/;

/**
 * The batch's output → one result per command (stdout and stderr together in stdout), or undefined when
 * the batch did not run to its end or its frames do not tile its bytes exactly (then each command is run
 * on its own). Frames are read from the end: the last line is the last command's trailer, the bytes it
 * counts come just before it, and the previous frame ends where they begin.
 */
export function splitBatch(specs: CommandSpec[], result: RunResult): CommandResult[] | undefined {
  const bytes = result.stdoutBytes;
  if (result.exitCode !== 0 || result.truncated || bytes === undefined) return undefined;
  const out: CommandResult[] = [];
  let end = bytes.length;
  for (let k = specs.length - 1; k >= 0; k--) {
    const spec = specs[k]!;
    if (end < 1 || bytes[end - 1] !== NEWLINE) return undefined;
    const start = bytes.lastIndexOf(NEWLINE, end - 2);
    if (start === -1) return undefined;
    const id = Buffer.from(spec.id, 'utf8');
    const trailer = bytes.subarray(start + 1, end - 1);
    const counts = trailer.subarray(0, id.length).equals(id)
      ? TRAILER.exec(trailer.subarray(id.length).toString('latin1'))
      : null;
    if (!counts) return undefined;
    const length = Number(counts[2]);
    if (length > start) return undefined;
    out.push({
      id: spec.id,
      command: quoteArgv(spec.argv),
      stdout: bytes.subarray(start - length, start).toString('utf8'),
      stderr: '',
      exitCode: Number(counts[1]),
      durationMs: result.durationMs,
    });
    end = start - length;
  }
  return end === 0 ? out.reverse() : undefined;
}
