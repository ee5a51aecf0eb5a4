// One short, read-only visit to a host: run the allow-listed commands in parallel over one connection, in
// as few rounds as the questions allow (each round asks what the previous answers made necessary), and return
// the raw output. Nothing is interpreted for the report here; parsing only decides what to ask next.
import type { CommandResult, HostSnapshot } from '../model/types.js';
import type { CommandSpec, Transport } from '../transport/types.js';
import { TransportError } from '../transport/types.js';
import { upstreamTargets } from '../read/upstreams.js';
import { type Endpoint } from '../model/upstream.js';
import { isLoopback } from '../analyze/listeners.js';
import { parentDirs } from '../analyze/checks/unix-sockets.js';
import { parseGetentAhosts, parseIpAddr, parseRealpaths } from '../parsers/host-basics.js';
import { parseSsUnix } from '../parsers/ss.js';
import { masterCommandLine, parsePs } from '../parsers/ps.js';
import { ownersToName, procPids, programsToExamine, trustedNginx } from '../read/trusted-nginx.js';
import { findAll } from '../parsers/nginx/resolve.js';
import {
  BASE_COMMANDS,
  catCommand,
  errorLogCommand,
  frontendFirewallCommands,
  getentCommand,
  idCommand,
  listDirCommand,
  nginxCommands,
  nginxPathsCommand,
  nginxProcsCommand,
  passwdCommand,
  realpathCommand,
  socketPathsCommand,
  statCommand,
  systemctlShowCommand,
  procTimesCommand,
  tcpProbeCommand,
  unixProbeCommand,
} from './commands.js';
import { configFromSnapshot, mainConfigPath, missingConfigFiles } from '../read/config-files.js';
import { isInstanceResult } from '../read/instances.js';
import { batchable, batchOf, splitBatch } from './batch.js';

export interface PeerHost {
  /** Inventory name of the upstream host. */
  name: string;
  transport: Transport;
}

export interface CollectOptions {
  /** An upstream address that belongs to an inventory host → a transport to that host. */
  peerFor?: (address: string) => PeerHost | undefined;
  /** Called as each round starts ("reading nginx config", …) for progress lines. */
  onProgress?: (step: string) => void;
  /** Whether this visit is to a peer: then only listeners, firewall and services are collected. */
  peer?: boolean;
}

/** At most this many rounds of following includes when nginx -T cannot print the config. */
const MAX_INCLUDE_ROUNDS = 8;
/** Units we always look at, besides failed ones. */
const NGINX_UNIT = 'nginx.service';
/** A path we pass to a command: absolute, no NUL or newline (the transport quotes it; this keeps ids sane). */
const SAFE_PATH = /^\/[^\0\n]*$/;
const SAFE_USER = /^[a-z_][a-z0-9_.-]{0,31}\$?$/i;
/** At most this many listeners' paths are resolved (only those that could be a socket the config names). */
const MAX_LISTENER_PATHS = 64;
const SAFE_HOSTNAME = /^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?)*\.?$/i;

const PEER_COMMAND_IDS = new Set([
  'date',
  'ps',
  'ss-tcp',
  'ss-unix',
  'ip-addr',
  'iptables-save',
  'ip6tables-save',
  'nft-json',
  'nft-text',
  'ufw-conf',
  'systemctl-units',
]);

class Visit {
  readonly results: Record<string, CommandResult>;
  /** `seed`: answers already had (the host's, for a visit of a further nginx instance): not asked again. */
  constructor(
    readonly transport: Transport,
    readonly snapshot: HostSnapshot,
    seed: Record<string, CommandResult> = {},
  ) {
    this.results = { ...seed };
    snapshot.results = this.results;
  }

  /** Runs the specs not answered yet (`again`: all of them, their answers replacing the old). */
  async run(specs: CommandSpec[], again = false): Promise<void> {
    const fresh = again ? specs : specs.filter((s) => !(s.id in this.results));
    const joins = (s: CommandSpec) => batchable(s, this.transport.sudoForPrivileged);
    const quick = fresh.filter(joins);
    const together = quick.length >= 2;
    // The batch is queued first, so the quick answers (ps among them) come back first.
    const batch = together ? this.runBatch(quick) : Promise.resolve([]);
    const singles = Promise.all(
      (together ? fresh.filter((s) => !joins(s)) : fresh).map((s) => this.transport.run(s)),
    );
    const done = [...(await batch), ...(await singles)];
    for (const r of done) this.results[r.id] = r;
  }

  /** Asks again, with other arguments, a command already answered: the new answer replaces the old. */
  rerun(spec: CommandSpec): Promise<void> {
    return this.run([spec], true);
  }

