// Quick unprivileged commands (date, ps, cat of a small file, id…) run one after another in ONE SSH channel:
// each command of its own costs the host an sshd session, a shell and its process, which is most of the cost
// of a diagnosis when 20 hosts are visited at once. The script is a constant; the commands reach it as
// positional arguments (id, argument count, argv…) and run without any shell parsing of their words.
//
// Framing is in bytes, end to end, and costs the host nothing but the commands themselves: each command
// writes straight to the channel, its stdout and its stderr apart (each answer is what the command gives
// alone), and after it the script prints a trailer on both: `\n<boundary> <id> <exit code>\n` on stdout,
// `\n<boundary> <id>\n` on stderr.
// The boundary is 128 random bits drawn for each batch and handed to the script on its stdin: never in its
// argv, so no other user of the host can read it from /proc while the batch runs (an argv is public), and no
// output (a process title ps prints, a socket path ss prints, a file) can forge a trailer it cannot know.
// The split works on the raw bytes (RunResult.stdoutBytes, never the decoded text), and each answer is
// decoded on its own, as when the command runs alone. (The previous framing counted each command's bytes
// with dd(1) through two subshells: three or four processes more per command, a third of a host's work.)
import { randomBytes } from 'node:crypto';
import type { CommandResult } from '../model/types.js';
import type { CommandSpec, RunResult } from '../transport/types.js';
import { quoteArgv } from '../transport/quote.js';

/**
 * `eval` only ever sees `"${1}" "${2}"…`, built from numbers: the words themselves are never parsed. The
 * command runs from the script's own shell, with no subshell (dash would fork one and then the program:
 * twice the processes), which is safe because a batched command is always a program, never one of the
 * shell's builtins (batchable() below). The boundary is the first line of stdin; the commands get /dev/null.
 */
const BATCH_SCRIPT = `IFS= read -r b || exit 97
while [ "$#" -gt 0 ]; do
  id=$1; n=$2; shift 2
  cmd=; i=1
  while [ "$i" -le "$n" ]; do cmd="$cmd \\"\\\${$i}\\""; i=$((i+1)); done
  eval "$cmd" </dev/null
  rc=$?
  shift "$n"
  printf '\\n%s %s %s\\n' "$b" "$id" "$rc"
  printf '\\n%s %s\\n' "$b" "$id" >&2
done`;

export const BATCH_ID = 'batch';

/** A batched command's output cap: its own, else 8 MiB. */
const capOf = (spec: CommandSpec) => spec.maxBytes ?? 8 * 1024 * 1024;

/** dash's and bash's builtins and keywords: a batched command named like one would run in the script's shell. */
const SHELL_WORDS = new Set(
  (
    '. : [ [[ alias bg bind break builtin caller case cd chdir command compgen complete continue declare dirs ' +
    'disown do done echo elif else enable esac eval exec exit export false fc fg fi for function getopts ' +
    'hash help history if in jobs kill let local logout mapfile popd printf pushd pwd read readarray ' +
    'readonly return select set shift shopt source suspend test then time times trap true type typeset ' +
    'ulimit umask unalias unset until wait while { } !'
  ).split(' '),
);

/** A batch to run: its spec, and what splitting its answer needs. */
export interface Batch {
  spec: CommandSpec;
  specs: CommandSpec[];
  boundary: string;
}

/**
 * Whether a spec may join a batch: quick by nature, not as another user, no input; privileged only when
 * no sudo is in the way (sudoers allows each command on its own, never a shell).
 */
export function batchable(spec: CommandSpec, sudoForPrivileged: boolean): boolean {
  return (
    spec.quick === true &&
    spec.argv.length > 0 &&
    !SHELL_WORDS.has(spec.argv[0]!) &&
    (!spec.privileged || !sudoForPrivileged) &&
    spec.runAs === undefined &&
    spec.stdin === undefined
  );
}

