// The canary-first fleet fix end to end, as it runs in production: a real `upstream-doctor bot` process and
// two `upstream-doctor worker` processes (ROLLOUT_BATCH=2), real Redis, the Slack Web API stand-in, and lab
// hosts whose nginx answers 502 (port mismatch) over SSH. The test plays the sweep: it diagnoses a group's
// hosts into one thread (each diagnosis stores its own plan), saves the group of those plan ids and posts
// its offer there. Then signed presses: `Apply to canary` fixes and verifies the canary alone, and the offer
// then carries `Apply to the other N`, which rolls the rest out in batches. In a second group, a later host
// whose backend was stopped after its diagnosis fails verification: it is rolled back, the rollout stops
// after its batch, and the hosts after it are untouched: their files byte-identical (the sha256 of their
// diagnosis), no SSH login since their diagnosis, no audit entry, their plans still pending. In a third, the
// worker running the rollout is SIGKILLed in the middle of a batch: the other worker takes the rollout over,
// applies no host twice (each member's cut-short apply is checked and recovered, never redone) and stops.
// Last, a member whose plan expired stops the rollout before its batch is touched, and a member whose file
// changed since its diagnosis is refused by its own sha256: each named, with why, on the offer.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuditLine, type AuditEntry } from '../../src/audit/trail.js';
import { Producer } from '../../src/queue/producer.js';
import { PlanStore } from '../../src/remediate/plan.js';
import { createWebClient } from '../../src/slack/calls.js';
import { slackNotifierFactory } from '../../src/slack/notifier.js';
import { Lab, type LabHost } from '../../lab/index.js';
import { sshdPaths } from '../../lab/sshd.js';
import { portMismatch, SHOP_CONF } from '../../lab/scenarios/index.js';
import { redisForTest, REDIS_URL, testPrefix, waitFor } from '../unit/queue/support.js';
import { SlackApiStandIn } from '../support/slack-api.js';
import {
  cliEnv,
  spawnCli,
  startBotAndWorker,
  tearDownBotAndWorker,
  type CliProcess,
} from '../support/cli-processes.js';
import { offerGroup } from '../support/plan-groups.js';
import { blockActionsBody, postSigned } from '../support/slack-requests.js';

const TOKEN = 'xoxb-canary-e2e';
const SECRET = 'canary-e2e-secret';
const CHANNEL = 'C0FLEET';
const REQUESTER = 'U0SWEEPER';
const APPROVER = 'U0ALICE';
const OTHER_APPROVER = 'U0BOB';
const FIRST = ['ca-01', 'ca-02', 'ca-03'];
const SECOND = ['cb-01', 'cb-02', 'cb-03', 'cb-04', 'cb-05'];
const THIRD = ['cc-01', 'cc-02', 'cc-03'];
const FOURTH = ['cd-01', 'cd-02', 'cd-03'];
const FIFTH = ['ce-01', 'ce-02'];
const prefix = testPrefix();
const hosts = new Map<string, LabHost>();
let lab: Lab;
let redis: Redis;
let slack: SlackApiStandIn;
let bot: CliProcess;
let worker: CliProcess;
let secondWorker: CliProcess;
let producer: Producer;
let dir: string;
let events: string;

const client = () => createWebClient({ token: TOKEN, slackApiUrl: slack.url });
const textOf = (m: { text?: string; blocks?: unknown[] }) =>
  `${m.text ?? ''}\n${JSON.stringify(m.blocks ?? [])}`;
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const logins = async (name: string) =>
  (await readFile(sshdPaths(hosts.get(name)!.dir).log, 'utf8').catch(() => ''))
    .split('\n')
    .filter((l) => l.includes('Accepted')).length;

