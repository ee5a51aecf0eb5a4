// A lab: fake hosts on a private bridge, for the end-to-end tests, the benchmarks and `demo`.
//
//   const lab = await Lab.create({ prefix: 'ud' });
//   const web = await lab.addHost('web-01', spec);
//   await web.exec(['nginx', '-T']);
//   lab.inventoryPath; lab.knownHostsPath; lab.clientKeyPath;
//   await lab.teardown();
//
// Traffic only flows between the root namespace and the lab's hosts: the bridge has no uplink and
// nothing is NATed. Needs root (network namespaces, bind mounts).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { open, writeFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { cleanupLabs, destroyLab } from './cleanup.js';
import { prepareBackendScript } from './backend.js';
import { LabHost, type HostSpec } from './host.js';
import { inventoryYaml, knownHostsText, type InventoryEntry } from './inventory.js';
import {
  bridgeName,
  gatewayOf,
  hostAddress,
  hostNameProblem,
  netnsName,
  prefixProblem,
  subnetOf,
  vethName,
} from './names.js';
import { deleteNetnsAndLinks, killNetnsProcesses } from './netns.js';
import { LabError, runOk } from './proc.js';
import { claimLabId, DEFAULT_WORK_ROOT, releaseLabDir } from './registry.js';
import { writeEd25519 } from './ssh-keys.js';

export interface LabOptions {
  /** Prefix of the lab's namespace and interface names (≤ 7 characters). Default "ud". */
  prefix?: string;
  /** Where labs keep their files (not under /tmp, /run or /root: hosts get private ones). */
  workRoot?: string;
  /** Remove labs left behind by processes that died (any prefix). Default true. */
  cleanStale?: boolean;
  /** Tear the lab down when the process exits without calling teardown(). Default true. */
  cleanupOnExit?: boolean;
}

/** An inventory entry with no machine behind it: its address is in the lab's subnet, unused. */
export interface Ghost {
  name: string;
  address: string;
}

const REQUIRED_PROGRAMS = ['ip', 'nsenter', 'unshare', 'setpriv', 'mount', 'perl', 'sshd', 'nginx'];

export class Lab {
  readonly hosts = new Map<string, LabHost>();
  readonly ghosts = new Map<string, Ghost & { user: string; sudo: boolean }>();
  private nextIndex = 0;
  private writeChain: Promise<void> = Promise.resolve();
  private tornDown = false;
  private readonly exitHandler = (): void => this.teardownSync();

  private constructor(
    readonly prefix: string,
    readonly id: number,
    /** The lab's directory (keys, inventory, every host's private files). */
    readonly dir: string,
    private readonly clientPublicKey: string,
    private readonly backendScript: string,
    /** Default route for hosts; undefined when the machine forwards packets. */
    private readonly defaultGateway: string | undefined,
    private readonly resolvConfTarget: string | undefined,
  ) {}

  static async create(options: LabOptions = {}): Promise<Lab> {
    const prefix = options.prefix ?? 'ud';
    const problem = prefixProblem(prefix);
    if (problem) throw new LabError(problem);
    checkMachine();
    const workRoot = options.workRoot ?? DEFAULT_WORK_ROOT;
    if (options.cleanStale !== false) await cleanupLabs({ workRoot, onlyStale: true });
    const { id, dir } = await claimLabId(workRoot, prefix);
    try {
      // Leftovers of an earlier lab with this name (its directory already gone) would collide.
      await destroyLab(prefix, id);
      const bridge = bridgeName(prefix, id);
      await runOk(['ip', '-batch', '-'], {
        stdin:
          // nf_call_*tables 0: the machine's own firewall (Docker's FORWARD DROP) must not see lab traffic.
          `link add ${bridge} type bridge nf_call_iptables 0 nf_call_ip6tables 0 nf_call_arptables 0\n` +
          `addr add ${gatewayOf(id)}/24 dev ${bridge}\n` +
          `link set ${bridge} up\n`,
      });
      const [clientKey, backendScript] = await Promise.all([
        writeEd25519(posix.join(dir, 'client_ed25519'), `upstream-doctor-lab-${prefix}-${id}`),
        prepareBackendScript(workRoot),
      ]);
      // A default route lets off-lab traffic die quietly in the root namespace, like a real network
      // path problem; only safe when the machine does not forward (else it would leave the machine).
      const forwarding = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim() !== '0';
      const lab = new Lab(
        prefix,
        id,
        dir,
        clientKey.publicLine,
        backendScript,
        forwarding ? undefined : gatewayOf(id),
        resolvConfMountTarget(),
      );
      await lab.writeSharedFiles();
      if (options.cleanupOnExit !== false) process.once('exit', lab.exitHandler);
      return lab;
    } catch (e) {
      await destroyLab(prefix, id, dir).catch(() => undefined);
      throw e;
    }
  }

