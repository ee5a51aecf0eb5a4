// The host side of a remediation as constant commands: each one a fixed program and options with the plan's
// validated paths as separate arguments (never a shell string built from input). Every function returns
// what happened as a value; only a transport that cannot run anything at all makes them fail.
import type { ErrorLogKind } from '../model/facts.js';
import type { CommandResult } from '../model/types.js';
import { parseErrorLog } from '../parsers/errorlog.js';
import type { Transport } from '../transport/types.js';
import type { NginxInvocation, VerifyRequest } from './plan.js';

/** Absolute paths of ordinary characters, no `..` segment: what we accept as a config file or program. */
const SAFE_PATH = /^\/(?:[A-Za-z0-9._@+-]+\/)*[A-Za-z0-9._@+-]+$/;

export function safePath(path: string): boolean {
  return SAFE_PATH.test(path) && !path.split('/').includes('..');
}

export function nginxInvocationProblem(n: NginxInvocation): string | undefined {
  // The plan's binary is the trusted one of its diagnosis (read/trusted-nginx.ts): an absolute nginx.
  if (!safePath(n.binary) || baseOf(n.binary) !== 'nginx')
    return `unsafe nginx binary ${JSON.stringify(n.binary)}`;
  if (!safePath(n.configPath)) return `unsafe nginx config path ${JSON.stringify(n.configPath)}`;
  if (n.prefix !== undefined && !safePath(n.prefix.replace(/\/$/, '')))
    return `unsafe nginx prefix ${JSON.stringify(n.prefix)}`;
  return undefined;
}

export function nginxArgs(n: NginxInvocation): string[] {
  return ['-c', n.configPath, ...(n.prefix ? ['-p', n.prefix] : [])];
}

export interface HostCommands {
  run(
    id: string,
    argv: string[],
    options?: { stdin?: string; timeoutMs?: number; privileged?: boolean },
  ): Promise<CommandResult>;
}

/**
 * Steps run privileged (sudo -n where the host uses sudo) unless told otherwise: nginx's config is root's.
 * The verify request runs as the SSH user: it needs no privilege, and perl must never be in sudoers.
 */
export function hostCommands(transport: Transport): HostCommands {
  return {
    run: (id, argv, options = {}) =>
      transport.run({
        id,
        argv,
        privileged: options.privileged ?? true,
        timeoutMs: options.timeoutMs ?? 30_000,
        ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
      }),
  };
}

export const ok = (r: CommandResult) => r.exitCode === 0 && r.error === undefined;

/** What went wrong with a command, in one line for the thread. */
export function failure(r: CommandResult): string {
  const text = (r.error ?? (r.stderr.trim() || r.stdout.trim() || `exit code ${r.exitCode}`)).split('\n');
  return text.slice(-3).join(' / ');
}

export function dirOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/')) || '/';
}

export function baseOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * A fresh, empty temp file next to `file` (same directory, so the final rename is atomic), its name hidden
 * (a leading dot): nginx's `include dir/*` globs skip dot files, so a reload never reads it.
 */
export async function tempNextTo(cmd: HostCommands, file: string): Promise<string | { error: string }> {
  const r = await cmd.run('mktemp', ['mktemp', '-p', dirOf(file), `.${baseOf(file)}.ud-tmp-XXXXXXXX`]);
  const path = r.stdout.trim();
  if (!ok(r)) return { error: `mktemp: ${failure(r)}` };
  if (!safePath(path) || dirOf(path) !== dirOf(file)) return { error: `mktemp gave ${JSON.stringify(path)}` };
  return path;
}

/** Writes `text` to `path` through stdin (tee's copy on stdout is discarded). */
export function writeVia(cmd: HostCommands, path: string, text: string): Promise<CommandResult> {
  return cmd.run('write', ['tee', '--', path], { stdin: text });
}

export async function sha256Of(cmd: HostCommands, path: string): Promise<string | undefined> {
  const r = await cmd.run('sha256sum', ['sha256sum', '--', path]);
  return ok(r) ? /^([0-9a-f]{64})\s/.exec(r.stdout)?.[1] : undefined;
}

/**
 * Copies `from` over `to` atomically, keeping `from`'s owner, group, mode and times (cp -p into a temp file
 * next to `to`, then rename). Used to restore a backup.
 */
export async function atomicCopy(cmd: HostCommands, from: string, to: string): Promise<string | undefined> {
  const tmp = await tempNextTo(cmd, to);
  if (typeof tmp !== 'string') return tmp.error;
  const copied = await cmd.run('restore-copy', ['cp', '-p', '--', from, tmp]);
  if (!ok(copied)) {
    await cmd.run('cleanup', ['rm', '-f', '--', tmp]);
    return `cp: ${failure(copied)}`;
  }
  const moved = await cmd.run('restore-rename', ['mv', '-f', '--', tmp, to]);
  return ok(moved) ? undefined : `mv: ${failure(moved)}`;
}

