// Backends of a lab host: backend-server processes started inside the host as a given user.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BackendBehaviour, BackendServerConfig } from './backend-server.js';
import { childPid } from './holder.js';
import { nsenterArgv, type RunAs } from './ns-exec.js';
import { LAB_ENV, LabError, processExists, waitFor } from './proc.js';

export type { BackendBehaviour } from './backend-server.js';

export type BackendListenSpec =
  | { host: string; port: number; ipv6Only?: boolean }
  /** A unix socket; `owner`/`group` are names inside the host, applied after listening (the backend runs as root then). */
  | { path: string; mode?: number; owner?: string; group?: string };

export interface BackendSpec {
  name: string;
  listen: BackendListenSpec;
  /** Default "ok". */
  behaviour?: BackendBehaviour;
  /** For "slow": how long before answering. Default 30 s. */
  delayMs?: number;
  /** For "big-header": size of the padding header. Default 32 KB. */
  headerBytes?: number;
  /** For "dns" (UDP): name → the IPv4 address it answers; every other name gets NXDOMAIN. */
  records?: Record<string, string>;
  /** Serve over TLS with these PEM files (paths inside the host, readable by the backend's user). */
  tls?: { cert: string; key: string };
  /** The user the backend runs as. Default www-data (root when the socket's owner is set). */
  user?: string;
}

export class Backend {
  constructor(
    readonly spec: BackendSpec,
    readonly pid: number,
    /** Where the backend's stderr goes, outside the host. */
    readonly logPath: string,
  ) {}

  get name(): string {
    return this.spec.name;
  }

  isRunning(): boolean {
    return processExists(this.pid);
  }

  /** Stops the backend. SIGKILL (the default) leaves a unix socket file behind, as a crashed app does. */
  async stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.isRunning()) return;
    process.kill(this.pid, signal);
    await waitFor(() => !this.isRunning(), 5_000);
  }
}

/** What startBackend needs from its host. */
export interface BackendHost {
  readonly name: string;
  readonly holderPid: number;
  readonly dir: string;
  userIds(user: string): Promise<{ uid: number; gid: number; group: string }>;
  groupId(group: string): Promise<number>;
  mkdir(insidePath: string, options: { mode?: number; uid?: number; gid?: number }): Promise<string>;
}

/**
 * The backend server as a plain .mjs file under `workRoot`, readable from every lab host (the
 * project itself may live under /root or /tmp, which hosts do not see). From a build, the compiled
 * sibling is copied; from TypeScript sources (tests, tsx), it is transpiled once and cached by hash.
 */
export async function prepareBackendScript(workRoot: string): Promise<string> {
  const compiled = fileURLToPath(new URL('./backend-server.js', import.meta.url));
  const source = fileURLToPath(new URL('./backend-server.ts', import.meta.url));
  const fromBuild = existsSync(compiled);
  if (!fromBuild && !existsSync(source)) {
    throw new LabError(`backend server not found next to ${fileURLToPath(import.meta.url)}`);
  }
  const input = await readFile(fromBuild ? compiled : source, 'utf8');
  // Named by the hash of what it was made from, so the transpiler runs once per change, not per lab.
  const hash = createHash('sha256').update(input).digest('hex').slice(0, 12);
  const target = posix.join(workRoot, `backend-server-${hash}.mjs`);
  await pruneOldScripts(workRoot, target);
  if (existsSync(target)) return target;
  let code = input;
  if (!fromBuild) {
    const ts = await import('typescript');
    code = ts.transpileModule(input, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
  }
  await mkdir(workRoot, { recursive: true });
  // Written under a unique name and renamed: parallel labs may prepare the same file at once.
  const temp = `${target}.${process.pid}.${Date.now()}`;
  await writeFile(temp, code, { mode: 0o644 });
  await rename(temp, target);
  return target;
}

/** Removes backend scripts of older versions, once a day old (a running lab may still start backends from one). */
async function pruneOldScripts(workRoot: string, keep: string): Promise<void> {
  const dayAgo = Date.now() - 86_400_000;
  for (const name of await readdir(workRoot).catch(() => [])) {
    const path = posix.join(workRoot, name);
    if (!/^backend-server-[0-9a-f]+\.mjs$/.test(name) || path === keep) continue;
    const info = await stat(path).catch(() => undefined);
    if (info && info.mtimeMs < dayAgo) await rm(path, { force: true });
  }
}

/** The backend-server config for a spec, with owner and group resolved inside the host. */
async function serverConfig(host: BackendHost, spec: BackendSpec): Promise<BackendServerConfig> {
  const base = {
    name: spec.name,
    behaviour: spec.behaviour ?? 'ok',
    delayMs: spec.delayMs,
    headerBytes: spec.headerBytes,
    records: spec.records,
    tls: spec.tls,
  };
  const listen = spec.listen;
  if (!('path' in listen)) return { ...base, listen };
  const uid = listen.owner === undefined ? undefined : (await host.userIds(listen.owner)).uid;
  const gid = listen.group === undefined ? undefined : await host.groupId(listen.group);
  return { ...base, listen: { path: listen.path, mode: listen.mode, uid, gid } };
}

export async function startBackend(
  host: BackendHost,
  scriptPath: string,
  spec: BackendSpec,
): Promise<Backend> {
  const listen = spec.listen;
  const ownsSocket = 'path' in listen && (listen.owner !== undefined || listen.group !== undefined);
  const user = spec.user ?? (ownsSocket ? 'root' : 'www-data');
  const ids = await host.userIds(user);
  const runAs: RunAs | undefined = user === 'root' ? undefined : { user, group: ids.group };
  if ('path' in listen) {
    // The socket's directory, as a service's RuntimeDirectory= would create it.
    await host.mkdir(posix.dirname(listen.path), { mode: 0o755, uid: ids.uid, gid: ids.gid });
  }
  const config = await serverConfig(host, spec);
  const logPath = posix.join(host.dir, `backend-${spec.name}.log`);
  const logFd = openSync(logPath, 'a');
  const argv = nsenterArgv(host.holderPid, [process.execPath, scriptPath, JSON.stringify(config)], runAs);
  try {
    const pid = await new Promise<number>((resolve, reject) => {
      const child = spawn(argv[0]!, argv.slice(1), {
        env: LAB_ENV,
        stdio: ['ignore', 'pipe', logFd],
        detached: true,
      });
      let out = '';
      let settled = false;
      const timer = setTimeout(() => fail('not listening after 10 s'), 10_000);
      function fail(why: string): void {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (child.exitCode === null) child.kill('SIGKILL');
        void readFile(logPath, 'utf8').then(
          (log) =>
            reject(
              new LabError(
                `${host.name}: backend ${spec.name} ${why}: ${log.trim().split('\n').slice(-3).join(' | ')}`,
              ),
            ),
          () => reject(new LabError(`${host.name}: backend ${spec.name} ${why}`)),
        );
      }
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
        if (!settled && out.includes('ready\n') && child.pid !== undefined) {
          // The backend is nsenter's child (nsenter forks to enter the host's PID namespace).
          const pid = childPid(child.pid);
          if (pid === undefined) return fail('vanished after starting');
          settled = true;
          clearTimeout(timer);
          child.stdout!.destroy();
          child.unref();
          resolve(pid);
        }
      });
      child.on('error', (e) => fail(`could not start: ${e.message}`));
      child.on('exit', (code, signal) => fail(`exited (${code ?? signal})`));
    });
    return new Backend(spec, pid, logPath);
  } finally {
    closeSync(logFd);
  }
}
