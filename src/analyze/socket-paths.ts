// A unix socket has many names: the config may name it through a symlinked directory (/var/run → /run) or
// a link (Debian's /run/php/php-fpm.sock → /etc/alternatives/php-fpm.sock → /run/php/php8.2-fpm.sock), and
// ss names it by the path its backend bound, itself perhaps through a symlink. Two names are one socket when
// the host resolves them to one real path (HostFacts.socketPaths), so that is what listeners are matched by;
// and evidence shows both names, the config's and the real one.
import type { Listener } from '../model/facts.js';
import type { HostFacts } from '../model/host-facts.js';
import type { Evidence } from '../model/types.js';

/** The path with every symlink resolved on the host; the path itself when it has no other (or was not asked). */
export function realSocketPath(facts: HostFacts, path: string): string {
  return facts.socketPaths.get(path) ?? path;
}

/** Whether the path leads somewhere else than its name says. */
export function isSymlinked(facts: HostFacts, path: string): boolean {
  return realSocketPath(facts, path) !== path;
}

/** The unix listeners that are the socket `path` names, by name or by real path. */
export function unixListenersAt(facts: HostFacts, path: string): Listener[] {
  const real = realSocketPath(facts, path);
  return facts.listeners.filter(
    (l) => l.proto === 'unix' && l.path !== undefined && realSocketPath(facts, l.path) === real,
  );
}

/** "/var/run/php/php-fpm.sock → /run/php/php8.2-fpm.sock", or the path alone when it is no symlink. */
export function socketNames(facts: HostFacts, path: string): string {
  return isSymlinked(facts, path) ? `${path} → ${realSocketPath(facts, path)}` : path;
}

/** Where a symlinked socket path leads, as the host resolved it; nothing for a path that is its own name. */
export function socketPathEvidence(facts: HostFacts, path: string): Evidence[] {
  return isSymlinked(facts, path)
    ? [{ source: 'readlink -f', text: `${path} resolves to ${realSocketPath(facts, path)}` }]
    : [];
}
