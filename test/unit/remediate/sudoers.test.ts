// The apply/test sudo rules, judged by the real sudo (`sudo -l -U nobody CMD` answers whether the rules allow
// CMD) in a private mount namespace whose /etc/sudoers.d holds only them: the machine's own rules are never
// touched. Needs root, as CI has.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CANDIDATE_SCRIPT, candidateTestArgv } from '../../../src/remediate/apply.js';
import { literalPattern, remediationSudoers } from '../../../src/remediate/sudoers.js';

const dir = mkdtempSync(join(tmpdir(), 'ud-sudoers-'));
const rules = join(dir, 'upstream-doctor');
writeFileSync(rules, remediationSudoers('nobody'));
chmodSync(rules, 0o440);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Whether the rules allow `nobody` to run argv as root. */
function allowed(argv: string[]): boolean {
  const script = 'mount --bind "$1" /etc/sudoers.d && shift && exec sudo -n -l -U nobody "$@"';
  const r = spawnSync('unshare', [
    '--mount',
    '--propagation',
    'private',
    'sh',
    '-c',
    script,
    'x',
    dir,
    ...argv,
  ]);
  return r.status === 0;
}

const CANDIDATE = '/tmp/upstream-doctor-test.AbCd1234/shop.conf';
/** testPlan's argv (sudo resolves `unshare` to /usr/bin/unshare), with the script swapped where asked. */
const nginxTest = (script: string, candidate = CANDIDATE, live = '/etc/nginx/conf.d/shop.conf') => {
  const argv = candidateTestArgv(candidate, live, { binary: 'nginx', configPath: '/etc/nginx/nginx.conf' });
  return ['/usr/bin/unshare', ...argv.slice(1).map((a) => (a === CANDIDATE_SCRIPT ? script : a))];
};

describe('remediationSudoers()', () => {
  it('parses (visudo -c)', () => {
    expect(() => execFileSync('visudo', ['-c', '-q', '-f', rules])).not.toThrow();
  });

  it('allows the commands an apply and a test run, as they run them', () => {
    expect(allowed(nginxTest(CANDIDATE_SCRIPT))).toBe(true);
    expect(allowed(['/usr/bin/mktemp', '-d', '-t', 'upstream-doctor-test.XXXXXXXX'])).toBe(true);
    expect(allowed(['/usr/bin/tee', '--', CANDIDATE])).toBe(true);
    expect(allowed(['/usr/bin/rm', '-rf', '--', '/tmp/upstream-doctor-test.AbCd1234'])).toBe(true);
    expect(allowed(['/usr/bin/tee', '--', '/etc/nginx/conf.d/shop.conf'])).toBe(true);
    expect(allowed(['/usr/sbin/nginx', '-c', '/etc/nginx/nginx.conf', '-s', 'reload'])).toBe(true);
  });

  it('refuses any other script, candidate or target: the shell runs the constant script only', () => {
    expect(allowed(nginxTest('id'))).toBe(false);
    expect(allowed(nginxTest(`${CANDIDATE_SCRIPT}; id`))).toBe(false);
    expect(allowed(nginxTest(CANDIDATE_SCRIPT.replaceAll('"', '`')))).toBe(false);
    expect(allowed(nginxTest(CANDIDATE_SCRIPT, '/home/deploy/evil.conf'))).toBe(false);
    expect(allowed(nginxTest(CANDIDATE_SCRIPT, CANDIDATE, '/etc/shadow'))).toBe(false);
    expect(allowed(nginxTest(CANDIDATE_SCRIPT, '/tmp/upstream-doctor-test.AbCd1234/../x'))).toBe(false);
    expect(allowed(['/usr/bin/tee', '--', '/etc/sudoers.d/x'])).toBe(false);
    expect(allowed(['/usr/bin/tee', '--', '/etc/nginx/x', '/etc/sudoers.d/y'])).toBe(false);
    expect(allowed(['/usr/bin/rm', '-rf', '--', '/'])).toBe(false);
    expect(allowed(['/usr/bin/rm', '-rf', '--', '/tmp/upstream-doctor-test.AbCd1234', '/etc'])).toBe(false);
  });

  it('spells a constant with every metacharacter neutralised', () => {
    expect(literalPattern('a.b|c "$1"')).toBe('a[.]b[|]c \\"\\$1\\"');
    expect(() => literalPattern('a,b')).toThrow();
  });
});
