// The apply/test sudo rules, judged by the real sudo (`sudo -l -U nobody CMD` answers whether the rules allow
// CMD) in a private mount namespace whose /etc/sudoers.d holds only them: the machine's own rules are never
// touched. Needs root, as CI has.
import { afterAll, describe, expect, it } from 'vitest';
import { CANDIDATE_SCRIPT, candidateTestArgv } from '../../../src/remediate/test-plan.js';
import { applyProbes, remediationSudoers } from '../../../src/remediate/sudoers.js';
import { literalPattern } from '../../../src/sudoers/pattern.js';
import { diagnosisSudoers } from '../../../lab/scenarios/index.js';
import { allowed as judge, removeRulesDir, rulesDir, visudoProblem } from '../sudoers/judge.js';
import { join } from 'node:path';

const dir = rulesDir({ 'upstream-doctor-apply': remediationSudoers('nobody') });
const both = rulesDir({
  'upstream-doctor': diagnosisSudoers('nobody'),
  'upstream-doctor-apply': remediationSudoers('nobody'),
});
const rules = join(dir, 'upstream-doctor-apply');
afterAll(() => [dir, both].forEach(removeRulesDir));

/** Whether the rules in the directory `rulesIn` allow `nobody` to run argv as root. */
const allowed = (argv: string[], rulesIn = dir): boolean => judge(rulesIn, argv);

const CANDIDATE = '/tmp/upstream-doctor-test.AbCd1234/shop.conf';
/** testPlan's argv (sudo resolves `unshare` to /usr/bin/unshare), with the script swapped where asked. */
const nginxTest = (script: string, candidate = CANDIDATE, live = '/etc/nginx/conf.d/shop.conf') => {
  const argv = candidateTestArgv(candidate, live, {
    binary: '/usr/sbin/nginx',
    configPath: '/etc/nginx/nginx.conf',
  });
  return ['/usr/bin/unshare', ...argv.slice(1).map((a) => (a === CANDIDATE_SCRIPT ? script : a))];
};

describe('remediationSudoers()', () => {
  it('parses (visudo -c)', () => {
    expect(visudoProblem(rules)).toBeUndefined();
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
      removeRulesDir(onlyDiagnosis);
    }
  });

  it('spells a constant with every metacharacter neutralised', () => {
    expect(literalPattern('a.b|c "$1"')).toBe('a[.]b[|]c \\"\\$1\\"');
    expect(literalPattern('a,b:c=d#e\\f\tg^')).toBe('a\\,b\\:c\\=d\\#e[\\\\]f[\t]g\\^');
    expect(() => literalPattern('a\nb')).toThrow();
  });
});
