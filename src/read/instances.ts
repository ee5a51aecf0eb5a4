// Several nginx on one host: a second root master started with its own -c (or -p, or program) is another
// nginx with its own config, workers, error logs and listeners. Each is diagnosed on its own, so one's config
// is never read against another's processes. The collector asks the instance's own questions (nginx -T/-t/-V,
// its files, error logs, stats, probes) into `snapshot.instances[i].results`, under the ids the first instance
// has in `snapshot.results`; a view of one instance is the host's shared answers (ps, ss, firewall, the trust
// scripts…) with that instance's own, and `instanceMaster` naming its master for trustedNginx().
import type { HostSnapshot, NginxInstance } from '../model/types.js';
import { mainConfigPath } from './config-files.js';
import { trustedNginx } from './trusted-nginx.js';

/** Ids of the results that belong to one nginx instance, not to the host. */
const OWN_EXACT = new Set(['nginx-T', 'nginx-t', 'nginx-V', 'proc-times', 'stat', 'realpath']);
const OWN_PREFIXES = ['file:', 'ls:', 'error-log:', 'id:', 'getent:', 'probe:'];

export function isInstanceResult(id: string): boolean {
  return OWN_EXACT.has(id) || OWN_PREFIXES.some((p) => id.startsWith(p));
}

/** The snapshot as one instance sees it (`master`: its master's pid); the host's first instance unchanged. */
export function instanceView(snapshot: HostSnapshot, master: number): HostSnapshot {
  const own = snapshot.instances?.find((i) => i.master === master);
  if (!own) return snapshot;
  const shared = Object.entries(snapshot.results).filter(([id]) => !isInstanceResult(id));
  const { instances: _others, ...host } = snapshot;
  return { ...host, results: { ...Object.fromEntries(shared), ...own.results }, instanceMaster: master };
}

/** Which instance a view describes: its master and main config; undefined without a master. */
export function instanceOf(view: HostSnapshot): NginxInstance | undefined {
  const master = trustedNginx(view).processes.master;
  return master && { master: master.pid, config: mainConfigPath(view) };
}