  get subnet(): string {
    return subnetOf(this.id);
  }

  /** The bridge's address: the root namespace as the hosts see it. */
  get gateway(): string {
    return gatewayOf(this.id);
  }

  get bridge(): string {
    return bridgeName(this.prefix, this.id);
  }

  get clientKeyPath(): string {
    return posix.join(this.dir, 'client_ed25519');
  }

  get knownHostsPath(): string {
    return posix.join(this.dir, 'known_hosts');
  }

  get inventoryPath(): string {
    return posix.join(this.dir, 'hosts.yml');
  }

  host(name: string): LabHost {
    const host = this.hosts.get(name);
    if (!host) throw new LabError(`lab has no host ${name}`);
    return host;
  }

  /**
   * Creates and starts a host; the inventory and known_hosts list it once this resolves. `spec` may
   * be a function of the host's address, for configs that name it (nginx → the host's LAN IP).
   */
  async addHost(name: string, spec: HostSpec | ((address: string) => HostSpec) = {}): Promise<LabHost> {
    this.assertUsable();
    const problem = hostNameProblem(name);
    if (problem) throw new LabError(problem);
    if (this.hosts.has(name) || this.ghosts.has(name)) throw new LabError(`lab already has a host ${name}`);
    const index = this.nextIndex++;
    const address = hostAddress(this.id, index);
    const host = await LabHost.create(
      {
        name,
        index,
        netns: netnsName(this.prefix, this.id, name),
        veth: vethName(this.prefix, this.id, index),
        bridge: this.bridge,
        address,
        gateway: this.defaultGateway,
        hostDir: posix.join(this.dir, 'hosts', name),
        sharedFiles: this.sharedMounts(),
        clientPublicKey: this.clientPublicKey,
        backendScript: this.backendScript,
      },
      typeof spec === 'function' ? spec(address) : spec,
    );
    this.hosts.set(name, host);
    await this.writeSharedFiles();
    return host;
  }

  /**
   * An inventory entry whose address is in the lab's subnet but answers nothing (a host that is
   * down): SSH to it fails with "no route to host" once ARP gives up.
   */
  async addGhost(name: string, options: { user?: string; sudo?: boolean } = {}): Promise<Ghost> {
    this.assertUsable();
    const problem = hostNameProblem(name);
    if (problem) throw new LabError(problem);
    if (this.hosts.has(name) || this.ghosts.has(name)) throw new LabError(`lab already has a host ${name}`);
    const ghost = {
      name,
      address: hostAddress(this.id, this.nextIndex++),
      user: options.user ?? 'root',
      sudo: options.sudo ?? false,
    };
    this.ghosts.set(name, ghost);
    await this.writeSharedFiles();
    return { name, address: ghost.address };
  }

  /** Rewrites hosts.yml, known_hosts and the hosts' shared /etc/hosts (serialised: hosts are added in parallel). */
  writeSharedFiles(): Promise<void> {
    const write = async (): Promise<void> => {
      const hosts = [...this.hosts.values()];
      const entries: InventoryEntry[] = [
        ...hosts
          .filter((h) => h.listedInInventory)
          .map((h) => ({
            name: h.name,
            address: h.address,
            user: h.sshUser,
            sudo: h.sudo,
            tags: h.inventoryTags,
          })),
        ...[...this.ghosts.values()].map((g) => ({
          name: g.name,
          address: g.address,
          user: g.user,
          sudo: g.sudo,
        })),
      ];
      await writeFile(
        this.inventoryPath,
        inventoryYaml(entries, { identityFile: this.clientKeyPath, knownHosts: this.knownHostsPath }),
      );
      await writeFile(this.knownHostsPath, knownHostsText(hosts.map((h) => h.knownHostsLine)));
      // Written in place (same inode): the hosts bind-mount this very file as /etc/hosts.
      await rewriteInPlace(posix.join(this.dir, 'etc-hosts'), etcHosts(hosts));
      await rewriteInPlace(posix.join(this.dir, 'resolv.conf'), RESOLV_CONF);
    };
    this.writeChain = this.writeChain.then(write, write);
    return this.writeChain;
  }

