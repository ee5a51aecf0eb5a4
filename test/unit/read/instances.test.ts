// Several nginx on one host, over snapshots recorded from the lab (scripts/record-snapshots.ts): each root
// master with its own -c is diagnosed with its own config, error logs and probes, and nothing of one instance
// is ever evidence in another's findings; a master in a container is never the host's; and the NSpid field of
// the trust script is optional, so snapshots recorded before it still read as before.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { HostSnapshot } from '../../../src/model/types.js';
import { reportOf } from '../../../src/analyze/report.js';
import { configFromSnapshot } from '../../../src/read/config-files.js';
import { instanceView } from '../../../src/read/instances.js';
import { trustedNginx } from '../../../src/read/trusted-nginx.js';
import { parseNginxTrust } from '../../../src/parsers/nginx-trust.js';
import { planFromFinding } from '../../../src/remediate/plan.js';

const recorded = (id: string) =>
  (
    JSON.parse(readFileSync(new URL(`../../fixtures/snapshots/${id}.json`, import.meta.url), 'utf8')) as {
      snapshot: HostSnapshot;
    }
  ).snapshot;

/** The files an instance's findings may cite: its config files and its own error logs. */
function ownFiles(view: HostSnapshot): Set<string> {
  const logs = Object.keys(view.results)
    .filter((id) => id.startsWith('error-log:'))
    .map((id) => id.slice('error-log:'.length));
  return new Set([...(configFromSnapshot(view)?.sources.keys() ?? []), ...logs]);
}

describe('two nginx instances on one host', () => {
  const snapshot = recorded('second-instance-broken');
  const second = snapshot.instances![0]!;

  it('lists both, the one with the most workers first, each with its main config', () => {
    const report = reportOf(snapshot);
    expect(report.instances?.map((i) => i.config)).toEqual([
      '/etc/nginx/nginx.conf',
      '/srv/nginx-b/nginx.conf',
    ]);
    expect(report.instances?.[1]?.master).toBe(second.master);
  });

  it("a view of the second instance has its master, config and error log, and none of the first's", () => {
    const view = instanceView(snapshot, second.master);
    const trusted = trustedNginx(view);
    expect(trusted.processes.master?.pid).toBe(second.master);
    expect(trusted.configPath).toBe('/srv/nginx-b/nginx.conf');
    expect(Object.keys(view.results)).toContain('error-log:/var/log/nginx/b-error.log');
    expect(Object.keys(view.results)).not.toContain('error-log:/var/log/nginx/error.log');
    expect([...ownFiles(view)]).not.toContain('/etc/nginx/conf.d/shop.conf');
    expect(trustedNginx(snapshot).otherInstances).toEqual([second.master]);
  });

  it("every finding cites only its own instance's files", () => {
    const report = reportOf(snapshot);
    expect(report.findings[0]?.instance?.master).toBe(second.master);
    for (const f of report.findings) {
      const own = ownFiles(f.instance ? instanceView(snapshot, f.instance.master) : snapshot);
      for (const e of f.evidence) if (e.file) expect(own, `${f.cause}: ${e.file}`).toContain(e.file);
    }
  });

  it("never offers the other instance's backend as the fix", () => {
    const edit = reportOf(snapshot).findings[0]?.fix?.edit;
    expect(edit?.file).toBe('/srv/nginx-b/nginx.conf');
    expect(edit?.after).toContain('127.0.0.1:3001');
  });

  it("plans the fix with the second instance's own nginx, config and error log", () => {
    const plan = planFromFinding(reportOf(snapshot).findings[0]!, snapshot, { requestedBy: 'U1' });
    expect(plan.ok && plan.value.nginx.configPath).toBe('/srv/nginx-b/nginx.conf');
    expect(plan.ok && plan.value.realFile).toBe('/srv/nginx-b/nginx.conf');
    expect(plan.ok && plan.value.errorLogs).toEqual(['/var/log/nginx/b-error.log']);
  });

  it('a host with one nginx has a report without instances, as before', () => {
    const report = reportOf(recorded('healthy'));
    expect(report.instances).toBeUndefined();
    expect(report.findings.every((f) => f.instance === undefined)).toBe(true);
  });
});

describe('nginx in a container', () => {
  it('is never described as the host nginx, and is reported as not diagnosed', () => {
    const snapshot = recorded('nginx-only-contained');
    const trusted = trustedNginx(snapshot);
    expect(trusted.processes.master).toBeUndefined();
    expect(trusted.otherInstances).toEqual([]);
    const contained = trusted.untrusted.filter((u) => u.elsewhere);
    expect(contained).toHaveLength(1);
    expect(contained[0]!.cmdline).toContain('nginx: master process nginx -g daemon off;');
  });

  it('reads NSpid when the script printed it, and leaves it unknown when it did not', () => {
    const now = recorded('nginx-beside-container').results['nginx-procs']!.stdout;
    const nested = parseNginxTrust(now, '').procs.filter((p) => p.nestedPid);
    expect(nested.length).toBeGreaterThan(0);
    expect(nested.every((p) => p.cmdline.join(' ').startsWith('nginx:'))).toBe(true);
    // What the script printed before it asked for NSpid: the same records without that field.
    const before = now.replace(/NSpid: [\d ]+ /g, '');
    expect(before).not.toContain('NSpid');
    expect(parseNginxTrust(before, '').procs.every((p) => p.nestedPid === undefined)).toBe(true);
    expect(parseNginxTrust(before, '').procs.length).toBe(parseNginxTrust(now, '').procs.length);
  });
});

describe('nginx not installed', () => {
  it('lists each look-up that found nothing; a host with nginx has none', () => {
    expect(trustedNginx(recorded('nginx-not-installed')).notInstalled).toEqual([
      "`command -v nginx` (root's PATH) found nothing",
      '/usr/sbin/nginx does not exist',
      '/usr/local/nginx/sbin/nginx does not exist',
    ]);
    expect(trustedNginx(recorded('nginx-not-running')).notInstalled).toBeUndefined();
    expect(trustedNginx(recorded('nginx-installed-lookalike')).notInstalled).toBeUndefined();
  });
});
