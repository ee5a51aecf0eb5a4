// The allow-listed, read-only command set. Every command is a constant argv; where a command needs something
// the host told us (the nginx binary, a socket path, a user name), it goes in as one argv element, validated
// first and quoted by the transport — never spliced into a shell string.
import type { CommandSpec } from '../transport/types.js';
import { STAT_FORMAT } from '../parsers/stat.js';

/** Bytes of each error log we read: its tail. A 1 GB log costs what a small one costs. */
export const ERROR_LOG_TAIL_BYTES = 256 * 1024;
const OUTPUT_CAP = 8 * 1024 * 1024;
const SHORT = 10_000;

/** Quick and bounded (no DNS, no connect, no config test), unprivileged: may share one channel (batch.ts). */
const quick = (id: string, argv: string[]): CommandSpec => ({ ...spec(id, argv), quick: true });

/** Privileged, quick and bounded: batched where no sudo is in the way (sudoers allows each on its own). */
const quickRoot = (id: string, argv: string[]): CommandSpec => ({ ...spec(id, argv, true), quick: true });

const spec = (id: string, argv: string[], privileged = false, timeoutMs = SHORT): CommandSpec => ({
  id,
  argv,
  privileged,
  timeoutMs,
  maxBytes: OUTPUT_CAP,
});

/** Phase 1: what we can ask without knowing anything about the host yet. */
export const BASE_COMMANDS: CommandSpec[] = [
  quick('date', ['date', '+%s %Y/%m/%d %H:%M:%S']),
  quick('ps', ['ps', '-eo', 'pid=,ppid=,user:32=,etimes=,args=']),
  quickRoot('ss-tcp', ['ss', '-Htlnp']),
  quickRoot('ss-unix', ['ss', '-Hxlp']),
  quick('ip-addr', ['ip', '-o', 'addr', 'show']),
  quickRoot('iptables-save', ['iptables-save', '-t', 'filter']),
  quickRoot('ip6tables-save', ['ip6tables-save', '-t', 'filter']),
  quickRoot('nft-json', ['nft', '-j', 'list', 'ruleset']),
  quickRoot('nft-text', ['nft', '-a', 'list', 'ruleset']),
  // ufw and firewall-cmd are Python programs (half a second each to start): asked only when active.
  quick('ufw-conf', ['cat', '/etc/ufw/ufw.conf']),
  quick('resolv-conf', ['cat', '/etc/resolv.conf']),
  quick('getenforce', ['getenforce']),
  quick('getsebool', ['getsebool', 'httpd_can_network_connect']),
  quick('systemctl-units', [
    'systemctl',
    'list-units',
    '--type=service',
    '--all',
    '--no-legend',
    '--plain',
    '--no-pager',
  ]),
];

/** ufw when /etc/ufw/ufw.conf says it is enabled; firewalld when its daemon runs. */
export function frontendFirewallCommands(ufwConf: string, processes: string): CommandSpec[] {
  return [
    ...(/^\s*ENABLED\s*=\s*yes\b/im.test(ufwConf) ? [spec('ufw', ['ufw', 'status', 'verbose'], true)] : []),
    ...(/\bfirewalld\b/.test(processes) ? [spec('firewalld', ['firewall-cmd', '--list-all'], true)] : []),
  ];
}

/** nginx's own view, asked of the binary the running master was started from, with its -c and -p. */
/**
 * When the given processes (nginx's workers) started, to the clock tick (parsers/proc-times.ts): the clock,
 * the tick, /proc/uptime, then each pid's /proc/PID/stat. Unprivileged (/proc/PID/stat is readable by anyone
 * unless /proc is mounted with hidepid, and then the answer is missing and ps's whole seconds stand in).
 * The uptime is read first and the clock right after it, nothing in between: a start is now − uptime +
 * starttime, so every moment between the two readings on a loaded host moves the starts later (a change
 * after a reload can then go unseen for that long), never earlier (a reload mistaken for a config changed
 * after it: config-not-reloaded on a healthy host, as a loaded machine showed when the clock came first).
 */
