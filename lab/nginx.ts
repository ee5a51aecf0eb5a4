// Debian's real nginx inside a lab host, started and signalled the way an operator would, with
// helpers to stage the states the diagnosis must recognise (edited but not reloaded, stopped).
import { readdir, readFile } from 'node:fs/promises';
import { LabError, processExists, sleep, waitFor, type RunResult } from './proc.js';

export const NGINX_PID_FILE = '/run/nginx.pid';
/** Two clock seconds: each whole-second reading can be off by up to one. */
const EDIT_AFTER_START_MS = 2_100;

/** What NginxControl needs from its host (kept narrow so the control is easy to follow). */
export interface NginxHost {
  readonly name: string;
  run(argv: string[]): Promise<RunResult>;
  /** The machine's pid for a pid as the host numbers it (0 when none). */
  machinePid(nsPid: number): Promise<number>;
  /** Backing path (outside the host) of a private file inside it. */
  resolve(insidePath: string): Promise<string>;
  writeFile(insidePath: string, content: string): Promise<string>;
  /** `-c PATH` for every nginx command, when nginx runs with a config other than its compiled-in one. */
  configPath?: string;
  /** Where that config's `pid` directive writes the master's pid (default NGINX_PID_FILE). */
  pidFile?: string;
}

export class NginxControl {
  /** Wall-clock time (ms) of the last start or completed reload: workers started no later. */
  private workersStartedAt = 0;

  /** nginx plus the `-c` the host runs it with. */
  private readonly nginx: string[];

  constructor(private readonly host: NginxHost) {
    this.nginx = ['nginx', ...(host.configPath ? ['-c', host.configPath] : [])];
  }

  /** The master's pid as the machine numbers it (nginx.pid holds the host's own number); 0 when none runs. */
  async masterPid(): Promise<number> {
    const pidFile = this.host.pidFile ?? NGINX_PID_FILE;
    const text = await readFile(await this.host.resolve(pidFile), 'utf8').catch(() => '');
    const nsPid = Number(text.trim());
    if (!Number.isInteger(nsPid) || nsPid <= 0) return 0;
    const pid = await this.host.machinePid(nsPid);
    return pid > 0 && processExists(pid) ? pid : 0;
  }

  async isRunning(): Promise<boolean> {
    return (await this.masterPid()) > 0;
  }

  /** `nginx` (it daemonizes); resolves once the master has written its pid file. */
  async start(): Promise<void> {
    await this.check(this.nginx, 'start nginx');
    if (!(await waitFor(() => this.isRunning(), 5_000)))
      throw new LabError(`${this.host.name}: nginx did not start`);
    await this.waitForWorkers(new Set());
    this.workersStartedAt = Date.now();
  }

  /** `nginx -s reload`; resolves when new workers run. Rejects (nginx still on the old config) when the config is invalid. */
  async reload(): Promise<void> {
    const before = new Set(await this.workerPids());
    await this.check([...this.nginx, '-s', 'reload'], 'reload nginx');
    await this.waitForWorkers(before);
    this.workersStartedAt = Date.now();
  }

  /** `nginx -s stop`; resolves when the master is gone. */
  async stop(): Promise<void> {
    const pid = await this.masterPid();
    if (pid === 0) return;
    await this.check([...this.nginx, '-s', 'stop'], 'stop nginx');
    if (!(await waitFor(() => !processExists(pid), 5_000))) process.kill(pid, 'SIGKILL');
  }

  /** `nginx -t` as run on the host (exit code, and the file:line nginx complains about on stderr). */
  test(): Promise<RunResult> {
    return this.host.run([...this.nginx, '-t']);
  }

  /**
   * Changes a file without reloading. The write happens at least `afterStartMs` after the running
   * workers started: by default EDIT_AFTER_START_MS, so tools that only know times to the second (`ps -o
   * etimes`, `date +%s`, with the rounding of both) still see the file as newer than the running
   * configuration; a scenario about the second after a reload passes less.
   */
  async editFile(insidePath: string, content: string, afterStartMs = EDIT_AFTER_START_MS): Promise<void> {
    const wait = this.workersStartedAt + afterStartMs - Date.now();
    if (wait > 0) await sleep(wait);
    await this.host.writeFile(insidePath, content);
  }

  /** A deploy: the file written and nginx reloaded at once (both within the same second, as a script does). */
  async writeAndReload(insidePath: string, content: string): Promise<void> {
    await this.host.writeFile(insidePath, content);
    await this.reload();
  }

  /** Pids of the master's worker (and cache manager) processes. */
  async workerPids(): Promise<number[]> {
    const master = await this.masterPid();
    if (master === 0) return [];
    const children = await readFile(`/proc/${master}/task/${master}/children`, 'utf8').catch(() => undefined);
    if (children !== undefined) return children.split(/\s+/).filter(Boolean).map(Number);
    // Kernels without CONFIG_PROC_CHILDREN: scan for processes whose parent is the master.
    const pids: number[] = [];
    for (const entry of await readdir('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === master) pids.push(Number(entry));
    }
    return pids;
  }

  /**
   * Waits for new workers and for the old ones to leave: right after the reload signal, old workers
   * still accept connections and would answer with the old configuration.
   */
  private async waitForWorkers(old: Set<number>): Promise<void> {
    const ok = await waitFor(async () => {
      const now = await this.workerPids();
      return now.some((pid) => !old.has(pid)) && now.every((pid) => !old.has(pid));
    }, 10_000);
    if (!ok) throw new LabError(`${this.host.name}: nginx did not replace its worker processes`);
  }

  private async check(argv: string[], what: string): Promise<void> {
    const result = await this.host.run(argv);
    if (result.code !== 0) {
      throw new LabError(`${this.host.name}: cannot ${what}: ${(result.stderr || result.stdout).trim()}`);
    }
  }
}