beforeAll(async () => {
  lab = await Lab.create({ prefix: 'udca' });
  for (const name of [...FIRST, ...SECOND, ...THIRD, ...FOURTH, ...FIFTH])
    hosts.set(name, (await portMismatch.stage(lab, { name, warm: false })).targetHost!);
  redis = redisForTest();
  dir = await mkdtemp(join(tmpdir(), 'ud-canary-'));
  slack = await SlackApiStandIn.start({ token: TOKEN });
  const env = {
    ...cliEnv({ token: TOKEN, secret: SECRET, slackUrl: slack.url, redisUrl: REDIS_URL, prefix }),
    // The sweep's requester is an approver too: only the four-eyes rule stops them approving their own sweep.
    APPROVERS: `${APPROVER},${OTHER_APPROVER},${REQUESTER}`,
    FOUR_EYES: 'true',
    AUDIT_LOG: join(dir, 'audit.jsonl'),
    ROLLOUT_BATCH: '2',
    // A killed worker's rollout and host locks are taken over within seconds, not the default half minute.
    WORKER_LOCK_DURATION_MS: '2000',
    WORKER_STALLED_INTERVAL_MS: '1000',
    HOST_LOCK_TTL_MS: '3000',
  };
  ({ bot, worker, events } = await startBotAndWorker(lab.inventoryPath, env));
  secondWorker = spawnCli(['worker', '--inventory', lab.inventoryPath], env);
  await secondWorker.waitForLog((l) => l.msg === 'workers started', 60_000);
  producer = new Producer({
    connection: redis,
    prefix,
    notifierFor: slackNotifierFactory({ client: client() }),
  });
}, 300_000);

afterAll(async () => {
  await producer?.close();
  await secondWorker?.stop();
  await tearDownBotAndWorker({ bot, worker, slack, lab, redis, prefix, dir });
});

