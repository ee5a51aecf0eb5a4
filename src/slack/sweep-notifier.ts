// The Slack side of a fleet sweep. Each host of a sweep is an ordinary diagnose job whose destination carries
// the sweep id; for such a destination the NotifierFactory returns a notifier that records the host's answer
// in the sweep (src/queue/sweep.ts) instead of posting a thread of its own. Every worker (and the bot, which
// answers a host that finished as the sweep joined it) records through a SweepCoordinator:
//
// - progress: the parent is edited to "N of M done" at most every `progressIntervalMs` across all processes
//   (one Redis key is the throttle; a 429's Retry-After holds it for everyone), with one trailing edit per
//   process so the count does not stall until the end;
// - the end: whoever records the last host (the count is atomic) claims the final verdict, posts one reply per
//   group (its hosts, the shared evidence once, and, when every host of the group stored a plan for the same
//   edit in this thread, the group's `Apply to canary` offer), then edits the parent to the verdict. A failed
//   job is recorded by its last word (src/queue/last-word.ts) like any answer: "could not be diagnosed".
// - the verdict is never lost: a failed attempt is tried again; each part posted is remembered in the sweep
//   (and each offered group's PlanGroup id), so a retry or a takeover posts only the rest; whoever records a
//   host "again" with the sweep complete (BullMQ re-running the stalled job of a finisher that died) waits
//   for the verdict and takes over when the claim is given up or lapses;
// - a progress edit never stays over the verdict: it is marked in one step with the check of the claim (the
//   verdict waits for it), and one that outlasted that wait and landed after it is followed by the verdict.
import {
  editChange,
  failedVerdict,
  groupVerdicts,
  verdictOf,
  type FleetGroup,
  type FleetSummary,
} from '../analyze/fleet.js';
import type { Destination, Notifier, NotifierFactory, ProposedFix } from '../queue/notifier.js';
import type { SweepOutcome, SweepRecord, SweepStore } from '../queue/sweep.js';
import { newGroupId, type PlanGroup, type PlanGroupStore } from '../remediate/plan-group.js';
import type { PlanStore } from '../remediate/plan.js';
import { PLAIN } from '../render/report-text.js';
import { renderFleetSummary } from '../render/fleet-text.js';
import type { SlackMessage } from './blocks.js';
import { section } from './blocks.js';
import {
  describeSlackError,
  FINAL_ANSWER_RETRY,
  NO_RETRY,
  realSleep,
  retryAfterOf,
  type RetryPolicy,
  type Sleep,
  slackErrorCode,
  type WebClient,
} from './calls.js';
import { renderGroupOffer } from './group-offer.js';
import { postInThread, updateMessage, uploadToThread } from './thread-calls.js';
import type { NotifierLog } from './notifier.js';
import type { ThreadFile } from './render.js';
import { renderGroupReply, renderSweepProgress, renderSweepVerdict, withOffer } from './sweep-render.js';

/** Longest a progress edit is waited for by the verdict (it is one call without retries). */
const EDIT_IN_FLIGHT_MS = 15_000;

/** Waits before the verdict is tried again after a failure (Slack 5xx, a timeout, a Redis blip). */
const FINAL_RETRY_DELAYS_MS = [2000, 10_000, 30_000];

/** Group replies posted one by one; the groups past these are one more reply and a text file. */
export const MAX_GROUP_REPLIES = 40;

export interface SweepCoordinatorOptions {
  client: WebClient;
  store: SweepStore;
  /** Where the hosts' plans are: a group is offered only for plans offered in the sweep's thread. */
  plans?: PlanStore;
  /** Where group offers are saved; without it (remediation off) groups show the fix text, no button. */
  groups?: PlanGroupStore;
  log?: NotifierLog;
  /** Least time between two edits of the parent, across every process (default 2 s). */
  progressIntervalMs?: number;
  /** Rate-limit retry of the group replies and the verdict. */
  retry?: RetryPolicy;
  sleep?: Sleep;
  /** Names this process in the final claim. */
  owner?: string;
  /** How long a claim of the final verdict holds before another process may take over (default 120 s). */
  finalLeaseMs?: number;
  /** Waits before each new attempt of a verdict that failed (default 2 s, 10 s, 30 s; within the lease). */
  finalRetryDelaysMs?: readonly number[];
  /** Longest the verdict waits for a progress edit on its way (default 15 s). */
  editInFlightMs?: number;
}

const SILENT: NotifierLog = { warn: () => undefined, info: () => undefined };

/** Why a group gets no `Apply to canary`, or the group to offer. */
type Offer = { group: PlanGroup; why?: undefined } | { group?: undefined; why?: string };

