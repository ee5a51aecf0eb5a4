// Which nginx program may run as root on this host, with which -c and -p: decided in ONE place, from the
// snapshot, so the collector, the config reader, the analyzer and a plan can never disagree. A host never
// chooses a program we run as root: any local user can start a process titled "nginx: master process
// /tmp/x/nginx -c ~/evil.conf", or print a whole fake line of ps with a newline in a title. So the ps text
// decides nothing here; the kernel's answers do (the nginx-procs and nginx-paths scripts, parsed by
// parsers/nginx-trust.ts):
// - the binary is the file the running root master executes (/proc/PID/exe; real and effective uid 0), when
//   that file is a regular file named nginx, owned by root and writable by nobody else, in directories
//   likewise (so it cannot be swapped), and is the very file the process runs (same device and inode);
// - else the first such file among the fixed system paths and what `command -v nginx` finds for root;
// - -c and -p come only from that trusted root master's own cmdline (nginx's retitled title);
// - every other nginx-looking process (not root, or a root master running an untrusted file) is reported,
//   never executed. With nothing trusted, nginx's own commands are not run at all, and `refusal` says why;
// - when no nginx process runs and no nginx file exists where we look, `notInstalled` lists those look-ups;
// - a master in another PID namespace (nginx in a container: NSpid has more than one pid) is that container's:
//   listed in `untrusted` (elsewhere), never described or run, and its files never read as the host's;
// - several trusted root masters with their own -c/-p are several instances (read/instances.ts): the one with
//   the most workers (then the lowest pid) is described by default, a view's `instanceMaster` picks another.
import type { HostSnapshot } from '../model/types.js';
import type { NginxMaster, NginxProcesses, ProcessInfo, UntrustedNginx } from '../model/facts.js';
import { parseNginxTrust, type NginxTrustScan, type ProcRecord } from '../parsers/nginx-trust.js';
import { WORKER_TITLE, findNginx, masterCommandLine, parsePs } from '../parsers/ps.js';

/** Where nginx lives when no trusted master tells us (Debian's, then nginx.org's source install). */
export const SYSTEM_NGINX_PATHS = ['/usr/sbin/nginx', '/usr/local/nginx/sbin/nginx'];

export interface TrustedNginx {
  /** The program nginx's commands run: an absolute path we trust; undefined: run none of them. */
  binary?: string;
  /** -c and -p, from the trusted root master only. */
  configPath?: string;
  prefix?: string;
  /** Where the binary came from. */
  source?: 'master' | 'system';
  /** The root master whose state the report describes (trusted or not), with its workers. */
  processes: NginxProcesses;
  untrusted: UntrustedNginx[];
  /** Why no nginx command may run, when `binary` is undefined. */
  refusal?: string;
  /** Each look-up that found nothing, when no nginx runs and none is found: nginx is not installed. */
  notInstalled?: string[];
  /** The other trusted root masters that are instances of their own (another binary, -c or -p). */
  otherInstances: number[];
}

/** Absolute, ordinary characters, no `.` or `..` segment: what we pass as a program, -c or -p. */
const PLAIN_PATH = /^\/(?:[A-Za-z0-9_@+-][A-Za-z0-9._@+-]*\/)*[A-Za-z0-9_@+-][A-Za-z0-9._@+-]*\/?$/;
/** A relative -c (against -p): the same, without the leading slash. */
const PLAIN_RELATIVE = /^(?:[A-Za-z0-9_@+-][A-Za-z0-9._@+-]*\/)*[A-Za-z0-9_@+-][A-Za-z0-9._@+-]*$/;
const WRITABLE_BY_OTHERS = 0o022;

const isRoot = (p: ProcRecord) => p.uid === 0 && p.euid === 0;
const title = (p: ProcRecord) => p.cmdline.join(' ');
const isWorkerOf = (p: ProcRecord, master: ProcRecord) =>
  p.ppid === master.pid && title(p).startsWith(WORKER_TITLE);
const looksLikeMaster = (p: ProcRecord) => masterCommandLine(title(p)) !== undefined;

