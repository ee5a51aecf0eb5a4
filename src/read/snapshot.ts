// Raw command output → HostFacts. Each command's output goes through its parser; a command that failed
// becomes a gap (or, for a sudo that wanted a password, a finding), never a guess.
import type { CommandResult, HostSnapshot } from '../model/types.js';
import type { CollectionGap, HostFacts, NginxFacts, UserIds } from '../model/host-facts.js';
import type { ErrorLogEntry, ProcessInfo } from '../model/facts.js';
import { upstreamTargets } from './upstreams.js';
import { parseSsTcp, parseSsUnix } from '../parsers/ss.js';
import { parseErrorLog } from '../parsers/errorlog.js';
import { parseSystemctlShow } from '../parsers/systemd.js';
import { parseStat } from '../parsers/stat.js';
import { parseProcTimes } from '../parsers/proc-times.js';
import { parseSelinux } from '../parsers/selinux.js';
import { parseNginxTest } from '../parsers/nginx-test.js';
import {
  parseClock,
  parseGetentAhosts,
  parseId,
  parseIpAddr,
  parseRealpaths,
  parseResolvConf,
} from '../parsers/host-basics.js';
import { configFromSnapshot } from './config-files.js';
import { trustedNginx } from './trusted-nginx.js';
import { firewallFacts } from './firewall.js';
import { parseProbe } from './probe.js';

/** stdout of a command that ran and succeeded, else undefined. */
function ok(r: CommandResult | undefined): string | undefined {
  return r && r.exitCode === 0 ? r.stdout : undefined;
}

const SUDO_PASSWORD = /sudo: (a password is required|a terminal is required)/;

function refusedBySudo(r: CommandResult): boolean {
  return SUDO_PASSWORD.test(r.stderr) || (r.error?.includes('sudo requires a password') ?? false);
}

function gapsOf(snapshot: HostSnapshot): CollectionGap[] {
  const gaps: CollectionGap[] = [];
  for (const r of Object.values(snapshot.results)) {
    if (refusedBySudo(r)) {
      gaps.push({ command: r.command, message: (r.error ?? r.stderr).trim(), sudoPassword: true });
    } else if (r.error) {
      gaps.push({ command: r.command, message: r.error });
    }
  }
  return gaps;
}

function byPrefix(snapshot: HostSnapshot, prefix: string): [string, CommandResult][] {
  return Object.entries(snapshot.results)
    .filter(([id]) => id.startsWith(prefix))
    .map(([id, r]) => [id.slice(prefix.length), r]);
}

function nginxFacts(snapshot: HostSnapshot, clock: HostFacts['clock']): NginxFacts {
  const r = snapshot.results;
  const trusted = trustedNginx(snapshot);
  const config = configFromSnapshot(snapshot);
  const testRun = r['nginx-t'];
  // nginx -t that sudo refused to run says nothing about the config (the sudo finding says why).
  const testRan = testRun && testRun.exitCode !== null && !refusedBySudo(testRun);
  return {
    processes: trusted.processes,
    untrusted: trusted.untrusted,
    ...(trusted.binary ? {} : { notRun: trusted.refusal ?? 'no trusted nginx binary' }),
    ...(trusted.notInstalled ? { notInstalled: trusted.notInstalled } : {}),
    tree: config?.tree ?? [],
    sources: config?.sources ?? new Map(),
    parseErrors:
      config?.payload.errors.map((e) => ({ file: e.file, line: e.line ?? undefined, error: e.error })) ?? [],
    test: testRan ? parseNginxTest(testRun.stderr, testRun.exitCode) : undefined,
    configSource: config?.source ?? 'nginx -T',
    ...loadedAtOf(trusted.processes.workers, r, clock),
  };
}

/** The youngest worker's start: to the tick from ud-proc-times when every worker answered, else from ps. */
function loadedAtOf(
  workers: ProcessInfo[],
  r: HostSnapshot['results'],
  clock: HostFacts['clock'],
): { loadedAt?: NonNullable<NginxFacts['loadedAt']> } {
  if (workers.length === 0) return {};
  const times = r['proc-times'] ? parseProcTimes(r['proc-times'].stdout) : undefined;
  const starts = workers.map((w) => times?.startedAt.get(w.pid));
  if (starts.every((t) => t !== undefined))
    return { loadedAt: { epoch: Math.max(...starts), precise: true } };
  if (!clock) return {};
  return {
    loadedAt: { epoch: clock.epoch - Math.min(...workers.map((w) => w.elapsedSeconds)), precise: false },
  };
}

// Records keyed by names the host gave (users, hostnames) have no prototype: "__proto__" is just a key.
export function readSnapshot(snapshot: HostSnapshot): HostFacts {
  const r = snapshot.results;
  const clock = parseClock(r.date?.stdout ?? '');
  const nginx = nginxFacts(snapshot, clock);
  const resolved = Object.create(null) as Record<string, string[]>;
  for (const [host, res] of byPrefix(snapshot, 'getent:')) resolved[host] = parseGetentAhosts(res.stdout);
  const users = Object.create(null) as Record<string, UserIds>;
  for (const [user, res] of byPrefix(snapshot, 'id:')) {
    const ids = parseId(res.stdout);
    if (ids) users[user] = ids;
  }
  const errorLog: ErrorLogEntry[] = byPrefix(snapshot, 'error-log:').flatMap(([file, res]) =>
    parseErrorLog(res.stdout, file),
  );
  const stat = r.stat;
  const peers = Object.create(null) as Record<string, HostFacts>;
  for (const [address, peer] of Object.entries(snapshot.peers ?? {})) {
    if (!peer.unreachable) peers[address] = readSnapshot(peer);
  }
  const upstreams = upstreamTargets(nginx.tree);
  return {
    target: snapshot.target,
    address: snapshot.address,
    clock,
    addresses: parseIpAddr(r['ip-addr']?.stdout ?? ''),
    nginx,
    upstreams,
    listeners: [...parseSsTcp(ok(r['ss-tcp']) ?? ''), ...parseSsUnix(ok(r['ss-unix']) ?? '')],
    firewall: firewallFacts(snapshot),
    errorLog,
    services: parseSystemctlShow(ok(r['systemctl-show']) ?? ''),
    stats: stat ? parseStat(stat.stdout, stat.stderr) : [],
    socketPaths: new Map([
      ...parseRealpaths(ok(r['socket-paths']) ?? ''),
      ...parseRealpaths(ok(r['listener-paths']) ?? ''),
    ]),
    users,
    selinux: r.getenforce ? parseSelinux(r.getenforce.stdout, r.getsebool?.stdout ?? '') : undefined,
    probes: byPrefix(snapshot, 'probe:').map(([target, res]) => parseProbe(target, res)),
    resolved,
    nameservers: parseResolvConf(ok(r['resolv-conf']) ?? ''),
    gaps: gapsOf(snapshot),
    peers,
  };
}
