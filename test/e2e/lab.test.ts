// The lab's hosts are real and isolated: reached with plain OpenSSH, each shows its own nginx
// config, processes and listeners; requests through nginx get the scenario's answers; the machine's
// /etc/nginx and firewall are untouched; teardown (and cleanup after a crash) leaves nothing behind.
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { posix } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupLabs, Lab, LabError, type LabHost } from '../../lab/index.js';
import { withUsers } from '../../lab/accounts.js';
import { bindFstab } from '../../lab/holder.js';
import { hostNameProblem, prefixProblem, vethName, bridgeName } from '../../lab/names.js';
import { pidsInNetns } from '../../lab/netns.js';
import { writeEd25519 } from '../../lab/ssh-keys.js';
import { parseInventory } from '../../src/inventory/index.js';
import { healthy, portMismatch } from './scenarios/index.js';
import { ssh } from './scenarios/ssh.js';

const run = promisify(execFile);

/** A digest of a directory tree: paths, modes, owners, contents and link targets. */
function treeDigest(root: string): string {
  const hash = createHash('sha256');
  const walk = (path: string): void => {
    const info = lstatSync(path);
    hash.update(`${path} ${info.mode} ${info.uid}:${info.gid}\n`);
    if (info.isSymbolicLink()) hash.update(readlinkSync(path));
    else if (info.isDirectory()) for (const entry of readdirSync(path).sort()) walk(posix.join(path, entry));
    else if (info.isFile()) hash.update(readFileSync(path));
  };
  walk(root);
  return hash.digest('hex');
}

