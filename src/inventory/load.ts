// Reading hosts.yml from disk: which path (option, environment, default), and a missing file explained.
import { readFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseInventory } from './parse.js';
import type { InventoryResult } from './types.js';

export const INVENTORY_ENV = 'UPSTREAM_DOCTOR_INVENTORY';
export const DEFAULT_INVENTORY = 'hosts.yml';

export interface InventoryLocation {
  /** Absolute path. */
  path: string;
  /** Where the path came from, so a missing file can be explained. */
  origin: 'option' | 'env' | 'default';
}

export interface LocateOptions {
  /** The `--inventory` option, when given. */
  path?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** `--inventory` wins, then UPSTREAM_DOCTOR_INVENTORY, then ./hosts.yml. */
export function locateInventory(options: LocateOptions = {}): InventoryLocation {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  if (options.path !== undefined && options.path !== '')
    return { path: resolve(cwd, options.path), origin: 'option' };
  const fromEnv = env[INVENTORY_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return { path: resolve(cwd, fromEnv), origin: 'env' };
  return { path: resolve(cwd, DEFAULT_INVENTORY), origin: 'default' };
}

export interface LoadOptions extends LocateOptions {
  home?: string;
  localUser?: string;
}

/** Locate, read and parse the inventory. Never rejects: every problem is a one-line error. */
export async function loadInventory(options: LoadOptions = {}): Promise<InventoryResult> {
  const location = locateInventory(options);
  let text: string;
  try {
    text = await readFile(location.path, 'utf8');
  } catch (error) {
    return { ok: false, error: [missingMessage(location, error)] };
  }
  return parseInventory(text, {
    source: location.path,
    baseDir: dirname(location.path),
    home: options.home ?? homedir(),
    localUser: options.localUser ?? userInfo().username,
  });
}

function missingMessage(location: InventoryLocation, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT'
      ? 'not found'
      : code === 'EACCES'
        ? 'not readable (permission denied)'
        : code === 'EISDIR'
          ? 'is a directory'
          : `unreadable (${code ?? String(error)})`;
  const origin =
    location.origin === 'option'
      ? 'given with --inventory'
      : location.origin === 'env'
        ? `from ${INVENTORY_ENV}`
        : `the default ./${DEFAULT_INVENTORY}; pass --inventory FILE or set ${INVENTORY_ENV}`;
  return `inventory ${location.path} ${why} (${origin})`;
}
