// The doctor's report lines: aligned verdicts, the fix on the same line, one line whatever a host printed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exitCodeOfChecks, failed, formatResults, ok, skip } from '../../../src/doctor/check.js';
import { privilegedProbes } from '../../../src/doctor/hosts.js';

describe('formatResults', () => {
  it('one line per check, verdicts and names aligned, the fix after an arrow', () => {
    const text = formatResults([
      ok('redis', 'redis://127.0.0.1:6379 answers'),
      failed('ssh web-01', 'host key changed', 'ssh-keygen -R'),
      skip('slack', 'no token'),
    ]);
    expect(text.split('\n')).toEqual([
      'ok    redis:      redis://127.0.0.1:6379 answers',
      'FAIL  ssh web-01: host key changed → fix: ssh-keygen -R',
      'skip  slack:      no token',
    ]);
  });

  it('a message with newlines or escape sequences stays one line', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (detail, fix) => {
        const text = formatResults([failed('x', detail, fix)]);
        // Tabs stay (they only move right); everything else is shown as an escape.
        expect(text).not.toMatch(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\p{Cf}\u2028\u2029]/u);
      }),
    );
  });

  it("shows what a host's sudo printed, escapes visible (not blanked), the host name too", () => {
    const text = formatResults([
      failed(
        'sudo web\u202e-01',
        'sudo: \u001b[1A\u001b[2K\rok    sudo web-01: all fine\nmore',
        'add the rule',
      ),
    ]);
    expect(text).toBe(
      'FAIL  sudo web\\u202e-01: sudo: \\x1b[1A\\x1b[2K ok    sudo web-01: all fine more → fix: add the rule',
    );
  });
});

describe('exitCodeOfChecks', () => {
  it('0 with oks and skips, 1 with any FAIL', () => {
    expect(exitCodeOfChecks([ok('a', ''), skip('b', '')])).toBe(0);
    expect(exitCodeOfChecks([ok('a', ''), failed('b', '', 'fix')])).toBe(1);
    expect(exitCodeOfChecks([])).toBe(0);
  });
});

describe('privilegedProbes', () => {
  it("are the collector's privileged commands only: nothing that writes", () => {
    const probes = privilegedProbes();
    expect(probes.every((p) => p.privileged === true)).toBe(true);
    const programs = new Set(probes.map((p) => p.argv[0]));
    expect([...programs].sort()).toEqual(
      [
        '/usr/sbin/nginx',
        'cat',
        'find',
        'ip6tables-save',
        'iptables-save',
        'nft',
        'sh',
        'ss',
        'stat',
        'tail',
      ].sort(),
    );
    // nginx is asked -T and -t only (never -s: a signal would reload or stop it).
    expect(probes.filter((p) => p.argv[0] === '/usr/sbin/nginx').map((p) => p.argv[1])).toEqual(['-T', '-t']);
  });
});