  /** Stops everything, deletes the namespaces, the bridge and the lab's files. Idempotent. */
  async teardown(): Promise<void> {
    if (this.tornDown) return;
    this.tornDown = true;
    process.removeListener('exit', this.exitHandler);
    await this.writeChain.catch(() => undefined);
    const netns = [...this.hosts.values()].map((h) => h.netns);
    await killNetnsProcesses(netns);
    await deleteNetnsAndLinks(netns, []);
    for (const host of this.hosts.values()) host.markTornDown();
    // Hosts that failed half-way and anything else with this lab's names.
    await destroyLab(this.prefix, this.id);
    await releaseLabDir(this.dir);
  }

  /** Best effort from a process 'exit' handler, where nothing asynchronous runs any more. */
  private teardownSync(): void {
    if (this.tornDown) return;
    this.tornDown = true;
    const mine = (existsSync('/run/netns') ? readdirSync('/run/netns') : []).filter((n) =>
      n.startsWith(`${this.prefix}-${this.id}-`),
    );
    for (const ns of mine) {
      const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout ?? '';
      for (const pid of pids.split(/\s+/).filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // Gone already.
        }
      }
    }
    const lines = [...mine.map((n) => `netns del ${n}`), `link del ${this.bridge}`].join('\n');
    spawnSync('ip', ['-force', '-batch', '-'], { input: `${lines}\n` });
    rmSync(this.dir, { recursive: true, force: true });
  }

  private sharedMounts(): [string, string][] {
    const mounts: [string, string][] = [[posix.join(this.dir, 'etc-hosts'), '/etc/hosts']];
    if (this.resolvConfTarget !== undefined)
      mounts.push([posix.join(this.dir, 'resolv.conf'), this.resolvConfTarget]);
    return mounts;
  }

  private assertUsable(): void {
    if (this.tornDown) throw new LabError('the lab has been torn down');
  }
}

/**
 * Nothing answers DNS inside a lab (no way out): names that /etc/hosts does not know fail at once
 * ("connection refused" from the host's own loopback) instead of after resolver timeouts.
 */
const RESOLV_CONF = 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n';

/**
 * A file the hosts bind-mount, rewritten in its own inode without ever being empty: the new text is written
 * over the old from the start, then the file is cut to its length. /etc/hosts only grows (a host's line is
 * appended when it is added), so a host that reads it meanwhile (nginx resolving a peer at start, with
 * scenarios staged in parallel) sees every earlier line whole; truncating first, as writeFile does, let it
 * read an empty file and fail with "host not found in upstream".
 */
async function rewriteInPlace(path: string, text: string): Promise<void> {
  const file = await open(path, existsSync(path) ? 'r+' : 'w');
  try {
    const bytes = Buffer.from(text);
    await file.write(bytes, 0, bytes.length, 0);
    await file.truncate(bytes.length);
  } finally {
    await file.close();
  }
}

/** Debian's stock /etc/hosts (localhost is 127.0.0.1 and ::1) plus every lab host by name. */
function etcHosts(hosts: LabHost[]): string {
  return [
    '127.0.0.1\tlocalhost',
    '::1\t\tlocalhost ip6-localhost ip6-loopback',
    'ff02::1\t\tip6-allnodes',
    'ff02::2\t\tip6-allrouters',
    '',
    '# upstream-doctor lab hosts',
    ...hosts.map((h) => `${h.address}\t${h.name}`),
    '',
  ].join('\n');
}

/**
 * Where the lab's resolv.conf is mounted: /etc/resolv.conf itself or the file its symlink points to.
 * undefined when that file lives under /run (systemd-resolved): hosts have a private /run, so the
 * link dangles there and lookups fail fast anyway.
 */
function resolvConfMountTarget(): string | undefined {
  if (!existsSync('/etc/resolv.conf')) return undefined;
  const target = realpathSync('/etc/resolv.conf');
  return target.startsWith('/run/') ? undefined : target;
}

function checkMachine(): void {
  if (process.getuid?.() !== 0) throw new LabError('the lab needs root (network namespaces and bind mounts)');
  const path = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
  const missing = REQUIRED_PROGRAMS.filter((p) => !path.some((dir) => existsSync(posix.join(dir, p))));
  if (missing.length)
    throw new LabError(
      `the lab needs ${missing.join(', ')} (Debian: iproute2 util-linux openssh-server nginx)`,
    );
  const node = process.execPath;
  if (['/root/', '/tmp/', '/home/', '/run/'].some((d) => node.startsWith(d))) {
    throw new LabError(
      `node at ${node} would be hidden inside lab hosts (they get private ${node.split('/')[1]}): install node elsewhere`,
    );
  }
}
