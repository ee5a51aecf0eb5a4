import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../src/cli/io.js';
import { UsageError } from '../../../src/cli/io.js';
import { nginxJson } from '../../../src/cli/nginx-json.js';
import type { Payload } from '../../../src/model/nginx-config.js';
import { crossplaneRecording, readFixture } from './fixtures.js';

function io(stdin = ''): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    stdin: Readable.from([Buffer.from(stdin)]),
    env: {},
    out: () => out,
    err: () => err,
  };
}

describe('nginx-json', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hA-nginx-json-'));
    mkdirSync(join(dir, 'conf.d'));
    writeFileSync(join(dir, 'nginx.conf'), 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n');
    writeFileSync(join(dir, 'conf.d', 'app.conf'), 'server {\n    listen 80;\n}\n');
    writeFileSync(join(dir, 'broken.conf'), 'http {\n}\n}\n');
    writeFileSync(join(dir, 'dump.txt'), readFixture('recorded/includes.nginx-T.txt'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the payload of a config tree on disk as one line, includes followed, exit 0', async () => {
    const t = io();
    expect(await nginxJson([join(dir, 'nginx.conf')], t)).toBe(0);
    expect(t.out().endsWith('\n')).toBe(true);
    expect(t.out().trimEnd()).not.toContain('\n');
    const payload = JSON.parse(t.out()) as Payload;
    expect(payload.config.map((c) => c.file)).toEqual([
      join(dir, 'nginx.conf'),
      join(dir, 'conf.d', 'app.conf'),
    ]);
    expect(t.err()).toBe('');
  });

  it("recognises nginx -T output in a file and prints crossplane's payload for it", async () => {
    const t = io();
    expect(await nginxJson([join(dir, 'dump.txt')], t)).toBe(0);
    expect(t.out()).toBe(crossplaneRecording('includes').json);
  });

  it('reads nginx -T output from stdin', async () => {
    const t = io(readFixture('recorded/debian.nginx-T.txt'));
    expect(await nginxJson(['-'], t)).toBe(0);
    expect(t.out()).toBe(crossplaneRecording('debian').json);
  });

  it('reads a config from stdin as the file "-"', async () => {
    const t = io('events {}\nhttp { server { listen 8080; } }\n');
    expect(await nginxJson(['-', '--indent', '2'], t)).toBe(0);
    expect(t.out()).toContain('\n  "status": "ok",\n');
    expect((JSON.parse(t.out()) as Payload).config[0]!.file).toBe('-');
  });

  it('indents with --indent N and --indent=N', async () => {
    const a = io();
    const b = io();
    await nginxJson(['--indent', '4', join(dir, 'nginx.conf')], a);
    await nginxJson([`--indent=4`, join(dir, 'nginx.conf')], b);
    expect(a.out()).toContain('\n    "status": "ok",\n');
    expect(a.out()).toBe(b.out());
  });

  it('prints the payload and exits 1 when there are parse errors', async () => {
    const t = io();
    expect(await nginxJson([join(dir, 'broken.conf')], t)).toBe(1);
    const payload = JSON.parse(t.out()) as Payload;
    expect(payload.errors).toEqual([
      { file: join(dir, 'broken.conf'), error: `unexpected "}" in ${join(dir, 'broken.conf')}:3`, line: 3 },
    ]);
  });

  it('exits 2 with one line for a file it cannot read', async () => {
    const t = io();
    expect(await nginxJson([join(dir, 'nope.conf')], t)).toBe(2);
    expect(t.err()).toBe(`upstream-doctor nginx-json: cannot read ${join(dir, 'nope.conf')}: no such file\n`);
    expect(t.out()).toBe('');
    const d = io();
    expect(await nginxJson([dir], d)).toBe(2);
    expect(d.err()).toBe(`upstream-doctor nginx-json: cannot read ${dir}: is a directory\n`);
  });

  it('rejects bad usage with a UsageError (the dispatcher prints it, exit 2)', async () => {
    await expect(nginxJson([], io())).rejects.toThrow(new UsageError('missing FILE (or - for stdin)'));
    await expect(nginxJson(['a', 'b'], io())).rejects.toThrow(UsageError);
    await expect(nginxJson(['--indent', 'x', 'a'], io())).rejects.toThrow(/whole number/);
    await expect(nginxJson(['--indent'], io())).rejects.toThrow(/needs a number/);
    await expect(nginxJson(['--bogus', 'a'], io())).rejects.toThrow(/unknown option --bogus/);
  });

  it('prints its usage for --help', async () => {
    const t = io();
    expect(await nginxJson(['--help'], t)).toBe(0);
    expect(t.out()).toContain('usage: upstream-doctor nginx-json FILE|- [--indent N]');
  });
});