/** Why `path` is not a file root alone controls, or undefined when it is. */
export function untrustedFileReason(scan: NginxTrustScan, path: string): string | undefined {
  if (!PLAIN_PATH.test(path) || path.endsWith('/')) return `${path} is not a plain absolute path`;
  if (path.slice(path.lastIndexOf('/') + 1) !== 'nginx') return `${path} is not named nginx`;
  const dirs: string[] = [];
  for (let d = path.slice(0, path.lastIndexOf('/')); d !== ''; d = d.slice(0, d.lastIndexOf('/')))
    dirs.push(d);
  dirs.push('/');
  for (const [p, type] of [[path, 'regular file'], ...dirs.map((d) => [d, 'directory'])] as const) {
    const st = scan.stats.get(p);
    if (!st) return `${p} could not be examined`;
    if (st.type !== type) return `${p} is a ${st.type}, not a ${type}`;
    if (st.uid !== 0) return `${p} is owned by uid ${st.uid}, not root`;
    if ((st.mode & WRITABLE_BY_OTHERS) !== 0)
      return `${p} is writable by ${st.mode & 0o020 ? 'its group' : 'everyone'} (mode ${st.mode.toString(8)})`;
  }
  return undefined;
}

/** Why a root master's program is not trusted, or undefined when it is. */
function untrustedMasterReason(scan: NginxTrustScan, master: ProcRecord): string | undefined {
  if (!master.exe) return 'its program cannot be read (deleted or replaced since it started)';
  const reason = untrustedFileReason(scan, master.exe);
  if (reason) return reason;
  if (master.exeId === undefined || scan.stats.get(master.exe)?.id !== master.exeId)
    return `${master.exe} is not the file it runs`;
  return undefined;
}

/** -c and -p of a trusted master, when they are plain paths (else the master cannot be reproduced). */
function whereOf(master: ProcRecord): { configPath?: string; prefix?: string } | string {
  const line = masterCommandLine(title(master))!;
  const out: { configPath?: string; prefix?: string } = {};
  if (line.configPath !== undefined) {
    if (!PLAIN_PATH.test(line.configPath) && !PLAIN_RELATIVE.test(line.configPath))
      return `its -c ${JSON.stringify(line.configPath)} is not a plain path`;
    out.configPath = line.configPath;
  }
  if (line.prefix !== undefined) {
    if (!PLAIN_PATH.test(line.prefix)) return `its -p ${JSON.stringify(line.prefix)} is not a plain path`;
    out.prefix = line.prefix;
  }
  return out;
}

function psLinesOf(ps: ProcessInfo[], pid: number): ProcessInfo[] {
  return ps.filter((p) => p.pid === pid);
}

/** ps's entry for a process /proc describes: the one whose args are its cmdline (forged copies have others). */
function psEntry(ps: ProcessInfo[], record: ProcRecord): ProcessInfo | undefined {
  const lines = psLinesOf(ps, record.pid);
  return lines.find((p) => p.args === title(record).trim()) ?? lines[0];
}

function processesOf(
  ps: ProcessInfo[],
  scan: NginxTrustScan,
  master: ProcRecord | undefined,
): NginxProcesses {
  if (!master) return { workers: [] };
  const line = masterCommandLine(title(master))!;
  const entry = psEntry(ps, master);
  const asMaster: NginxMaster = {
    pid: master.pid,
    ppid: master.ppid,
    user: master.user ?? String(master.uid),
    elapsedSeconds: entry?.elapsedSeconds ?? 0,
    args: title(master),
    raw: entry?.raw ?? title(master),
    ...line,
  };
  const workerRecords = scan.procs.filter((p) => isWorkerOf(p, master));
  const workers = workerRecords
    .map((w) => {
      const e = psEntry(ps, w);
      return e && { ...e, ppid: w.ppid, user: w.user ?? String(w.uid), args: title(w) };
    })
    .filter((w): w is ProcessInfo => w !== undefined);
  const current = workerRecords.find((w) => !/is shutting down/.test(title(w))) ?? workerRecords[0];
  const result: NginxProcesses = { master: asMaster, workers };
  if (current?.user) result.workerUser = current.user;
  return result;
}

