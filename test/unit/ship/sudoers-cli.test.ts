// `upstream-doctor sudoers USER` as a user runs it: the built binary prints exactly the generated rules (what
// the README shows and the sudo tests judge), and a USER that is not a plain login name is one line, exit 2.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { diagnosisSudoers } from '../../../src/sudoers/diagnosis.js';
import { remediationSudoers } from '../../../src/remediate/sudoers.js';

const bin = fileURLToPath(new URL('../../../bin/upstream-doctor.js', import.meta.url));
const run = (...args: string[]) =>
  spawnSync(process.execPath, [bin, 'sudoers', ...args], { encoding: 'utf8' });

describe('upstream-doctor sudoers', () => {
  it('prints the diagnosis and apply rules for USER; --diagnose-only the diagnosis rules alone', () => {
    const both = run('deploy');
    expect(both.status).toBe(0);
    expect(both.stdout).toBe(diagnosisSudoers('deploy') + remediationSudoers('deploy'));
    const only = run('deploy', '--diagnose-only');
    expect(only.stdout).toBe(diagnosisSudoers('deploy'));
  });

  it('refuses a USER that is not a user name in one line, exit 2', () => {
    for (const user of ['ALL', 'deploy ALL=(ALL) ALL', 'a,b', '']) {
      const r = run(user);
      expect(r.status, user).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(run('--help').stdout).toContain('usage: upstream-doctor sudoers USER');
  });
});