  /** Several quick commands in one channel; each on its own if the batch did not come back whole. */
  private async runBatch(specs: CommandSpec[]): Promise<CommandResult[]> {
    const batch = batchOf(specs);
    const split = splitBatch(batch, await this.transport.run(batch.spec));
    return split ?? Promise.all(specs.map((s) => this.transport.run(s)));
  }

  stdout(id: string): string {
    const r = this.results[id];
    return r && r.exitCode === 0 ? r.stdout : '';
  }
}

export async function collect(
  transport: Transport,
  target: { name: string; address: string },
  options: CollectOptions = {},
): Promise<HostSnapshot> {
  const started = Date.now();
  const snapshot: HostSnapshot = {
    target: target.name,
    address: target.address,
    startedAt: new Date(started).toISOString(),
    durationMs: 0,
    results: {},
  };
  const progress = options.onProgress ?? (() => undefined);
  try {
    progress(`connecting to ${transport.description}`);
    await transport.connect();
    const visit = new Visit(transport, snapshot);
    progress('reading processes, listeners, firewall');
    if (options.peer) {
      await visit.run(BASE_COMMANDS.filter((c) => PEER_COMMAND_IDS.has(c.id)));
      await visit.run([
        systemctlShowCommand(unitsToShow(visit)),
        ...frontendFirewallCommands(visit.stdout('ufw-conf'), visit.stdout('ps')),
      ]);
    } else {
      // Pipelined: nginx's questions need only ps and the kernel's answers about nginx's processes and
      // files, so they start as soon as those answer, while the rest of the base commands still run on
      // their channels. Those are queued first so they get a channel before the others. The two scripts
      // need nothing from ps in the usual case (collectNginxes asks again when they do), so they run now.
      const first = [
        ...BASE_COMMANDS.filter((c) => c.id === 'ps' || c.id === 'ufw-conf'),
        nginxProcsCommand([]),
        nginxPathsCommand([]),
      ];
      const firstDone = visit.run(first);
      const rest = visit.run(BASE_COMMANDS.filter((c) => !first.includes(c)));
      await firstDone;
      await Promise.all([
        rest.then(() => visit.run([systemctlShowCommand(unitsToShow(visit))])),
        collectNginxes(visit, progress, rest).then((endpoints) =>
          collectPeers(visit, endpoints, options, progress),
        ),
      ]);
    }
  } catch (err) {
    if (!(err instanceof TransportError)) throw err;
    snapshot.unreachable = { reason: err.reason, message: err.message };
  } finally {
    await transport.close().catch(() => undefined);
  }
  snapshot.durationMs = Date.now() - started;
  return snapshot;
}

/**
 * Which nginx runs, then each instance's config and everything it points at (read/instances.ts: a further
 * root master with its own -c is asked about on its own); returns every upstream endpoint, for the peers.
 */
async function collectNginxes(
  visit: Visit,
  progress: (step: string) => void,
  baseRead: Promise<void>,
): Promise<Endpoint[]> {
  // Which nginx root may run is the kernel's answer about nginx's processes, never ps's text. The first
  // answer covers every process whose comm starts with "nginx"; one that ps titles as nginx's (a renamed
  // binary such as openresty's, or an impostor) and that answer lacks is asked about now, by pid.
  const answered = new Set(procPids(visit.stdout('nginx-procs')));
  const titled = parsePs(visit.stdout('ps')).filter(
    (p) => (p.args.startsWith('nginx:') || masterCommandLine(p.args) !== undefined) && !answered.has(p.pid),
  );
  // (Not when the script failed: sudo refused it, say. Asked again, it would only fail again.)
  const answeredOk = visit.results['nginx-procs']?.exitCode === 0;
  if (answeredOk && titled.length > 0) await visit.rerun(nginxProcsCommand(titled.map((p) => p.pid)));
  const procs = visit.stdout('nginx-procs');
  // The system paths were examined already; a root master running another program has it examined too.
  const programs = programsToExamine(procs);
  if (visit.results['nginx-paths']?.exitCode === 0 && programs.length > 0)
    await visit.rerun(nginxPathsCommand(programs));
  // The owners' names are for later rounds (the worker user's probes), not for choosing the binary: they
  // are asked beside nginx -T. A further instance's visit is seeded with the host's answers, those among them.
  const owners = ownersToName(procs);
  let users = owners.length > 0 ? [passwdCommand(owners)] : [];
  const otherMasters = trustedNginx(visit.snapshot).otherInstances;
  if (otherMasters.length > 0) {
    await visit.run(users);
    users = [];
  }
  const others = otherMasters.map((master) => {
    const seed = Object.fromEntries(Object.entries(visit.results).filter(([id]) => !isInstanceResult(id)));
    const view = { ...visit.snapshot, results: {}, instanceMaster: master };
    return { master, seed, visit: new Visit(visit.transport, view, seed) };
  });
  const endpoints = await Promise.all([
    collectNginx(visit, progress, baseRead, { firewall: true, users }),
    ...others.map((o) => collectNginx(o.visit, () => undefined, baseRead)),
  ]);
  if (others.length > 0)
    visit.snapshot.instances = others.map((o) => ({
      master: o.master,
      results: Object.fromEntries(Object.entries(o.visit.results).filter(([id]) => !(id in o.seed))),
    }));
  return endpoints.flat();
}

