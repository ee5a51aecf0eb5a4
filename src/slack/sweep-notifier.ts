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
import { editChange, failedVerdict, groupVerdicts, verdictOf, type FleetGroup } from '../analyze/fleet.js';
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
  withRateLimitRetry,
} from './calls.js';
import { renderGroupOffer } from './group-offer.js';
import type { NotifierLog } from './notifier.js';
import type { ThreadFile } from './render.js';
import { renderGroupReply, renderSweepProgress, renderSweepVerdict, withOffer } from './sweep-render.js';

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
    if (!record || (await this.store.finishing(id))) return;
    const { done } = await this.store.progress(id);
    try {
      await this.update(record, renderSweepProgress(record, done), NO_RETRY);
    } catch (err) {
      const retryAfter = retryAfterOf(err);
      if (retryAfter !== undefined) await this.store.holdEdits(id, retryAfter * 1000);
      this.log.warn({ err: describeSlackError(err), sweep: id }, 'sweep progress not shown');
      return this.later(id);
    }
  }

  /** One trailing edit of this sweep's parent in this process, once the throttle allows it. */
  private async later(id: string): Promise<void> {
    if (this.trailing.has(id)) return;
    const wait = Math.max(50, await this.store.editWaitMs(id));
    const timer = setTimeout(() => {
      this.trailing.delete(id);
      this.progress(id).catch((err: unknown) =>
        this.log.warn({ err: describeSlackError(err), sweep: id }, 'sweep progress not shown'),
      );
    }, wait + 20);
    timer.unref();
    this.trailing.set(id, timer);
  }

  /** The verdict, once: one reply per group, then the parent. */
  private async finish(id: string): Promise<void> {
    if (!(await this.store.claimFinal(id, this.owner, this.finalLeaseMs))) return;
    const pending = this.trailing.get(id);
    if (pending) clearTimeout(pending);
    this.trailing.delete(id);
    try {
      const record = await this.store.get(id);
      if (!record) return;
      const outcomes = await this.store.outcomes(id);
      const byHost = new Map(outcomes.map((o) => [o.verdict.host, o]));
      const summary = groupVerdicts(outcomes.map((o) => o.verdict));
      const shown = summary.groups.slice(0, MAX_GROUP_REPLIES);
      for (const [i, group] of shown.entries()) {
        const offer = await this.offerFor(record, group, byHost);
        const reply = renderGroupReply(group, i, { offered: offer.group !== undefined, noOffer: offer.why });
        const messages = offer.group
          ? withOffer(reply.message, renderGroupOffer(offer.group))
          : [reply.message];
        for (const m of messages) await this.post(record, m);
        if (reply.file) await this.upload(record, reply.file);
      }
      const rest = summary.groups.slice(MAX_GROUP_REPLIES);
      if (rest.length > 0) await this.postRest(record, rest, summary.total);
      // A progress edit still in flight must land before the verdict, never after it.
      await this.sleep(Math.min(await this.store.editWaitMs(id), 60_000));
      await this.update(record, renderSweepVerdict(record, summary), this.retry);
      await this.store.finalDone(id);
      this.log.info(
        { sweep: id, hosts: summary.total, groups: summary.groups.length },
        'sweep verdict posted',
      );
    } catch (err) {
      await this.store.releaseFinal(id).catch(() => undefined);
      throw err;
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
  ): Promise<Offer> {
    const { groups, plans } = this.options;
    if (group.status !== 'failing' || !group.edit || !groups) return {};
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
    await withRateLimitRetry(
      () =>
        this.client.chat.postMessage({
          channel: record.channel,
          thread_ts: record.parentTs,
          text: message.text,
          blocks: message.blocks,
          unfurl_links: false,
          unfurl_media: false,
        }),
      this.retry,
      this.sleep,
    );
  }

  private async upload(record: SweepRecord, file: ThreadFile): Promise<void> {
    try {
      await withRateLimitRetry(
        () =>
          this.client.filesUploadV2({
            channel_id: record.channel,
            thread_ts: record.parentTs,
            filename: file.filename,
            title: file.title,
            content: file.content,
          }),
        this.retry,
        this.sleep,
      );
    } catch (err) {
      // The reply names the first hosts and the count; the file is the rest of the list.
      this.log.warn({ err: describeSlackError(err), sweep: record.id }, 'sweep file not uploaded');
    }
  }

  /** Edits the parent; when someone deleted it, the message goes into the thread instead. */
  private async update(record: SweepRecord, message: SlackMessage, policy: RetryPolicy): Promise<void> {
    try {
      await withRateLimitRetry(
        () =>
          this.client.chat.update({
            channel: record.channel,
            ts: record.parentTs,
            text: message.text,
            blocks: message.blocks,
          }),
        policy,
        this.sleep,
      );
    } catch (err) {
      const code = slackErrorCode(err);
      if (policy === NO_RETRY || (code !== 'message_not_found' && code !== 'cant_update_message')) throw err;
      await this.post(record, message);
    }
  }
}

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
