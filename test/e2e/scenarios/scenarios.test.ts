// Self-test of the scenarios: each stages what it claims. The lab's ground truth (statuses through
// nginx, error log lines, nginx -t, SSH failures, firewall rules, sudo) is checked here, and the
// expectations the end-to-end suite will hold the product to are checked for consistency with the
// files actually staged (an expected edit's `before` is the line on the host).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab, type LabHost } from '../../../lab/index.js';
import { namespacePid } from '../../../lab/pid-map.js';
import { availableScenarios, type StagedScenario } from './index.js';
import { ssh } from './ssh.js';

const scenarios = availableScenarios();
let lab: Lab;
const staged = new Map<string, StagedScenario>();

beforeAll(async () => {
  lab = await Lab.create({ prefix: 'ud' });
  // All at once: staging is mostly waiting (timeouts, process start), and this is what the e2e suite does too.
  const results = await Promise.all(scenarios.map(async (s) => [s.id, await s.stage(lab)] as const));
  for (const [id, result] of results) staged.set(id, result);
}, 180_000);

afterAll(async () => {
  await lab?.teardown();
});

function get(id: string): StagedScenario {
  const s = staged.get(id);
  if (!s) throw new Error(`scenario ${id} was not staged`);
  return s;
}

function target(s: StagedScenario): LabHost {
  if (!s.targetHost) throw new Error(`${s.id} has no target host`);
  return s.targetHost;
}

const login = (s: StagedScenario): string => {
  const host = s.targetHost;
  const address = host?.address ?? lab.ghosts.get(s.expect.target)?.address;
  return `${host?.sshUser ?? 'root'}@${address}`;
};

describe('every scenario', () => {
  it('names its target in the lab inventory and stages distinct hosts', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(26);
    for (const s of scenarios) {
      const result = get(s.id);
      expect(result.id).toBe(s.id);
      expect(result.expect.target).toBe(s.id);
      expect(lab.hosts.has(s.id) || lab.ghosts.has(s.id)).toBe(true);
    }
  });

  it.each(scenarios.map((s) => s.id))('%s: nginx answered as the scenario says', (id) => {
    const s = get(id);
    if (s.targetHost === undefined) {
      expect(s.warmed).toEqual([]);
      return;
    }
    expect(s.warmed.length).toBeGreaterThan(0);
    for (const status of s.warmed) expect(s.symptoms.statuses).toContain(status);
  });

  it.each(scenarios.filter((s) => s.id !== 'host-down').map((s) => s.id))(
    '%s: the error log holds the lines the diagnosis reads',
    async (id) => {
      const s = get(id);
      // nginx creates its error log when it starts: a host where it never ran has none.
      const log = await target(s)
        .readFile('/var/log/nginx/error.log')
        .catch(() => '');
      for (const line of s.symptoms.errorLogIncludes ?? []) expect(log).toContain(line);
      if (s.symptoms.statuses.every((st) => st === 200)) expect(log).not.toMatch(/\[(error|crit)\]/);
    },
  );

  it("every expected edit's `before` is the line as staged on the host", async () => {
    const withEdits = [...staged.values()].filter((s) => s.expect.rootCause?.fix?.edit);
    expect(withEdits.length).toBeGreaterThanOrEqual(8);
    for (const s of withEdits) {
      const edit = s.expect.rootCause!.fix!.edit!;
      const lines = (await target(s).readFile(edit.file)).split('\n');
      expect(lines[edit.line - 1], s.id).toBe(edit.before);
      expect(edit.after, s.id).not.toBe(edit.before);
    }
  });

  it('every evidence file:line exists in the staged files and is not blank', async () => {
    const withLines = [...staged.values()].filter((s) => s.expect.rootCause?.evidence.some((e) => e.line));
    expect(withLines.length).toBeGreaterThanOrEqual(15);
    for (const s of withLines) {
      for (const e of s.expect.rootCause!.evidence.filter((x) => x.file && x.line)) {
        const lines = (await target(s).readFile(e.file!)).split('\n');
        expect(lines[e.line! - 1]?.trim(), `${s.id} ${e.file}:${e.line}`).toBeTruthy();
      }
    }
  });
});

