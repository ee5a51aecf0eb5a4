// HostFacts: everything the analyzer knows about one host, parsed from its snapshot. The analyzer reads only
// this, so it can be tested from recorded fixtures without any host.
import type {
  ErrorLogEntry,
  FileStat,
  Listener,
  NginxProcesses,
  NginxTestResult,
  ProbeResult,
  SelinuxState,
  ServiceState,
  UntrustedNginx,
} from './facts.js';
import type { UpstreamTarget } from './upstream.js';
import type { ConfigNode } from './nginx-config.js';
import type { Result } from './result.js';

/** A TCP packet the analyzer asks the host's firewall about. */
export interface PacketQuestion {
  src: string;
  dst: string;
  dport: number;
  direction: 'input' | 'output';
  iif?: string;
  oif?: string;
}

export interface FirewallAnswer {
  verdict: 'accept' | 'drop' | 'reject';
  /** Which firewall decided: "iptables", "nftables", "ufw", "firewalld", or "none". */
  firewall: string;
  /** The deciding rule as the host printed it; absent when a chain policy decided. */
  rule?: string;
  chain?: string;
  byPolicy: boolean;
  /** Rules the evaluator could not fully understand on the way. */
  uncertain?: string[];
  /** One line for a human. */
  summary: string;
}

/** The host's firewalls as one question-answering view (built from the parsed rule sets). */
export interface FirewallFacts {
  /** Which firewalls were found active, e.g. ["iptables", "nftables"]. */
  present: string[];
  check(packet: PacketQuestion): FirewallAnswer;
  /** Commands that make this host's firewalls let the packet through, each rule proven by evaluating the packet
   * again with it in place; or why no command can be offered. */
  allow(packet: PacketQuestion): Result<string[]>;
}

export interface UserIds {
  uid: number;
  gid: number;
  groups: number[];
}

/** A problem with collecting, to be reported rather than guessed around. */
export interface CollectionGap {
  command: string;
  message: string;
  /** The host wanted a sudo password for this command. */
  sudoPassword?: boolean;
}

export interface NginxFacts {
  /** The root master the report describes and its workers (src/read/trusted-nginx.ts decides). */
  processes: NginxProcesses;
  /** nginx-looking processes we do not trust: reported, never run. */
  untrusted: UntrustedNginx[];
  /** Why nginx's own commands (nginx -T, -t, -V) were not run: no binary only root controls. */
  notRun?: string;
  /** The look-ups that found nothing, when no nginx runs and no nginx binary exists where we look. */
  notInstalled?: string[];
  /** Ports the host's other nginx instances proxy to (read/instances.ts): their backends, never this one's. */
  siblingPorts?: number[];
  /** Directives with includes inlined, each knowing its file and line; empty when no config could be read. */
  tree: ConfigNode[];
  /** The text of every config file read, by path: edits quote lines from here. */
  sources: Map<string, string>;
  /** Config parse errors (from our parser) as "file:line: message". */
  parseErrors: { file: string; line?: number; error: string }[];
  /** `nginx -t` as run on the host; undefined when it could not run. */
  test?: NginxTestResult;
  /** Where the config came from: "nginx -T" or the files read one by one when `nginx -T` failed. */
  configSource: string;
  /**
   * When the running config was loaded: the youngest worker's start (workers are re-forked on every reload).
   * `precise`: to the clock tick, from /proc/PID/stat; otherwise whole seconds, from ps's elapsed time.
   */
  loadedAt?: { epoch: number; precise: boolean };
}

export interface HostFacts {
  target: string;
  address: string;
  /** The host's clock: epoch seconds and the same moment as nginx writes local time in its logs. */
  clock?: { epoch: number; local: string };
  /** The host's own IP addresses. */
  addresses: string[];
  nginx: NginxFacts;
  upstreams: UpstreamTarget[];
  listeners: Listener[];
  firewall: FirewallFacts;
  errorLog: ErrorLogEntry[];
  services: ServiceState[];
  stats: FileStat[];
  /**
   * Unix socket paths (those the config names, and listeners ss names through a symlink) → the path with
   * every symlink resolved on the host (readlink -f: the last step may be missing). Absent: not asked.
   */
  socketPaths: Map<string, string>;
  users: Record<string, UserIds>;
  selinux?: SelinuxState;
  probes: ProbeResult[];
  /** `getent ahosts` answers for upstream hostnames. */
  resolved: Record<string, string[]>;
  /** Nameservers from /etc/resolv.conf (for a `resolver` fix). */
  nameservers: string[];
  gaps: CollectionGap[];
  /** Facts of upstream hosts that are in the inventory, keyed by the upstream address nginx uses. */
  peers: Record<string, HostFacts>;
}
