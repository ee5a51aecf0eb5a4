// Remediation end to end on lab hosts over real SSH: a port-mismatch 502 becomes 200 after apply; an edit
// that passes nginx -t but does not fix the 502 is rolled back byte-identically; a file changed after the
// plan is refused; ten concurrent Apply requests through the queue apply once; a process SIGKILLed in the
// middle of an apply leaves the old or the new file, never a partial one, and nginx -t passing.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { Lab, type LabHost } from '../../lab/index.js';
import { deploySudo, diagnosisSudoers, portMismatch, SHOP_CONF } from '../../lab/scenarios/index.js';
import { shopHost, shopSite } from '../../lab/scenarios/site.js';
import { remediationSudoers } from '../../src/remediate/sudoers.js';
import { loadInventory, type Inventory, type Target } from '../../src/inventory/index.js';
import { collectTarget } from '../../src/collect/from-inventory.js';
import { reportOf } from '../../src/analyze/report.js';
import { SshTransport } from '../../src/transport/ssh.js';
import { applyPlan } from '../../src/remediate/apply.js';
import { recoverPlan } from '../../src/remediate/recover.js';
import { testPlan } from '../../src/remediate/test-plan.js';
import { PlanStore, planFromFinding, sha256Hex, type Plan } from '../../src/remediate/plan.js';
import { PlanRunner } from '../../src/remediate/runner.js';
import { AuditTrail } from '../../src/audit/trail.js';
import { Producer } from '../../src/queue/producer.js';
import { REMEDIATE_QUEUE } from '../../src/queue/names.js';
import { startWorkers } from '../../src/workers/index.js';
import { notesOf, readRecorder, recordingNotifiers, requester } from '../support/recorder.js';
import { dropPrefix, redisForTest, silentLog, testPrefix, waitFor } from '../unit/queue/support.js';

const NAMES = ['fix-ok', 'fix-dead', 'fix-changed', 'fix-race', 'fix-kill', 'fix-link'] as const;
const FAST = { reloadSettleMs: 500, verifyWindowMs: 700 };
let lab: Lab;
let inventory: Inventory;
let redis: Redis;
let dir: string;
const prefix = testPrefix();
const hosts = new Map<string, LabHost>();

beforeAll(async () => {
  lab = await Lab.create({ prefix: 'udh' });
  const staged = await Promise.all([
    ...NAMES.map((name) => portMismatch.stage(lab, { name })),
    deploySudo.stage(lab, { name: 'fix-sudo-refused' }),
  ]);
  for (const s of staged) hosts.set(s.expect.target, s.targetHost!);
  // The port mismatch on a host reached as `deploy`, with the diagnosis rules plus remediationSudoers().
  const sudoHost = await lab.addHost(
    'fix-sudo',
    shopHost(shopSite({ servers: ['127.0.0.1:8000 max_fails=3'] }), {
      backends: [{ name: 'shop', listen: { host: '127.0.0.1', port: 3000 } }],
      users: [
        { name: 'deploy', uid: 2901, sudoers: diagnosisSudoers('deploy') + remediationSudoers('deploy') },
      ],
      ssh: { user: 'deploy', sudo: true },
    }),
  );
  hosts.set('fix-sudo', sudoHost);
  const loaded = await loadInventory({ path: lab.inventoryPath });
  if (!loaded.ok) throw new Error(loaded.error.join('\n'));
  inventory = loaded.value;
  redis = redisForTest();
  dir = await mkdtemp(join(tmpdir(), 'ud-remediate-'));
}, 240_000);

