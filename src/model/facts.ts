// Facts: what the parsers make of a host's raw output, and what the analyzer reasons over.
// Every fact keeps `raw`, the text as the host printed it, so evidence can quote it verbatim.

/** A listening socket from `ss -Htlnp` (TCP) or `ss -Hxlp` (unix stream). */
export interface Listener {
  proto: 'tcp' | 'unix';
  /** 'inet' for IPv4, 'inet6' for IPv6 (including dual-stack `*`), 'unix' for unix sockets. */
  family: 'inet' | 'inet6' | 'unix';
  /** Bound address without brackets: "127.0.0.1", "0.0.0.0", "::", "::1", "*" (dual-stack wildcard). Absent for unix. */
  address?: string;
  port?: number;
  /** Interface the socket is bound to, when ss prints `%iface` ("127.0.0.53%lo:53" → "lo"). */
  scope?: string;
  /** Socket path for unix listeners ("@name" for abstract sockets). */
  path?: string;
  /** True when the socket accepts on every address of its family (0.0.0.0, ::, *). */
  wildcard: boolean;
  /** True when an IPv6 wildcard socket also accepts IPv4 (ss prints it as `*`). */
  dualStack: boolean;
  /** For a listener: connections waiting in the accept queue. */
  recvQ: number;
  /** For a listener: the accept queue's size (backlog). */
  sendQ: number;
  processes: { name: string; pid: number; fd: number }[];
  raw: string;
}

/** One line of nginx's error log, split into nginx's fields and classified. */
export type ErrorLogKind =
  | 'connect-refused'
  | 'connect-timeout'
  | 'no-route'
  | 'unix-socket-missing'
  | 'unix-socket-permission'
  | 'prematurely-closed'
  | 'reset-by-peer'
  | 'read-timeout'
  | 'header-too-big'
  | 'no-live-upstreams'
  | 'no-resolver'
  | 'host-not-found'
  | 'ssl-handshake'
  | 'invalid-header'
  | 'selinux-denied'
  // Added with the recorded logs (test/fixtures/hosts/tools/errorlog/):
  /** connect() to a unix socket failed with EAGAIN (11): its accept queue is full (php-fpm overloaded). */
  | 'backlog-full'
  /** The resolver itself failed: "recv() failed (111: Connection refused) while resolving, resolver: …". */
  | 'resolver-error'
  /** "upstream server temporarily disabled" (warn): max_fails reached for one server of a group. */
  | 'upstream-disabled'
  /** "FastCGI sent in stderr: "…"": the application's own error output, possibly spanning lines. */
  | 'fastcgi-stderr'
  // Added with the table of nginx's upstream messages (src/parsers/upstream-errors.ts):
  /** An HTTP/2 framing error from a grpc_pass / HTTP/2 backend: "upstream sent too large http2 frame" (HTTP/1 answered). */
  | 'http2-protocol'
  /** The backend speaks the right protocol but its response is malformed: invalid header, chunked body, lengths. */
  | 'invalid-response'
  /** The address a variable gave is no URL nginx can use: "invalid URL prefix", "no port in upstream". */
  | 'invalid-url'
  | 'other';

export interface ErrorLogEntry {
  /** Local time as nginx printed it: "2026/11/23 10:35:12". */
  time: string;
  level: 'debug' | 'info' | 'notice' | 'warn' | 'error' | 'crit' | 'alert' | 'emerg';
  pid: number;
  tid: number;
  connection?: number;
  /** The message up to the first ", client:" context field. */
  message: string;
  errno?: number;
  errnoText?: string;
  client?: string;
  server?: string;
  request?: string;
  /** The upstream URL nginx tried, e.g. "http://127.0.0.1:8000/" or "fastcgi://unix:/run/php/x.sock:". */
  upstream?: string;
  host?: string;
  referrer?: string;
  /** The resolver of a "while resolving" line, e.g. "127.0.0.1:53". */
  resolver?: string;
  /** For configuration errors ("… in /etc/nginx/sites-enabled/shop:3", e.g. a failed reload): file and line. */
  configFile?: string;
  configLine?: number;
  kind: ErrorLogKind;
  /** The log file this line came from. */
  file: string;
  raw: string;
}