async function rootFirewall(): Promise<string> {
  const [ipt, nft] = await Promise.all([
    run('iptables-save', ['-t', 'filter']),
    run('nft', ['list', 'ruleset']),
  ]);
  // iptables-save stamps the time in its comments.
  return ipt.stdout.replace(/^#.*$/gm, '') + nft.stdout;
}

const labLeftovers = async (lab: Lab): Promise<string[]> => {
  const netns = readdirSync('/run/netns').filter((n) => n.startsWith(`${lab.prefix}-${lab.id}-`));
  const links = readdirSync('/sys/class/net').filter(
    (l) => l === lab.bridge || l.startsWith(`${lab.prefix}-${lab.id}-`),
  );
  return [...netns, ...links, ...(existsSync(lab.dir) ? [lab.dir] : [])];
};

let lab: Lab;
let good: LabHost;
let broken: LabHost;
let etcNginxBefore: string;
let firewallBefore: string;

beforeAll(async () => {
  etcNginxBefore = treeDigest('/etc/nginx');
  firewallBefore = await rootFirewall();
  lab = await Lab.create({ prefix: 'ud' });
  const [a, b] = await Promise.all([
    healthy.stage(lab, { name: 'web-01' }),
    portMismatch.stage(lab, { name: 'web-02' }),
  ]);
  good = a.targetHost!;
  broken = b.targetHost!;
}, 120_000);

afterAll(async () => {
  await lab?.teardown();
});

describe('lab hosts over real SSH', () => {
  it("nginx -T shows the scenario config, not the machine's", async () => {
    const result = await ssh(lab, `root@${broken.address}`, ['nginx', '-T']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('# configuration file /etc/nginx/conf.d/shop.conf:');
    expect(result.stdout).toContain('server 127.0.0.1:8000 max_fails=3;');
    expect(result.stdout).not.toContain('# configuration file /etc/nginx/sites-enabled/default:');
    expect(existsSync('/etc/nginx/conf.d/shop.conf')).toBe(false);
  });

  it('each host has its own name, processes, listeners and /run', async () => {
    const result = await ssh(lab, `root@${good.address}`, ['hostname;', 'ss', '-Htln;', 'ls', '/run']);
    expect(result.code, result.stderr).toBe(0);
    const out = result.stdout;
    expect(out.split('\n')[0]).toBe('web-01');
    expect(out).toContain(`${good.address}:22`);
    expect(out).toContain('127.0.0.1:3000');
    expect(out).not.toContain(`${broken.address}:22`);
    expect(out).toContain('nginx.pid');
    expect(out).not.toContain('netns');
    // The host's own PID namespace: its init, sshd, nginx, the backend, this session; not the machine's hundreds.
    const ps = await good.exec(['ps', '-eo', 'pid=,comm=']);
    const processes = ps.stdout.trim().split('\n');
    expect(processes.length).toBeLessThan(20);
    expect(processes[0]).toMatch(/^\s*1 /);
    expect(ps.stdout).toContain('nginx');
    expect(ps.stdout).toContain('sshd');
  });

  it("a host cannot reach the machine's loopback services; its own 127.0.0.1 is its own", async () => {
    const server = createServer((socket) => socket.end('machine\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const fromHost = await good.exec(['curl', '-sS', '-m', '2', `http://127.0.0.1:${port}/`]);
      expect(fromHost.stderr).toMatch(/Connection refused|Failed to connect/);
      const own = await good.exec(['curl', '-sS', '-m', '2', 'http://127.0.0.1:3000/']);
      expect(own.stdout).toBe('hello from shop\n');
      // web-02's app listens on 3000 too (its nginx looks at 8000): same port, another host.
      const ss = await broken.exec(['ss', '-Htlnp', 'sport = :3000']);
      expect(ss.stdout).toContain('node');
    } finally {
      server.close();
    }
  });

  it("ssh `true` round trips in well under the 0.6 s a root shell's start-up files would cost", async () => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const result = await ssh(lab, `root@${good.address}`, ['true']);
      expect(result.code, result.stderr).toBe(0);
      times.push(result.ms);
    }
    times.sort((a, b) => a - b);
    const median = times[2]!;
    console.log(`lab: ssh true round trip median ${median} ms (${times.join(', ')})`);
    // Generous for a loaded 2-core machine; on an idle one this is a few hundred ms or less.
    expect(median).toBeLessThan(1500);
  });
});

describe('requests through nginx', () => {
  it('the healthy host answers 200 from its backend', async () => {
    const answer = await good.request('/');
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('hello from shop\n');
  });

  it('the broken host answers 502 and logs the refused connect', async () => {
    const answer = await broken.request('/');
    expect(answer.status).toBe(502);
    const log = await broken.readFile('/var/log/nginx/error.log');
    expect(log).toContain('connect() failed (111: Connection refused) while connecting to upstream');
  });
});

describe('the machine stays untouched', () => {
  it("writes through Debian's absolute sites-enabled link land in the host, not in /etc/nginx", async () => {
    const plain = await lab.addHost('web-03');
    await plain.writeFile('/etc/nginx/sites-enabled/default', '# lab\n');
    expect(await plain.readFile('/etc/nginx/sites-available/default')).toBe('# lab\n');
    expect(readFileSync('/etc/nginx/sites-available/default', 'utf8')).not.toBe('# lab\n');
  });

  it("refuses to write outside the host's private directories", async () => {
    await expect(good.writeFile('/etc/passwd', 'x')).rejects.toThrow(LabError);
    await expect(good.writeFile('/etc/nginx/../passwd', 'x')).rejects.toThrow(LabError);
    await expect(good.writeFile('relative/path', 'x')).rejects.toThrow(LabError);
  });

  it('/etc/nginx and the root namespace firewall are byte-identical', async () => {
    await good.applyFirewall({
      iptables: '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport 9 -j DROP\nCOMMIT\n',
    });
    expect(treeDigest('/etc/nginx')).toBe(etcNginxBefore);
    expect(await rootFirewall()).toBe(firewallBefore);
  });
});

describe('setup failures and teardown', () => {
  it('a host whose setup fails leaves nothing behind and the lab stays usable', async () => {
    // 192.0.2.99 is not an address of the host: the backend cannot listen there.
    await expect(
      lab.addHost('web-bad', { backends: [{ name: 'app', listen: { host: '192.0.2.99', port: 3000 } }] }),
    ).rejects.toThrow(/backend app/);
    expect(readdirSync('/run/netns').some((n) => n.endsWith('-web-bad'))).toBe(false);
    const next = await lab.addHost('web-04');
    expect((await next.request('/')).status).toBe(200);
  });

  it('teardown removes every namespace, link, process and file; twice is fine', async () => {
    const extra = await Lab.create({ prefix: 'ud' });
    const host = await extra.addHost('solo', {
      backends: [{ name: 'app', listen: { host: '127.0.0.1', port: 3000 } }],
    });
    const netnsPath = `/run/netns/${host.netns}`;
    expect(existsSync(netnsPath)).toBe(true);
    await extra.teardown();
    await extra.teardown();
    expect(await labLeftovers(extra)).toEqual([]);
    expect(await pidsInNetns([host.netns])).toEqual([]);
    await expect(extra.addHost('late')).rejects.toThrow(LabError);
  });
});

describe('cleanup after a crash', () => {
  async function crashLab(prefix: string): Promise<{ id: number; dir: string }> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/e2e/scenarios/crash-lab.ts', prefix], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('\n')) resolve(out);
      });
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      child.on('exit', (code) => reject(new Error(`crash-lab exited ${code}: ${err}`)));
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const [, id, dir] = line.trim().split(' ');
    return { id: Number(id), dir: dir! };
  }

  const leftovers = (prefix: string, id: number, dir: string): string[] => [
    ...readdirSync('/run/netns').filter((n) => n.startsWith(`${prefix}-${id}-`)),
    ...readdirSync('/sys/class/net').filter((l) => l === `${prefix}-br${id}`),
    ...(existsSync(dir) ? [dir] : []),
  ];

  it('cleanupLabs({ onlyStale }) removes the lab of a process that died', async () => {
    const { id, dir } = await crashLab('udcrsh');
    expect(leftovers('udcrsh', id, dir).length).toBeGreaterThan(0);
    const removed = await cleanupLabs({ prefix: 'udcrsh', onlyStale: true });
    expect(removed.join('\n')).toContain(`udcrsh-${id}`);
    expect(leftovers('udcrsh', id, dir)).toEqual([]);
    // The running labs of this file are not stale: they survive.
    expect((await good.request('/')).status).toBe(200);
  }, 60_000);

  it('scripts/lab-cleanup.sh PREFIX removes a crashed lab without node', async () => {
    const { id, dir } = await crashLab('udcrsh2');
    const netns = readdirSync('/run/netns').filter((n) => n.startsWith(`udcrsh2-${id}-`));
    expect(netns.length).toBe(1);
    const { stdout } = await run('scripts/lab-cleanup.sh', ['udcrsh2']);
    expect(stdout).toContain(`removed netns udcrsh2-${id}-crash-01`);
    expect(leftovers('udcrsh2', id, dir)).toEqual([]);
    expect(await pidsInNetns(netns)).toEqual([]);
  }, 60_000);
});

