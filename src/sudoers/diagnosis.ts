// The sudo rules a non-root SSH user needs for a diagnosis: exactly the privileged commands the collector
// sends (src/collect/commands.ts), as Debian installs them, each an anchored regular expression of the argv
// (see ./pattern.ts) or a constant argument list sudo matches exactly. Nothing here lets the user choose a
// program, an option or a file outside nginx's: `find` has exactly the collector's options (no -exec), `cat`
// reads files below /etc/nginx and `tail` below /var/log/nginx (never `..`), nginx's -c and -p are pinned
// below /etc/nginx, and the shells and perl run one constant script each, spelled out character by
// character. test/unit/sudoers/diagnosis.test.ts asks the real sudo about every command the collector can
// send, and about tampered ones.
import {
  ERROR_LOG_TAIL_BYTES,
  NGINX_PATHS_ARGV0,
  NGINX_PATHS_SCRIPT,
  NGINX_PROCS_ARGV0,
  NGINX_PROCS_SCRIPT,
  REALPATH_ARGV0,
  REALPATH_SCRIPT,
  SOCKET_PATHS_ARGV0,
  SOCKET_PATHS_SCRIPT,
  UNIX_PROBE_SCRIPT,
} from '../collect/commands.js';
import {
  ANY_PATH,
  LOG_PATH,
  NGINX_BINARY,
  NGINX_DIR,
  NGINX_PATH,
  aliasBlock,
  literalPattern,
} from './pattern.js';
import { STAT_FORMAT } from '../parsers/stat.js';

/** nginx's worker user on Debian: the unix-socket probe connects as it. */
export const DEFAULT_WORKER_USER = 'www-data';

/** A pid as the collector passes it to the processes script. */
const PID = '[1-9][0-9]{0,9}';

export function diagnosisRules(): string[] {
  return [
    '/usr/bin/ss -Htlnp',
    '/usr/bin/ss -Hxlp',
    '/usr/sbin/iptables-save -t filter',
    '/usr/sbin/ip6tables-save -t filter',
    '/usr/sbin/nft -j list ruleset',
    '/usr/sbin/nft -a list ruleset',
    '/usr/sbin/ufw status verbose',
    '/usr/bin/firewall-cmd --list-all',
    `${NGINX_BINARY} ^-[tT]( -c ${NGINX_PATH})?( -p ${NGINX_DIR}/?)?$`,
    `/usr/bin/stat ^-L -c ${literalPattern(STAT_FORMAT)} --( ${ANY_PATH})+$`,
    `/usr/bin/cat ^-- ${NGINX_PATH}$`,
    `/usr/bin/find ^${NGINX_DIR} -maxdepth 1 -mindepth 1$`,
    `/usr/bin/tail ^-c ${ERROR_LOG_TAIL_BYTES} -- ${LOG_PATH}$`,
    `/usr/bin/sh ^-c ${literalPattern(REALPATH_SCRIPT)} ${REALPATH_ARGV0}( ${ANY_PATH})*$`,
    `/usr/bin/sh ^-c ${literalPattern(SOCKET_PATHS_SCRIPT)} ${SOCKET_PATHS_ARGV0}( ${ANY_PATH})*$`,
    `/usr/bin/sh ^-c ${literalPattern(NGINX_PROCS_SCRIPT)} ${NGINX_PROCS_ARGV0}( ${PID})*$`,
    `/usr/bin/sh ^-c ${literalPattern(NGINX_PATHS_SCRIPT)} ${NGINX_PATHS_ARGV0}( ${ANY_PATH})*$`,
  ];
}

/** The unix-socket probe, as nginx's worker user: the constant perl script, a socket path, nothing else. */
export function socketProbeRule(): string {
  return `/usr/bin/perl ^-e ${literalPattern(UNIX_PROBE_SCRIPT)} ${ANY_PATH}$`;
}

export function diagnosisSudoers(user: string, workerUser = DEFAULT_WORKER_USER): string {
  return [
    aliasBlock(
      ['upstream-doctor: read-only diagnosis commands, exactly as the collector sends them'],
      'UPSTREAM_DOCTOR',
      diagnosisRules(),
      `${user} ALL=(root) NOPASSWD: UPSTREAM_DOCTOR`,
    ),
    aliasBlock(
      ["The unix-socket probe runs as nginx's worker user."],
      'UPSTREAM_DOCTOR_PROBE',
      [socketProbeRule()],
      `${user} ALL=(${workerUser}) NOPASSWD: UPSTREAM_DOCTOR_PROBE`,
    ),
    '',
  ].join('\n');
}
