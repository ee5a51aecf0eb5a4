// The apply/test sudo rules, judged by the real sudo (`sudo -l -U nobody CMD` answers whether the rules allow
// CMD) in a private mount namespace whose /etc/sudoers.d holds only them: the machine's own rules are never
// touched. Needs root, as CI has.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CANDIDATE_SCRIPT, candidateTestArgv } from '../../../src/remediate/apply.js';
import { applyProbes, literalPattern, remediationSudoers } from '../../../src/remediate/sudoers.js';
import { diagnosisSudoers } from '../../../src/lab/scenarios/index.js';
import { REALPATH_SCRIPT, realpathCommand } from '../../../src/collect/commands.js';

/** A directory to stand in for /etc/sudoers.d, holding these rule files. */
function rulesDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ud-sudoers-'));
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(dir, name), text);
    chmodSync(join(dir, name), 0o440);
  }
  return dir;
}
const dir = rulesDir({ 'upstream-doctor-apply': remediationSudoers('nobody') });
const both = rulesDir({
  'upstream-doctor': diagnosisSudoers('nobody'),
  'upstream-doctor-apply': remediationSudoers('nobody'),
});
const rules = join(dir, 'upstream-doctor-apply');
afterAll(() => [dir, both].forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Whether the rules in the directory `rulesIn` allow `nobody` to run argv as root. */
function allowed(argv: string[], rulesIn = dir): boolean {
  const script = 'mount --bind "$1" /etc/sudoers.d && shift && exec sudo -n -l -U nobody "$@"';
  const r = spawnSync('unshare', [
    '--mount',
    '--propagation',
    'private',
    'sh',
    '-c',
    script,
    'x',
    rulesIn,
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

  it("with the diagnosis rules, allows every probe of doctor's apply check, as apply sends them", () => {
    for (const argv of applyProbes()) expect(allowed(argv, both), argv.join(' ')).toBe(true);
    // Without the apply rules, doctor would see refusals (what it reports).
    const onlyDiagnosis = rulesDir({ 'upstream-doctor': diagnosisSudoers('nobody') });
    try {
      expect(applyProbes().filter((argv) => !allowed(argv, onlyDiagnosis)).length).toBeGreaterThan(10);
    } finally {
      rmSync(onlyDiagnosis, { recursive: true, force: true });
    }
  });

  it('spells a constant with every metacharacter neutralised', () => {
    expect(literalPattern('a.b|c "$1"')).toBe('a[.]b[|]c \\"\\$1\\"');
    expect(() => literalPattern('a,b')).toThrow();
  });
});

describe('diagnosisSudoers(): the realpath round', () => {
  const only = rulesDir({ 'upstream-doctor': diagnosisSudoers('nobody') });
  afterAll(() => rmSync(only, { recursive: true, force: true }));
  const argv = (paths: string[], script = REALPATH_SCRIPT) => [
    '/usr/bin/sh',
    ...realpathCommand(paths)
      .argv.slice(1)
      .map((a) => (a === REALPATH_SCRIPT ? script : a)),
  ];

  it("allows the collector's constant script over the config's paths, as it sends them", () => {
    expect(allowed(argv(['/etc/nginx/nginx.conf', '/etc/nginx', '/etc/nginx/conf.d/shop.conf']), only)).toBe(
      true,
    );
    expect(allowed(argv(['/run/php/php8.2-fpm.sock']), only)).toBe(true);
  });

  it('refuses any other script, and arguments that are not paths', () => {
    expect(allowed(argv(['/etc/nginx'], 'id'), only)).toBe(false);
    expect(allowed(argv(['/etc/nginx'], `${REALPATH_SCRIPT}; id`), only)).toBe(false);
    expect(allowed(argv(['/etc/nginx', '-rf']), only)).toBe(false);
    expect(allowed(argv([]), only)).toBe(false);
    expect(allowed(['/usr/bin/sh', '-c', 'id'], only)).toBe(false);
  });
});