/** `systemctl show UNIT -p …` */
export interface ServiceState {
  unit: string;
  loadState: string;
  activeState: string;
  subState: string;
  mainPid: number;
  /** ActiveEnterTimestamp as printed, when set. */
  activeEnterTimestamp?: string;
  fragmentPath?: string;
  execStart?: string;
  result?: string;
  raw: string;
}

/** A process from `ps -eo pid=,ppid=,user:32=,etimes=,args=` (elapsed seconds avoid the host's time zone). */
export interface ProcessInfo {
  pid: number;
  ppid: number;
  user: string;
  /** Seconds since the process started; with the host's `date +%s` this gives its start time. */
  elapsedSeconds: number;
  args: string;
  raw: string;
}

/** An nginx master process: "nginx: master process /usr/sbin/nginx -c /etc/nginx/nginx.conf". */
export type NginxMaster = ProcessInfo & {
  /** The binary as it was started: "/usr/sbin/nginx", or "nginx" when started from PATH. */
  binary: string;
  /** -c as given (relative paths are relative to the prefix). */
  configPath?: string;
  /** -p as given (nginx's prefix), when started with one. */
  prefix?: string;
};

/** The nginx master and its workers, derived from the process table. */
export interface NginxProcesses {
  master?: NginxMaster;
  /** Workers of `master`, including old ones still "shutting down" after a reload. */
  workers: ProcessInfo[];
  /** The user the workers run as (the `user` directive in effect). */
  workerUser?: string;
  /** Further masters when several nginx instances run on the host (each with its own -c or -p). */
  otherMasters?: NginxMaster[];
}

/** `stat -c` of a file, socket or directory (format fixed by the collector). */
export interface FileStat {
  path: string;
  exists: boolean;
  type?: 'file' | 'directory' | 'socket' | 'symlink' | 'other';
  /** Permission bits, e.g. 0o660. */
  mode?: number;
  uid?: number;
  gid?: number;
  user?: string;
  group?: string;
  size?: number;
  /** Modification time, epoch seconds. */
  mtime?: number;
  /**
   * Why stat failed, as it said: "No such file or directory", "Not a directory", "Permission denied"…
   * `exists` is false whenever stat failed, but only the first two mean the path is missing; with any
   * other error its existence is unknown.
   */
  error?: string;
  raw: string;
}

export interface SelinuxState {
  mode: 'enforcing' | 'permissive' | 'disabled' | 'absent';
  booleans: Record<string, boolean>;
  raw: string;
}

/** The result of `nginx -t`. */
export interface NginxTestResult {
  ok: boolean;
  /**
   * Every "[level] …" diagnostic nginx printed, "[emerg] … in /etc/nginx/conf.d/x.conf:12" split out.
   * Warnings are here too (level "warn"): they do not fail the test.
   */
  errors: { level: string; message: string; file?: string; line?: number; raw: string }[];
  /** The main config file tested, from "the configuration file /etc/nginx/nginx.conf syntax is ok". */
  configFile?: string;
  raw: string;
}

/** An active TCP or unix-socket connect from the nginx host to an upstream target. */
export interface ProbeResult {
  /** "127.0.0.1:8000", "[::1]:8000" or "unix:/run/app.sock". */
  target: string;
  outcome: 'ok' | 'refused' | 'timeout' | 'no-route' | 'missing' | 'permission' | 'error';
  detail: string;
  raw: string;
}

/** An nginx-looking process we do not trust: reported (untrusted-nginx-process), never run. */
export interface UntrustedNginx {
  pid: number;
  /** Its owner's name (or uid). */
  user: string;
  root: boolean;
  /** The program its title claims ("/tmp/x/nginx"), when it claims one. */
  claimed?: string;
  /** The program the kernel says it runs. */
  exe?: string;
  /** Why it is not trusted, in a few words. */
  reason: string;
  /** It runs in another PID namespace (a container): not this host's nginx to diagnose, whatever its owner. */
  elsewhere?: true;
  /** Its cmdline as /proc has it, arguments joined by spaces. */
  cmdline: string;
  /** ps's line(s) for the pid (hostile text: evidence only). */
  psLines: string[];
}
