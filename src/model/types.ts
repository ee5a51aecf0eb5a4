// The shared vocabulary of upstream-doctor: what a host printed (HostSnapshot), what we conclude
// (Finding, Report), and what a fix changes (ConfigEdit). Pure types; no I/O here.

/** Stable cause ids: the JSON contract, the tests and the docs use them. Add, never rename. */
export const CAUSES = [
  'upstream-port-mismatch',
  'upstream-address-mismatch',
  'upstream-not-listening',
  'unix-socket-missing',
  'unix-socket-permission',
  'firewall-blocks-upstream',
  'upstream-unreachable',
  'nginx-config-invalid',
  'config-not-reloaded',
  'upstream-closed-connection',
  'upstream-timeout',
  'upstream-header-too-big',
  'no-live-upstreams',
  'selinux-denies-connect',
  'nginx-not-running',
  'host-unreachable',
  // Added beyond the design's table, as the field taught us:
  'resolver-missing',
  'upstream-host-not-found',
  'upstream-protocol-mismatch',
  'upstream-ssl-handshake-failed',
  'upstream-backlog-full',
  'sudo-password-required',
  'diagnosis-timeout',
  'untrusted-nginx-process',
  'nginx-not-installed',
  // Added with the table of nginx's upstream messages (src/parsers/upstream-errors.ts):
  'upstream-invalid-response',
  'upstream-url-invalid',
] as const;
export type Cause = (typeof CAUSES)[number];

export type Severity = 'critical' | 'warning' | 'info';

/** One piece of evidence, quoted as the host printed it. */
export interface Evidence {
  /** Which command or file it came from: "nginx -T", "ss", "error.log", "iptables-save", "probe"… */
  source: string;
  file?: string;
  line?: number;
  text: string;
}

/** A one-line config edit: `before` is the whole line as it stands in `file`, `after` its replacement. */
export interface ConfigEdit {
  file: string;
  line: number;
  before: string;
  after: string;
}

export interface Fix {
  summary: string;
  /** Commands an operator runs by hand (shown, never executed by the bot). */
  commands?: string[];
  edit?: ConfigEdit;
}

export interface Finding {
  cause: Cause;
  severity: Severity;
  title: string;
  detail: string;
  evidence: Evidence[];
  fix?: Fix;
  /** Inventory name of the host the finding is about, when it is not the diagnosed host itself. */
  host?: string;
  /**
   * The nginx instance the finding is about, set only when the host runs several root nginx masters with
   * their own config (src/read/instances.ts): each is diagnosed on its own, and its findings say which.
   */
  instance?: NginxInstance;
}

/** One running nginx: its root master and the main config it was started with (its -c, else compiled-in). */
export interface NginxInstance {
  master: number;
  config: string;
}

export interface Report {
  target: string;
  host: string;
  startedAt: string;
  durationMs: number;
  findings: Finding[];
  /**
   * Every nginx instance diagnosed, the one described without `instance` first; present only when there
   * are several (a report without it describes the host's one nginx, as before).
   */
  instances?: NginxInstance[];
}

/** The raw result of one allow-listed command, uninterpreted. */
export interface CommandResult {
  /** The collector's id of the command, e.g. "nginx-T", "ss-tcp". */
  id: string;
  /** The command line as run (for evidence and audit). */
  command: string;
  stdout: string;
  stderr: string;
  /** null when the command did not exit (timeout, signal, transport failure). */
  exitCode: number | null;
  durationMs: number;
  /** Set when the command could not run or finish: "timeout", "output cap reached", a transport message. */
  error?: string;
  truncated?: boolean;
}

/** Everything one visit to one host printed. */
export interface HostSnapshot {
  /** Inventory name (or "local"). */
  target: string;
  /** The address we connected to. */
  address: string;
  startedAt: string;
  durationMs: number;
  results: Record<string, CommandResult>;
  /** Set when the host could not be visited at all (SSH refused, host key, auth…). */
  unreachable?: { reason: 'refused' | 'timeout' | 'auth' | 'host-key' | 'dns' | 'other'; message: string };
  /** Snapshots of upstream hosts that are in the inventory, keyed by the upstream address. */
  peers?: Record<string, HostSnapshot>;
  /**
   * The further nginx instances of the host (root masters with their own -c or -p, src/read/instances.ts):
   * for each, its master's pid and the results of the commands asked about it (nginx -T/-t/-V, its files,
   * error logs, stats, probes), with the same ids as `results` has for the first instance.
   */
  instances?: { master: number; results: Record<string, CommandResult> }[];
  /** Set only in a view of one instance (read/instances.ts): the master that view describes. */
  instanceMaster?: number;
}