/** The batch of `specs`; `boundary` (tests only) replaces the random one. */
export function batchOf(specs: CommandSpec[], boundary = randomBytes(16).toString('hex')): Batch {
  const spec: CommandSpec = {
    id: BATCH_ID,
    privileged: specs.some((s) => s.privileged),
    argv: [
      'sh',
      '-c',
      BATCH_SCRIPT,
      'ud-batch',
      ...specs.flatMap((s) => [s.id, String(s.argv.length), ...s.argv]),
    ],
    stdin: `${boundary}\n`,
    timeoutMs: Math.min(
      30_000,
      specs.reduce((sum, s) => sum + (s.timeoutMs ?? 10_000), 0),
    ),
    maxBytes: specs.reduce((sum, s) => sum + capOf(s), 0),
    rawStdout: true,
  };
  return { spec, specs, boundary };
}

const TRAILER_END = /^(\d+)\n/;

/**
 * The batch's stderr → each command's, or undefined when the frames do not tile it exactly. Text is enough:
 * the boundary is ASCII, and a decoder never takes an ASCII byte into the bytes before it.
 */
function splitStderr(batch: Batch, stderr: string): string[] | undefined {
  if (stderr.split(`\n${batch.boundary} `).length - 1 !== batch.specs.length) return undefined;
  const out: string[] = [];
  let start = 0;
  for (const spec of batch.specs) {
    const trailer = `\n${batch.boundary} ${spec.id}\n`;
    const at = stderr.indexOf(`\n${batch.boundary} `, start);
    if (at === -1 || !stderr.startsWith(trailer, at)) return undefined;
    out.push(stderr.slice(start, at));
    start = at + trailer.length;
  }
  return start === stderr.length ? out : undefined;
}

/**
 * The batch's output → one result per command, or undefined when the batch did not run to its end or its
 * frames do not tile its bytes exactly (then each command is run on its own). Frames are read in order: a
 * command's answer runs up to the next `\n<boundary> `, which must be followed by that command's id and an
 * exit code, and the last trailer must end the bytes; its stderr likewise.
 */
export function splitBatch(batch: Batch, result: RunResult): CommandResult[] | undefined {
  const bytes = result.stdoutBytes;
  if (result.exitCode !== 0 || result.truncated || bytes === undefined) return undefined;
  const mark = Buffer.from(`\n${batch.boundary} `, 'latin1');
  const stderrs = splitStderr(batch, result.stderr);
  if (!stderrs) return undefined;
  // Exactly one mark per command: more could only come from output that knows the boundary (should it ever
  // leak), and a forged trailer before a real one is refused rather than taken for it.
  if (occurrences(bytes, mark) !== batch.specs.length) return undefined;
  const out: CommandResult[] = [];
  let start = 0;
  for (const spec of batch.specs) {
    const at = bytes.indexOf(mark, start);
    if (at === -1) return undefined;
    const id = Buffer.from(`${spec.id} `, 'utf8');
    const afterMark = at + mark.length;
    if (!bytes.subarray(afterMark, afterMark + id.length).equals(id)) return undefined;
    const tail = TRAILER_END.exec(
      bytes.subarray(afterMark + id.length, afterMark + id.length + 5).toString('latin1'),
    );
    if (!tail) return undefined;
    // Each answer within its own command's cap, as when it runs alone (the batch's cap is their sum).
    const cap = capOf(spec);
    const stderr = stderrs[out.length]!;
    const answer: CommandResult = {
      id: spec.id,
      command: quoteArgv(spec.argv),
      stdout: bytes.subarray(start, Math.min(at, start + cap)).toString('utf8'),
      stderr:
        Buffer.byteLength(stderr) > cap ? Buffer.from(stderr).subarray(0, cap).toString('utf8') : stderr,
      exitCode: Number(tail[1]),
      durationMs: result.durationMs,
    };
    if (at - start > cap || Buffer.byteLength(stderr) > cap) answer.truncated = true;
    out.push(answer);
    start = afterMark + id.length + tail[0].length;
  }
  return start === bytes.length ? out : undefined;
}

function occurrences(bytes: Buffer, mark: Buffer): number {
  let n = 0;
  for (let at = bytes.indexOf(mark); at !== -1; at = bytes.indexOf(mark, at + 1)) n++;
  return n;
}