export class SweepCoordinator {
  private readonly client: WebClient;
  private readonly store: SweepStore;
  private readonly log: NotifierLog;
  private readonly interval: number;
  private readonly retry: RetryPolicy;
  private readonly sleep: Sleep;
  private readonly owner: string;
  private readonly finalLeaseMs: number;
  private readonly finalRetryDelays: readonly number[];
  private readonly editInFlightMs: number;
  /** One trailing progress edit per sweep in this process. */
  private readonly trailing = new Map<string, NodeJS.Timeout>();

  constructor(private readonly options: SweepCoordinatorOptions) {
    this.client = options.client;
    this.store = options.store;
    this.log = options.log ?? SILENT;
    this.interval = options.progressIntervalMs ?? 2000;
    this.retry = options.retry ?? FINAL_ANSWER_RETRY;
    this.sleep = options.sleep ?? realSleep;
    this.owner = options.owner ?? `pid-${process.pid}`;
    this.finalLeaseMs = options.finalLeaseMs ?? 120_000;
    this.finalRetryDelays = options.finalRetryDelaysMs ?? FINAL_RETRY_DELAYS_MS;
    this.editInFlightMs = options.editInFlightMs ?? EDIT_IN_FLIGHT_MS;
  }

  /** Stores a new sweep over `hosts`; its parent message is already posted (`parentTs`). */
  begin(
    about: Omit<SweepRecord, 'id' | 'total' | 'createdAt'>,
    hosts: readonly string[],
  ): Promise<SweepRecord> {
    return this.store.create(about, hosts);
  }

  /** The notifier of one host's job in a sweep. */
  notifierFor(destination: Destination): Notifier {
    return new SweepHostNotifier(destination, this, this.log);
  }

  /** Records one host's answer; the last one writes the verdict. Errors reach the caller (deliverOnce). */
  async record(destination: Destination, outcome: SweepOutcome): Promise<void> {
    const id = destination.sweep;
    if (id === undefined) throw new Error('not a sweep destination');
    const r = await this.store.record(id, outcome);
    if (r.status === 'unknown') {
      this.log.warn(
        { sweep: id, host: outcome.verdict.host },
        'sweep expired or host not in it: answer dropped',
      );
      return;
    }
    if (r.done < r.total) return this.progress(id);
    return this.finish(id);
  }

  /** Edits the parent to the latest count when no process did in the last interval; else once later. */
  private async progress(id: string): Promise<void> {
    if (!(await this.store.claimEdit(id, this.interval))) return this.later(id);
    const record = await this.store.get(id);
    if (!record) return;
    const { done } = await this.store.progress(id);
    // Marked in one step with the check of the final claim: the verdict either stops it or waits for it.
    if (!(await this.store.startEdit(id, this.editInFlightMs))) return;
    try {
      await this.update(record, renderSweepProgress(record, done), NO_RETRY);
    } catch (err) {
      await this.store.edited(id);
      const retryAfter = retryAfterOf(err);
      if (retryAfter !== undefined) await this.store.holdEdits(id, retryAfter * 1000);
      this.log.warn({ err: describeSlackError(err), sweep: id }, 'sweep progress not shown');
      return this.later(id);
    }
    await this.store.edited(id);
    // It outlasted its mark and landed after the verdict: the verdict again (the finisher checks too).
    if ((await this.store.finalState(id)).state === 'done') await this.resendVerdict(record);
  }

  /**
   * One trailing edit of this sweep's parent in this process, an interval from now (after a 429 it finds the
   * hold still there and waits another interval).
   */
  private later(id: string): void {
    if (this.trailing.has(id)) return;
    const timer = setTimeout(() => {
      this.trailing.delete(id);
      this.progress(id).catch((err: unknown) =>
        this.log.warn({ err: describeSlackError(err), sweep: id }, 'sweep progress not shown'),
      );
    }, this.interval + 20);
    timer.unref();
    this.trailing.set(id, timer);
  }