describe('a lab of 20 hosts', () => {
  it('comes up in parallel, every host serving and reachable over SSH', async () => {
    const big = await Lab.create({ prefix: 'ud' });
    try {
      const started = Date.now();
      const hosts = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          big.addHost(`node-${String(i + 1).padStart(2, '0')}`, {
            nginx: {
              files: {
                'conf.d/app.conf':
                  'server {\n    listen 80 default_server;\n    location / { proxy_pass http://127.0.0.1:3000; }\n}\n',
              },
            },
            backends: [{ name: 'app', listen: { host: '127.0.0.1', port: 3000 } }],
          }),
        ),
      );
      const setupMs = Date.now() - started;
      console.log(`lab: 20 hosts set up in ${setupMs} ms`);
      const answers = await Promise.all(hosts.map((h) => h.request('/')));
      expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
      const inventory = readFileSync(big.inventoryPath, 'utf8');
      const knownHosts = readFileSync(big.knownHostsPath, 'utf8').trim().split('\n');
      expect(knownHosts).toHaveLength(20);
      for (const h of hosts) expect(inventory).toContain(`${h.name}:\n    address: ${h.address}`);
      const logins = await Promise.all(
        [hosts[0]!, hosts[19]!].map((h) => ssh(big, `root@${h.address}`, ['hostname'])),
      );
      expect(logins.map((l) => l.stdout.trim())).toEqual(['node-01', 'node-20']);
      expect(setupMs).toBeLessThan(90_000);
    } finally {
      await big.teardown();
    }
    expect(await labLeftovers(big)).toEqual([]);
  }, 180_000);
});