function untrustedOf(
  ps: ProcessInfo[],
  scan: NginxTrustScan,
  reasons: Map<number, string>,
): UntrustedNginx[] {
  const nginxPids = new Set(
    scan.procs.filter((p) => looksLikeMaster(p) || title(p).startsWith('nginx:')).map((p) => p.pid),
  );
  return (
    scan.procs
      .filter((p) => (isRoot(p) ? reasons.has(p.pid) : looksLikeMaster(p) || title(p).startsWith('nginx:')))
      // The workers of a master (trusted or not) are its own: the master is what is reported.
      .filter((p) => isRoot(p) || !nginxPids.has(p.ppid))
      .map((p) => {
        const claimed = masterCommandLine(title(p))?.binary;
        const u: UntrustedNginx = {
          pid: p.pid,
          user: p.user ?? `uid ${p.uid}`,
          root: isRoot(p),
          reason: reasons.get(p.pid) ?? `it runs as ${p.user ?? `uid ${p.uid}`}, not root`,
          cmdline: title(p),
          psLines: psLinesOf(ps, p.pid).map((l) => l.raw),
        };
        if (claimed !== undefined) u.claimed = claimed;
        if (p.exe !== undefined) u.exe = p.exe;
        return u;
      })
  );
}

/** The nginx masters in other PID namespaces (containers): reported, never described, run or read. */
function elsewhereOf(ps: ProcessInfo[], scan: NginxTrustScan): UntrustedNginx[] {
  return scan.procs
    .filter((p) => p.nestedPid && looksLikeMaster(p))
    .map((p) => ({
      pid: p.pid,
      user: p.user ?? `uid ${p.uid}`,
      root: isRoot(p),
      elsewhere: true,
      reason:
        'it runs in another PID namespace (a container, or another machine): its program and files are not ' +
        "the ones this host's commands see",
      cmdline: title(p),
      psLines: psLinesOf(ps, p.pid).map((l) => l.raw),
      ...(p.exe !== undefined ? { exe: p.exe } : {}),
    }));
}

/**
 * The programs of this namespace's root masters the paths script must examine: plain absolute paths of
 * files named nginx, the only ones a master can be trusted to run (untrustedFileReason), so a root process
 * of any other kind (a perl titled "nginx✓") costs no further round.
 */
export function programsToExamine(procsText: string): string[] {
  const programs = parseNginxTrust(procsText, '')
    .procs.filter(
      (p) =>
        isRoot(p) &&
        !p.nestedPid &&
        looksLikeMaster(p) &&
        p.exe !== undefined &&
        PLAIN_PATH.test(p.exe) &&
        p.exe.endsWith('/nginx'),
    )
    .map((p) => p.exe!);
  // NGINX_PATHS_SCRIPT examines the system paths anyway: asked again, each costs the host a dozen processes.
  return [...new Set(programs)].filter((p) => !SYSTEM_NGINX_PATHS.includes(p));
}

/** The pids the processes script answered about. */
export function procPids(procsText: string): number[] {
  return parseNginxTrust(procsText, '').procs.map((p) => p.pid);
}

/** The owners of the nginx-looking processes, for `getent passwd`. */
export function ownersToName(procsText: string): number[] {
  return [...new Set(parseNginxTrust(procsText, '').procs.map((p) => p.uid))];
}

const failedCheck = (id: string, snapshot: HostSnapshot): string | undefined => {
  const r = snapshot.results[id];
  if (!r) return `the check of which nginx binary root may run did not run (${id})`;
  if (r.exitCode === 0) return undefined;
  const why = (r.error ?? r.stderr.trim()) || `exit code ${r.exitCode}`;
  return `the check of which nginx binary root may run failed (${id}: ${why})`;
};

/**
 * The trusted masters besides `primary` that run a config of their own: another program, -c or -p (a second
 * master of the same one is nginx's binary upgrade, USR2, not another instance). Reproducible ones only.
 */