  /**
   * The verdict, once. Whoever cannot claim it waits until it is written, and takes over when the claim is
   * given up or its lease lapses (its process died: BullMQ runs the stalled job again, whose answer records
   * as "again" and lands here). A failed attempt is tried again after `finalRetryDelaysMs`; what was posted
   * stays posted (the sweep remembers it), so a retry or a takeover posts only the rest.
   */
  private async finish(id: string): Promise<void> {
    if (!(await this.claimOrWait(id))) return;
    const pending = this.trailing.get(id);
    if (pending) clearTimeout(pending);
    this.trailing.delete(id);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.writeVerdict(id);
      } catch (err) {
        const delay = this.finalRetryDelays[attempt];
        const ours =
          delay !== undefined &&
          (await this.store.renewFinal(id, this.owner, this.finalLeaseMs).catch(() => false));
        if (!ours) {
          await this.store.releaseFinal(id, this.owner).catch(() => undefined);
          throw err;
        }
        this.log.warn(
          { err: describeSlackError(err), sweep: id, attempt: attempt + 1, retryInMs: delay },
          'sweep verdict not written: trying again',
        );
        await this.sleep(delay);
      }
    }
  }

  /** True once this process holds the final claim; false when the verdict is written by someone else. */
  private async claimOrWait(id: string): Promise<boolean> {
    for (;;) {
      if (await this.store.claimFinal(id, this.owner, this.finalLeaseMs)) return true;
      const { state, leftMs } = await this.store.finalState(id);
      if (state === 'done') return false;
      if (state === 'finishing') await this.sleep(Math.max(20, Math.min(leftMs, 250)));
    }
  }

  /** One reply per group (the parts not posted yet), then the parent. */
  private async writeVerdict(id: string): Promise<void> {
    const record = await this.store.get(id);
    if (!record) return;
    const outcomes = await this.store.outcomes(id);
    const byHost = new Map(outcomes.map((o) => [o.verdict.host, o]));
    const summary = groupVerdicts(outcomes.map((o) => o.verdict));
    const posted = await this.store.posted(id);
    const once = async (part: string, send: () => Promise<void>): Promise<void> => {
      if (posted.has(part)) return;
      // A lease that lapsed (a long Retry-After) may be someone else's now: never post beside them.
      if (!(await this.store.renewFinal(id, this.owner, this.finalLeaseMs)))
        throw new Error(`sweep ${id}: the final claim lapsed, another process writes the verdict`);
      await send();
      await this.store.markPosted(id, part);
    };
    const shown = summary.groups.slice(0, MAX_GROUP_REPLIES);
    for (const [i, group] of shown.entries()) {
      const offer = await this.offerFor(record, group, byHost, posted.get(`${i}:offer`));
      if (offer.group && posted.get(`${i}:offer`) !== offer.group.id)
        await this.store.markPosted(id, `${i}:offer`, offer.group.id);
      const reply = renderGroupReply(group, i, { offered: offer.group !== undefined, noOffer: offer.why });
      const messages = offer.group
        ? withOffer(reply.message, renderGroupOffer(offer.group))
        : [reply.message];
      for (const [j, m] of messages.entries()) await once(`${i}:${j}`, () => this.post(record, m));
      const file = reply.file;
      if (file) await once(`${i}:file`, () => this.upload(record, file));
    }
    const rest = summary.groups.slice(MAX_GROUP_REPLIES);
    if (rest.length > 0) await once('rest', () => this.postRest(record, rest, summary.total));
    // A progress edit still on its way must land before the verdict, never after it.
    for (
      const end = Date.now() + this.editInFlightMs;
      Date.now() < end && (await this.store.editInFlight(id));
    )
      await this.sleep(50);
    const verdict = renderSweepVerdict(record, summary);
    const landed = await this.store.editsLanded(id);
    await this.update(record, verdict, this.retry);
    await this.store.finalDone(id);
    // One that outlasted the wait may have landed over it: the verdict again (that edit checks too).
    if ((await this.store.editsLanded(id)) !== landed) await this.resendVerdict(record, summary);
    this.log.info({ sweep: id, hosts: summary.total, groups: summary.groups.length }, 'sweep verdict posted');
  }

  /** The verdict edit once more, over a progress edit that landed after it. */
  private async resendVerdict(record: SweepRecord, known?: FleetSummary): Promise<void> {
    try {
      const summary = known ?? groupVerdicts((await this.store.outcomes(record.id)).map((o) => o.verdict));
      const message = renderSweepVerdict(record, summary);
      await updateMessage(this.client, record.channel, record.parentTs, message, this.retry, this.sleep);
    } catch (err) {
      this.log.warn({ err: describeSlackError(err), sweep: record.id }, 'sweep verdict not shown again');
    }
  }

  /** The groups past MAX_GROUP_REPLIES: one reply that counts them, the text of each in a file. */
  private async postRest(record: SweepRecord, rest: FleetGroup[], total: number): Promise<void> {
    const hosts = rest.reduce((n, g) => n + g.hosts.length, 0);
    const line = `+${rest.length} more groups (${hosts} hosts): each in the attached file`;
    await this.post(record, { text: line, blocks: [section(line)] });
    const text = renderFleetSummary({ total, groups: rest, exitCode: 0 }, PLAIN)
      .split('\n')
      .slice(2)
      .join('\n');
    await this.upload(record, {
      filename: 'sweep-more-groups.txt',
      title: 'More groups of the sweep',
      content: text,
    });
  }

  /**
   * The group's offer: when it is a failing group with one edit, every host of it stored a plan (not
   * withheld) and those plans were offered in this sweep's thread, a PlanGroup saved (canary first: its
   * first host); otherwise why not, for the reply (its fix is shown as text).
   */
  private async offerFor(
    record: SweepRecord,
    group: FleetGroup,
    byHost: Map<string, SweepOutcome>,
    /** The PlanGroup an earlier attempt of this verdict saved for this group: offered again as it is. */
    savedId?: string,
  ): Promise<Offer> {
    const { groups, plans } = this.options;
    if (group.status !== 'failing' || !group.edit || !groups) return {};
    const saved = savedId === undefined ? undefined : await groups.get(savedId);
    if (saved) return { group: saved };
    const fixes = group.hosts.map((h) => byHost.get(h)?.fix);
    const withheld = fixes.find((f): f is ProposedFix & { withheld: string } => f?.withheld !== undefined);
    if (withheld) return { why: `no Apply to canary: the fix is withheld (${withheld.withheld})` };
    const missing = fixes.filter((f) => f === undefined).length;
    if (missing > 0)
      return { why: `no Apply to canary: ${missing} of ${group.hosts.length} hosts have no stored plan` };
    const offered = fixes as (ProposedFix & { id: string; expiresAt: string })[];
    if (plans) {
      for (const f of offered) {
        const plan = await plans.get(f.id);
        const here =
          plan?.offeredIn?.channel === record.channel && plan.offeredIn.threadTs === record.parentTs;
        if (!here) return { why: `no Apply to canary: the plan of ${f.host} was offered in another thread` };
      }
    }
    const expiresAt = offered.map((f) => f.expiresAt).sort()[0]!;
    if (Date.parse(expiresAt) <= Date.now()) return { why: 'no Apply to canary: the plans expired' };
    const first = offered[0]!;
    const planGroup: PlanGroup = {
      id: newGroupId(),
      cause: group.cause ?? '',
      file: group.edit.file,
      line: group.edit.line,
      summary: first.summary,
      unifiedDiff: first.unifiedDiff,
      members: offered.map((f) => ({ host: f.host, planId: f.id })),
      offeredIn: { channel: record.channel, threadTs: record.parentTs },
      requestedBy: record.userId,
      createdAt: new Date().toISOString(),
      expiresAt,
    };
    await groups.save(planGroup);
    this.log.info(
      { sweep: record.id, group: planGroup.id, hosts: offered.length, change: editChange(group.edit) },
      'sweep group offered',
    );
    return { group: planGroup };
  }

  private async post(record: SweepRecord, message: SlackMessage): Promise<void> {
    await postInThread(this.client, placeOf(record), message, this.retry, this.sleep);
  }

  private async upload(record: SweepRecord, file: ThreadFile): Promise<void> {
    try {
      await uploadToThread(this.client, placeOf(record), file, this.retry, this.sleep);
    } catch (err) {
      // The reply names the first hosts and the count; the file is the rest of the list.
      this.log.warn({ err: describeSlackError(err), sweep: record.id }, 'sweep file not uploaded');
    }
  }

  /** Edits the parent; when someone deleted it, the message goes into the thread instead. */
  private async update(record: SweepRecord, message: SlackMessage, policy: RetryPolicy): Promise<void> {
    try {
      await updateMessage(this.client, record.channel, record.parentTs, message, policy, this.sleep);
    } catch (err) {
      const code = slackErrorCode(err);
      if (policy === NO_RETRY || (code !== 'message_not_found' && code !== 'cant_update_message')) throw err;
      await this.post(record, message);
    }
  }
}

