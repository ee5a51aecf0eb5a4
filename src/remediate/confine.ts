// Where a plan may write: only under the main config's directory or under a root of REMEDIATION_ROOTS, judged
// on real paths (every symlink resolved by the host's own kernel), whatever the login (root or sudo). A file
// name comes from what the host printed (`nginx -T`'s "# configuration file X:" lines are text a config can
// forge), so the name alone never decides: its real path does, at plan time from the collector's realpath
// round, and again at apply time on the host before anything is written. "Under" is path-segment-wise on
// normal absolute paths (`/etc/nginx2` is not under `/etc/nginx`; a path with `.`, `..` or `//` is under
// nothing). Pure: the host's answers come in as values.

export type Confinement = { ok: true } | { ok: false; why: string };
import type { Result } from '../model/result.js';

/** An absolute path without empty, `.` or `..` segments (a trailing slash aside): one spelling per place. */
export function normalAbsolute(path: string): boolean {
  if (!path.startsWith('/') || path.includes('\0')) return false;
  if (path === '/') return true;
  const segments = path.replace(/\/$/, '').slice(1).split('/');
  return segments.every((s) => s !== '' && s !== '.' && s !== '..');
}

/** `path` is `root` or inside it, segment by segment; both must be normal absolute paths. */
export function isUnder(path: string, root: string): boolean {
  if (!normalAbsolute(path) || !normalAbsolute(root)) return false;
  const r = root.replace(/\/$/, '');
  const p = path.replace(/\/$/, '');
  if (r === '') return true;
  return p === r || p.startsWith(`${r}/`);
}

/**
 * REMEDIATION_ROOTS: comma-separated absolute paths (real paths: a root is compared as written, so name the
 * directory a symlink points to, not the link). `/` is refused: it would confine nothing.
 */
export function parseRemediationRoots(raw: string | undefined): Result<string[]> {
  const roots: string[] = [];
  for (const item of (raw ?? '').split(',').map((s) => s.trim())) {
    if (item === '') continue;
    if (!normalAbsolute(item) || /[\s\p{Cc}\p{Cf}]/u.test(item))
      return {
        ok: false,
        error: `expected absolute directory paths without '.', '..' or '//', comma separated (got ${JSON.stringify(item)})`,
      };
    if (item === '/') return { ok: false, error: "'/' would let a fix write anywhere: name directories" };
    roots.push(item.replace(/\/$/, ''));
  }
  return { ok: true, value: [...new Set(roots)] };
}

/** The directory part of an absolute path ("/" for a file at the top). */
export function directoryOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/')) || '/';
}

/**
 * May a plan write `file`? `realFile` and `realMainDir` are the host's resolutions (undefined: it had none,
 * the path does not exist). The main config's directory must not be `/` itself (a config at /nginx.conf
 * would otherwise open the whole machine).
 */
export function confinement(
  file: string,
  realFile: string | undefined,
  mainDir: string,
  realMainDir: string | undefined,
  roots: readonly string[],
): Confinement {
  if (realFile === undefined) return { ok: false, why: `${file} could not be resolved on the host` };
  if (realMainDir === undefined)
    return { ok: false, why: `the main config's directory ${mainDir} could not be resolved on the host` };
  const trees = [...(realMainDir === '/' ? [] : [realMainDir]), ...roots];
  if (trees.some((t) => isUnder(realFile, t) && realFile !== t)) return { ok: true };
  const shown = realFile === file ? file : `${file} (really ${realFile})`;
  return {
    ok: false,
    why: `${shown} is outside ${realMainDir === '/' ? 'any allowed directory' : realMainDir}${roots.length > 0 ? ` and ${roots.join(', ')}` : ''}: apply it by hand, or add its directory to REMEDIATION_ROOTS`,
  };
}