/**
 * One nginx instance's config and everything it points at; returns its upstream endpoints. `host`: what the
 * first instance's visit asks for the whole host besides (the firewall frontends, the owners' names).
 */
async function collectNginx(
  visit: Visit,
  progress: (step: string) => void,
  baseRead: Promise<void>,
  host: { firewall: boolean; users: CommandSpec[] } = { firewall: false, users: [] },
): Promise<Endpoint[]> {
  const trusted = trustedNginx(visit.snapshot);
  const prefix = trusted.prefix;
  progress(trusted.binary ? 'reading nginx config (nginx -T, nginx -t)' : 'reading nginx config files');
  await visit.run([
    ...(trusted.binary ? nginxCommands(trusted.binary, trusted.configPath, prefix) : []),
    ...(trusted.processes.workers.length > 0
      ? [procTimesCommand(trusted.processes.workers.map((w) => w.pid))]
      : []),
    ...(host.firewall ? frontendFirewallCommands(visit.stdout('ufw-conf'), visit.stdout('ps')) : []),
    ...host.users,
  ]);

  // nginx -T prints nothing when the config is invalid: read the files ourselves, following includes.
  if (visit.results['nginx-T']?.exitCode !== 0) {
    for (let round = 0; round < MAX_INCLUDE_ROUNDS; round++) {
      const missing = missingConfigFiles(visit.snapshot);
      const files = missing.files.filter((f) => SAFE_PATH.test(f));
      const dirs = missing.dirs.filter((d) => SAFE_PATH.test(d));
      if (files.length === 0 && dirs.length === 0) break;
      await visit.run([
        ...files.map((f) => catCommand(`file:${f}`, f)),
        ...dirs.map((d) => listDirCommand(d)),
      ]);
    }
  }

  const config = configFromSnapshot(visit.snapshot);
  const tree = config?.tree ?? [];
  const targets = upstreamTargets(tree);
  const endpoints = targets.flatMap((t) => t.endpoints);
  const sockets = [...new Set(endpoints.filter((e) => e.kind === 'unix').map((e) => e.path!))].filter((p) =>
    SAFE_PATH.test(p),
  );
  const hostnames = [
    ...new Set(
      endpoints.filter((e) => e.kind === 'tcp' && e.host && !e.host.includes(':')).map((e) => e.host!),
    ),
  ].filter((h) => SAFE_HOSTNAME.test(h) && !/^\d+(\.\d+){3}$/.test(h));
  // Read again, not from `trusted`: the owners' names came only with nginx -T's round.
  const user = trustedNginx(visit.snapshot).processes.workerUser ?? findAll(tree, 'user')[0]?.args[0];
  const configFiles = [...(config?.sources.keys() ?? [])].filter((p) => SAFE_PATH.test(p));
  const statPaths = [...new Set([...configFiles, ...sockets, ...sockets.flatMap(parentDirs)])];
  const main = mainConfigPath(visit.snapshot);
  // The main config's directory too: plans are confined to it (its real path, as the host resolves it).
  const mainDir = main.slice(0, main.lastIndexOf('/')) || '/';
  const realPaths = [...new Set([main, mainDir, ...configFiles])].filter((p) => SAFE_PATH.test(p));

  progress(
    `checking ${endpoints.length} upstream endpoint${endpoints.length === 1 ? '' : 's'}, error logs, services`,
  );
  const round: CommandSpec[] = [
    ...errorLogPaths(visit, tree, prefix).map((p) => errorLogCommand(`error-log:${p}`, p)),
    ...(statPaths.length > 0 ? [statCommand(statPaths)] : []),
    realpathCommand(realPaths),
    ...(sockets.length > 0 ? [socketPathsCommand('socket-paths', sockets)] : []),
    ...(user && SAFE_USER.test(user) ? [idCommand(user)] : []),
    ...hostnames.map(getentCommand),
    ...literalProbes(endpoints),
    ...(user && SAFE_USER.test(user) ? sockets.map((p) => unixProbeCommand(p, user)) : []),
  ];
  await visit.run(round);

  // Names resolve only now: probe the addresses they gave.
  const resolvedProbes = hostnames.flatMap((h) =>
    parseGetentAhosts(visit.stdout(`getent:${h}`)).flatMap((address) =>
      endpoints
        .filter((e) => e.host === h && e.port !== undefined)
        .map((e) => tcpProbeCommand(address, e.port!)),
    ),
  );
  await baseRead; // ss -x's listeners
  const listenerPaths = listenerPathsToResolve(visit, sockets);
  await visit.run([
    ...resolvedProbes,
    ...(listenerPaths.length > 0 ? [socketPathsCommand('listener-paths', listenerPaths)] : []),
  ]);
  return endpoints;
}

