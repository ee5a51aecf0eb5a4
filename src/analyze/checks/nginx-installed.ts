// nginx is not on the host at all: no nginx process runs and no nginx binary is where root would find one
// (root's PATH, Debian's /usr/sbin/nginx, nginx.org's /usr/local/nginx/sbin/nginx). "Not running" would send
// the operator to `systemctl start nginx`, which cannot work: the host is the wrong one, or nginx was removed.
// The evidence is each look-up that found nothing (read/trusted-nginx.ts decides, from the nginx-paths script).
import type { HostFacts } from '../../model/host-facts.js';
import type { Evidence, Finding } from '../../model/types.js';
import type { CheckContext } from './context.js';

/** nginx masters in containers (read/trusted-nginx.ts): not the host's, but said so when the host has none. */
export function containedNginx(facts: HostFacts): { note: string; evidence: Evidence[] } {
  const contained = facts.nginx.untrusted.filter((u) => u.elsewhere);
  if (contained.length === 0) return { note: '', evidence: [] };
  return {
    note:
      ` An nginx runs in a container (pid ${contained.map((u) => u.pid).join(', ')}: another PID namespace),` +
      " which is that container's, not the host's.",
    evidence: contained.map((u) => ({
      source: `/proc/${u.pid}/status`,
      text: `nginx master ${u.pid} in another PID namespace: ${u.cmdline}`,
    })),
  };
}

export function nginxNotInstalled(ctx: CheckContext): Finding[] {
  const { facts } = ctx;
  const lookups = facts.nginx.notInstalled;
  if (!lookups || facts.nginx.processes.master) return [];
  const unit = facts.services.find((s) => s.unit === 'nginx.service');
  const contained = containedNginx(facts);
  const evidence: Evidence[] = [
    ...lookups.map((text) => ({ source: 'nginx-paths', text })),
    { source: 'ps', text: 'no nginx process' },
    ...contained.evidence,
    ...(unit?.loadState === 'not-found' ? [{ source: 'systemctl', text: 'nginx.service: not-found' }] : []),
  ];
  return [
    {
      cause: 'nginx-not-installed',
      severity: 'critical',
      title: `nginx is not installed on ${facts.target}`,
      detail:
        "No nginx process runs and no nginx program exists on root's PATH or at the usual places, so nothing on " +
        'this host can answer as nginx. Either this is not the host that serves the site (check the inventory ' +
        'or DNS), or nginx was removed' +
        (facts.nginx.sources.size > 0 ? ' (its configuration files are still here)' : '') +
        '.' +
        contained.note,
      evidence,
      fix: {
        summary: 'Diagnose the host that serves the site, or install nginx here and start it',
        commands: ['command -v nginx', 'apt-get install nginx   # or: dnf install nginx'],
      },
    },
  ];
}