describe('the parts behind it', () => {
  it('keys made in-process are what ssh-keygen reads: same public key, same fingerprint', async () => {
    const dir = posix.join(lab.dir, 'keytest');
    await run('mkdir', ['-p', dir]);
    const key = await writeEd25519(posix.join(dir, 'k'), 'lab@test');
    const derived = await run('ssh-keygen', ['-y', '-f', posix.join(dir, 'k')]);
    expect(derived.stdout.trim()).toBe(key.publicLine);
    const listed = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', posix.join(dir, 'k.pub')]);
    expect(listed.stdout).toContain(key.fingerprint);
  });

  it("the lab's hosts.yml is a valid inventory for upstream-doctor", () => {
    const text = readFileSync(lab.inventoryPath, 'utf8');
    const result = parseInventory(text, {
      source: lab.inventoryPath,
      baseDir: lab.dir,
      home: '/root',
      localUser: 'root',
    });
    if (!result.ok) throw new Error(result.error.join('\n'));
    expect(result.value.hosts.map((h) => h.name)).toEqual(expect.arrayContaining(['web-01', 'web-02']));
    const web = result.value.hosts.find((h) => h.name === 'web-01')!;
    expect(web).toMatchObject({
      address: good.address,
      user: 'root',
      identityFile: lab.clientKeyPath,
      knownHosts: lab.knownHostsPath,
    });
  });

  it('fstab escapes blanks and backslashes the way mount reads them', () => {
    expect(bindFstab([['/var/tmp/a b\\c', '/etc/nginx']])).toBe(
      '/var/tmp/a\\040b\\134c /etc/nginx none bind 0 0\n',
    );
  });

  it('names fit the kernel: prefixes of up to 7 characters, interface names of up to 15', () => {
    expect(prefixProblem('ud')).toBeUndefined();
    expect(prefixProblem('ud-demo')).toBeUndefined();
    expect(prefixProblem('toolong1')).toMatch(/longer than 7/);
    expect(prefixProblem('u d')).toMatch(/letters and digits/);
    expect(vethName('ud-demo', 255, 244).length).toBeLessThanOrEqual(15);
    expect(bridgeName('ud-demo', 255).length).toBeLessThanOrEqual(15);
    expect(hostNameProblem('web-01')).toBeUndefined();
    expect(hostNameProblem('Web_01')).toMatch(/lower-case/);
  });

  it("lab users are appended to copies of the machine's accounts, never replacing one", () => {
    const machine = {
      passwd: 'root:x:0:0:root:/root:/bin/bash\n',
      group: 'root:x:0:\nwww-data:x:33:\n',
      shadow: 'root:*:1:0:99999:7:::\n',
    };
    const files = withUsers(machine, [{ name: 'deploy', uid: 2901, groups: ['www-data'] }]);
    expect(files.passwd).toBe(`${machine.passwd}deploy:x:2901:2901:lab user:/home/deploy:/bin/bash\n`);
    expect(files.group).toContain('www-data:x:33:deploy');
    expect(files.group).toContain('deploy:x:2901:');
    expect(files.shadow).toMatch(/^deploy:\*:/m);
    expect(() => withUsers(machine, [{ name: 'root', uid: 2902 }])).toThrow(/collides/);
    expect(() => withUsers(machine, [{ name: 'other', uid: 0 }])).toThrow(/collides/);
  });
});