export const PROC_TIMES_SCRIPT =
  't=$(getconf CLK_TCK); u=$(cat /proc/uptime); d=$(date +%s.%N); printf "%s\\n%s\\n%s\\n" "$d" "$t" "$u"; ' +
  'for p do cat "/proc/$p/stat" || :; done 2>/dev/null';
export const PROC_TIMES_ARGV0 = 'ud-proc-times';
/** The youngest workers are the ones that tell; a master has at most a few dozen. */
const PROC_TIMES_MAX_PIDS = 64;

export function procTimesCommand(pids: number[]): CommandSpec {
  const args = [...new Set(pids.filter((p) => Number.isSafeInteger(p) && p > 0))]
    .slice(0, PROC_TIMES_MAX_PIDS)
    .map(String);
  return quick('proc-times', ['sh', '-c', PROC_TIMES_SCRIPT, PROC_TIMES_ARGV0, ...args]);
}

export function nginxCommands(binary: string, configPath?: string, prefix?: string): CommandSpec[] {
  const where = [...(configPath ? ['-c', configPath] : []), ...(prefix ? ['-p', prefix] : [])];
  return [
    spec('nginx-T', [binary, '-T', ...where], true, 20_000),
    spec('nginx-t', [binary, '-t', ...where], true, 20_000),
    quick('nginx-V', [binary, '-V']),
  ];
}

export function statCommand(paths: string[]): CommandSpec {
  return quickRoot('stat', ['stat', '-L', '-c', STAT_FORMAT, '--', ...paths]);
}

/** The real-path scripts below: `readlink MODE` of each path argument, NUL-framed. */
function resolveScript(mode: '-e' | '-f'): string {
  return `for p; do printf "%s" "$p"; head -c 1 /dev/zero; readlink ${mode} -z -- "$p" || head -c 1 /dev/zero; done`;
}

/**
 * Each path with every symlink resolved, as the host's kernel sees it: the path asked and its answer, each
 * NUL-terminated, the answer empty when the path does not exist (`head -c 1 /dev/zero` writes a lone NUL).
 * One privileged channel for any number of paths; the script is a constant that the sudo rules spell out,
 * and the paths reach it as positional arguments, never parsed by the shell.
 */
export const REALPATH_SCRIPT = resolveScript('-e');
export const REALPATH_ARGV0 = 'ud-realpath';

export function realpathCommand(paths: string[]): CommandSpec {
  return quickRoot('realpath', ['sh', '-c', REALPATH_SCRIPT, REALPATH_ARGV0, ...paths]);
}

/**
 * Socket paths resolved like REALPATH_SCRIPT, but with `readlink -f`: the last step may be missing, so a
 * link that names a socket which is gone (Debian's php-fpm.sock alternative still naming the previous
 * PHP's socket) still says where it leads. `socket-paths` asks for the sockets the config names;
 * `listener-paths` for listeners ss names by a path their backend bound through a symlink.
 */
export const SOCKET_PATHS_SCRIPT = resolveScript('-f');
export const SOCKET_PATHS_ARGV0 = 'ud-socket-paths';

export function socketPathsCommand(id: 'socket-paths' | 'listener-paths', paths: string[]): CommandSpec {
  return quickRoot(id, ['sh', '-c', SOCKET_PATHS_SCRIPT, SOCKET_PATHS_ARGV0, ...paths]);
}

/**
 * What the host's kernel says about every nginx-looking process, NUL-framed, for trustedNginx()
 * (src/read/trusted-nginx.ts) to decide which program may run as root. ps's text is forgeable (a title may
 * hold a newline and a whole fake line), so nothing we run comes from it: this constant script reads /proc.
 * Candidates: every process whose comm starts with "nginx" (a real master's always does) and the pids ps
 * showed with "nginx" in their title (arguments: numbers only). For each: `proc`, its pid, the PPid, Uid and
 * NSpid lines of its status (the real owner: /proc/PID's own owner is root for any non-dumpable process; its
 * pid in each PID namespace from ours down, more than one for a process in a container), its exe
 * resolved, the device.inode of the file it runs, its cmdline (NULs as newlines). Every field ends in a NUL
 * and none can hold one. Kept short: sudo never matches a rule's pattern of 1024 characters or more.
 */
