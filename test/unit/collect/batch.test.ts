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
import { batchable, batchOf, splitBatch, type Batch } from '../../../src/collect/batch.js';
import { LocalTransport } from '../../../src/transport/local.js';
import type { CommandSpec, RunResult } from '../../../src/transport/types.js';

const local = new LocalTransport({ sudo: false });
const quick = (id: string, argv: string[]): CommandSpec => ({ id, argv, quick: true });
const dir = mkdtempSync(join(tmpdir(), 'ud-batch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function runBatch(specs: CommandSpec[]) {
  const batch = batchOf(specs);
  return splitBatch(batch, await local.run(batch.spec));
}

/** A command that prints exactly these bytes (argv cannot carry NUL, so they come from a file). */
let files = 0;
function printing(id: string, bytes: Buffer | string): CommandSpec {
  const file = join(dir, `out-${files++}`);
  writeFileSync(file, bytes);
  return quick(id, ['cat', '--', file]);
}

/** What each command answers when it runs alone. */
async function alone(specs: CommandSpec[]) {
  return Promise.all(
    specs.map(async (s) => {
      const r = await local.run(s);
      return [s.id, r.exitCode, r.stdout, r.stderr];
    }),
  );
}

/** The batch script run by `shell` directly, with a UTF-8 locale in its environment (no LC_ALL=C). */
function runUnder(shell: string, spec: CommandSpec): Promise<RunResult> {
  const [, ...args] = spec.argv;
  return new Promise((resolve) => {
    const child = execFile(
      shell,
      args,
      { encoding: 'buffer', env: { PATH: process.env.PATH, HOME: dir, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' } },
      (error, stdout, stderr) => {
        resolve({
          id: spec.id,
          command: shell,
          stdout: stdout.toString('utf8'),
          stdoutBytes: stdout,
          stderr: stderr.toString('utf8'),
          exitCode: error ? 1 : 0,
          durationMs: 0,
        });
      },
    );
    child.stdin!.end(spec.stdin);
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
  it('gives each command its own output, its own stderr and its exit code', async () => {
    const results = await runBatch([
      quick('echo', ['/usr/bin/printf', '%s|%s', 'a b', "it's $HOME `x`"]),
      quick('fails', ['sh', '-c', 'echo oops >&2; exit 3']),
      quick('missing', ['no-such-command-ud']),
      quick('empty', ['/bin/true']),
    ]);
    expect(results?.map((r) => [r.id, r.exitCode, r.stdout, r.stderr])).toEqual([
      ['echo', 0, "a b|it's $HOME `x`", ''],
      ['fails', 3, '', 'oops\n'],
      ['missing', 127, '', expect.stringContaining('no-such-command-ud')],
      ['empty', 0, '', ''],
    ]);
  });

  it('answers with the bytes each command prints alone: multibyte, not UTF-8, NUL, newlines anywhere', async () => {
    const specs = hostile();
    const results = await runBatch(specs);
    expect(results?.map((r) => [r.id, r.exitCode, r.stdout, r.stderr])).toEqual(await alone(specs));
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
      const batch = batchOf(specs);
      const result = await runUnder(shell, batch.spec);
      expect(result.exitCode, shell).toBe(0);
      expect(
        splitBatch(batch, result)?.map((r) => [r.id, r.exitCode, r.stdout, r.stderr]),
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
            quick('a', ['/usr/bin/printf', '%s\\n', ...words]),
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
    const batch: Batch = batchOf(hostile());
    const whole = await local.run(batch.spec);
    const bytes = whole.stdoutBytes!;
    expect(splitBatch(batch, whole)).toHaveLength(batch.specs.length);
    for (let cut = 0; cut < bytes.length; cut++) {
      const stdoutBytes = bytes.subarray(0, cut);
      expect(splitBatch(batch, { ...whole, stdoutBytes }), `cut at ${cut}`).toBeUndefined();
    }
    expect(splitBatch(batch, { ...whole, exitCode: null })).toBeUndefined();
    expect(splitBatch(batch, { ...whole, truncated: true })).toBeUndefined();
    expect(
      splitBatch(batch, { ...whole, stdoutBytes: Buffer.concat([bytes, Buffer.from('x')]) }),
    ).toBeUndefined();
    // Nor a stderr cut short, or with more after its last trailer.
    expect(splitBatch(batch, { ...whole, stderr: whole.stderr.slice(0, -1) })).toBeUndefined();
    expect(splitBatch(batch, { ...whole, stderr: `${whole.stderr}x` })).toBeUndefined();
    // Another batch's boundary frames nothing here.
    expect(splitBatch({ ...batch, boundary: batchOf([]).boundary }, whole)).toBeUndefined();
    // Without its boundary on stdin the script runs nothing.
    const blind = await local.run({ ...batch.spec, stdin: '' });
    expect(blind.exitCode).toBe(97);
    expect(blind.stdout).toBe('');
    // The decoded text alone is no frame: without the bytes there is nothing to split.
    const { stdoutBytes: _bytes, ...text } = whole;
    expect(splitBatch(batch, text)).toBeUndefined();
  });

  it('the boundary is drawn for each batch and never in an argv another user of the host could read', async () => {
    const batch = batchOf([
      // Prints the batch shell's own argv, as any process on the host could read it from /proc.
      quick('argv', ['sh', '-c', 'cat /proc/$PPID/cmdline']),
      printing('after', 'x\n'),
    ]);
    expect(batch.boundary).toMatch(/^[0-9a-f]{32}$/);
    expect(batchOf([]).boundary).not.toBe(batch.boundary);
    expect(batch.spec.argv.join('\0')).not.toContain(batch.boundary);
    const results = splitBatch(batch, await local.run(batch.spec));
    expect(results?.[0]!.stdout).toContain('ud-batch');
    expect(results?.[0]!.stdout).not.toContain(batch.boundary);
    expect(results?.[1]!.stdout).toBe('x\n');
  });

  it("output holding a trailer of its own batch's shape, with a made-up boundary, stays inside its answer", async () => {
    const guess = `\n${'0'.repeat(32)} second 0\n`;
    const batch = batchOf([printing('first', guess), printing('second', 'real\n')]);
    expect(splitBatch(batch, await local.run(batch.spec))?.map((r) => r.stdout)).toEqual([guess, 'real\n']);
  });

  it("never batches a command named like one of the shell's builtins (it would run in the script's shell)", () => {
    for (const word of ['exit', 'exec', 'set', 'cd', 'eval', '.', 'printf', 'true', 'kill'])
      expect(batchable(quick('x', [word, 'arg']), false), word).toBe(false);
    expect(batchable(quick('x', ['/usr/bin/printf', 'a']), false)).toBe(true);
    expect(batchable(quick('x', ['ps', '-e']), false)).toBe(true);
    expect(batchable(quick('x', []), false)).toBe(false);
  });

  it('refuses a batch whose output holds a trailer more, should the boundary ever be known to it', async () => {
    const boundary = 'f'.repeat(32);
    // The forged trailer ends the output without a newline, so the real one's newline would complete it.
    const forged = (id: string) => printing(id, `hello\n\n${boundary} ${id} 0`);
    const specs = [forged('a'), quick('b', ['echo', 'real'])];
    const batch = batchOf(specs, boundary);
    expect(splitBatch(batch, await local.run(batch.spec))).toBeUndefined();
    const onStderr = batchOf(
      [quick('a', ['sh', '-c', `printf '\\n%s a' ${boundary} >&2`]), quick('b', ['echo'])],
      boundary,
    );
    expect(splitBatch(onStderr, await local.run(onStderr.spec))).toBeUndefined();
    // The same commands under a boundary the output does not know split as usual.
    const fresh = batchOf(specs);
    expect(splitBatch(fresh, await local.run(fresh.spec))?.map((r) => r.stdout)).toEqual([
      `hello\n\n${boundary} a 0`,
      'real\n',
    ]);
  });

  it("keeps each answer within its own command's cap, marked truncated, as when it runs alone", async () => {
    const big = { ...printing('big', 'x'.repeat(100) + '\n'), maxBytes: 10 };
    const results = await runBatch([big, quick('small', ['echo', 'ok'])]);
    expect(results?.[0]).toMatchObject({ stdout: 'x'.repeat(10), truncated: true });
    expect(results?.[1]!.stdout).toBe('ok\n');
    expect(results?.[1]!.truncated).toBeUndefined();
  });
});
