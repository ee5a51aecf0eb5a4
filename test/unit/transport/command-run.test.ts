// CommandRun on its own: output fed in by hand, endings told to it, and the RunResult it settles with. The
// transports' own tests (local.test.ts, e2e/ssh.test.ts) run it against real processes and a real sshd.
import { describe, expect, it } from 'vitest';
import { CommandRun, notRunResult, type CommandRunSetup } from '../../../src/transport/command-run.js';
import type { RunResult } from '../../../src/transport/types.js';

interface Started {
  run: CommandRun;
  results: RunResult[];
  halts: () => number;
}

function start(overrides: Partial<CommandRunSetup> = {}): Started {
  const results: RunResult[] = [];
  let halts = 0;
  const run = new CommandRun({
    spec: { id: 'cmd' },
    command: 'cmd --flag',
    started: Date.now(),
    maxBytes: 8,
    deadlineMs: 60_000,
    halt: () => halts++,
    explain: (result) => (result.exitCode === 127 ? 'explained' : undefined),
    settle: (result) => results.push(result),
    ...overrides,
  });
  return { run, results, halts: () => halts };
}

describe('CommandRun', () => {
  it('settles once with the output and exit status, asking explain only about an exit status', () => {
    const { run, results } = start();
    run.onStdout(Buffer.from('out\n'));
    run.onStderr(Buffer.from('err\n'));
    run.finish({ exitCode: 0 });
    run.finish({ exitCode: 127 });
    expect(results).toEqual([
      {
        id: 'cmd',
        command: 'cmd --flag',
        stdout: 'out\n',
        stderr: 'err\n',
        exitCode: 0,
        durationMs: expect.any(Number),
      },
    ]);
    const failed = start();
    failed.run.finish({ exitCode: 127 });
    expect(failed.results[0]).toMatchObject({ exitCode: 127, error: 'explained' });
  });

  it('stops once at the byte cap, keeps what fits, and reports no exit status', () => {
    const { run, results, halts } = start();
    run.onStdout(Buffer.from('12345'));
    run.onStdout(Buffer.from('67890'));
    run.onStderr(Buffer.from('123456789'));
    expect(halts()).toBe(1);
    expect(run.stopped).toBe('output cap reached');
    run.finish({ exitCode: 0 });
    expect(results[0]).toMatchObject({
      stdout: '12345678',
      stderr: '12345678',
      exitCode: null,
      error: 'output cap reached',
      truncated: true,
    });
  });

  it('stops at its deadline', async () => {
    const { run, results, halts } = start({ deadlineMs: 5 });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(halts()).toBe(1);
    run.finish({ exitCode: 143 });
    expect(results[0]).toMatchObject({ exitCode: null, error: 'timeout' });
  });

  it('names the signal that killed it, a lost connection, and a stop it only heard of', () => {
    const signalled = start();
    signalled.run.finish({ exitCode: null, signal: 'SIGKILL' });
    expect(signalled.results[0]).toMatchObject({ exitCode: null, error: 'killed by signal SIGKILL' });
    const unknown = start();
    unknown.run.finish({ exitCode: null });
    expect(unknown.results[0]?.error).toBe('killed by signal unknown');
    const lost = start();
    lost.run.finish({ exitCode: 0, lost: 'the connection closed' });
    expect(lost.results[0]).toMatchObject({ exitCode: null, error: 'the connection closed' });
    const noted = start();
    noted.run.noteStopped('timeout');
    noted.run.stop('output cap reached');
    noted.run.finish({ exitCode: 124, lost: 'the connection closed' });
    expect(noted.halts()).toBe(0);
    expect(noted.results[0]).toMatchObject({ exitCode: null, error: 'timeout' });
  });

  it("says when the program never started, in a shell's words", () => {
    const { run, results } = start();
    run.notStarted(127, 'nope: command not found\n', 'command not found: nope');
    expect(results[0]).toMatchObject({
      stdout: '',
      stderr: 'nope: command not found\n',
      exitCode: 127,
      error: 'command not found: nope',
    });
  });

  it("hands back stdout's bytes only when the spec asks", () => {
    const raw = start({ spec: { id: 'raw', rawStdout: true } });
    raw.run.onStdout(Buffer.from([0xc3, 0xbc, 0xff]));
    raw.run.finish({ exitCode: 0 });
    expect([...raw.results[0]!.stdoutBytes!]).toEqual([0xc3, 0xbc, 0xff]);
    expect(raw.results[0]!.stdout).toBe('ü\ufffd');
    const text = start();
    text.run.finish({ exitCode: 0 });
    expect(text.results[0]).not.toHaveProperty('stdoutBytes');
  });

  it('abandoned, it settles nothing and its timers are cancelled', async () => {
    const { run, results, halts } = start({ deadlineMs: 5 });
    let later = false;
    run.after(5, () => (later = true));
    run.abandon();
    await new Promise((resolve) => setTimeout(resolve, 30));
    run.finish({ exitCode: 0 });
    expect([results, halts(), later, run.finished]).toEqual([[], 0, false, true]);
  });
});

describe('notRunResult', () => {
  it('is a result with nothing printed, no exit status, and why', () => {
    expect(notRunResult('id', 'cmd', 3, 'why')).toEqual({
      id: 'id',
      command: 'cmd',
      stdout: '',
      stderr: '',
      exitCode: null,
      durationMs: 3,
      error: 'why',
    });
  });
});