export const NGINX_PROCS_SCRIPT =
  'for d in /proc/[0-9]*; do p=${d#/proc/}; { read -r c <$d/comm; } || continue; ' +
  'case $c in nginx*) ;; *) case " $* " in *" $p "*) ;; *) continue;; esac;; esac; ' +
  "printf 'proc\\0%s\\0' $p; grep -E '^(PPid|Uid|NSpid):' $d/status | tr '\\t\\n' '  '; printf '\\0'; " +
  "readlink -e -z $d/exe || printf '\\0'; stat -L --printf %d.%i $d/exe; printf '\\0'; " +
  "head -c 4096 $d/cmdline | tr '\\0' '\\n'; printf '\\0'; done 2>/dev/null";
export const NGINX_PROCS_ARGV0 = 'ud-nginx-procs';
/** At most this many pids from ps go to the script (a flood of fake titles cannot hide the comm scan). */
export const NGINX_PROCS_MAX_PIDS = 256;

export function nginxProcsCommand(pids: number[]): CommandSpec {
  const args = [...new Set(pids.filter((p) => Number.isSafeInteger(p) && p > 0))]
    .slice(0, NGINX_PROCS_MAX_PIDS)
    .map(String);
  return quickRoot('nginx-procs', ['sh', '-c', NGINX_PROCS_SCRIPT, NGINX_PROCS_ARGV0, ...args]);
}

/**
 * The nginx binaries we might run, examined as root: what `command -v nginx` finds (`which`), and for the
 * fixed system paths, that one and the root masters' programs (arguments), each `path` asked with its real
 * path, then a `stat` of that file and of every directory above it (owner, group, mode, device.inode, type),
 * so a file anyone but root could write or swap is never trusted. NUL-framed like NGINX_PROCS_SCRIPT. Each
 * path once (`command -v` most often finds /usr/sbin/nginx again), and one stat for a file and all its
 * directories: the host runs a process a path, not a dozen (a path stat cannot read has no record at all).
 * It exits 0 whatever the last stat said: a path that vanished must not fail the whole check.
 */
export const NGINX_PATHS_SCRIPT =
  'd() { r=$1; set --; while [ -n "$r" ]; do set -- "$@" "$r"; r=${r%/*}; done; ' +
  'stat --printf \'stat\\0%n\\0%u %g %a %d.%i %F\\0\' -- "$@" /; }; ' +
  'w=$(command -v nginx); printf \'which\\0%s\\0\' "$w"; k=" "; ' +
  'for f in /usr/sbin/nginx /usr/local/nginx/sbin/nginx $w "$@"; do case $k in *" $f "*) continue;; esac; ' +
  'k="$k$f "; r=$(readlink -e -- "$f") || continue; printf \'path\\0%s\\0%s\\0\' "$f" "$r"; d "$r"; ' +
  'done 2>/dev/null; :';
export const NGINX_PATHS_ARGV0 = 'ud-nginx-paths';

export function nginxPathsCommand(programs: string[]): CommandSpec {
  return quickRoot('nginx-paths', ['sh', '-c', NGINX_PATHS_SCRIPT, NGINX_PATHS_ARGV0, ...programs]);
}

/** The names of the owners of nginx's processes (uids from NGINX_PROCS_SCRIPT). */
export function passwdCommand(uids: number[]): CommandSpec {
  return quick('nginx-users', ['getent', 'passwd', ...uids.map(String)]);
}

export function catCommand(id: string, path: string): CommandSpec {
  return quickRoot(id, ['cat', '--', path]);
}

export function errorLogCommand(id: string, path: string): CommandSpec {
  return quickRoot(id, ['tail', '-c', String(ERROR_LOG_TAIL_BYTES), '--', path]);
}

