import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { argvProblem, quoteArgv, quoteWord } from '../../../src/transport/quote.js';

/**
 * Let a real shell parse each line as the arguments of `set --`, and give back the words it made of each.
 * One shell for many lines keeps the property test fast: it prints each line's word count, then the words.
 */
function shellWords(shell: string, lines: string[]): string[][] {
  const script = lines
    .map((line) => `set -- ${line}; printf '%s\\0' "$#"; for a in "$@"; do printf '%s\\0' "$a"; done`)
    .join('\n');
  const fields = execFileSync(shell, ['-c', script], { encoding: 'utf8' }).split('\0');
  const words: string[][] = [];
  let at = 0;
  for (let i = 0; i < lines.length; i++) {
    const count = Number(fields[at++]);
    words.push(fields.slice(at, at + count));
    at += count;
  }
  return words;
}

// Characters a shell treats specially, so random words hit them often, plus any Unicode text.
const SPECIAL = [...'\'"$`\\\n\t !*?[]{}~#;&|<>()=%+,:@-./', '$(id)', '`id`', "'\\''", '${HOME}', '\r\n'];
const word = fc.oneof(
  fc.string({ unit: fc.constantFrom(...SPECIAL), maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }).map((s) => s.replace(/\0/g, '')),
  fc.string({ maxLength: 12 }),
);

describe('quoteArgv', () => {
  for (const shell of ['sh', 'bash']) {
    it(`round-trips any argv through a real ${shell} (quotes, newlines, $(), backticks, globs)`, () => {
      fc.assert(
        fc.property(fc.array(fc.array(word, { maxLength: 6 }), { minLength: 1, maxLength: 25 }), (argvs) => {
          expect(
            shellWords(
              shell,
              argvs.map((argv) => quoteArgv(argv)),
            ),
          ).toEqual(argvs);
        }),
        { numRuns: 60 },
      );
    });
  }

  it('keeps plain words readable and quotes the rest', () => {
    expect(quoteArgv(['nginx', '-T'])).toBe('nginx -T');
    expect(quoteArgv(['ss', '-Htlnp'])).toBe('ss -Htlnp');
    expect(quoteArgv(['systemctl', 'show', '-p', 'ActiveState,SubState', 'nginx.service'])).toBe(
      'systemctl show -p ActiveState,SubState nginx.service',
    );
    expect(quoteArgv(['tail', '-c', '65536', '/var/log/nginx/error.log'])).toBe(
      'tail -c 65536 /var/log/nginx/error.log',
    );
    expect(quoteArgv(['echo', "it's", ''])).toBe("echo 'it'\\''s' ''");
    expect(quoteArgv(['echo', '~', '#x', '*'])).toBe("echo '~' '#x' '*'");
  });

  it('quotes a first word with = so the shell runs it instead of assigning a variable', () => {
    expect(quoteWord('A=b', true)).toBe("'A=b'");
    expect(quoteWord('--x=y')).toBe('--x=y');
    // The shell agrees: unquoted, `A=b` is an assignment (exit 0); quoted, a program that does not exist (127).
    const status = (line: string) => {
      try {
        execFileSync('sh', ['-c', line], { stdio: 'ignore' });
        return 0;
      } catch (error) {
        return (error as { status: number }).status;
      }
    };
    expect(status('A=b')).toBe(0);
    expect(status(quoteArgv(['A=b']))).toBe(127);
  });

  it('refuses what no command can receive: NUL bytes, an empty argv', () => {
    expect(argvProblem([])).toMatch(/empty argv/);
    expect(argvProblem(['echo', 'a\0b'])).toBe('argv[1] contains a NUL byte, which no command can receive');
    expect(argvProblem(['echo', 'fine'])).toBeUndefined();
    expect(() => quoteWord('a\0b')).toThrow(RangeError);
  });
});