const placeOf = (record: SweepRecord) => ({ channel: record.channel, threadTs: record.parentTs });

/** One host's job in a sweep: its answer is recorded, nothing is posted per host. */
class SweepHostNotifier implements Notifier {
  constructor(
    private readonly destination: Destination,
    private readonly coordinator: SweepCoordinator,
    private readonly log: NotifierLog,
  ) {}

  progress(): Promise<void> {
    return Promise.resolve();
  }

  report(report: Parameters<Notifier['report']>[0], fix?: ProposedFix): Promise<void> {
    return this.coordinator.record(this.destination, { verdict: verdictOf(report), ...(fix ? { fix } : {}) });
  }

  failed(target: string, message: string): Promise<void> {
    return this.coordinator.record(this.destination, { verdict: failedVerdict(target, message) });
  }

  note(target: string, line: string): Promise<void> {
    // Remediations answer in the thread their button was pressed in, never a sweep destination.
    this.log.info({ sweep: this.destination.sweep, target, line }, 'note for a sweep destination dropped');
    return Promise.resolve();
  }
}

/** `base` for ordinary destinations, the sweep's notifier for a sweep's hosts. */
export function sweepAwareFactory(base: NotifierFactory, coordinator: SweepCoordinator): NotifierFactory {
  return (destination) =>
    destination.sweep !== undefined ? coordinator.notifierFor(destination) : base(destination);
}