export function idCommand(user: string): CommandSpec {
  return quick(`id:${user}`, ['id', '--', user]);
}

export function getentCommand(host: string): CommandSpec {
  return spec(`getent:${host}`, ['getent', 'ahosts', host]);
}

export function systemctlShowCommand(units: string[]): CommandSpec {
  return quick('systemctl-show', [
    'systemctl',
    'show',
    '--no-pager',
    '-p',
    'Id,LoadState,ActiveState,SubState,MainPID,ActiveEnterTimestamp,FragmentPath,ExecStart,Result',
    '--',
    ...units,
  ]);
}

/**
 * An active connect from the nginx host, the way nginx would do it. perl is in Debian's and RHEL's base
 * systems (perl-base is Essential), so the probe needs nothing installed. Exit codes: 0 ok, 1 refused,
 * 2 timeout, 3 no route, 4 missing, 5 permission, 9 other; the message goes to stdout.
 */
const PROBE_SCRIPT = String.raw`
use strict; use Socket; use Errno qw(ECONNREFUSED ETIMEDOUT EHOSTUNREACH ENETUNREACH ENOENT EACCES EINPROGRESS);
my ($kind, $addr, $port) = @ARGV; my $s; my $t = 3;
sub done { print "$_[1]\n"; exit $_[0]; }
sub code { my $e = $_[0]+0; return $e==ECONNREFUSED ? 1 : $e==ETIMEDOUT ? 2 : ($e==EHOSTUNREACH||$e==ENETUNREACH) ? 3 : $e==ENOENT ? 4 : $e==EACCES ? 5 : 9; }
if ($kind eq 'unix') {
  socket($s, PF_UNIX, SOCK_STREAM, 0) or done(9, "socket: $!");
  connect($s, pack_sockaddr_un($addr)) or done(code($!), "$!");
  done(0, 'connected');
}
my ($fam, $sa) = $addr =~ /:/ ? (PF_INET6, pack_sockaddr_in6($port, inet_pton(AF_INET6, $addr))) : (PF_INET, pack_sockaddr_in($port, inet_aton($addr)));
socket($s, $fam, SOCK_STREAM, 0) or done(9, "socket: $!");
$SIG{ALRM} = sub { done(2, 'Connection timed out') }; alarm $t;
connect($s, $sa) or done(code($!), "$!");
done(0, 'connected');
`;

export function tcpProbeCommand(address: string, port: number): CommandSpec {
  return spec(
    `probe:${address}:${port}`,
    ['perl', '-e', PROBE_SCRIPT, 'tcp', address, String(port)],
    false,
    8_000,
  );
}

/**
 * PROBE_SCRIPT's unix half on its own, short enough for a sudo rule to spell out (a pattern of 1024
 * characters or more never matches): the worker user may run this and no other perl. Same exit codes.
 */
export const UNIX_PROBE_SCRIPT =
  'use Socket; use Errno qw(ECONNREFUSED ENOENT EACCES); socket(my $s, PF_UNIX, SOCK_STREAM, 0) or exit 9; ' +
  'connect($s, pack_sockaddr_un($ARGV[0])) and print("connected\\n"), exit 0; my $e = $! + 0; print "$!\\n"; ' +
  'exit($e == ECONNREFUSED ? 1 : $e == ENOENT ? 4 : $e == EACCES ? 5 : 9);';

/** Connect to a unix socket as nginx's worker user: permission is the question. */
export function unixProbeCommand(path: string, user: string): CommandSpec {
  return {
    ...spec(`probe:unix:${path}`, ['perl', '-e', UNIX_PROBE_SCRIPT, path], false, 8_000),
    runAs: user,
  };
}

/** The entries of a directory, one full path a line (to expand an include glob when nginx -T failed). */
export function listDirCommand(dir: string): CommandSpec {
  return quickRoot(`ls:${dir}`, ['find', dir, '-maxdepth', '1', '-mindepth', '1']);
}
