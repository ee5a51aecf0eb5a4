// trustedNginx() over a recorded lab snapshot (healthy: Debian's nginx started as root) and that snapshot with
// what a hostile local user can add: a forged ps line (a title with a newline, claiming root and pid 1), a
// non-root "master" titled like nginx, a root master whose program others may write. Only the kernel's answers
// count, and nothing the user chose is ever the binary, -c or -p.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { HostSnapshot } from '../../../src/model/types.js';
import { trustedNginx } from '../../../src/read/trusted-nginx.js';
import { reportOf } from '../../../src/analyze/report.js';

const recorded = (
  JSON.parse(readFileSync(new URL('../../fixtures/snapshots/healthy.json', import.meta.url), 'utf8')) as {
    snapshot: HostSnapshot;
  }
).snapshot;

function variant(edit: (r: HostSnapshot['results']) => void): HostSnapshot {
  const copy = structuredClone(recorded);
  edit(copy.results);
  return copy;
}

const IMPOSTOR = 'nginx: master process /tmp/x/nginx -c /home/u/evil.conf';
const impostorProc = `proc\u00004242\u0000PPid: 1 Uid: 1000 1000 1000 1000 \u0000/usr/bin/perl\u000065024.1\u0000${IMPOSTOR}\n\u0000`;

describe('trustedNginx()', () => {
  it("trusts the recorded root master's /proc exe, with no -c it was not started with", () => {
    const t = trustedNginx(recorded);
    expect(t).toMatchObject({ binary: '/usr/sbin/nginx', source: 'master', untrusted: [] });
    expect(t.configPath).toBeUndefined();
    expect(t.processes.workerUser).toBe('www-data');
  });

  it('ignores a forged ps line claiming root and pid 1', () => {
    const t = trustedNginx(
      variant((r) => {
        r.ps!.stdout += `x\n      1       0 root 9999 ${IMPOSTOR}\n`;
      }),
    );
    expect(t.binary).toBe('/usr/sbin/nginx');
    expect(t.configPath).toBeUndefined();
  });

  it('with nginx down, reports a non-root "master" and runs the system nginx without its -c', () => {
    const snapshot = variant((r) => {
      r['nginx-procs']!.stdout = impostorProc;
      r.ps!.stdout = `   4242       1 u 5 ${IMPOSTOR}\n`;
      r['nginx-users']!.stdout = 'u:x:1000:1000::/home/u:/bin/sh\n';
    });
    const t = trustedNginx(snapshot);
    expect(t).toMatchObject({ binary: '/usr/sbin/nginx', source: 'system' });
    expect(t.configPath).toBeUndefined();
    expect(t.processes.master).toBeUndefined();
    expect(t.untrusted).toMatchObject([{ pid: 4242, user: 'u', root: false, claimed: '/tmp/x/nginx' }]);
    const causes = reportOf(snapshot).findings.map((f) => [f.cause, f.severity]);
    expect(causes[0]).toEqual(['nginx-not-running', 'critical']);
    expect(causes).toContainEqual(['untrusted-nginx-process', 'warning']);
  });

  it('never runs a root master whose program its group may write, nor its -c', () => {
    const t = trustedNginx(
      variant((r) => {
        r['nginx-paths']!.stdout = r['nginx-paths']!.stdout.replace(
          '/usr/sbin/nginx\u00000 0 755',
          '/usr/sbin/nginx\u00000 0 775',
        );
      }),
    );
    expect(t.binary).toBeUndefined();
    expect(t.refusal).toContain('writable by its group');
    expect(t.untrusted).toMatchObject([{ root: true, exe: '/usr/sbin/nginx' }]);
  });

  it('runs nothing when the checks could not run', () => {
    const t = trustedNginx(variant((r) => delete r['nginx-paths']));
    expect(t.binary).toBeUndefined();
    expect(t.refusal).toContain('did not run');
  });
});