/**
 * ss names a unix listener by the path its backend bound, which may itself run through a symlink (php-fpm's
 * `listen = /var/run/php/…`). For a socket the config names that no listener has by name or real path, the
 * listeners of the same file name are resolved too: a listener's last step is the socket itself, so only
 * its directories can lead elsewhere. Nothing is asked when every socket has its listener.
 */
function listenerPathsToResolve(visit: Visit, sockets: string[]): string[] {
  const real = parseRealpaths(visit.stdout('socket-paths'));
  const listening = parseSsUnix(visit.stdout('ss-unix'))
    .map((l) => l.path ?? '')
    .filter((p) => SAFE_PATH.test(p));
  const fileName = (p: string) => p.slice(p.lastIndexOf('/') + 1);
  const unserved = sockets.filter((s) => !listening.includes(s) && !listening.includes(real.get(s) ?? s));
  const names = new Set(unserved.map((s) => fileName(real.get(s) ?? s)));
  return [...new Set(listening.filter((p) => names.has(fileName(p))))].slice(0, MAX_LISTENER_PATHS);
}

function literalProbes(endpoints: Endpoint[]): CommandSpec[] {
  return endpoints.flatMap((e) =>
    e.kind === 'tcp' && e.port !== undefined && !e.needsResolution && e.host !== 'localhost'
      ? e.addresses.map((a) => tcpProbeCommand(a, e.port!))
      : [],
  );
}

/** Every error_log the config names (files only: not stderr, syslog: or memory:), else the compiled-in one. */
function errorLogPaths(
  visit: Visit,
  tree: Parameters<typeof findAll>[0],
  prefix: string | undefined,
): string[] {
  const version = visit.results['nginx-V'];
  const compiled = /--error-log-path=(\S+)/.exec(`${version?.stderr ?? ''}${version?.stdout ?? ''}`)?.[1];
  const base = (prefix ?? /--prefix=(\S+)/.exec(version?.stderr ?? '')?.[1] ?? '/etc/nginx/').replace(
    /\/?$/,
    '/',
  );
  const named = findAll(tree, 'error_log')
    .map((d) => d.args[0] ?? '')
    .filter((p) => p !== '' && p !== 'stderr' && !p.startsWith('syslog:') && !p.startsWith('memory:'))
    .map((p) => (p.startsWith('/') ? p : base + p));
  const paths = named.length > 0 ? named : [compiled ?? '/var/log/nginx/error.log'];
  return [...new Set(paths)].filter((p) => SAFE_PATH.test(p) && !p.includes('$'));
}

/** nginx's own unit and every service that is loaded but not running (the backend that should listen). */
function unitsToShow(visit: Visit): string[] {
  const stopped = visit
    .stdout('systemctl-units')
    .split('\n')
    .map((l) => /^\s*(\S+\.service)\s+loaded\s+(\S+)\s+(\S+)/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null && m[2] !== 'active')
    .map((m) => m[1]!)
    .filter((u) => /^[\w@.:-]+$/.test(u))
    .slice(0, 20);
  return [NGINX_UNIT, ...stopped.filter((u) => u !== NGINX_UNIT)];
}

async function collectPeers(
  visit: Visit,
  endpoints: Endpoint[],
  options: CollectOptions,
  progress: (step: string) => void,
): Promise<void> {
  if (!options.peerFor) return;
  const own = new Set(parseIpAddr(visit.stdout('ip-addr')));
  const addresses = new Set<string>();
  for (const ep of endpoints) {
    const resolved = ep.host ? parseGetentAhosts(visit.stdout(`getent:${ep.host}`)) : [];
    for (const a of [...ep.addresses, ...resolved]) if (!isLoopback(a) && !own.has(a)) addresses.add(a);
  }
  const peers: Record<string, HostSnapshot> = {};
  await Promise.all(
    [...addresses].map(async (address) => {
      const peer = options.peerFor!(address);
      if (!peer) return;
      progress(`following upstream ${address} to ${peer.name}`);
      peers[address] = await collect(peer.transport, { name: peer.name, address }, { peer: true });
    }),
  );
  if (Object.keys(peers).length > 0) visit.snapshot.peers = peers;
}
