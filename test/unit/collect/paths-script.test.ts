// The nginx-paths script (src/collect/commands.ts) run for real by sh on this machine: a path that stat
// cannot read (it vanished between readlink and stat) leaves no record of its own and never fails the whole
// check, which would refuse even a trusted /usr/sbin/nginx; a stat that works gives the usual records.
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { NGINX_PATHS_ARGV0, NGINX_PATHS_SCRIPT } from '../../../src/collect/commands.js';
import { parseNginxTrust } from '../../../src/parsers/nginx-trust.js';

const dir = mkdtempSync(join(tmpdir(), 'ud-paths-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function runPaths(path: string, programs: string[]) {
  const { stdout } = await promisify(execFile)(
    'sh',
    ['-c', NGINX_PATHS_SCRIPT, NGINX_PATHS_ARGV0, ...programs],
    { env: { PATH: path }, encoding: 'utf8' },
  );
  return stdout;
}

describe('the nginx-paths script', () => {
  it('exits 0 when stat fails for a path, with no stat record for it', async () => {
    const shim = join(dir, 'bin');
    await promisify(execFile)('mkdir', ['-p', shim]);
    writeFileSync(join(shim, 'stat'), '#!/bin/sh\nexit 1\n');
    chmodSync(join(shim, 'stat'), 0o755);
    // execFile rejects on a non-zero exit: resolving is the assertion that it exited 0.
    const out = await runPaths(`${shim}:/usr/bin:/bin`, ['/bin/sh']);
    const scan = parseNginxTrust('', out);
    expect(scan.paths.get('/bin/sh')).toMatch(/^\//);
    expect(scan.stats.size).toBe(0);
  });

  it('with a working stat, examines a program and every directory above it', async () => {
    const scan = parseNginxTrust('', await runPaths('/usr/bin:/bin', ['/bin/sh']));
    const real = scan.paths.get('/bin/sh')!;
    expect(scan.stats.get(real)?.type).toBe('regular file');
    expect(scan.stats.get('/')?.type).toBe('directory');
  });
});
