// The README's test command sets itself up: `npm test` first runs scripts/test-prerequisites.sh, which as
// root installs what the suite needs and, without root or with a package missing that it may not install,
// stops at once with one line saying what is missing and what to run. Run here as the real script: as an
// unprivileged user, and as root in a private mount namespace where nginx and nft are hidden.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const SCRIPT = 'scripts/test-prerequisites.sh';

async function outcome(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const started = Date.now();
  try {
    const { stdout, stderr } = await run(argv[0]!, argv.slice(1), { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr, ms: Date.now() - started };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr, ms: Date.now() - started };
  }
}

describe('test prerequisites', () => {
  it('passes on this machine (the suite is running on it)', async () => {
    const r = await outcome(['bash', SCRIPT]);
    expect(r.code).toBe(0);
  });

  it('without root: one line asking for sudo, exit 2, within seconds', async () => {
    const r = await outcome(['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', 'bash', SCRIPT]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^npm test: needs root .*`sudo npm test`/);
    expect(r.ms).toBeLessThan(5_000);
  });

  it('a missing package it may not install: named in one line with the command to run, exit 2', async () => {
    const hide =
      'mount --bind /dev/null /usr/sbin/nginx && mount --bind /dev/null /usr/sbin/nft && exec bash "$0"';
    const r = await outcome(['unshare', '--mount', 'sh', '-c', hide, SCRIPT], { UD_TEST_NO_INSTALL: '1' });
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      'npm test: missing nginx nftables: run `apt-get install -y --no-install-recommends nginx nftables`, then npm test again',
    ]);
  });
});
