// The nginx config as the snapshot holds it: from `nginx -T` when it succeeds, else from the config files the
// collector read one by one (nginx -T prints nothing when the config is invalid — exactly when we need it).
import type { HostSnapshot } from '../model/types.js';
import type { ConfigSource, NginxConfig } from '../model/nginx-config.js';
import { parseConfig } from '../parsers/nginx/config.js';
import { parseDump } from '../parsers/nginx/dump.js';
import { matchPath } from '../parsers/nginx/glob.js';
import { trustedNginx } from './trusted-nginx.js';

export interface SnapshotConfig extends NginxConfig {
  /** Where it came from, for evidence: "nginx -T" or "config files". */
  source: string;
}

export const DEFAULT_CONF_PATH = '/etc/nginx/nginx.conf';

/**
 * The main config file nginx runs with: the trusted root master's -c (against its -p), else the compiled-in
 * --conf-path of the trusted binary (trusted-nginx.ts: no other process's title counts).
 */
export function mainConfigPath(snapshot: HostSnapshot): string {
  const trusted = trustedNginx(snapshot);
  const version = snapshot.results['nginx-V'];
  const compiled = /--conf-path=(\S+)/.exec(`${version?.stderr ?? ''}${version?.stdout ?? ''}`)?.[1];
  const prefix = trusted.prefix ?? /--prefix=(\S+)/.exec(version?.stderr ?? '')?.[1] ?? '/etc/nginx/';
  const path = trusted.configPath ?? compiled ?? DEFAULT_CONF_PATH;
  return path.startsWith('/') ? path : `${prefix.replace(/\/?$/, '/')}${path}`;
}

function resultsByPrefix(snapshot: HostSnapshot, prefix: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [id, r] of Object.entries(snapshot.results)) {
    if (id.startsWith(prefix) && r.exitCode === 0) out.set(id.slice(prefix.length), r.stdout);
  }
  return out;
}

/** Files read with `cat` (`file:PATH`) and directories listed with `find` (`ls:DIR`), as a ConfigSource. */
function snapshotSource(
  snapshot: HostSnapshot,
  misses?: { files: Set<string>; dirs: Set<string> },
): ConfigSource {
  const files = resultsByPrefix(snapshot, 'file:');
  const dirs = resultsByPrefix(snapshot, 'ls:');
  return {
    read(path) {
      const text = files.get(path);
      if (text !== undefined) return { text };
      misses?.files.add(path);
      return { error: `open() "${path}" failed (2: No such file or directory)` };
    },
    glob(pattern) {
      const dir = pattern.slice(0, pattern.lastIndexOf('/')) || '/';
      const listing = dirs.get(dir);
      if (listing === undefined) {
        misses?.dirs.add(dir);
        return [];
      }
      return listing
        .split('\n')
        .filter((p) => p !== '' && matchPath(pattern, p))
        .sort();
    },
  };
}

export function configFromSnapshot(snapshot: HostSnapshot): SnapshotConfig | undefined {
  const dump = snapshot.results['nginx-T'];
  if (dump?.exitCode === 0 && dump.stdout.includes('# configuration file ')) {
    return { ...parseDump(dump.stdout), source: 'nginx -T' };
  }
  const main = mainConfigPath(snapshot);
  if (!resultsByPrefix(snapshot, 'file:').has(main)) return undefined;
  return { ...parseConfig(main, snapshotSource(snapshot)), source: 'config files' };
}

/** What the collector must still read to follow every include of the config (empty when complete). */
export function missingConfigFiles(snapshot: HostSnapshot): { files: string[]; dirs: string[] } {
  const main = mainConfigPath(snapshot);
  const misses = { files: new Set<string>(), dirs: new Set<string>() };
  if (!(`file:${main}` in snapshot.results)) return { files: [main], dirs: [] };
  parseConfig(main, snapshotSource(snapshot, misses));
  // A file we tried and could not read is not missing: it is an error the parse reports.
  const tried = (id: string) => id in snapshot.results;
  return {
    files: [...misses.files].filter((f) => !tried(`file:${f}`)),
    dirs: [...misses.dirs].filter((d) => !tried(`ls:${d}`)),
  };
}
