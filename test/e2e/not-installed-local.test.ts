// End to end, on this machine: `diagnose --local` where nginx is not installed says so (nginx-not-installed,
// exit 1, the look-ups that found nothing as evidence) rather than "not running" or "fails nginx -t". The
// built CLI runs in a private mount and PID namespace (`unshare`) whose /usr/sbin is a directory of links to
// the machine's without nginx: the machine's own files are untouched, and no nginx of anyone's lab is seen.
// Once with /etc/nginx hidden too (a machine that never had nginx), once with it left (removed, not purged).
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/model/types.js';

const BIN = new URL('../../bin/upstream-doctor.js', import.meta.url).pathname;

/**
 * Runs "$@" with nginx gone from this namespace: /usr/sbin bound to a scratch tmpfs, a view of links to it
 * without nginx bound over /usr/sbin, and (when $HIDE_ETC is 1) an empty tmpfs over /etc/nginx.
 */
const WITHOUT_NGINX = `set -eu
mount --make-rprivate /
d=$(mktemp -d)
mount -t tmpfs tmpfs "$d"
mkdir "$d/real" "$d/view"
mount --bind /usr/sbin "$d/real"
for f in "$d"/real/*; do b=\${f##*/}; [ "$b" = nginx ] || ln -s "$f" "$d/view/$b"; done
mount --bind "$d/view" /usr/sbin
if [ "$HIDE_ETC" = 1 ] && [ -d /etc/nginx ]; then mount -t tmpfs tmpfs /etc/nginx; fi
exec "$@"
`;

function diagnoseWithoutNginx(hideEtc: boolean): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      'unshare',
      [
        '--mount',
        '--pid',
        '--fork',
        '--mount-proc',
        'sh',
        '-c',
        WITHOUT_NGINX,
        'without-nginx',
        process.execPath,
        BIN,
        'diagnose',
        '--local',
        '--json',
      ],
      {
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, NO_COLOR: '1', HIDE_ETC: hideEtc ? '1' : '0' },
      },
      (error, stdout) => resolve({ code: error ? (error.code as number | null) : 0, stdout }),
    );
  });
}

describe('diagnose --local on a machine without nginx', () => {
  it.each([
    ['never installed (no /etc/nginx)', true],
    ['removed, its config left', false],
  ])('%s: nginx-not-installed, exit 1', async (_name, hideEtc) => {
    const run = await diagnoseWithoutNginx(hideEtc);
    const report = JSON.parse(run.stdout) as Report;
    const root = report.findings[0]!;
    expect(root.cause).toBe('nginx-not-installed');
    expect(root.severity).toBe('critical');
    expect(root.title).toContain('nginx is not installed');
    const evidence = root.evidence.map((e) => e.text);
    expect(evidence).toContain("`command -v nginx` (root's PATH) found nothing");
    expect(evidence).toContain('/usr/sbin/nginx does not exist');
    expect(report.findings.map((f) => f.cause)).not.toContain('nginx-not-running');
    expect(report.findings.map((f) => f.cause)).not.toContain('nginx-config-invalid');
    expect(run.code).toBe(1);
  });
});
