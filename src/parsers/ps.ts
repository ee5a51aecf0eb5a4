// `ps -eo pid=,ppid=,user:32=,etimes=,args=` → processes, and the nginx master and workers among them.
//
// nginx retitles its processes: the master's args become "nginx: master process " followed by the command
// line it was started with (quotes gone: "-g daemon on; master_process on;"), workers become
// "nginx: worker process" ("… is shutting down" after a reload, until their requests finish), plus
// "nginx: cache manager process" and "nginx: cache loader process". Recorded with real masters started
// like Debian's unit, with -c, with -p and a relative -c, in the foreground, and during a reload:
// test/fixtures/hosts/tools/ps/.
import type { NginxMaster, NginxProcesses, ProcessInfo } from '../model/facts.js';

// user:32 is padded to 32 columns; a longer name is cut and ends in "+". args may be empty for a zombie.
const PS_LINE = /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(\d+)(?:\s(.*))?$/;

/** The process table; lines that are not a process (a header, garbage) are skipped. Never throws. */
export function parsePs(text: string): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  for (const rawLine of text.split('\n')) {
    const raw = rawLine.replace(/\r$/, '');
    const m = PS_LINE.exec(raw);
    if (!m) continue;
    out.push({
      pid: Number(m[1]),
      ppid: Number(m[2]),
      user: m[3]!,
      elapsedSeconds: Number(m[4]),
      args: (m[5] ?? '').trim(),
      raw,
    });
  }
  return out;
}

export const MASTER_TITLE = 'nginx: master process ';

/** An option's value from nginx's command line: "-c PATH" or "-cPATH" (nginx accepts both). */
function option(words: string[], flag: 'c' | 'p'): string | undefined {
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if (w === `-${flag}`) return words[i + 1];
    // -g's value is split into words too ("-g daemon on;"); an attached value is only taken after "-".
    if (w.startsWith(`-${flag}`) && w.length > 2 && !w.startsWith('--')) return w.slice(2);
  }
  return undefined;
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** nginx's command line from a master's args: its retitled title, or (master_process off) a bare nginx command. */
export function masterCommandLine(
  args: string,
): Pick<NginxMaster, 'binary' | 'configPath' | 'prefix'> | undefined {
  let commandLine: string;
  if (args.startsWith(MASTER_TITLE)) commandLine = args.slice(MASTER_TITLE.length);
  else if (basename(args.split(/\s+/)[0] ?? '') === 'nginx' && !args.startsWith('nginx:')) {
    // Not retitled: a single-process nginx (master_process off), or `nginx -t`/`-s reload` running right
    // now. Those exit within a second; a short-lived one among real masters is dropped by the caller.
    commandLine = args;
  } else return undefined;
  const words = commandLine.split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return undefined;
  if (!args.startsWith(MASTER_TITLE) && words.slice(1).some((w) => /^-(?:[tTvVhq?]|s$)/.test(w)))
    return undefined;
  const master: Pick<NginxMaster, 'binary' | 'configPath' | 'prefix'> = { binary: words[0]! };
  const configPath = option(words, 'c');
  const prefix = option(words, 'p');
  if (configPath) master.configPath = configPath;
  if (prefix) master.prefix = prefix;
  return master;
}

/** A master from its retitled args, or (master_process off) a bare nginx command line. */
function asMaster(p: ProcessInfo): NginxMaster | undefined {
  const line = masterCommandLine(p.args);
  return line && { ...p, ...line };
}

export const WORKER_TITLE = 'nginx: worker process';
const isWorker = (p: ProcessInfo): boolean => p.args.startsWith(WORKER_TITLE);

/**
 * The nginx master(s) and the chosen master's workers. With several masters, the one to diagnose is the
 * one running as root (the system's nginx; an unprivileged one is someone's test), then the one with the
 * most workers, then the oldest; the others are in `otherMasters`.
 */
export function findNginx(processes: ProcessInfo[]): NginxProcesses {
  const masters = processes
    .map(asMaster)
    .filter((m): m is NginxMaster => m !== undefined)
    // A bare "nginx" command line whose parent is a master is not a master (it cannot be), so drop it.
    .filter(
      (m) =>
        m.args.startsWith(MASTER_TITLE) ||
        !processes.some((p) => p.pid === m.ppid && p.args.startsWith(MASTER_TITLE)),
    );
  const workersOf = (m: NginxMaster): ProcessInfo[] =>
    processes.filter((p) => p.ppid === m.pid && isWorker(p));
  const ranked = [...masters].sort(
    (a, b) =>
      Number(b.user === 'root') - Number(a.user === 'root') ||
      workersOf(b).length - workersOf(a).length ||
      b.elapsedSeconds - a.elapsedSeconds ||
      a.pid - b.pid,
  );
  const master = ranked[0];
  if (!master) return { workers: [] };
  const workers = workersOf(master);
  // The user of current workers: old ones "shutting down" still run under the previous `user`.
  const current = workers.find((w) => !/is shutting down/.test(w.args)) ?? workers[0];
  const result: NginxProcesses = { master, workers };
  if (current) result.workerUser = current.user;
  else if (master.user !== 'root') result.workerUser = master.user; // unprivileged: workers cannot switch
  if (ranked.length > 1) result.otherMasters = ranked.slice(1);
  return result;
}
