// The edge: config files on this machine's disk. Errors become nginx's messages
// (`open() "/etc/nginx/x.conf" failed (2: No such file or directory)`), never exceptions.

import { lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { ConfigSource, NginxConfig } from '../../model/nginx-config.js';
import { parseConfig, type ParseConfigOptions } from './config.js';
import { compareBytes, componentMatcher, hasMagic, unquote } from './glob.js';

/** strerror() texts for the errno values a config read meets, as nginx prints them. */
const ERRNO: Record<string, string> = {
  ENOENT: '2: No such file or directory',
  EACCES: '13: Permission denied',
  ENOTDIR: '20: Not a directory',
  EISDIR: '21: Is a directory',
  ELOOP: '40: Too many levels of symbolic links',
  EMFILE: '24: Too many open files',
};

function errnoText(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') return ERRNO[code] ?? code;
  return err instanceof Error ? err.message : String(err);
}

function readText(path: string): { text: string } | { error: string } {
  try {
    return { text: readFileSync(path, 'utf8') };
  } catch (err) {
    return { error: `open() "${path}" failed (${errnoText(err)})` };
  }
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir === '' ? '.' : dir);
  } catch {
    return [];
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path === '' ? '.' : path).isDirectory();
  } catch {
    return false;
  }
}

/** glob(3) over the disk: walks the pattern one path component at a time; byte-sorted results. */
export function globDisk(pattern: string): string[] {
  const components = pattern.split('/');
  // Each candidate is the path so far, spelled as in the pattern ('' = relative start, '/' = root).
  let candidates = [pattern.startsWith('/') ? '/' : ''];
  const start = pattern.startsWith('/') ? 1 : 0;
  for (let i = start; i < components.length; i++) {
    const seg = components[i]!;
    const last = i === components.length - 1;
    const next: string[] = [];
    const matches = hasMagic(seg) ? componentMatcher(seg) : undefined;
    for (const base of candidates) {
      const join = (name: string): string =>
        base === '' ? name : base.endsWith('/') ? base + name : `${base}/${name}`;
      if (!matches) {
        next.push(join(unquote(seg)));
        continue;
      }
      if (!isDirectory(base)) continue;
      for (const name of listDir(base)) {
        if (!matches(name)) continue;
        const path = join(name);
        if (last || isDirectory(path)) next.push(path);
      }
    }
    candidates = next;
  }
  return candidates.filter(exists).sort(compareBytes);
}

export const diskSource: ConfigSource = { read: readText, glob: globDisk };

/** Reads a config tree from disk, following includes as nginx does. Never throws. */
export function parseConfigFile(path: string, options: ParseConfigOptions = {}): NginxConfig {
  return parseConfig(path, diskSource, options);
}
