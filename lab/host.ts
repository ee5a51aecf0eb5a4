// One lab host: a network namespace with a veth into the lab's bridge, plus a private mount
// namespace (held by a holder process) where Debian's real sshd, nginx and the scenario's
// backends run, each host with its own /etc/nginx, /run, /var/log/nginx, /root and /tmp.
import { existsSync } from 'node:fs';
import {
  chmod,
  chown,
  cp,
  mkdir,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { posix } from 'node:path';
import { homeOf, parseGroups, parsePasswd, withUsers, type LabUser } from './accounts.js';
import { Backend, startBackend, type BackendSpec } from './backend.js';
import { firewallCommands, type FirewallSpec } from './firewall.js';
import { bindFstab, startHolder } from './holder.js';
import { HostFs, PRIVATE_DIRS, PRIVATE_SUDOERS_DIR, type WriteOptions } from './host-fs.js';
import { deleteNetnsAndLinks, killNetnsProcesses, listLinks } from './netns.js';
import { NginxControl } from './nginx.js';
import { findPhpFpm, phpFpmConfig, type PhpFpmSpec } from './php-fpm.js';
import { nsenterArgv } from './ns-exec.js';
import { machinePid } from './pid-map.js';
import { LabError, describeFailure, run, runOk, waitFor, type RunResult } from './proc.js';
import { fingerprintOfLine, knownHostsLine, writeEd25519 } from './ssh-keys.js';
import { SSHD_PID_FILE, readPid, sshdConfig, sshdPaths, startSshd, stopSshd } from './sshd.js';

export interface NginxSpec {
  /** Files to write, relative to /etc/nginx ("conf.d/shop.conf") or absolute inside the host. */
  files?: Record<string, string>;
  /** Symbolic links to make: link path → target, both relative to /etc/nginx or absolute (sites-enabled/shop → ../sites-available/shop). */
  links?: Record<string, string>;
  /** Remove Debian's default site (sites-enabled/default). Default: true when `files` are given. */
  removeDefaultSite?: boolean;
  /** Start nginx once the host is up. Default true. */
  start?: boolean;
  /** The main config nginx is started with (`nginx -c PATH`), when not Debian's /etc/nginx/nginx.conf. */
  configPath?: string;
  /**
   * false: the host has no nginx program at all (nothing is started): inside the host, /usr/sbin is a
   * directory of links to the machine's /usr/sbin without nginx (a mount of the host's own; the machine's
   * /usr/sbin is untouched). Default true.
   */
  installed?: boolean;
  /** With nginx installed: /usr/sbin is that directory of links all the same, nginx bound in (the look-alike). */
  sbinThroughLinks?: boolean;
  /** Further nginx masters, each started with its own `-c` (its config writes its pid to `pidFile`). */
  instances?: { configPath: string; pidFile: string }[];
}

export interface HostSpec {
  /** Debian's stock nginx config (default site) unless files are given. */
  nginx?: NginxSpec;
  backends?: BackendSpec[];
  /** Debian's php-fpm as a FastCGI backend (where installed). */
  phpFpm?: PhpFpmSpec;
  firewall?: FirewallSpec;
  /** Extra accounts (a non-root SSH user with sudo rules). */
  users?: LabUser[];
  /** Files written before anything starts: absolute paths inside the host's private directories. */
  files?: Record<string, string>;
  /** Symbolic links made before anything starts: absolute path inside the host → target (kept verbatim). */
  links?: Record<string, string>;
  /**
   * Debian alternatives (name → target, as update-alternatives makes them): the host gets a private copy of
   * the machine's /etc/alternatives with these links in it.
   */
  alternatives?: Record<string, string>;
  /** How the inventory logs in. Default root without sudo. */
  ssh?: { user?: string; sudo?: boolean };
  /** List the host in the lab's hosts.yml (default true); tags for it. */
  inventory?: boolean | { tags?: string[] };
}

/** What a host needs to know about its lab. */
export interface HostContext {
  name: string;
  index: number;
  netns: string;
  veth: string;
  bridge: string;
  address: string;
  gateway?: string;
  hostDir: string;
  /** The lab's /etc/hosts and resolv.conf, shared by every host (mount sources). */
  sharedFiles: [string, string][];
  clientPublicKey: string;
  backendScript: string;
}

export interface ExecOptions {
  /** Run as this user (inside the host's accounts); default root. */
  user?: string;
  stdin?: string;
  timeoutMs?: number;
}

export interface HttpAnswer {
  /** 0 when no HTTP answer came (refused, timeout). */
  status: number;
  body: string;
  error?: string;
}

const HOST_MOUNTED_DIRS = PRIVATE_DIRS.filter((d) => existsSync(d));
const ALTERNATIVES_DIR = '/etc/alternatives';

export class LabHost {
  readonly name: string;
  readonly address: string;
  readonly netns: string;
  readonly dir: string;
  readonly fs: HostFs;
  readonly nginx: NginxControl;
  /** The further nginx instances (NginxSpec.instances), in order. */
  readonly otherNginx: NginxControl[];
  readonly backends: Backend[] = [];
  readonly sshUser: string;
  readonly sudo: boolean;
  readonly inventoryTags: string[] | undefined;
  readonly listedInInventory: boolean;
  /** The known_hosts line for the host key generated at setup (kept when the key is rotated). */
  knownHostsLine = '';
  /** Milliseconds from the start of setup to the end of each phase (for benchmarks and curiosity). */
  readonly setupTimings: Record<string, number> = {};
  holderPid = 0;
  private currentHostKey = '';
  private tornDown = false;

  private constructor(
    private readonly ctx: HostContext,
    private readonly spec: HostSpec,
  ) {
    this.name = ctx.name;
    this.address = ctx.address;
    this.netns = ctx.netns;
    this.dir = ctx.hostDir;
    const files: string[] = [];
    const dirs: string[] = [...HOST_MOUNTED_DIRS];
    if (spec.users?.length) {
      files.push('/etc/passwd', '/etc/group', '/etc/shadow');
      dirs.push(PRIVATE_SUDOERS_DIR);
    }
    if (spec.alternatives) dirs.push(ALTERNATIVES_DIR);
    this.fs = new HostFs(ctx.hostDir, dirs, files);
    const control = (configPath?: string, pidFile?: string) =>
      new NginxControl({
        name: ctx.name,
        run: (argv) => this.exec(argv),
        machinePid: (nsPid) => machinePid(this.holderPid, nsPid),
        resolve: (p) => this.fs.resolve(p),
        writeFile: (p, content) => this.fs.writeFile(p, content),
        configPath,
        pidFile,
      });
    this.nginx = control(spec.nginx?.configPath);
    this.otherNginx = (spec.nginx?.instances ?? []).map((i) => control(i.configPath, i.pidFile));
    this.sshUser = spec.ssh?.user ?? 'root';
    this.sudo = spec.ssh?.sudo ?? false;
    this.listedInInventory = spec.inventory !== false;
    this.inventoryTags = typeof spec.inventory === 'object' ? spec.inventory.tags : undefined;
  }

  /** Builds and starts the host; on any failure, removes what was made and rejects. */
  static async create(ctx: HostContext, spec: HostSpec = {}): Promise<LabHost> {
    const host = new LabHost(ctx, spec);
    try {
      await host.setUp();
      return host;
    } catch (e) {
      await host.teardown().catch(() => undefined);
      throw e;
    }
  }

  private async setUp(): Promise<void> {
    const { ctx, spec } = this;
    const t0 = Date.now();
    const phase = (name: string): void => {
      this.setupTimings[name] = Date.now() - t0;
    };
    await mkdir(this.dir, { recursive: true, mode: 0o755 });
    const paths = sshdPaths(this.dir);
    const [hostKey] = await Promise.all([
      writeEd25519(paths.hostKey, `root@${ctx.name}`),
      this.prepareFiles(),
      runOk(['ip', '-batch', '-'], {
        stdin:
          `netns add ${ctx.netns}\n` +
          `link add ${ctx.veth} type veth peer name eth0 netns ${ctx.netns}\n` +
          `link set ${ctx.veth} master ${ctx.bridge} up\n`,
      }),
    ]);
    phase('files+keys+netns');
    this.knownHostsLine = knownHostsLine(ctx.address, hostKey.publicLine);
    this.currentHostKey = hostKey.publicLine;
    const fstab = posix.join(this.dir, 'fstab');
    await Promise.all([
      writeFile(paths.config, sshdConfig(ctx.address, paths)),
      writeFile(fstab, bindFstab(this.mounts())),
    ]);
    this.holderPid = await startHolder({
      netns: ctx.netns,
      hostname: ctx.name,
      addressWithPrefix: `${ctx.address}/24`,
      gateway: ctx.gateway,
      fstab,
    });
    phase('holder');
    await Promise.all([
      this.startSshd().then(() => phase('sshd')),
      this.applyFirewall(spec.firewall ?? {}).then(() => phase('firewall')),
      ...(spec.backends ?? []).map((b) => this.startBackend(b).then(() => phase(`backend ${b.name}`))),
      spec.phpFpm ? this.startPhpFpm(spec.phpFpm).then(() => phase('php-fpm')) : undefined,
      spec.nginx?.start !== false && spec.nginx?.installed !== false
        ? this.nginx.start().then(() => phase('nginx'))
        : undefined,
      ...this.otherNginx.map((n, i) => n.start().then(() => phase(`nginx ${i + 2}`))),
    ]);
    phase('total');
  }

  /** The host's private tree: copies of /etc/nginx and the accounts, empty /run, /tmp, /root… */
  private async prepareFiles(): Promise<void> {
    const { spec, ctx } = this;
    const root = this.fs.root;
    for (const dir of HOST_MOUNTED_DIRS) {
      const backing = posix.join(root, dir);
      if (dir === '/etc/nginx') {
        // verbatimSymlinks: Debian's absolute sites-enabled/default link must resolve inside the host.
        await cp(dir, backing, { recursive: true, verbatimSymlinks: true });
      } else {
        await mkdir(backing, { recursive: true });
      }
      const info = await stat(dir);
      await chmod(backing, dir === '/tmp' ? 0o1777 : info.mode & 0o7777);
      await chown(backing, info.uid, info.gid);
    }
    if (existsSync('/var/www/html/index.nginx-debian.html')) {
      await mkdir(posix.join(root, '/var/www/html'), { recursive: true });
      await cp(
        '/var/www/html/index.nginx-debian.html',
        posix.join(root, '/var/www/html/index.nginx-debian.html'),
      );
    }
    await this.fs.mkdir('/run/sshd', { mode: 0o755 });
    await this.fs.mkdir('/run/lock', { mode: 0o1777 });
    // An empty /root: the machine's root shell start-up files would cost time on every SSH command.
    await this.fs.writeFile('/root/.ssh/authorized_keys', `${ctx.clientPublicKey}\n`, { mode: 0o600 });
    await chmod(posix.join(root, '/root/.ssh'), 0o700);
    if (spec.users?.length) await this.prepareUsers(spec.users);
    const nginx = spec.nginx ?? {};
    if (nginx.removeDefaultSite ?? nginx.files !== undefined) {
      await unlink(posix.join(root, '/etc/nginx/sites-enabled/default')).catch(() => undefined);
    }
    const inNginx = (path: string): string => (path.startsWith('/') ? path : `/etc/nginx/${path}`);
    for (const [path, content] of Object.entries(nginx.files ?? {}))
      await this.fs.writeFile(inNginx(path), content);
    for (const [path, target] of Object.entries(nginx.links ?? {}))
      await this.fs.symlink(inNginx(path), target);
    for (const [path, content] of Object.entries(spec.files ?? {})) await this.fs.writeFile(path, content);
    if (spec.alternatives) {
      await cp(ALTERNATIVES_DIR, posix.join(root, ALTERNATIVES_DIR), {
        recursive: true,
        verbatimSymlinks: true,
      });
      for (const [name, target] of Object.entries(spec.alternatives))
        await this.fs.symlink(`${ALTERNATIVES_DIR}/${name}`, target);
    }
    for (const [path, target] of Object.entries(spec.links ?? {})) await this.fs.symlink(path, target);
    if (this.sbinThroughLinks) await this.prepareSbinLinks();
  }

  /** The machine's /usr/sbin (mounted at sbin-real inside the host) and a view of it without nginx. */
  private get sbinDirs(): { real: string; view: string } {
    return { real: posix.join(this.dir, 'sbin-real'), view: posix.join(this.dir, 'sbin-view') };
  }

  private get sbinThroughLinks(): boolean {
    return this.spec.nginx?.installed === false || this.spec.nginx?.sbinThroughLinks === true;
  }

  /** Links to everything in /usr/sbin but nginx; an empty file in its place when nginx is bound in. */
  private async prepareSbinLinks(): Promise<void> {
    const { real, view } = this.sbinDirs;
    await mkdir(real, { recursive: true });
    await mkdir(view, { recursive: true, mode: 0o755 });
    await chmod(view, 0o755);
    for (const name of await readdir('/usr/sbin'))
      if (name !== 'nginx') await symlink(posix.join(real, name), posix.join(view, name));
    if (this.spec.nginx?.installed !== false) await writeFile(posix.join(view, 'nginx'), '');
  }

  private async prepareUsers(users: LabUser[]): Promise<void> {
    const root = this.fs.root;
    const [passwd, group, shadow] = await Promise.all(
      ['/etc/passwd', '/etc/group', '/etc/shadow'].map((f) => readFile(f, 'utf8')),
    );
    const files = withUsers({ passwd: passwd!, group: group!, shadow: shadow! }, users);
    for (const [file, content] of [
      ['/etc/passwd', files.passwd],
      ['/etc/group', files.group],
      ['/etc/shadow', files.shadow],
    ] as const) {
      const info = await stat(file);
      const backing = posix.join(root, file);
      await mkdir(posix.dirname(backing), { recursive: true });
      await writeFile(backing, content, { mode: info.mode & 0o777 });
      await chmod(backing, info.mode & 0o777);
      await chown(backing, info.uid, info.gid);
    }
    const sudoers = posix.join(root, PRIVATE_SUDOERS_DIR);
    if (existsSync(PRIVATE_SUDOERS_DIR)) await cp(PRIVATE_SUDOERS_DIR, sudoers, { recursive: true });
    await mkdir(sudoers, { recursive: true, mode: 0o755 });
    for (const user of users) {
      const gid = user.gid ?? user.uid;
      const home = homeOf(user);
      await this.fs.mkdir(home, { mode: 0o750, uid: user.uid, gid });
      if (user.sshKey !== false) {
        await this.fs.mkdir(`${home}/.ssh`, { mode: 0o700, uid: user.uid, gid });
        await this.fs.writeFile(`${home}/.ssh/authorized_keys`, `${this.ctx.clientPublicKey}\n`, {
          mode: 0o600,
          uid: user.uid,
          gid,
        });
      }
      if (user.sudoers !== undefined) {
        // sudo ignores files in sudoers.d whose names contain a dot: keep the user's name dot-free.
        await writeFile(posix.join(sudoers, user.name.replace(/\./g, '_')), user.sudoers, { mode: 0o440 });
      }
    }
  }

  /** Bind mounts the holder applies: shared files, then every private directory and file. */
  private mounts(): [string, string][] {
    const pairs: [string, string][] = [...this.ctx.sharedFiles];
    for (const dir of HOST_MOUNTED_DIRS) pairs.push([posix.join(this.fs.root, dir), dir]);
    if (this.spec.alternatives) pairs.push([posix.join(this.fs.root, ALTERNATIVES_DIR), ALTERNATIVES_DIR]);
    if (this.sbinThroughLinks) {
      pairs.push(['/usr/sbin', this.sbinDirs.real], [this.sbinDirs.view, '/usr/sbin']);
      if (this.spec.nginx?.installed !== false)
        pairs.push([posix.join(this.sbinDirs.real, 'nginx'), '/usr/sbin/nginx']);
    }
    if (this.spec.users?.length) {
      for (const file of ['/etc/passwd', '/etc/group', '/etc/shadow', PRIVATE_SUDOERS_DIR]) {
        pairs.push([posix.join(this.fs.root, file), file]);
      }
    }
    return pairs;
  }

  /** Runs argv inside the host (as root unless `user`); never rejects for a non-zero exit. */
  async exec(argv: string[], options: ExecOptions = {}): Promise<RunResult> {
    if (this.holderPid === 0) throw new LabError(`${this.name}: host is not running`);
    const as =
      options.user === undefined || options.user === 'root' ? undefined : await this.userIds(options.user);
    const full = nsenterArgv(this.holderPid, argv, as && { user: options.user!, group: as.group });
    const result = await run(full, { stdin: options.stdin, timeoutMs: options.timeoutMs ?? 30_000 });
    return { ...result, argv };
  }

  /** Like exec, but rejects with the command and its stderr unless it exits 0. */
  async execOk(argv: string[], options: ExecOptions = {}): Promise<RunResult> {
    const result = await this.exec(argv, options);
    if (result.code !== 0) throw new LabError(`${this.name}: ${describeFailure(result)}`);
    return result;
  }

  writeFile(insidePath: string, content: string | Buffer, options?: WriteOptions): Promise<string> {
    return this.fs.writeFile(insidePath, content, options);
  }

  readFile(insidePath: string): Promise<string> {
    return this.fs.readFile(insidePath);
  }

  async startBackend(spec: BackendSpec): Promise<Backend> {
    if (this.backends.some((b) => b.name === spec.name && b.isRunning())) {
      throw new LabError(`${this.name}: backend ${spec.name} is already running`);
    }
    const backend = await startBackend(
      {
        name: this.name,
        holderPid: this.holderPid,
        dir: this.dir,
        userIds: (user) => this.userIds(user),
        groupId: (group) => this.groupId(group),
        mkdir: (p, o) => this.fs.mkdir(p, o),
      },
      this.ctx.backendScript,
      spec,
    );
    this.backends.push(backend);
    return backend;
  }

  backend(name: string): Backend {
    const found = [...this.backends].reverse().find((b) => b.name === name);
    if (!found) throw new LabError(`${this.name}: no backend ${name}`);
    return found;
  }

  async applyFirewall(spec: FirewallSpec): Promise<void> {
    for (const command of firewallCommands(spec)) await this.execOk(command.argv, { stdin: command.stdin });
  }

  /** Starts php-fpm with one pool (see php-fpm.ts); resolves when its socket exists or its TCP port listens. */
  async startPhpFpm(spec: PhpFpmSpec = {}): Promise<void> {
    const fpm = findPhpFpm();
    if (!fpm) throw new LabError(`${this.name}: php-fpm is not installed on this machine`);
    const config = posix.join(this.dir, 'php-fpm.conf');
    await writeFile(config, phpFpmConfig(spec, fpm.version));
    await this.fs.mkdir('/run/php', { mode: 0o755 });
    await this.execOk([fpm.binary, '--fpm-config', config]);
    const listen = spec.listen ?? `/run/php/php${fpm.version}-fpm.sock`;
    if (!listen.startsWith('/')) {
      // A TCP pool ("127.0.0.1:9000"): ss inside the host shows when it listens.
      const filter = `sport = :${listen.slice(listen.lastIndexOf(':') + 1)}`;
      const listening = async () => (await this.exec(['ss', '-Htln', filter])).stdout.trim() !== '';
      if (!(await waitFor(listening, 5_000, 50)))
        throw new LabError(`${this.name}: php-fpm does not listen on ${listen}`);
      return;
    }
    // A socket named through a symlink of the machine's (/var/run → /run) is looked for by the host itself.
    const made = this.fs.isPrivate(listen)
      ? await this.fs.resolve(listen).then((socket) => () => existsSync(socket))
      : async () => (await this.exec(['test', '-S', listen])).code === 0;
    if (!(await waitFor(made, 5_000))) throw new LabError(`${this.name}: php-fpm made no socket`);
  }

  async startSshd(): Promise<void> {
    const paths = sshdPaths(this.dir);
    const pidFile = await this.fs.resolve(SSHD_PID_FILE);
    await rm(pidFile, { force: true });
    await startSshd((argv) => nsenterArgv(this.holderPid, argv), paths, pidFile);
  }

  /** Stops sshd: SSH to the host is then refused, while nginx and the backends keep running. */
  async stopSshd(): Promise<void> {
    const nsPid = await readPid(await this.fs.resolve(SSHD_PID_FILE));
    if (nsPid > 0) await stopSshd(await machinePid(this.holderPid, nsPid));
  }

  /**
   * Gives the host a new host key (as a rebuilt machine has) and restarts sshd. The lab's
   * known_hosts keeps the old key, so clients must refuse the host. Returns the new fingerprint.
   */
  async rotateHostKey(): Promise<string> {
    const paths = sshdPaths(this.dir);
    await this.stopSshd();
    await rm(paths.hostKey, { force: true });
    await rm(`${paths.hostKey}.pub`, { force: true });
    const key = await writeEd25519(paths.hostKey, `root@${this.name}`);
    this.currentHostKey = key.publicLine;
    await this.startSshd();
    return key.fingerprint;
  }

  /** "SHA256:…" of the key sshd offers now. */
  hostKeyFingerprint(): string {
    return fingerprintOfLine(this.currentHostKey);
  }

  /** One HTTP GET from the root namespace to the host's port 80 (as a client on the LAN would). */
  request(
    path = '/',
    options: { timeoutMs?: number; port?: number; hostHeader?: string } = {},
  ): Promise<HttpAnswer> {
    return new Promise((resolve) => {
      const req = httpRequest(
        {
          host: this.address,
          port: options.port ?? 80,
          path,
          agent: false,
          headers: { Host: options.hostHeader ?? this.name, Connection: 'close' },
          timeout: options.timeoutMs ?? 10_000,
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          res.on('error', (e) => resolve({ status: res.statusCode ?? 0, body, error: e.message }));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (e) => resolve({ status: 0, body: '', error: e.message }));
      req.end();
    });
  }

  /** Sends `count` requests through nginx so its logs hold real entries; returns the statuses. */
  async warm(
    options: { path?: string; count?: number; timeoutMs?: number; parallel?: boolean } = {},
  ): Promise<number[]> {
    const count = options.count ?? 3;
    const one = (): Promise<number> => this.request(options.path, options).then((a) => a.status);
    if (options.parallel) return Promise.all(Array.from({ length: count }, one));
    const statuses: number[] = [];
    for (let i = 0; i < count; i++) statuses.push(await one());
    return statuses;
  }

  /** uid, gid and primary group name of a user inside the host. */
  async userIds(user: string): Promise<{ uid: number; gid: number; group: string }> {
    const passwd = parsePasswd(await readFile(this.accountsFile('/etc/passwd'), 'utf8'));
    const account = passwd.find((a) => a.name === user);
    if (!account) throw new LabError(`${this.name}: no user ${user}`);
    const groups = parseGroups(await readFile(this.accountsFile('/etc/group'), 'utf8'));
    const group = [...groups].find(([, gid]) => gid === account.gid)?.[0] ?? String(account.gid);
    return { uid: account.uid, gid: account.gid, group };
  }

  async groupId(group: string): Promise<number> {
    const gid = parseGroups(await readFile(this.accountsFile('/etc/group'), 'utf8')).get(group);
    if (gid === undefined) throw new LabError(`${this.name}: no group ${group}`);
    return gid;
  }

  private accountsFile(file: string): string {
    return this.spec.users?.length ? posix.join(this.fs.root, file) : file;
  }

  /** Kills every process of the host, deletes its namespace and veth, removes its files. Idempotent. */
  async teardown(): Promise<void> {
    if (this.tornDown) return;
    this.tornDown = true;
    await killNetnsProcesses([this.netns]);
    // The veth dies with the namespace; delete it explicitly in case the namespace never got it.
    const veth = (await listLinks()).includes(this.ctx.veth) ? [this.ctx.veth] : [];
    await deleteNetnsAndLinks([this.netns], veth);
    await rm(this.dir, { recursive: true, force: true });
    this.holderPid = 0;
  }

  /** The lab removed this host together with the others (in bulk): only forget the state. */
  markTornDown(): void {
    this.tornDown = true;
    this.holderPid = 0;
  }
}