describe('configuration scenarios', () => {
  it('config-invalid: nginx -t fails at the file:line the expectation names, the old config still serves', async () => {
    const s = get('config-invalid');
    const test = await target(s).nginx.test();
    expect(test.code).not.toBe(0);
    const evidence = s.expect.rootCause!.evidence[0]!;
    expect(test.stderr).toContain(`${evidence.file}:${evidence.line}`);
    expect(test.stderr).toContain(evidence.textIncludes);
    expect(await target(s).nginx.isRunning()).toBe(true);
  });

  it.each(['config-not-reloaded', 'nginx-not-running', 'resolver-missing', 'healthy'])(
    '%s: nginx -t passes',
    async (id) => {
      const s = get(id);
      const test = await target(s).nginx.test();
      expect(test.code).toBe(0);
    },
  );

  it('config-not-reloaded: the file on disk is newer (to the second) than the running workers', async () => {
    const host = target(get('config-not-reloaded'));
    const workers = await host.nginx.workerPids();
    expect(workers.length).toBeGreaterThan(0);
    // ps inside the host numbers processes as the host does.
    const ps = await host.exec(['ps', '-o', 'lstart=', '-p', String(await namespacePid(workers[0]!))]);
    const stat = await host.exec(['stat', '-c', '%Y', '/etc/nginx/conf.d/shop.conf']);
    const workerStart = Math.floor(Date.parse(ps.stdout.trim()) / 1000);
    expect(Number(stat.stdout.trim())).toBeGreaterThan(workerStart);
    expect(await host.readFile('/etc/nginx/conf.d/shop.conf')).toContain('127.0.0.1:3000');
  });

  it('nginx-not-running: ps on the host shows no nginx (each host sees its own processes only)', async () => {
    const ps = await target(get('nginx-not-running')).exec(['ps', '-eo', 'pid=,comm=']);
    expect(ps.stdout).not.toContain('nginx');
    expect(ps.stdout).toContain('node');
    const other = await target(get('healthy')).exec(['ps', '-eo', 'pid=,args=']);
    expect(other.stdout).toContain('nginx: master process');
    expect(other.stdout.trim().split('\n').length).toBeLessThan(20);
  });
});

describe('two-host scenarios', () => {
  it.each(['firewall-reject', 'firewall-drop'])(
    '%s: the upstream host holds the rule the finding must name',
    async (id) => {
      const s = get(id);
      const appName = s.expect.rootCause!.host!;
      const app = lab.host(appName);
      const rules =
        (await app.exec(['iptables-save'])).stdout + (await app.exec(['nft', 'list', 'ruleset'])).stdout;
      for (const e of s.expect.rootCause!.evidence.filter((x) => x.textIncludes))
        expect(rules).toContain(e.textIncludes);
      // The app itself answers; only the web host is kept out.
      const fromRoot = await app.request('/', { port: 8080 });
      expect(fromRoot.status).toBe(200);
    },
  );

  it('upstream-unreachable: the app host is hidden from the inventory, the web host is listed', async () => {
    const inventory = await import('node:fs/promises').then((fs) => fs.readFile(lab.inventoryPath, 'utf8'));
    expect(inventory).toContain('upstream-unreachable:');
    expect(inventory).not.toContain('upstream-unreachable-app:');
    expect(inventory).toContain('firewall-drop-app:');
  });
});

describe('access scenarios', () => {
  it('host-key-changed: OpenSSH refuses the new key', async () => {
    const s = get('host-key-changed');
    const result = await ssh(lab, login(s), ['true']);
    expect(result.code).toBe(255);
    expect(result.stderr).toContain('REMOTE HOST IDENTIFICATION HAS CHANGED');
    expect(result.stderr).toContain(s.expect.unreachable!.messageIncludes);
  });

  it('ssh-refused: connection refused', async () => {
    const result = await ssh(lab, login(get('ssh-refused')), ['true']);
    expect(result.code).toBe(255);
    expect(result.stderr).toContain('Connection refused');
  });

  it('host-down: no route to host', async () => {
    const result = await ssh(lab, login(get('host-down')), ['true']);
    expect(result.code).toBe(255);
    expect(result.stderr).toMatch(/No route to host|timed out/);
  });

  it("deploy-sudo: deploy may run the collector's privileged commands without a password, nothing else", async () => {
    const s = get('deploy-sudo');
    expect(s.targetHost?.sshUser).toBe('deploy');
    const who = await ssh(lab, login(s), ['id', '-un']);
    expect(who.stdout.trim()).toBe('deploy');
    for (const command of [
      ['ss', '-Htlnp'],
      ['ss', '-Hxlp'],
      ['iptables-save', '-t', 'filter'],
      ['nft', '-j', 'list', 'ruleset'],
      ['/usr/sbin/nginx', '-T'],
      ['tail', '-c', '262144', '--', '/var/log/nginx/error.log'],
      ['find', '/etc/nginx/conf.d', '-maxdepth', '1', '-mindepth', '1'],
    ]) {
      const result = await ssh(lab, login(s), ['sudo', '-n', ...command]);
      expect(result.code, `${command.join(' ')}: ${result.stderr}`).toBe(0);
    }
    const ss = await ssh(lab, login(s), ['sudo', '-n', 'ss', '-Htlnp']);
    expect(ss.stdout).toContain('127.0.0.1:3000');
    const shadow = await ssh(lab, login(s), ['sudo', '-n', 'cat', '/etc/shadow']);
    expect(shadow.code).not.toBe(0);
    // Only nginx's logs may be read, and only their tail.
    const other = await ssh(lab, login(s), ['sudo', '-n', 'tail', '-c', '262144', '--', '/etc/shadow']);
    expect(other.code).not.toBe(0);
  });

  it('sudo-password: sudo -n refuses for lack of a password', async () => {
    const result = await ssh(lab, login(get('sudo-password')), ['sudo', '-n', 'true']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('a password is required');
  });
});