function otherInstancesOf(ranked: ProcRecord[], reasons: Map<number, string>, primary: ProcRecord): number[] {
  const keyOf = (m: ProcRecord) => {
    const where = whereOf(m);
    return typeof where === 'string' ? undefined : JSON.stringify([m.exe, where.configPath, where.prefix]);
  };
  const seen = new Set([keyOf(primary)]);
  const others: number[] = [];
  for (const m of ranked) {
    const key = keyOf(m);
    if (reasons.has(m.pid) || key === undefined || seen.has(key)) continue;
    seen.add(key);
    others.push(m.pid);
  }
  return others;
}

/** The trusted nginx of a snapshot (see the top of this file). Pure; never throws. */
export function trustedNginx(snapshot: HostSnapshot): TrustedNginx {
  const results = snapshot.results;
  const ps = parsePs(results.ps?.exitCode === 0 ? results.ps.stdout : '');
  const failed = failedCheck('nginx-procs', snapshot) ?? failedCheck('nginx-paths', snapshot);
  // Without the kernel's answers (sudo refused the scripts), ps's text may still say whether nginx runs, for
  // the report only: nothing is run from it (no binary), so a forged line can at most mislead the report.
  if (failed) return { processes: findNginx(ps), untrusted: [], refusal: failed, otherInstances: [] };
  const users = results['nginx-users'];
  const scan = parseNginxTrust(
    results['nginx-procs']!.stdout,
    results['nginx-paths']!.stdout,
    users?.exitCode === 0 ? users.stdout : '',
  );
  const reasons = new Map<number, string>();
  // nginx in a container (another PID namespace) is that container's: never described, run or read here.
  const here = scan.procs.filter((p) => !p.nestedPid);
  const masters = here.filter((p) => isRoot(p) && looksLikeMaster(p));
  for (const m of masters) {
    const why = untrustedMasterReason(scan, m);
    if (why) reasons.set(m.pid, why);
  }
  const workersOf = (m: ProcRecord) => scan.procs.filter((p) => isWorkerOf(p, m)).length;
  const ranked = [...masters].sort(
    (a, b) =>
      Number(reasons.has(a.pid)) - Number(reasons.has(b.pid)) || workersOf(b) - workersOf(a) || a.pid - b.pid,
  );
  const focus = snapshot.instanceMaster;
  const master = focus === undefined ? ranked[0] : ranked.find((m) => m.pid === focus);
  const trusted: TrustedNginx = {
    processes: processesOf(ps, scan, master),
    untrusted: [],
    otherInstances: focus === undefined && master ? otherInstancesOf(ranked, reasons, master) : [],
  };
  if (master && !reasons.has(master.pid)) {
    const where = whereOf(master);
    if (typeof where === 'string') {
      reasons.set(master.pid, where);
      trusted.refusal = `the root nginx master (pid ${master.pid}) cannot be reproduced: ${where}`;
    } else Object.assign(trusted, { binary: master.exe!, source: 'master' as const }, where);
  }
  if (!trusted.binary && !trusted.refusal) {
    const candidates = [...SYSTEM_NGINX_PATHS, ...(scan.which ? [scan.which] : [])];
    const why: string[] = [];
    for (const path of candidates) {
      const real = scan.paths.get(path);
      const reason = real === undefined ? `${path} does not exist` : untrustedFileReason(scan, real);
      if (real !== undefined && reason === undefined) {
        Object.assign(trusted, { binary: real, source: 'system' as const });
        break;
      }
      why.push(reason!);
    }
    if (!trusted.binary)
      trusted.refusal = `no nginx binary that only root can change: ${[...new Set(why)].join('; ')}`;
    const nginxRuns = here.some((p) => looksLikeMaster(p) || title(p).startsWith('nginx:'));
    if (!trusted.binary && !nginxRuns && !scan.which && candidates.every((p) => !scan.paths.has(p)))
      trusted.notInstalled = [
        "`command -v nginx` (root's PATH) found nothing",
        ...candidates.map((p) => `${p} does not exist`),
      ];
  }
  trusted.untrusted = [...untrustedOf(ps, { ...scan, procs: here }, reasons), ...elsewhereOf(ps, scan)];
  return trusted;
}
