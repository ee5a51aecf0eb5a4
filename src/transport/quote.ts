// POSIX shell quoting for argv. SSH carries one command STRING, which the remote login shell parses; every
// argument is therefore quoted on its own so that no byte of it (quotes, `$()`, backticks, newlines, globs) is
// ever interpreted by that shell. We assume the login shell is POSIX sh compatible (sh, dash, bash, zsh, ksh).

/** Characters that mean nothing to a POSIX shell anywhere in a word, so such words can stay unquoted (readable). */
const PLAIN_WORD = /^[A-Za-z0-9_./:@%+,-]+$/;
/** Later words may also contain `=`; a first word with `=` would be taken as a variable assignment. */
const PLAIN_LATER_WORD = /^[A-Za-z0-9_./:@%+,=-]+$/;

/**
 * Why argv cannot be sent as a command, or undefined when it can: a NUL byte cannot travel in an argument
 * (C strings end there), and an empty argv has no program.
 */
export function argvProblem(argv: readonly string[]): string | undefined {
  if (argv.length === 0) return 'empty argv: no program to run';
  const index = argv.findIndex((arg) => arg.includes('\0'));
  if (index >= 0) return `argv[${index}] contains a NUL byte, which no command can receive`;
  return undefined;
}

/** Quote one word for a POSIX shell: `'…'` with each `'` written as `'\''`. */
export function quoteWord(word: string, first = false): string {
  if (word.includes('\0')) throw new RangeError('a shell word cannot contain a NUL byte');
  const plain = first ? PLAIN_WORD : PLAIN_LATER_WORD;
  // A leading `~` would be tilde-expanded and a leading `#` starts a comment; PLAIN_* exclude both.
  if (plain.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Quote argv into one command line that a POSIX shell splits back into exactly argv. */
export function quoteArgv(argv: readonly string[]): string {
  return argv.map((word, index) => quoteWord(word, index === 0)).join(' ');
}