afterAll(async () => {
  await lab?.teardown();
  if (redis) {
    await dropPrefix(redis, prefix);
    await redis.quit();
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

const target = (name: string): Target => inventory.hosts.find((h) => h.name === name)!;
const ssh = (name: string) => new SshTransport(target(name), { env: process.env });

/** Diagnoses the host and makes the plan of its root cause (optionally with another `after`). */
async function planFor(name: string, after?: (before: string) => string): Promise<Plan> {
  const snapshot = await collectTarget(inventory, target(name));
  const root = reportOf(snapshot).findings[0]!;
  expect(root.cause).toBe('upstream-port-mismatch');
  const edit = root.fix!.edit!;
  const finding = after
    ? { ...root, fix: { ...root.fix!, edit: { ...edit, after: after(edit.before) } } }
    : root;
  const r = planFromFinding(finding, snapshot, { requestedBy: 'U-REQ' });
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

/** Every file under /etc/nginx (dot files included) with its sha256, owner and mode. */
async function nginxTree(host: LabHost): Promise<string> {
  const r = await host.execOk([
    'sh',
    '-c',
    'find /etc/nginx -type f -printf "%p %u:%g %m\\n" | sort; find /etc/nginx -type f -print0 | sort -z | xargs -0 sha256sum',
  ]);
  return r.stdout;
}

async function withSsh<T>(name: string, fn: (t: SshTransport) => Promise<T>): Promise<T> {
  const t = ssh(name);
  await t.connect();
  try {
    return await fn(t);
  } finally {
    await t.close();
  }
}

describe('remediation on lab hosts', () => {
  it('tests a candidate with nginx -t without touching the live config', async () => {
    const host = hosts.get('fix-ok')!;
    const before = await nginxTree(host);
    const good = await planFor('fix-ok');
    const passed = await withSsh('fix-ok', (t) => testPlan(t, good));
    expect(passed.status).toBe('passed');
    const broken = await planFor('fix-ok', (b) => b.replace(';', ''));
    const failed = await withSsh('fix-ok', (t) => testPlan(t, broken));
    expect(failed.status).toBe('failed');
    expect(failed.summary).toContain('nginx -t with the edit fails');
    expect(failed.output).toContain(SHOP_CONF);
    expect(await nginxTree(host)).toBe(before);
  });

  it('applies the port fix: 502 becomes 200 through nginx, owner and mode kept, a hidden backup', async () => {
    const host = hosts.get('fix-ok')!;
    expect((await host.request()).status).toBe(502);
    const stat = (await host.execOk(['stat', '-c', '%U:%G %a', SHOP_CONF])).stdout;
    const plan = await planFor('fix-ok');
    const steps: string[] = [];
    const r = await withSsh('fix-ok', (t) =>
      applyPlan(t, plan, { ...FAST, onStep: (s) => void steps.push(`${s.step}:${s.ok}`) }),
    );
    expect(r.status, r.summary).toBe('applied');
    expect(steps).toEqual([
      'check:true',
      'backup:true',
      'write:true',
      'rename:true',
      'nginx-t:true',
      'reload:true',
      'verify:true',
    ]);
    expect((await host.request()).status).toBe(200);
    expect(await host.readFile(SHOP_CONF)).toContain('server 127.0.0.1:3000 max_fails=3;');
    expect((await host.execOk(['stat', '-c', '%U:%G %a', SHOP_CONF])).stdout).toBe(stat);
    expect(r.backup).toMatch(/^\/etc\/nginx\/conf\.d\/\.shop\.conf\.ud-backup-\d{8}T\d{6}Z-p-/);
    expect((await host.execOk(['sha256sum', r.backup!])).stdout.slice(0, 64)).toBe(plan.sha256AtDiagnosis);
    const leftovers = await host.execOk(['find', '/etc/nginx', '-name', '*.ud-tmp-*']);
    expect(leftovers.stdout).toBe('');
  });

  it('rolls back an edit that passes nginx -t but does not fix the 502: the tree is byte-identical', async () => {
    const host = hosts.get('fix-dead')!;
    const plan = await planFor('fix-dead', (b) => b.replace('127.0.0.1:8000', '127.0.0.1:3999'));
    const before = await nginxTree(host);
    const r = await withSsh('fix-dead', (t) => applyPlan(t, plan, FAST));
    expect(r.status, r.summary).toBe('rolled-back');
    expect(r.summary).toContain('back as it was');
    expect(r.steps.find((s) => s.step === 'verify')?.message).toContain('502');
    await host.execOk(['rm', '-f', r.backup!]); // the one file we add on purpose
    expect(await nginxTree(host)).toBe(before);
    // The running nginx uses the old config again (reloaded): still the original 502, the old upstream.
    expect((await host.request()).status).toBe(502);
  });

  it('refuses a plan whose file changed after the diagnosis, and changes nothing', async () => {
    const host = hosts.get('fix-changed')!;
    const plan = await planFor('fix-changed');
    await host.execOk(['sh', '-c', `echo '# edited by someone' >> ${SHOP_CONF}`]);
    const before = await nginxTree(host);
    const r = await withSsh('fix-changed', (t) => applyPlan(t, plan, FAST));
    expect(r.status).toBe('refused');
    expect(r.summary).toContain('changed since the diagnosis');
    expect(await nginxTree(host)).toBe(before);
    const t = await withSsh('fix-changed', (x) => testPlan(x, plan));
    expect(t.status).toBe('refused');
  });

  it('ten concurrent Apply requests through the queue apply once; the rest hear who asked first', async () => {
    const host = hosts.get('fix-race')!;
    const plans = new PlanStore(redis, prefix);
    const audit = new AuditTrail({ redis, prefix, file: join(dir, 'race.jsonl') });
    const plan = await planFor('fix-race');
    await plans.save(plan);
    const notifierFor = recordingNotifiers(redis, prefix);
    const workers = await startWorkers({
      connection: redis,
      prefix,
      concurrency: 4,
      notifierFor,
      loadInventory: () => loadInventory({ path: lab.inventoryPath }),
      remediationRunner: new PlanRunner({ plans, audit, applyOptions: FAST }),
      limits: { timeoutMs: 60_000, hostLockTtlMs: 10_000, hostLockWaitMs: 60_000 },
      log: silentLog,
      queues: [REMEDIATE_QUEUE],
    });
    const producer = new Producer({ connection: redis, prefix, notifierFor });
    try {
      const tickets = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          producer.requestRemediation({
            planId: plan.id,
            action: 'apply',
            target: 'fix-race',
            destination: requester(`race-${i}`),
            requestedBy: `U${i}`,
          }),
        ),
      );
      const queued = tickets.filter((t) => t.status === 'queued');
      expect(queued).toHaveLength(1);
      const first = tickets.findIndex((t) => t.status === 'queued');
      for (const t of tickets.filter((x) => x.status === 'duplicate'))
        expect(t).toMatchObject({ requestedBy: `U${first}` });
      const state = await waitFor(
        async () => {
          const s = await plans.state(plan.id);
          return s && s.status !== 'pending' && s.status !== 'applying' && s;
        },
        60_000,
        'the plan to settle',
      );
      expect(state.status, state.result).toBe('applied');
      expect(state.by).toBe(`U${first}`);
      expect((await host.request()).status).toBe(200);
      const entries = await audit.readFile({ host: 'fix-race' });
      expect(entries.filter((e) => e.action === 'apply')).toHaveLength(1);
      const heard = await readRecorder(redis, prefix, `race-${first}`);
      expect(notesOf(heard).join('\n')).toContain('nginx reloaded');
      // A later press of the same plan (a fresh job id cannot be forged: the runner's own check holds).
      const again = await new PlanRunner({ plans, audit }).run({
        jobId: 'x',
        planId: plan.id,
        action: 'apply',
        target: target('fix-race'),
        inventory,
        requestedBy: 'U-LATE',
        lease: { host: 'fix-race', token: 't', fence: 0 },
        stillHeld: async () => true,
        signal: new AbortController().signal,
        notifier: notifierFor(requester('late')),
        destination: requester('late'),
        log: silentLog,
      });
      expect(again).toMatchObject({ status: 'refused' });
      expect(again.summary).toContain(`already applied by U${first}`);
    } finally {
      await producer.close();
      await workers.close();
    }
  }, 90_000);

  it('edits the target of a symlinked config (sites-enabled style) and keeps the link', async () => {
    const host = hosts.get('fix-link')!;
    await host.execOk(['mkdir', '-p', '/etc/nginx/sites-available']);
    await host.execOk(['mv', SHOP_CONF, '/etc/nginx/sites-available/shop.conf']);
    await host.execOk(['ln', '-s', '../sites-available/shop.conf', SHOP_CONF]);
    await host.execOk(['nginx', '-s', 'reload']);
    const plan = await planFor('fix-link');
    expect(plan.file).toBe(SHOP_CONF);
    const r = await withSsh('fix-link', (t) => applyPlan(t, plan, FAST));
    expect(r.status, r.summary).toBe('applied');
    expect(r.realFile).toBe('/etc/nginx/sites-available/shop.conf');
    expect(r.backup).toMatch(/^\/etc\/nginx\/sites-available\/\.shop\.conf\.ud-backup-/);
    expect((await host.execOk(['stat', '-c', '%F', SHOP_CONF])).stdout.trim()).toBe('symbolic link');
    expect((await host.request()).status).toBe(200);
  });

  it('as a non-root user: without the apply rules it is refused and nothing changes', async () => {
    const host = hosts.get('fix-sudo-refused')!;
    const plan = await planFor('fix-sudo-refused');
    const before = await nginxTree(host);
    const r = await withSsh('fix-sudo-refused', (t) => applyPlan(t, plan, FAST));
    expect(r.status).toBe('refused');
    expect(r.summary).toContain('sudoers');
    expect(await nginxTree(host)).toBe(before);
  });

  it('as a non-root user with remediationSudoers(): nginx -t on a candidate, a rollback and an apply, all through sudo', async () => {
    const host = hosts.get('fix-sudo')!;
    expect((await host.request()).status).toBe(502);
    const before = await nginxTree(host);
    const tested = await withSsh('fix-sudo', async (t) => testPlan(t, await planFor('fix-sudo')));
    expect(tested.status, tested.summary).toBe('passed');
    const broken = await planFor('fix-sudo', (b) => b.replace(';', ''));
    const failing = await withSsh('fix-sudo', (t) => testPlan(t, broken));
    expect(failing.status, failing.summary).toBe('failed');
    expect(failing.summary).toContain('nginx -t with the edit fails');
    expect(await nginxTree(host)).toBe(before);
    expect((await host.exec(['sh', '-c', 'ls -d /tmp/upstream-doctor-test.* 2>/dev/null'])).stdout).toBe('');
    const dead = await planFor('fix-sudo', (b) => b.replace('127.0.0.1:8000', '127.0.0.1:3999'));
    const rolled = await withSsh('fix-sudo', (t) => applyPlan(t, dead, FAST));
    expect(rolled.status, rolled.summary).toBe('rolled-back');
    await host.execOk(['rm', '-f', rolled.backup!]);
    expect(await nginxTree(host)).toBe(before);
    const plan = await planFor('fix-sudo');
    const r = await withSsh('fix-sudo', (t) => applyPlan(t, plan, FAST));
    expect(r.status, r.summary).toBe('applied');
    expect((await host.request()).status).toBe(200);
    const recovered = await withSsh('fix-sudo', (t) => recoverPlan(t, plan));
    expect(recovered).toMatchObject({ file: 'new', nginxTestOk: true });
  });

  it.each(['write', 'rename'] as const)(
    'a process SIGKILLed after the %s step leaves a whole file and nginx -t passing',
    async (step) => {
      const host = hosts.get('fix-kill')!;
      const plan = await planFor('fix-kill');
      const planFile = join(dir, `plan-${step}.json`);
      await writeFile(planFile, JSON.stringify(plan));
      const script = join(dir, `kill-${step}.mts`);
      const src = (p: string) => JSON.stringify(new URL(p, import.meta.url).pathname);
      await writeFile(
        script,
        [
          `import { readFileSync } from 'node:fs';`,
          `import { loadInventory } from ${src('../../src/inventory/index.ts')};`,
          `import { SshTransport } from ${src('../../src/transport/ssh.ts')};`,
          `import { applyPlan } from ${src('../../src/remediate/apply.ts')};`,
          `const [inv, planPath, kill] = process.argv.slice(2);`,
          `const loaded = await loadInventory({ path: inv });`,
          `if (!loaded.ok) process.exit(3);`,
          `const t = new SshTransport(loaded.value.hosts.find((h) => h.name === 'fix-kill'), { env: process.env });`,
          `await t.connect();`,
          `await applyPlan(t, JSON.parse(readFileSync(planPath, 'utf8')), { afterStep: (s) => { if (s === kill) process.kill(process.pid, 'SIGKILL'); } });`,
          `process.exit(4);`,
        ].join('\n'),
      );
      const signal = await new Promise<NodeJS.Signals | null>((resolve) => {
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', script, lab.inventoryPath, planFile, step],
          {
            stdio: ['ignore', 'ignore', 'inherit'],
            cwd: new URL('../..', import.meta.url).pathname,
          },
        );
        child.on('exit', (_code, sig) => resolve(sig));
      });
      expect(signal).toBe('SIGKILL');
      const text = await host.readFile(SHOP_CONF);
      const line = text.split('\n')[plan.line - 1];
      expect(line).toBe(step === 'write' ? plan.before : plan.after);
      // Whole: the file is exactly the original, or exactly the original with the one line edited.
      const lines = text.split('\n');
      lines[plan.line - 1] = plan.before;
      expect(sha256Hex(lines.join('\n'))).toBe(plan.sha256AtDiagnosis);
      expect((await host.exec(['nginx', '-t'])).code).toBe(0);
      const temps = await host.execOk(['find', '/etc/nginx', '-name', '*.ud-tmp-*']);
      expect(
        temps.stdout
          .trim()
          .split('\n')
          .filter((l) => l !== ''),
      ).toHaveLength(step === 'write' ? 1 : 0);
      const r = await withSsh('fix-kill', (t) => recoverPlan(t, plan));
      expect(r).toMatchObject({ file: step === 'write' ? 'old' : 'new', nginxTestOk: true });
      expect((await host.execOk(['find', '/etc/nginx', '-name', '*.ud-tmp-*'])).stdout).toBe('');
    },
    60_000,
  );
});
