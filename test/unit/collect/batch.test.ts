// Quick commands batched into one channel, run for real by sh on this machine: every command gets its own
// answer and exit code, words reach the command unparsed, no output can forge another's answer, and the
// answers are the very bytes each command prints when it runs alone (multibyte text, bytes that are not
// UTF-8, NUL bytes, newlines anywhere), framed in bytes whatever the shell and the locale.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { batchSpec, splitBatch } from '../../../src/collect/batch.js';
import { LocalTransport } from '../../../src/transport/local.js';
import type { CommandSpec, RunResult } from '../../../src/transport/types.js';

const local = new LocalTransport({ sudo: false });
const quick = (id: string, argv: string[]): CommandSpec => ({ id, argv, quick: true });
const dir = mkdtempSync(join(tmpdir(), 'ud-batch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function runBatch(specs: CommandSpec[]) {
  return splitBatch(specs, await local.run(batchSpec(specs)));
}

/** A command that prints exactly these bytes (argv cannot carry NUL, so they come from a file). */
let files = 0;
function printing(id: string, bytes: Buffer | string): CommandSpec {
  const file = join(dir, `out-${files++}`);
  writeFileSync(file, bytes);
  return quick(id, ['cat', '--', file]);
}

/** What each command answers when it runs alone, in the collector's batch shape (stderr joined). */
async function alone(specs: CommandSpec[]) {
  return Promise.all(
    specs.map(async (s) => {
      const r = await local.run({ ...s, argv: ['sh', '-c', '"$@" 2>&1', 'sh', ...s.argv] });
      return [s.id, r.exitCode, r.stdout];
    }),
  );
}

/** The batch script run by `shell` directly, with a UTF-8 locale in its environment (no LC_ALL=C). */
function runUnder(shell: string, spec: CommandSpec): Promise<RunResult> {
  const [, ...args] = spec.argv;
  return new Promise((resolve) => {
    execFile(
      shell,
      args,
      { encoding: 'buffer', env: { PATH: process.env.PATH, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' } },
      (error, stdout) => {
        resolve({
          id: spec.id,
          command: shell,
          stdout: stdout.toString('utf8'),
          stdoutBytes: stdout,
          stderr: '',
          exitCode: error ? 1 : 0,
          durationMs: 0,
        });
      },
    );
  });
}

// A process title with multibyte characters, and a socket path holding a newline and an ss-looking line:
// the answer of the next command must not start inside this one.
const ssLike =
  'u_str LISTEN 0 5 /tmp/a\nu_str LISTEN 0 5 /run/forged.sock 1 * 0 users:(("nginx✓",pid=1,fd=1))\nx 77 * 0\n';
const hostile = (): CommandSpec[] => [
  printing('ps', ' 1 0 root 5 nginx✓ü master process ✓✓✓✓✓✓✓✓\n'),
  printing('ss-unix', ssLike),
  printing('not-utf8', Buffer.from([0xc3, 0x0a, 0xff, 0xfe, 0xe2, 0x9c])),
  printing('nul', Buffer.from('a\0b\0\0\n\0')),
  printing('newlines', '\n\n\nend\n\n\n'),
  printing('no-newline', 'ü'),
  quick('fails', ['sh', '-c', 'printf "ü" >&2; exit 3']),
];

describe('command batches', () => {
  it('gives each command its own output and exit code, stderr joined', async () => {
    const results = await runBatch([
      quick('echo', ['printf', '%s|%s', 'a b', "it's $HOME `x`"]),
      quick('fails', ['sh', '-c', 'echo oops >&2; exit 3']),
      quick('missing', ['no-such-command-ud']),
      quick('empty', ['true']),
    ]);
    expect(results?.map((r) => [r.id, r.exitCode, r.stdout])).toEqual([
      ['echo', 0, "a b|it's $HOME `x`"],
      ['fails', 3, 'oops\n'],
      ['missing', 127, expect.stringContaining('no-such-command-ud')],
      ['empty', 0, ''],
    ]);
  });

  it('answers with the bytes each command prints alone: multibyte, not UTF-8, NUL, newlines anywhere', async () => {
    const specs = hostile();
    const results = await runBatch(specs);
    expect(results?.map((r) => [r.id, r.exitCode, r.stdout])).toEqual(await alone(specs));
    // Spelled out, so that "alone" cannot be wrong the same way: NULs kept, invalid UTF-8 is U+FFFD.
    expect(results?.[1]!.stdout).toBe(ssLike);
    expect(results?.[2]!.stdout).toBe('\ufffd\n\ufffd\ufffd\ufffd');
    expect(results?.[3]!.stdout).toBe('a\0b\0\0\n\0');
    expect(results?.[4]!.stdout).toBe('\n\n\nend\n\n\n');
  });

  it('counts bytes under dash and bash with a UTF-8 locale in the environment', async () => {
    const specs = hostile();
    const expected = await alone(specs);
    for (const shell of ['dash', 'bash']) {
      const result = await runUnder(shell, batchSpec(specs));
      expect(result.exitCode, shell).toBe(0);
      expect(
        splitBatch(specs, result)?.map((r) => [r.id, r.exitCode, r.stdout]),
        shell,
      ).toEqual(expected);
    }
  });

  it('output that looks like frame trailers stays inside its own answer', async () => {
    const forged = ['second 0 5\nhello\n', '\nfirst 0 0\n\nsecond 0 1\n', 'x\nsecond 0 99999999\n'];
    for (const text of forged) {
      const results = await runBatch([
        printing('first', text),
        printing('second', text),
        quick('third', ['echo', 'real']),
      ]);
      expect(results?.map((r) => r.stdout)).toEqual([text, text, 'real\n']);
    }
  });

  it('any bytes at all come back whole and in place', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 1, maxLength: 4 }),
        async (outs) => {
          const specs = outs.map((bytes, i) => printing(`c${i}`, Buffer.from(bytes)));
          const results = await runBatch(specs);
          expect(results?.map((r) => r.stdout)).toEqual(outs.map((b) => Buffer.from(b).toString('utf8')));
        },
      ),
      { numRuns: 30 },
    );
  });

  it('passes any words through unparsed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.string({ minLength: 0, maxLength: 12 }).filter((w) => !w.includes('\0')),
          { maxLength: 5 },
        ),
        async (words) => {
          const results = await runBatch([
            quick('a', ['printf', '%s\\n', ...words]),
            quick('b', ['echo', 'done']),
          ]);
          expect(results?.[0]!.stdout).toBe(words.length === 0 ? '\n' : words.map((w) => `${w}\n`).join(''));
          expect(results?.[1]!.stdout).toBe('done\n');
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a batch cut anywhere, or that did not finish, is not split (the collector then runs each alone)', async () => {
    const specs = hostile();
    const whole = await local.run(batchSpec(specs));
    const bytes = whole.stdoutBytes!;
    expect(splitBatch(specs, whole)).toHaveLength(specs.length);
    for (let cut = 0; cut < bytes.length; cut++) {
      const stdoutBytes = bytes.subarray(0, cut);
      expect(splitBatch(specs, { ...whole, stdoutBytes }), `cut at ${cut}`).toBeUndefined();
    }
    expect(splitBatch(specs, { ...whole, exitCode: null })).toBeUndefined();
    expect(splitBatch(specs, { ...whole, truncated: true })).toBeUndefined();
    expect(
      splitBatch(specs, { ...whole, stdoutBytes: Buffer.concat([Buffer.from('x'), bytes]) }),
    ).toBeUndefined();
    // The decoded text alone is no frame: without the bytes there is nothing to split.
    const { stdoutBytes: _bytes, ...text } = whole;
    expect(splitBatch(specs, text)).toBeUndefined();
  });
});