/** `nginx -t` with the plan's binary, config and prefix: whether nginx accepts the config now on disk. */
export function nginxTest(cmd: HostCommands, n: NginxInvocation): Promise<CommandResult> {
  return cmd.run('nginx-t', [n.binary, '-t', ...nginxArgs(n)], { timeoutMs: 20_000 });
}

/** `nginx -s reload` with the plan's binary, config and prefix: the running nginx loads the config on disk. */
export function nginxReload(cmd: HostCommands, n: NginxInvocation): Promise<CommandResult> {
  return cmd.run('reload', [n.binary, ...nginxArgs(n), '-s', 'reload'], { timeoutMs: 20_000 });
}

/**
 * A request through nginx from the host itself, by perl (perl-base is on every Debian/Ubuntu host; curl is
 * not). Prints the HTTP status, or 000 when no HTTP answer came. The script is constant; the address,
 * port, Host header and path come as arguments (validated by the plan).
 */
const REQUEST_SCRIPT = `use strict; use IO::Socket::IP;
my ($addr, $port, $host, $path) = @ARGV;
$SIG{ALRM} = sub { print "000\\n"; exit 0 }; alarm 10;
my $s = IO::Socket::IP->new(PeerHost => $addr, PeerPort => $port, Timeout => 5) or do { print "000\\n"; exit 0 };
print $s "GET $path HTTP/1.0\\r\\nHost: $host\\r\\nUser-Agent: upstream-doctor-verify\\r\\nConnection: close\\r\\n\\r\\n";
my $line = <$s>; $line = '' unless defined $line;
print(($line =~ m{^HTTP/\\S+\\s+(\\d{3})}) ? "$1\\n" : "000\\n");`;

export async function requestStatus(cmd: HostCommands, req: VerifyRequest): Promise<number> {
  if (!/^[0-9A-Za-z.:-]+$/.test(req.address) || !/^[A-Za-z0-9.:-]+$/.test(req.hostHeader)) return 0;
  if (!/^\/[A-Za-z0-9._~/-]*$/.test(req.path)) return 0;
  const r = await cmd.run(
    'verify-request',
    ['perl', '-e', REQUEST_SCRIPT, req.address, String(req.port), req.hostHeader, req.path],
    { privileged: false },
  );
  return Number(/^(\d{3})/.exec(r.stdout.trim())?.[1] ?? 0);
}

/** Current sizes of the error logs (missing ones count as 0). */
export async function logSizes(cmd: HostCommands, logs: string[]): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  for (const log of logs.filter(safePath)) {
    const r = await cmd.run('log-size', ['stat', '-L', '-c', '%s', '--', log]);
    sizes.set(log, ok(r) ? Number(r.stdout.trim()) || 0 : 0);
  }
  return sizes;
}

/** Lines appended to each log since `sizes` were taken (at most 256 KiB each). */
export async function newLogLines(cmd: HostCommands, sizes: Map<string, number>): Promise<string[]> {
  const lines: string[] = [];
  for (const [log, size] of sizes) {
    const r = await cmd.run('log-tail', ['tail', '-c', `+${size + 1}`, '--', log], { timeoutMs: 10_000 });
    if (ok(r))
      lines.push(
        ...r.stdout
          .slice(-256 * 1024)
          .split('\n')
          .filter((l) => l !== ''),
      );
  }
  return lines;
}

/** Entry kinds that are not a failure towards an upstream: a client's 404 (`open() … failed`), PHP's stderr. */
const NOT_UPSTREAM: ReadonlySet<ErrorLogKind> = new Set(['other', 'fastcgi-stderr']);
const SERIOUS = new Set(['error', 'crit', 'alert', 'emerg']);

/**
 * The new error-log lines that mean a 502/504 towards the upstream the fix is about: read as nginx's
 * entries (never a phrase anywhere in the raw line — a client controls its path and its Referer, and
 * could otherwise make every good fix roll back), of an upstream kind, for the verified server (`host`)
 * or naming an edited word in nginx's upstream field or own message.
 */
export function upstreamErrors(lines: string[], about: { host: string; words: string[] }): string[] {
  const words = about.words.filter((w) => w !== '');
  return parseErrorLog(lines.join('\n'), 'error.log')
    .filter((e) => SERIOUS.has(e.level) && !NOT_UPSTREAM.has(e.kind))
    .filter(
      (e) =>
        e.host === about.host || words.some((w) => (e.upstream ?? '').includes(w) || e.message.includes(w)),
    )
    .map((e) => e.raw);
}
