import { describe, expect, it } from 'vitest';
import { LocalTransport } from '../../../src/transport/local.js';

const local = new LocalTransport();

describe('LocalTransport (real processes on this machine, no shell)', () => {
  it('runs argv as is, with LC_ALL=C and /usr/sbin:/sbin on PATH', async () => {
    await local.connect();
    const result = await local.run({
      id: 'env',
      argv: ['sh', '-c', 'printf "%s|%s|%s" "$LC_ALL" "$1" "$PATH"', 'sh', '$(id) `id` \'"'],
    });
    expect(result).toMatchObject({ id: 'env', exitCode: 0, stderr: '' });
    const [lcAll, arg, path] = result.stdout.split('|');
    expect(lcAll).toBe('C');
    expect(arg).toBe('$(id) `id` \'"');
    expect(path!.split(':').slice(-2)).toEqual(['/usr/sbin', '/sbin']);
    expect(result.command).toBe(`sh -c 'printf "%s|%s|%s" "$LC_ALL" "$1" "$PATH"' sh '$(id) \`id\` '\\''"'`);
  });

  it('feeds stdin and reports exit codes and stderr', async () => {
    expect(await local.run({ id: 'cat', argv: ['cat'], stdin: 'hello\n' })).toMatchObject({
      stdout: 'hello\n',
      exitCode: 0,
    });
    const failed = await local.run({ id: 'ls', argv: ['ls', '/nonexistent-hD'] });
    expect(failed.exitCode).toBe(2);
    expect(failed.stderr).toMatch(/No such file or directory/);
    expect(failed.error).toBeUndefined();
  });

  it("hands back stdout's raw bytes only when the spec asks (rawStdout)", async () => {
    const argv = ['printf', '\\303\\274\\000\\377'];
    const raw = await local.run({ id: 'raw', argv, rawStdout: true });
    expect([...raw.stdoutBytes!]).toEqual([0xc3, 0xbc, 0x00, 0xff]);
    expect(raw.stdout).toBe('ü\0\ufffd');
    expect(await local.run({ id: 'text', argv })).not.toHaveProperty('stdoutBytes');
  });

  it('says when the program does not exist', async () => {
    expect(await local.run({ id: 'x', argv: ['no-such-program-hD'] })).toMatchObject({
      exitCode: 127,
      error: 'command not found: no-such-program-hD',
    });
  });

  it('runs privileged commands as is when root (no sudo needed)', async () => {
    expect(process.getuid?.()).toBe(0);
    const result = await local.run({ id: 'id', argv: ['id', '-u'], privileged: true });
    expect(result).toMatchObject({ command: 'id -u', stdout: '0\n', exitCode: 0 });
  });

  it('runs runAs commands as that user through runuser', async () => {
    const result = await local.run({ id: 'id', argv: ['id', '-un'], runAs: 'nobody' });
    expect(result).toMatchObject({ command: 'runuser -u nobody -- id -un', stdout: 'nobody\n', exitCode: 0 });
  });

  it('kills a command (and its children) at its timeout', async () => {
    const started = Date.now();
    const result = await local.run({
      id: 'sleep',
      argv: ['sh', '-c', 'sleep 30 & sleep 30; echo never'],
      timeoutMs: 300,
    });
    expect(result).toMatchObject({ exitCode: null, error: 'timeout', stdout: '' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('caps output, marks it truncated, and stops the command', async () => {
    const started = Date.now();
    const result = await local.run({ id: 'yes', argv: ['yes', 'y'], maxBytes: 1000, timeoutMs: 10_000 });
    expect(result.stdout).toHaveLength(1000);
    expect(result).toMatchObject({ truncated: true, exitCode: null, error: 'output cap reached' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('reports a command killed by a signal', async () => {
    expect(await local.run({ id: 'kill', argv: ['sh', '-c', 'kill -KILL $$'] })).toMatchObject({
      exitCode: null,
      error: 'killed by signal SIGKILL',
    });
  });

  it('refuses argv no process can receive, without throwing', async () => {
    expect(await local.run({ id: 'nul', argv: ['echo', 'a\0b'] })).toMatchObject({
      exitCode: null,
      error: 'argv[1] contains a NUL byte, which no command can receive',
    });
    expect(await local.run({ id: 'empty', argv: [] })).toMatchObject({
      exitCode: null,
      error: 'empty argv: no program to run',
    });
  });
});
