// hosts.yml text → Inventory. Pure: the file's text and the environment facts it depends on (home directory,
// local user name, the directory relative paths start from) come in as arguments; errors come out as values.
import { isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { formatIssues, inventorySchema, type RawDefaults, type RawHost } from './schema.js';
import type { Inventory, InventoryResult, Target } from './types.js';

export interface ParseInventoryOptions {
  /** Where the text came from, for messages ("/etc/upstream-doctor/hosts.yml"). */
  source: string;
  /** Relative paths in the file are taken from here (the file's directory). */
  baseDir: string;
  /** What `~` means. */
  home: string;
  /** The user to log in as when neither the host nor `defaults` names one (as ssh does). */
  localUser: string;
}

const HOST_NAME = /^[A-Za-z0-9._-]+$/;

/** Settings used when neither a host nor `defaults` sets them. */
const BUILT_IN = { port: 22, knownHosts: '~/.ssh/known_hosts', sudo: false, useAgent: false } as const;

export function parseInventory(text: string, options: ParseInventoryOptions): InventoryResult {
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    return {
      ok: false,
      error: document.errors.map((error) => {
        const where = error.linePos?.[0];
        const position = where ? `:${where.line}:${where.col}` : '';
        // yaml's message continues with " at line …" and a code frame over several lines: keep the first clause.
        const message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
        return `${options.source}${position}: ${message}`;
      }),
    };
  }
  let value: unknown;
  try {
    value = document.toJS();
  } catch (error) {
    // e.g. an alias (*name) without its anchor, or too many aliases (yaml's guard against alias bombs).
    return { ok: false, error: [`${options.source}: ${(error as Error).message.split('\n')[0]}`] };
  }
  if (value === null || value === undefined) {
    return {
      ok: false,
      error: [`${options.source}: the inventory is empty; expected \`hosts:\` with at least one host`],
    };
  }
  const parsed = inventorySchema.safeParse(value);
  if (!parsed.success) return { ok: false, error: formatIssues(parsed.error.issues) };

  const defaults = parsed.data.defaults ?? {};
  const hosts = parsed.data.hosts;
  const errors = checkNames(Object.keys(hosts));
  const jumps = jumpHostOf(hosts, defaults);
  errors.push(...checkJumps(jumps, defaults, new Set(Object.keys(hosts))));
  if (Object.keys(hosts).length === 0) errors.push('hosts: expected at least one host');
  if (errors.length > 0) return { ok: false, error: errors };

  const resolved = new Map<string, Target>();
  const resolveHost = (name: string): Target => {
    const done = resolved.get(name);
    if (done) return done;
    const target = applyDefaults(name, hosts[name]!, defaults, options);
    const jump = jumps.get(name);
    // checkJumps() ruled out cycles, so this recursion ends.
    if (jump !== undefined) target.jump = resolveHost(jump);
    resolved.set(name, target);
    return target;
  };
  const inventory: Inventory = { source: options.source, hosts: Object.keys(hosts).map(resolveHost) };
  return { ok: true, value: inventory };
}

function checkNames(names: string[]): string[] {
  return names
    .filter((name) => !HOST_NAME.test(name))
    .map((name) => `hosts.${name}: invalid host name; use letters, digits, '.', '-' and '_'`);
}

/** Each host's jump host after defaults: its own, else defaults' (never itself; null opts out). */
function jumpHostOf(hosts: Record<string, RawHost>, defaults: RawDefaults): Map<string, string> {
  const jumps = new Map<string, string>();
  for (const [name, host] of Object.entries(hosts)) {
    if (host.jumpHost === null) continue;
    const jump = host.jumpHost ?? defaults.jumpHost;
    // `defaults.jumpHost: bastion` cannot apply to the bastion itself.
    if (jump !== undefined && !(host.jumpHost === undefined && jump === name)) jumps.set(name, jump);
  }
  return jumps;
}

function checkJumps(jumps: Map<string, string>, defaults: RawDefaults, names: Set<string>): string[] {
  const errors: string[] = [];
  if (defaults.jumpHost !== undefined && !names.has(defaults.jumpHost)) {
    errors.push(`defaults.jumpHost: '${defaults.jumpHost}' is not a host in this inventory`);
  }
  for (const [name, jump] of jumps) {
    if (!names.has(jump)) {
      if (jump !== defaults.jumpHost)
        errors.push(`hosts.${name}.jumpHost: '${jump}' is not a host in this inventory`);
      continue;
    }
    const chain = [name];
    let next: string | undefined = jump;
    while (next !== undefined && !chain.includes(next)) {
      chain.push(next);
      next = jumps.get(next);
    }
    // Every member of a cycle sees it; report it once, at the member that comes first in the file.
    const order = [...names];
    const first = chain.reduce((a, b) => (order.indexOf(a) <= order.indexOf(b) ? a : b));
    if (next === name && first === name) {
      errors.push(`hosts.${name}.jumpHost: jump hosts form a cycle: ${[...chain, name].join(' → ')}`);
    }
  }
  return errors;
}

function applyDefaults(
  name: string,
  host: RawHost,
  defaults: RawDefaults,
  options: ParseInventoryOptions,
): Target {
  const target: Target = {
    name,
    address: host.address,
    port: host.port ?? defaults.port ?? BUILT_IN.port,
    user: host.user ?? defaults.user ?? options.localUser,
    knownHosts: expandPath(host.knownHosts ?? defaults.knownHosts ?? BUILT_IN.knownHosts, options),
    sudo: host.sudo ?? defaults.sudo ?? BUILT_IN.sudo,
    useAgent: host.useAgent ?? defaults.useAgent ?? BUILT_IN.useAgent,
    tags: [...new Set(host.tags ?? [])],
  };
  const identityFile = host.identityFile ?? defaults.identityFile;
  if (identityFile !== undefined) target.identityFile = expandPath(identityFile, options);
  const passphraseEnv = host.passphraseEnv ?? defaults.passphraseEnv;
  if (passphraseEnv !== undefined) target.passphraseEnv = passphraseEnv;
  return target;
}

/** `~` and `~/…` → the home directory; relative paths → from the inventory's directory. */
export function expandPath(path: string, options: Pick<ParseInventoryOptions, 'home' | 'baseDir'>): string {
  if (path === '~') return options.home;
  if (path.startsWith('~/')) return resolve(options.home, path.slice(2));
  return isAbsolute(path) ? path : resolve(options.baseDir, path);
}
