// A lab host's private files. Inside the host, some directories and files are bind mounts of
// directories under <hostDir>/fs (so /etc/nginx inside is <hostDir>/fs/etc/nginx outside). The lab
// writes a host's files from the root namespace through this map, and never outside it: a path that
// is not private to the host (or a symlink that leads out) is refused rather than written on the machine.
import { existsSync } from 'node:fs';
import {
  chmod,
  chown,
  lstat,
  mkdir,
  readFile,
  readlink,
  realpath,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { posix } from 'node:path';
import { LabError } from './proc.js';

/** Directories every host gets a private copy (or an empty private one) of. */
export const PRIVATE_DIRS = [
  '/etc/nginx',
  '/var/log/nginx',
  '/var/lib/nginx',
  '/var/www',
  '/run',
  '/tmp',
  '/root',
  '/home',
  // For a second nginx instance's own config (-c /srv/nginx-b/nginx.conf); empty otherwise.
  '/srv',
] as const;

/** Files a host may get a private version of (accounts and sudo rules only for hosts that add users). */
export const PRIVATE_FILES = [
  '/etc/hosts',
  '/etc/resolv.conf',
  '/etc/passwd',
  '/etc/group',
  '/etc/shadow',
] as const;
export const PRIVATE_SUDOERS_DIR = '/etc/sudoers.d';

export interface WriteOptions {
  mode?: number;
  uid?: number;
  gid?: number;
}

export class HostFs {
  /** The directory that holds the host's private tree, outside the host. */
  readonly root: string;
  private readonly privateDirs: string[];
  private readonly privateFiles: string[];

  constructor(hostDir: string, privateDirs: readonly string[], privateFiles: readonly string[]) {
    this.root = posix.join(hostDir, 'fs');
    this.privateDirs = [...privateDirs];
    this.privateFiles = [...privateFiles];
  }

  /** Whether a path inside the host lives in the host's private tree. */
  isPrivate(insidePath: string): boolean {
    const p = normalizeAbsolute(insidePath);
    if (p === undefined) return false;
    return this.privateFiles.includes(p) || this.privateDirs.some((d) => p === d || p.startsWith(`${d}/`));
  }

  /** Where a private path inside the host is found from the root namespace (lexically; see resolve()). */
  backingPath(insidePath: string): string {
    const p = normalizeAbsolute(insidePath);
    if (p === undefined || !this.isPrivate(p)) {
      throw new LabError(
        `${insidePath} is not private to the lab host: refusing to touch the machine's own file`,
      );
    }
    return posix.join(this.root, p);
  }

  /**
   * The backing path of a private file, following symlinks the way the host would see them: an
   * absolute link target (Debian's sites-enabled/default → /etc/nginx/sites-available/default) is
   * a path inside the host, not the machine's file of the same name.
   */
  async resolve(insidePath: string, depth = 0): Promise<string> {
    if (depth > 20) throw new LabError(`${insidePath}: too many levels of symbolic links`);
    const backing = this.backingPath(insidePath);
    const parent = posix.dirname(backing);
    if (existsSync(parent)) {
      const realParent = await realpath(parent);
      if (realParent !== this.root && !realParent.startsWith(`${this.root}/`)) {
        throw new LabError(`${insidePath}: a directory on the way leads out of the lab host (${realParent})`);
      }
    }
    const info = await lstat(backing).catch(() => undefined);
    if (info?.isSymbolicLink()) {
      const target = await readlink(backing);
      const next = target.startsWith('/')
        ? target
        : posix.join(posix.dirname(normalizeAbsolute(insidePath)!), target);
      return this.resolve(next, depth + 1);
    }
    return backing;
  }

  async writeFile(insidePath: string, content: string | Buffer, options: WriteOptions = {}): Promise<string> {
    const target = await this.resolve(insidePath);
    await mkdir(posix.dirname(target), { recursive: true });
    await writeFile(target, content);
    if (options.mode !== undefined) await chmod(target, options.mode);
    if (options.uid !== undefined || options.gid !== undefined) {
      await chown(target, options.uid ?? -1, options.gid ?? -1);
    }
    return target;
  }

  /** Makes `insidePath` a symbolic link to `target` (kept verbatim: it is resolved inside the host). */
  async symlink(insidePath: string, target: string): Promise<void> {
    const link = this.backingPath(insidePath);
    await this.resolve(posix.dirname(insidePath));
    await mkdir(posix.dirname(link), { recursive: true });
    await rm(link, { force: true });
    await symlink(target, link);
  }

  async readFile(insidePath: string): Promise<string> {
    return readFile(await this.resolve(insidePath), 'utf8');
  }

  async mkdir(insidePath: string, options: WriteOptions = {}): Promise<string> {
    const target = await this.resolve(insidePath);
    await mkdir(target, { recursive: true });
    if (options.mode !== undefined) await chmod(target, options.mode);
    if (options.uid !== undefined || options.gid !== undefined) {
      await chown(target, options.uid ?? -1, options.gid ?? -1);
    }
    return target;
  }
}

/** "/a/b/../c/" → "/a/c"; undefined for relative paths. */
export function normalizeAbsolute(path: string): string | undefined {
  if (!path.startsWith('/')) return undefined;
  const normal = posix.normalize(path);
  return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
}
