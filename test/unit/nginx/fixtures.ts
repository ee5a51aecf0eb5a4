// Shared by the nginx parser tests: where the recorded fixtures live, and a ConfigSource that reads a
// fixture tree as if it were mounted at /etc/nginx (as it was when crossplane and nginx -T recorded it).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ConfigSource, Payload } from '../../../src/model/nginx-config.js';
import { diskSource, globDisk } from '../../../src/parsers/nginx/disk.js';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/nginx/', import.meta.url));
export const TREES = `${FIXTURES}trees/`;
export const ERRORS = `${FIXTURES}errors/`;
export const RECORDED = `${FIXTURES}recorded/`;
export const MOUNT = '/etc/nginx';

/** Reads `root` as /etc/nginx; anything outside /etc/nginx does not exist. */
export function mountedAt(root: string): ConfigSource {
  const dir = root.replace(/\/$/, '');
  const toDisk = (path: string): string | undefined =>
    path === MOUNT || path.startsWith(`${MOUNT}/`) ? dir + path.slice(MOUNT.length) : undefined;
  return {
    read(path) {
      const disk = toDisk(path);
      if (disk === undefined) return { error: `open() "${path}" failed (2: No such file or directory)` };
      const r = diskSource.read(disk);
      return 'error' in r ? { error: r.error.replace(dir, MOUNT) } : r;
    },
    glob(pattern) {
      const disk = toDisk(pattern);
      return disk === undefined ? [] : globDisk(disk).map((p) => MOUNT + p.slice(dir.length));
    },
  };
}

export function readFixture(relative: string): string {
  return readFileSync(FIXTURES + relative, 'utf8');
}

export function crossplaneRecording(tree: string): { json: string; payload: Payload } {
  const json = readFixture(`recorded/${tree}.crossplane.json`);
  return { json, payload: JSON.parse(json) as Payload };
}
