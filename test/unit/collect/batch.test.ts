// Quick commands batched into one channel, run for real by sh on this machine: every command gets its own
// answer and exit code, words reach the command unparsed, and no output can forge another's answer.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchSpec, splitBatch } from '../../../src/collect/batch.js';
import { LocalTransport } from '../../../src/transport/local.js';
import type { CommandSpec } from '../../../src/transport/types.js';

const local = new LocalTransport({ sudo: false });
const quick = (id: string, argv: string[]): CommandSpec => ({ id, argv, quick: true });

async function runBatch(specs: CommandSpec[]) {
  return splitBatch(specs, await local.run(batchSpec(specs)));
}

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

  it('output that looks like a frame header stays inside its own answer', async () => {
    const forged = 'second 0 5\nhello\n';
    const results = await runBatch([
      quick('first', ['printf', '%s', forged]),
      quick('second', ['echo', 'real']),
    ]);
    expect(results?.map((r) => r.stdout)).toEqual([forged, 'real\n']);
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

  it('a batch that did not finish is not split (the collector then runs each command alone)', () => {
    const specs = [quick('a', ['true']), quick('b', ['true'])];
    const result = { id: 'batch', command: 'sh', stdout: 'a 0 0\n', stderr: '', exitCode: 0, durationMs: 1 };
    expect(splitBatch(specs, result)).toBeUndefined();
    expect(splitBatch(specs, { ...result, stdout: 'a 0 0\nb 0 0\n', exitCode: null })).toBeUndefined();
  });
});