async function audit(): Promise<AuditEntry[]> {
  const text = await readFile(join(dir, 'audit.jsonl'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => parseAuditLine(l)!);
}

interface Sweep {
  parentTs: string;
  offerTs: string;
  groupId: string;
  /** Host → its own plan id. */
  plans: Map<string, string>;
}

/** What the sweep does: one thread, every host diagnosed into it (a plan each), then the group's offer. */
async function sweep(names: string[]): Promise<Sweep> {
  const parent = await client().chat.postMessage({ channel: CHANNEL, text: `Sweep of ${names.join(', ')}` });
  const parentTs = String(parent.ts);
  const destination = { kind: 'slack' as const, channel: CHANNEL, threadTs: parentTs, userId: REQUESTER };
  for (const target of names) await producer.requestDiagnosis({ target, destination });
  const offerOf = (name: string) =>
    slack
      .replies(CHANNEL, parentTs)
      .find((m) => textOf(m).includes('remediation_apply') && (m.text ?? '').includes(`fix for ${name}:`));
  await slack.waitFor(() => names.every((n) => offerOf(n)), 180_000, `the offers for ${names.join(', ')}`);
  const plans = new Map(
    names.map((n) => [n, /"value":"(p-[A-Za-z0-9_-]+)"/.exec(JSON.stringify(offerOf(n)!.blocks))![1]!]),
  );
  const { group, offerTs } = await offerGroup({
    redis,
    prefix,
    client: client(),
    thread: { channel: CHANNEL, threadTs: parentTs },
    requestedBy: REQUESTER,
    planIds: names.map((n) => plans.get(n)!),
  });
  return { parentTs, offerTs, groupId: group.id, plans };
}

/** A signed press of a button on the group's offer, as Slack sends it. */
function press(s: Sweep, action: string, user: string, responseId: string) {
  return postSigned(
    events,
    blockActionsBody({
      action_id: action,
      value: s.groupId,
      block_id: 'group_remediation',
      user_id: user,
      channel_id: CHANNEL,
      message_ts: s.offerTs,
      thread_ts: s.parentTs,
      response_url: slack.responseUrl(responseId),
    }),
    { secret: SECRET },
  );
}

async function answer(responseId: string): Promise<string> {
  await slack.waitFor(() => slack.responses(responseId).length > 0, 10_000, `the answer to ${responseId}`);
  return String(slack.responses(responseId)[0]!.text);
}

const offerText = (s: Sweep) => textOf(slack.messages.get(s.offerTs)!);

/** The thread's reply holding one host's steps (each member's apply has a reply of its own). */
const stepsOf = (s: Sweep, name: string) =>
  slack
    .replies(CHANNEL, s.parentTs)
    .filter((m) => (m.blocks ?? []).length > 0 && JSON.stringify(m.blocks![0]).includes(`\`${name}\``))
    .map(textOf)
    .filter((t) => t.includes('unchanged since the diagnosis'));

describe('canary-first fleet fix through Slack, a bot and two workers as processes', () => {
  it('Apply to canary fixes and verifies the canary alone; Apply to the other 2 then rolls them out: 3 of 3', async () => {
    for (const name of FIRST) expect((await hosts.get(name)!.request()).status).toBe(502);
    const s = await sweep(FIRST);
    const before = new Map(
      await Promise.all(FIRST.map(async (n) => [n, await hosts.get(n)!.readFile(SHOP_CONF)] as const)),
    );
    expect(offerText(s)).toContain('Apply to canary');

    // Refusals: four eyes, an outsider, the rest before the canary. Nothing changes.
    expect((await press(s, 'remediation_apply_canary', REQUESTER, 'self')).status).toBe(200);
    expect(await answer('self')).toContain('Four-eyes rule');
    expect((await press(s, 'remediation_apply_canary', 'U0MALLORY', 'outsider')).status).toBe(200);
    expect(await answer('outsider')).toContain('not an approver');
    expect((await press(s, 'remediation_apply_rest', APPROVER, 'early')).status).toBe(200);
    expect(await answer('early')).toContain('press Apply to canary first');

    // Six presses of Apply to canary at once: one canary run; the others hear it is taken.
    const presses = Array.from({ length: 6 }, (_, i) => i);
    await Promise.all(
      presses.map((i) =>
        press(s, 'remediation_apply_canary', i % 2 ? APPROVER : OTHER_APPROVER, `canary-${i}`),
      ),
    );
    await slack.waitFor(
      () => offerText(s).includes('applied and verified') && offerText(s).includes('remediation_apply_rest'),
      120_000,
      'the canary verified on the offer, with Apply to the other 2',
    );
    const answered = () => presses.filter((i) => slack.responses(`canary-${i}`).length > 0);
    await slack.waitFor(() => answered().length >= 5, 10_000, 'five refusals');
    expect(answered()).toHaveLength(5);
    for (const i of answered())
      expect(String(slack.responses(`canary-${i}`)[0]!.text)).toMatch(/being applied|already applied/);
    expect(offerText(s)).toContain('Apply to the other 2');
    expect((await hosts.get('ca-01')!.request()).status).toBe(200);
    // The other two wait for the next press: as diagnosed, and never touched.
    for (const name of ['ca-02', 'ca-03']) {
      expect((await hosts.get(name)!.request()).status).toBe(502);
      expect(await hosts.get(name)!.readFile(SHOP_CONF)).toBe(before.get(name));
    }
    expect((await audit()).filter((e) => e.host === 'ca-02' || e.host === 'ca-03')).toEqual([]);
    expect(stepsOf(s, 'ca-01').join('\n')).toContain('nginx reloaded');

    expect((await press(s, 'remediation_apply_rest', OTHER_APPROVER, 'rest')).status).toBe(200);
    await slack.waitFor(
      () => offerText(s).includes('rolled out to 3 of 3 hosts'),
      120_000,
      'the rollout finished on the offer',
    );
    expect(offerText(s)).not.toContain('remediation_apply_');
    for (const name of FIRST) {
      expect((await hosts.get(name)!.request()).status, name).toBe(200);
      expect(await hosts.get(name)!.readFile(SHOP_CONF)).toBe(
        before.get(name)!.replace('127.0.0.1:8000', '127.0.0.1:3000'),
      );
      // One reply per host in the thread: its steps and its outcome.
      const steps = stepsOf(s, name);
      expect(steps, name).toHaveLength(1);
      expect(steps[0]).toContain('nginx reloaded');
      expect(steps[0]).toContain('applied and verified');
    }
    const thread = textOf({ blocks: slack.replies(CHANNEL, s.parentTs) });
    expect(thread).toContain('batch 1/1: ca-02, ca-03 applied and verified');

    // Every host audited on its own: requested (by whoever pressed its stage), started, applied.
    const entries = await audit();
    for (const name of FIRST) {
      const own = entries.filter((e) => e.host === name && e.planId === s.plans.get(name));
      expect(
        own.map((e) => e.action),
        name,
      ).toEqual(['request', 'approval', 'apply']);
      expect(own.at(-1)!.result).toMatch(/^applied/);
      expect(own[0]!.user).toMatch(name === 'ca-01' ? /^U0(ALICE|BOB)$/ : new RegExp(`^${OTHER_APPROVER}$`));
    }
    // The refused presses, each audited: four eyes, the outsider, the early rest, the five late canaries.
    expect(entries.filter((e) => e.action === 'refusal' && e.planId === s.groupId)).toHaveLength(3 + 5);
    expect(slack.violations).toEqual([]);
  }, 420_000);

  it('a later host that fails verification: rolled back, the rollout stops after its batch, the hosts after it untouched', async () => {
    const s = await sweep(SECOND);
    const plans = new PlanStore(redis, prefix);
    const before = new Map(
      await Promise.all(SECOND.map(async (n) => [n, await hosts.get(n)!.readFile(SHOP_CONF)] as const)),
    );
    // cb-03's app goes away after its diagnosis: the edit passes nginx -t, but the reload cannot cure the 502.
    await hosts.get('cb-03')!.backend('shop').stop();
    const loginsBefore = new Map(
      await Promise.all(['cb-04', 'cb-05'].map(async (n) => [n, await logins(n)] as const)),
    );

    expect((await press(s, 'remediation_apply_canary', APPROVER, 'canary')).status).toBe(200);
    await slack.waitFor(
      () => offerText(s).includes('remediation_apply_rest'),
      120_000,
      'the canary verified, with Apply to the other 4',
    );
    expect(offerText(s)).toContain('Apply to the other 4');
    expect((await press(s, 'remediation_apply_rest', APPROVER, 'rest')).status).toBe(200);
    await slack.waitFor(() => offerText(s).includes('stopped at cb-03'), 180_000, 'the stop on the offer');
    const outcome = offerText(s);
    expect(outcome).toContain('not fixed');
    expect(outcome).toContain('2 untouched (cb-04, cb-05)');
    expect(outcome).not.toContain('remediation_apply_');

    // The canary and cb-02 (in cb-03's batch) are fixed; cb-03 is back as it was.
    for (const name of ['cb-01', 'cb-02']) expect((await hosts.get(name)!.request()).status, name).toBe(200);
    const rolledBack = await hosts.get('cb-03')!.readFile(SHOP_CONF);
    expect(rolledBack).toBe(before.get('cb-03'));
    expect(sha256(rolledBack)).toBe((await plans.get(s.plans.get('cb-03')!))!.sha256AtDiagnosis);
    expect(stepsOf(s, 'cb-03').join('\n')).toContain('the host is back as it was');
    expect((await plans.state(s.plans.get('cb-03')!))!.status).toBe('rolled-back');

    // The hosts after the stop: byte-identical, no login since their diagnosis, no audit entry, plan pending.
    const entries = await audit();
    for (const name of ['cb-04', 'cb-05']) {
      const text = await hosts.get(name)!.readFile(SHOP_CONF);
      expect(text, name).toBe(before.get(name));
      expect(sha256(text)).toBe((await plans.get(s.plans.get(name)!))!.sha256AtDiagnosis);
      expect((await hosts.get(name)!.request()).status).toBe(502);
      expect(await logins(name)).toBe(loginsBefore.get(name));
      expect(entries.filter((e) => e.host === name)).toEqual([]);
      expect((await plans.state(s.plans.get(name)!))!.status).toBe('pending');
      expect(stepsOf(s, name)).toEqual([]);
    }
    const cb03 = entries.filter((e) => e.host === 'cb-03').map((e) => e.action);
    expect(cb03).toEqual(['request', 'approval', 'rollback']);
    // The rest cannot be pressed again: the rollout is over.
    expect((await press(s, 'remediation_apply_rest', OTHER_APPROVER, 'again')).status).toBe(200);
    expect(await answer('again')).toContain('stopped');
    await waitFor(async () => (await audit()).length > entries.length, 10_000, 'the refusal audited');
    expect(slack.violations).toEqual([]);
  }, 420_000);

  it('the worker running a batch SIGKILLed mid-apply: the other worker takes the rollout over, applies no host twice, and stops', async () => {
    const s = await sweep(THIRD);
    const original = await hosts.get('cc-02')!.readFile(SHOP_CONF);
    expect((await press(s, 'remediation_apply_canary', APPROVER, 'canary')).status).toBe(200);
    await slack.waitFor(
      () => offerText(s).includes('remediation_apply_rest'),
      120_000,
      'the canary verified',
    );
    expect((await press(s, 'remediation_apply_rest', APPROVER, 'rest')).status).toBe(200);
    // The first change to a host of the batch is its backup: kill the rollout's worker when the thread shows one.
    await slack.waitFor(
      () => ['cc-02', 'cc-03'].some((n) => stepsOf(s, n).some((t) => t.includes('✓ backup:'))),
      60_000,
      'a backup in the batch',
    );
    const runsIt = (p: CliProcess) =>
      p.logs.some((l) => l.msg === 'rollout started' && l.groupId === s.groupId && l.stage === 'rest');
    const victim = [worker, secondWorker].find(runsIt)!;
    expect(victim).toBeDefined();
    victim.child.kill('SIGKILL');
    await victim.exited;
    const survivor = victim === worker ? secondWorker : worker;

    await slack.waitFor(() => offerText(s).includes('stopped at cc-0'), 120_000, 'the stop on the offer');
    expect(runsIt(survivor)).toBe(true);
    expect(offerText(s)).toContain('interrupted (worker lost), not applied again');
    const entries = await audit();
    for (const name of ['cc-02', 'cc-03']) {
      const text = await hosts.get(name)!.readFile(SHOP_CONF);
      // A whole file, old or new, that nginx accepts; and the host started at most once.
      expect([original, original.replace('127.0.0.1:8000', '127.0.0.1:3000')]).toContain(text);
      expect((await hosts.get(name)!.exec(['nginx', '-t'])).code).toBe(0);
      const own = entries.filter((e) => e.host === name);
      expect(own.filter((e) => e.action === 'approval').length, name).toBeLessThanOrEqual(1);
    }
    const interrupted = entries.filter((e) =>
      /interrupted \(worker lost\), not applied again/.test(e.result),
    );
    expect(interrupted.length).toBeGreaterThanOrEqual(1);
    expect(slack.violations).toEqual([]);
  }, 420_000);

  it('a member whose plan expired stops the rollout before its batch; one whose file changed is refused by its own sha256', async () => {
    const plans = new PlanStore(redis, prefix);
    const d = await sweep(FOURTH);
    const e = await sweep(FIFTH);
    const before = new Map(
      await Promise.all(
        [...FOURTH, ...FIFTH].map(async (n) => [n, await hosts.get(n)!.readFile(SHOP_CONF)] as const),
      ),
    );
    // cd-02's plan expires (as if its diagnosis were old); someone edits ce-02's file after its diagnosis.
    const stale = d.plans.get('cd-02')!;
    const plan = (await plans.get(stale))!;
    const past = new Date(Date.now() - 1000).toISOString();
    await redis.set(
      `${prefix}:remediation:plan:${stale}`,
      JSON.stringify({ ...plan, expiresAt: past }),
      'KEEPTTL',
    );
    await redis.hset(`${prefix}:remediation:plan:${stale}:state`, 'expiresAtMs', String(Date.parse(past)));
    const edited = `${before.get('ce-02')}# edited by hand after the diagnosis\n`;
    await hosts.get('ce-02')!.fs.writeFile(SHOP_CONF, edited);

    for (const s of [d, e]) {
      expect((await press(s, 'remediation_apply_canary', APPROVER, `canary-${s.groupId}`)).status).toBe(200);
      await slack.waitFor(
        () => offerText(s).includes('remediation_apply_rest'),
        120_000,
        'the canary verified',
      );
      expect((await press(s, 'remediation_apply_rest', APPROVER, `rest-${s.groupId}`)).status).toBe(200);
    }
    await slack.waitFor(() => offerText(d).includes('stopped at cd-02'), 120_000, 'the stop at cd-02');
    await slack.waitFor(() => offerText(e).includes('stopped at ce-02'), 120_000, 'the stop at ce-02');
    expect(offerText(d)).toContain(`the plan of cd-02 expired at ${past}`);
    expect(offerText(d)).toContain('1 untouched (cd-03)');
    expect(offerText(e)).toContain('changed since the diagnosis');
    const entries = await audit();
    // The expired member's batch was never touched: both files as diagnosed, no login, only cd-02's refusal.
    for (const name of ['cd-02', 'cd-03']) {
      expect(await hosts.get(name)!.readFile(SHOP_CONF), name).toBe(before.get(name));
      expect((await hosts.get(name)!.request()).status).toBe(502);
    }
    expect(entries.filter((x) => x.host === 'cd-02').map((x) => x.action)).toEqual(['refusal']);
    expect(entries.filter((x) => x.host === 'cd-03')).toEqual([]);
    // ce-02 keeps the hand edit: nothing was written, and the refusal is its audit entry.
    expect(await hosts.get('ce-02')!.readFile(SHOP_CONF)).toBe(edited);
    expect(entries.filter((x) => x.host === 'ce-02').map((x) => x.action)).toEqual([
      'request',
      'approval',
      'refusal',
    ]);
    expect(slack.violations).toEqual([]);
  }, 420_000);
});
