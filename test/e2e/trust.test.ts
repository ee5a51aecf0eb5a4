// End to end, on fake hosts: a host never chooses the program we run as root, and the sudo rules that
// `upstream-doctor sudoers` prints grant exactly what the tool sends. A local user (here `nobody`) starts a
// process titled "nginx: master process /tmp/x/nginx -c …" while the real nginx is down, with /tmp/x/nginx a
// script that leaves a marker file if anything ever runs it; the built CLI diagnoses the host as root and as
// `deploy` through the generated rules. On the deploy host the real sudo is asked for each escalation the old
// rules allowed.
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab } from '../../lab/index.js';
import { deploySudoApply, nginxNotRunning, type StagedScenario } from '../../lab/scenarios/index.js';
import type { Report } from '../../src/model/types.js';

const BIN = new URL('../../bin/upstream-doctor.js', import.meta.url).pathname;
const MARKER = '/tmp/ud-impostor-ran';
const TITLE = 'nginx: master process /tmp/x/nginx -c /tmp/x/evil.conf';
let lab: Lab;
let rootHost: StagedScenario;
let deployHost: StagedScenario;

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        encoding: 'utf8',
        timeout: 60_000,
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, NO_COLOR: '1' },
      },
      (error, stdout, stderr) => resolve({ code: error ? (error.code as number | null) : 0, stdout, stderr }),
    );
  });
}

/** The impostor: nobody's program, its config, and a process that calls itself nginx's master (twice: one forges a root ps line). */
async function plantImpostor(s: StagedScenario): Promise<void> {
  const host = s.targetHost!;
  await host.execOk(['install', '-d', '-o', 'nobody', '-m', '0755', '/tmp/x']);
  const script = `#!/bin/sh\necho "ran as $(id -u): $*" >> ${MARKER}\n`;
  await host.execOk(['sh', '-c', `cat > /tmp/x/nginx && chmod 755 /tmp/x/nginx`], {
    user: 'nobody',
    stdin: script,
  });
  await host.execOk(['sh', '-c', 'cat > /tmp/x/evil.conf'], {
    user: 'nobody',
    stdin: 'load_module /tmp/x/evil.so;\nevents {}\n',
  });
  const forged = `x\n    1     0 root                                 9999 ${TITLE}`;
  for (const title of [TITLE, forged]) {
    await host.execOk(
      [
        'sh',
        '-c',
        'setsid perl -e "\\$0 = \\$ARGV[0]; sleep 600" "$1" </dev/null >/dev/null 2>&1 &',
        'sh',
        title,
      ],
      { user: 'nobody' },
    );
  }
  const ps = await host.execOk(['ps', '-eo', 'user:12,args']);
  expect(ps.stdout).toContain(TITLE);
}

beforeAll(async () => {
  lab = await Lab.create({ prefix: 'udt' });
  [rootHost, deployHost] = await Promise.all([
    nginxNotRunning.stage(lab, { name: 'trust-root' }),
    deploySudoApply.stage(lab, { name: 'trust-deploy' }),
  ]);
  await deployHost.targetHost!.execOk(['nginx', '-s', 'stop']);
  await plantImpostor(rootHost);
  await plantImpostor(deployHost);
}, 240_000);

afterAll(async () => {
  await lab?.teardown();
});

describe('a non-root fake master on a host with nginx down', () => {
  it.each([
    ['as root', 'trust-root'],
    ['as deploy through the generated sudo rules', 'trust-deploy'],
  ])(
    '%s: its program never runs, nginx-not-running is the root cause, the impostor is named',
    async (_, name) => {
      const run = await cli(['diagnose', '--inventory', lab.inventoryPath, '--json', name]);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      const report = JSON.parse(run.stdout) as Report;
      expect(run.code).toBe(1);
      expect(report.findings[0]!.cause).toBe('nginx-not-running');
      const impostor = report.findings.find((f) => f.cause === 'untrusted-nginx-process');
      expect(impostor?.title).toContain('nobody');
      const host = (name === 'trust-root' ? rootHost : deployHost).targetHost!;
      expect((await host.exec(['test', '-e', MARKER])).code).not.toBe(0);
    },
  );
});

describe('the rules `upstream-doctor sudoers deploy` prints, installed', () => {
  it('are what the deploy host has, and visudo finds them clean', async () => {
    const printed = await cli(['sudoers', 'deploy']);
    expect(printed.code).toBe(0);
    const host = deployHost.targetHost!;
    const installed = await host.execOk(['sh', '-c', 'cat /etc/sudoers.d/*']);
    expect(installed.stdout.replace(/\s+/g, ' ')).toContain(printed.stdout.replace(/\s+/g, ' ').trim());
    await host.execOk(['visudo', '-c']);
  });

  it.each([
    ['find -exec', ['find', '/etc/nginx', '-maxdepth', '1', '-mindepth', '1', '-exec', 'id', ';']],
    ['find without the collector options', ['find', '/etc/nginx', '-exec', 'id', ';']],
    ['cat through ..', ['cat', '--', '/etc/nginx/../shadow']],
    ['tail through ..', ['tail', '-c', '262144', '--', '/var/log/nginx/../../shadow']],
    ['nginx -t with a user config', ['/usr/sbin/nginx', '-t', '-c', '/tmp/x/evil.conf']],
    ['nginx -T with -g', ['/usr/sbin/nginx', '-T', '-g', 'load_module /tmp/x/evil.so;']],
    ['a shell', ['sh', '-c', 'id']],
    ['stat of any file with any format', ['stat', '-L', '-c', '%n', '--', '/etc/shadow']],
    ['an allowed command with one more argument', ['ss', '-Htlnp', '-K']],
  ])('refuses %s', async (_, argv) => {
    const r = await deployHost.targetHost!.exec(['sudo', '-n', '--', ...argv], { user: 'deploy' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/not allowed|password is required/);
    expect(r.stdout).not.toContain('uid=0');
  });

  it("refuses perl as nginx's user but the probe", async () => {
    const r = await deployHost.targetHost!.exec(
      ['sudo', '-n', '-u', 'www-data', '--', 'perl', '-e', 'print 1'],
      {
        user: 'deploy',
      },
    );
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
  });

  it('a full diagnosis as deploy completes with no sudo gap', async () => {
    const host = deployHost.targetHost!;
    await host.execOk(['pkill', '-u', 'nobody', 'perl']).catch(() => undefined);
    await host.execOk(['nginx']);
    const run = await cli(['diagnose', '--inventory', lab.inventoryPath, '--json', 'trust-deploy']);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.findings.map((f) => f.cause)).not.toContain('sudo-password-required');
    expect(report.findings[0]!.cause).toBe(deployHost.expect.rootCause!.cause);
    expect(run.code).toBe(deployHost.expect.exitCode);
  });
});
