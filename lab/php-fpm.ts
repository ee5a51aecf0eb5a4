// Debian's real php-fpm as a FastCGI backend of a lab host (optional: only where php-fpm is installed).
import { existsSync, readdirSync } from 'node:fs';

export interface PhpFpmSpec {
  /** Socket path, or a TCP "address:port". Default: Debian's /run/php/php<version>-fpm.sock. */
  listen?: string;
  /** Pool user (and group). Default www-data. */
  user?: string;
  /** listen.mode, e.g. "0660". Default php-fpm's (0660, owned by listen.owner www-data). */
  mode?: string;
  owner?: string;
  group?: string;
}

/** The installed php-fpm binary (/usr/sbin/php-fpm8.2) and its version ("8.2"), if any. */
export function findPhpFpm(): { binary: string; version: string } | undefined {
  if (!existsSync('/usr/sbin')) return undefined;
  const name = readdirSync('/usr/sbin')
    .filter((f) => /^php-fpm\d+\.\d+$/.test(f))
    .sort()
    .pop();
  return name === undefined
    ? undefined
    : { binary: `/usr/sbin/${name}`, version: name.slice('php-fpm'.length) };
}

export function defaultPhpFpmSocket(version: string): string {
  return `/run/php/php${version}-fpm.sock`;
}

/** A php-fpm.conf with one pool, as Debian's www pool but with paths private to the lab host. */
export function phpFpmConfig(spec: PhpFpmSpec, version: string): string {
  const user = spec.user ?? 'www-data';
  return [
    '[global]',
    `pid = /run/php/php${version}-fpm.pid`,
    // The host's private /var/log/nginx: the machine's /var/log stays untouched.
    `error_log = /var/log/nginx/php${version}-fpm.log`,
    'daemonize = yes',
    '',
    '[www]',
    `user = ${user}`,
    `group = ${spec.group ?? user}`,
    `listen = ${spec.listen ?? defaultPhpFpmSocket(version)}`,
    `listen.owner = ${spec.owner ?? user}`,
    `listen.group = ${spec.group ?? user}`,
    ...(spec.mode === undefined ? [] : [`listen.mode = ${spec.mode}`]),
    'pm = static',
    'pm.max_children = 2',
    '',
  ].join('\n');
}
