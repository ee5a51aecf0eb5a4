// The NUL-framed records of the collector's two nginx trust scripts (NGINX_PROCS_SCRIPT and NGINX_PATHS_SCRIPT
// in src/collect/commands.ts): what the kernel says about nginx-looking processes and about the nginx binaries
// we might run, and `getent passwd` for their owners' names. Every field
// ends in a NUL and no field can hold one (paths from readlink, cmdline with its NULs turned into newlines,
// numbers), so a process cannot forge a record the way a title with a newline forges a line of ps. A record
// of an unknown kind or cut short ends the reading: what came before it is kept, nothing after it.
// Recorded from lab hosts: test/fixtures/hosts/tools/nginx-trust/.

/** One candidate process as /proc describes it. */
export interface ProcRecord {
  pid: number;
  ppid: number;
  /** Real and effective uid (from /proc/PID/status, which a non-dumpable process cannot make look like root's). */
  uid: number;
  euid: number;
  /** The owner's name, when the host knows one. */
  user?: string;
  /** The program it runs, every symlink resolved; undefined when unreadable or deleted. */
  exe?: string;
  /** device.inode of the file it runs, to compare with the stat of `exe`. */
  exeId?: string;
  /** Its argv (a retitled nginx has one element, its title). */
  cmdline: string[];
  /**
   * True when its status's NSpid has more than one pid: it lives in a PID namespace below ours (a container,
   * another machine's processes), whose files are not the ones our commands see. Unknown without NSpid.
   */
  nestedPid?: boolean;
}

/** Owner, group, mode and identity of one path, as `stat` (without -L) saw it. */
export interface PathStat {
  uid: number;
  gid: number;
  mode: number;
  /** device.inode */
  id: string;
  /** stat's %F: "regular file", "directory", "symbolic link"… */
  type: string;
}

export interface NginxTrustScan {
  procs: ProcRecord[];
  /** What `command -v nginx` found for root, when anything. */
  which?: string;
  /** A fallback path asked → its real path (only those that exist). */
  paths: Map<string, string>;
  stats: Map<string, PathStat>;
}

const FIELDS: Record<string, number> = { proc: 5, stat: 2, which: 1, path: 2 };

function proc(fields: string[], names: Map<number, string>): ProcRecord | undefined {
  const [pid, status, exe, exeId, cmdline] = fields as [string, string, string, string, string];
  const ppid = /(?:^| )PPid: (\d+) /.exec(status)?.[1];
  const uids = /(?:^| )Uid: (\d+) (\d+) /.exec(status);
  if (!/^\d+$/.test(pid) || ppid === undefined || !uids) return undefined;
  const record: ProcRecord = {
    pid: Number(pid),
    ppid: Number(ppid),
    uid: Number(uids[1]),
    euid: Number(uids[2]),
    cmdline: cmdline.replace(/\n+$/, '').split('\n'),
  };
  const nspid = /(?:^| )NSpid: (\d+(?: \d+)*) /.exec(status)?.[1];
  if (nspid !== undefined) record.nestedPid = nspid.includes(' ');
  const user = names.get(record.uid);
  if (user !== undefined) record.user = user;
  if (exe.startsWith('/')) record.exe = exe;
  if (exeId !== '') record.exeId = exeId;
  return record;
}

function pathStat(text: string): PathStat | undefined {
  const m = /^(\d+) (\d+) ([0-7]+) (\d+\.\d+) (.+)$/.exec(text);
  if (!m) return undefined;
  return { uid: Number(m[1]), gid: Number(m[2]), mode: parseInt(m[3]!, 8), id: m[4]!, type: m[5]! };
}

/** uid → name from `getent passwd UID…` (a line per uid the host knows). */
export function parsePasswdNames(text: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length >= 7 && /^[A-Za-z0-9_.][A-Za-z0-9_.-]*[$]?$/.test(f[0]!) && /^\d+$/.test(f[2]!))
      if (!names.has(Number(f[2]))) names.set(Number(f[2]), f[0]!);
  }
  return names;
}

/** Each record of NUL-framed output, in order, until one is unknown or cut short. */
function records(text: string): { kind: string; values: string[] }[] {
  const out: { kind: string; values: string[] }[] = [];
  const fields = text.split('\0');
  // What follows the last NUL is a field cut short: never read.
  const complete = fields.length - 1;
  let at = 0;
  while (at < complete) {
    const kind = fields[at]!;
    const count = FIELDS[kind];
    if (count === undefined || at + 1 + count > complete) break;
    out.push({ kind, values: fields.slice(at + 1, at + 1 + count) });
    at += 1 + count;
  }
  return out;
}

/** Never throws; an empty or garbled output gives an empty scan (nothing trusted). */
export function parseNginxTrust(procsText: string, pathsText: string, passwdText = ''): NginxTrustScan {
  const scan: NginxTrustScan = { procs: [], paths: new Map(), stats: new Map() };
  const names = parsePasswdNames(passwdText);
  for (const { kind, values } of records(procsText)) {
    const record = kind === 'proc' ? proc(values, names) : undefined;
    if (record) scan.procs.push(record);
  }
  for (const { kind, values } of records(pathsText)) {
    const [a, b] = values as [string, string | undefined];
    if (kind === 'stat') {
      const stat = pathStat(b!);
      if (a.startsWith('/') && stat && !scan.stats.has(a)) scan.stats.set(a, stat);
    } else if (kind === 'which') {
      if (a.startsWith('/')) scan.which = a;
    } else if (kind === 'path' && a.startsWith('/') && b!.startsWith('/') && !scan.paths.has(a)) {
      scan.paths.set(a, b!);
    }
  }
  return scan;
}
