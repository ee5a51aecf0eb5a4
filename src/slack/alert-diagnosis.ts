// What the bot does with an alert once the webhook has answered (alert-receiver.ts acks first): a firing
// alert on an inventory host gets a parent message in ALERT_CHANNEL saying which alert fired, and a
// diagnosis queued through the Producer (one job per host, as for /502) whose thread, verdict and fix offer
// the workers write as usual. The same alert firing again joins its thread (alert-threads.ts: one claim per
// fingerprint): no second thread, no second job, at most one short "fired again" reply per half hour. A
// resolved alert edits its parent: "resolved at …" above the verdict, which is kept. When it resolves while
// the diagnosis still runs, the parent says so at once and, once the worker's verdict has landed (its
// delivery marker says done), is edited again to the verdict under the resolved line.
//
// Alerts have no Slack user: the destination's userId is "alert NAME" (alertRequester), which no mention,
// DM or approver check takes for a person. Unknown hosts are logged and counted, never posted.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AlertMetrics, AlertRoute } from '../health/alert-metrics.js';
import type { InventoryResult } from '../inventory/index.js';
import { destinationKey, QueueKeys } from '../queue/keys.js';
import type { AlertContext, Destination } from '../queue/notifier.js';
import { Requesters } from '../queue/requesters.js';
import { PlanStore } from '../remediate/plan.js';
import type { SlackMessage } from './blocks.js';
import { describeSlackError, type RetryPolicy, type WebClient, withRateLimitRetry } from './calls.js';
import type { DiagnosisEnqueuer } from './enqueuer.js';
import { alertRequester, type AlertEvent, matchAlertHost } from './alert-payload.js';
import {
  renderAlertParent,
  outcomeVerdict,
  renderFiredAgain,
  renderResolvedRunning,
  withAlert,
  withFixFate,
} from './alert-message.js';
import { type AlertRecord, AlertThreads } from './alert-threads.js';
import { renderFailed } from './render.js';
import { type ChannelHosts, inventoryForChannel } from './channel-hosts.js';

/** Alerts in hand at most: each is a parent message (about one a second under Slack's limit) and a job. */
export const MAX_PENDING_ALERTS = 2000;
const PARENT_RETRY: RetryPolicy = { retries: 2, maxWaitMs: 10_000 };

export interface AlertDiagnosisOptions {
  client: WebClient;
  enqueuer: DiagnosisEnqueuer;
  inventory: () => Promise<InventoryResult>;
  redis: Redis;
  prefix: string;
  /** ALERT_CHANNEL: where every alert's thread goes. */
  channel: string;
  /** CHANNEL_HOSTS: an alert on a host it does not give ALERT_CHANNEL is counted and not diagnosed. */
  channelHosts?: ChannelHosts | null;
  metrics: AlertMetrics;
  log: Logger;
  /** At most one "fired again" reply per alert in this window (default 30 min). */
  againWindowS?: number;
  /** How long a resolved alert waits for its diagnosis's verdict before it gives up (default 30 min). */
  verdictWaitMs?: number;
  /** Alerts in hand at most (accepted, not yet handled) before a payload is refused (default 2,000). */
  maxPending?: number;
  /** How often that wait looks (default 1 s). */
  verdictPollMs?: number;
}

export class AlertDiagnoses {
  private readonly threads: AlertThreads;
  private readonly requesters: Requesters;
  private readonly keys: QueueKeys;
  private readonly plans: PlanStore;
  private readonly inflight = new Set<Promise<void>>();
  /** Resolved alerts waiting for their verdict: not waited for by idle(), ended by close(). */
  private readonly waits = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  private readonly log: Logger;
  /** Alerts accepted and not yet handled. */
  private pending = 0;

  constructor(private readonly options: AlertDiagnosisOptions) {
    this.threads = new AlertThreads(options.redis, options.prefix);
    this.requesters = new Requesters(options.redis, options.prefix);
    this.keys = new QueueKeys(options.prefix);
    this.plans = new PlanStore(options.redis, options.prefix);
    this.log = options.log.child({ component: 'alerts' });
  }

  /**
   * Starts the work for a payload's alerts (in order) and returns at once; the work is tracked. False, and
   * nothing started, when that would put more than `maxPending` alerts in hand: the sender hears 503 and
   * sends them again later (Alertmanager retries), instead of the bot holding an unbounded backlog.
   */
  accept(route: AlertRoute, events: AlertEvent[]): boolean {
    if (this.pending + events.length > (this.options.maxPending ?? MAX_PENDING_ALERTS)) return false;
    this.pending += events.length;
    this.track(
      (async () => {
        // Not one Redis or Slack call before the webhook's answer, which goes out as this returns.
        await new Promise<void>((resolve) => setImmediate(resolve));
        for (const event of events) {
          await this.handle(route, event)
            .catch((err: unknown) => {
              this.options.metrics.count(route, 'failed');
              this.log.error({ err, fingerprint: event.fingerprint }, 'alert not handled');
            })
            .finally(() => (this.pending -= 1));
        }
      })(),
    );
    return true;
  }

  /** Resolves when the alerts received so far are handled (not the waits for verdicts: see close). */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /** Stops waiting for verdicts (a resolved parent keeps its "resolved" line; the verdict edit is skipped). */
  async close(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled([...this.waits]);
  }

  private track(work: Promise<void>, set = this.inflight): void {
    set.add(work);
    void work.finally(() => set.delete(work));
  }

  private async handle(route: AlertRoute, event: AlertEvent): Promise<void> {
    const where = { fingerprint: event.fingerprint, alert: event.name, route };
    if (event.status === 'resolved') return this.resolved(route, event);
    const { metrics } = this.options;
    if (event.host === undefined) {
      metrics.count(route, 'unknown-host');
      this.log.warn(where, 'alert names no host: not diagnosed');
      return;
    }
    const loaded = await this.options.inventory();
    if (!loaded.ok) {
      metrics.count(route, 'failed');
      this.log.error({ ...where, errors: loaded.error }, 'inventory unreadable: alert not diagnosed');
      return;
    }
    const match = matchAlertHost(loaded.value.hosts, event.host);
    if (match.kind !== 'host') {
      metrics.count(route, 'unknown-host');
      this.log.warn(
        { ...where, host: match.host, ...(match.kind === 'ambiguous' ? { candidates: match.names } : {}) },
        match.kind === 'ambiguous'
          ? 'alert host matches several inventory hosts: not diagnosed'
          : 'alert host not in the inventory: not diagnosed',
      );
      return;
    }
    const target = match.target.name;
    // ALERT_CHANNEL sees only what CHANNEL_HOSTS gives it, as a /502 there would: the thread shows the
    // host's config and evidence, and its buttons would be refused anyway.
    const rules = this.options.channelHosts ?? null;
    if (
      !inventoryForChannel(loaded.value, rules, this.options.channel).hosts.some((h) => h.name === target)
    ) {
      metrics.count(route, 'forbidden-host');
      this.log.warn(
        { ...where, host: target },
        'CHANNEL_HOSTS gives ALERT_CHANNEL no such host: not diagnosed',
      );
      return;
    }
    const alert: AlertContext = { name: event.name, summary: event.summary, since: event.since };
    const facts = { ...alert, target };
    const claimed = await this.threads.claim(event.fingerprint, facts);
    if (claimed.status === 'existing') return this.firedAgain(route, event, claimed.record);

    const { client, channel } = this.options;
    let ts: string;
    try {
      const parent = renderAlertParent(alert, target);
      const answer = await withRateLimitRetry(
        () => client.chat.postMessage({ channel, text: parent.text, blocks: parent.blocks }),
        PARENT_RETRY,
      );
      if (!answer.ts) throw new Error('Slack answered chat.postMessage without a ts');
      ts = answer.ts;
    } catch (err) {
      await this.threads.release(event.fingerprint);
      metrics.count(route, 'failed');
      this.log.warn(
        { ...where, channel, err: describeSlackError(err) },
        'alert parent not posted (is the bot in ALERT_CHANNEL? /invite it)',
      );
      return;
    }
    const requester = alertRequester(event.name);
    const destination: Destination = { kind: 'slack', channel, threadTs: ts, userId: requester, alert };
    let jobId: string;
    try {
      const ticket = await this.options.enqueuer.requestDiagnosis({ target, destination });
      jobId = ticket.jobId;
      this.log.info({ ...where, target, jobId, status: ticket.status, ts }, 'alert diagnosis requested');
    } catch (err) {
      await this.threads.release(event.fingerprint);
      metrics.count(route, 'failed');
      this.log.error({ ...where, err, target }, 'alert diagnosis not queued');
      const failed = withAlert(
        renderFailed(target, `could not queue the diagnosis (${describeSlackError(err)})`, requester),
        alert,
      );
      await this.edit(ts, failed);
      return;
    }
    metrics.count(route, 'queued');
    const opened = await this.threads.open(event.fingerprint, { channel, ts, jobId, requester }, facts);
    if (opened.status === 'resolved')
      await this.showResolved({
        state: 'resolved',
        ...facts,
        channel,
        ts,
        jobId,
        requester,
        resolvedAt: opened.resolvedAt,
      });
  }

  /** The same alert again while it fires: its thread stands; a short reply now and then. */
  private async firedAgain(route: AlertRoute, event: AlertEvent, record: AlertRecord): Promise<void> {
    this.options.metrics.count(route, 'joined');
    this.log.info(
      { fingerprint: event.fingerprint, alert: event.name, jobId: record.jobId, ts: record.ts },
      'alert fired again: joins its thread',
    );
    const verdict = await this.verdictIfDelivered(record);
    await this.threads.refresh(event.fingerprint, verdict ? JSON.stringify(verdict) : undefined);
    if (record.ts === undefined || record.channel === undefined) return;
    if (!(await this.threads.againOnce(event.fingerprint, this.options.againWindowS ?? 1800))) {
      this.log.info(
        { fingerprint: event.fingerprint },
        'alert fired again: replied within the window already',
      );
      return;
    }
    const reply = renderFiredAgain(
      { name: record.name, summary: record.summary, since: record.since },
      new Date().toISOString(),
    );
    const { channel, ts } = record;
    await this.options.client.chat
      .postMessage({ channel, thread_ts: ts, text: reply.text, blocks: reply.blocks })
      .catch((err: unknown) =>
        this.log.warn({ err: describeSlackError(err) }, '"fired again" reply not posted'),
      );
  }

  private async resolved(route: AlertRoute, event: AlertEvent): Promise<void> {
    const at = new Date().toISOString();
    const r = await this.threads.resolve(event.fingerprint, at);
    const where = { fingerprint: event.fingerprint, alert: event.name };
    if (r.status !== 'resolved') {
      this.options.metrics.count(route, 'ignored');
      this.log.info(
        where,
        r.status === 'already'
          ? 'alert resolved again: nothing to do'
          : 'resolved alert has no thread: nothing to do',
      );
      return;
    }
    this.options.metrics.count(route, 'resolved');
    this.log.info({ ...where, ts: r.record.ts }, 'alert resolved');
    // While it is being claimed the thread does not exist yet: whoever claimed it shows it resolved.
    if (r.record.ts !== undefined) await this.showResolved(r.record);
  }

  /**
   * The parent of a resolved alert: the verdict under the resolved line. Before the verdict has landed, the
   * parent says "resolved" at once, and a tracked wait edits it again once the worker's verdict is there.
   */
  private async showResolved(record: AlertRecord): Promise<void> {
    const ts = record.ts!;
    const alert: AlertContext = { name: record.name, summary: record.summary, since: record.since };
    const resolvedAt = record.resolvedAt ?? new Date().toISOString();
    // The verdict as delivered, else as stored when the alert fired again (the queue forgets outcomes in a day).
    const verdict =
      (await this.verdictIfDelivered(record)) ??
      (record.verdict !== undefined ? parseMessage(record.verdict) : undefined);
    if (verdict) {
      await this.edit(ts, withAlert(verdict, alert, resolvedAt));
      return;
    }
    await this.edit(ts, renderResolvedRunning(alert, record.target, resolvedAt));
    this.track(
      this.resolveOnceDelivered(record, alert, resolvedAt).catch((err: unknown) =>
        this.log.warn({ err, ts }, 'resolved alert: verdict not shown'),
      ),
      this.waits,
    );
  }

  /** Waits (bounded, until close) for the diagnosis's verdict to land, then puts it under the resolved line. */
  private async resolveOnceDelivered(
    record: AlertRecord,
    alert: AlertContext,
    resolvedAt: string,
  ): Promise<void> {
    const deadline = Date.now() + (this.options.verdictWaitMs ?? 30 * 60_000);
    const poll = this.options.verdictPollMs ?? 1000;
    while (Date.now() < deadline && !this.stopping.signal.aborted) {
      // One listener a wait, removed when the timer fires (a wait of 30 min polls 1,800 times).
      await new Promise<void>((resolve) => {
        const signal = this.stopping.signal;
        const stop = () => (clearTimeout(timer), resolve());
        const timer = setTimeout(() => (signal.removeEventListener('abort', stop), resolve()), poll);
        signal.addEventListener('abort', stop, { once: true });
      });
      const verdict = await this.verdictIfDelivered(record);
      if (verdict) {
        await this.edit(record.ts!, withAlert(verdict, alert, resolvedAt));
        return;
      }
    }
    this.log.warn(
      { ts: record.ts, jobId: record.jobId },
      'resolved alert: no verdict to show yet, left as resolved',
    );
  }

  /** Delivery marker of the job's answer to this thread: 'done' once the worker edited the parent. */
  private async delivered(record: AlertRecord): Promise<string | undefined> {
    if (!record.jobId || !record.channel || !record.ts) return undefined;
    const key = this.keys.delivery(
      record.jobId,
      destinationKey({ kind: 'slack', channel: record.channel, threadTs: record.ts, userId: '' }),
    );
    return (await this.options.redis.get(key)) ?? undefined;
  }

  /** The verdict the worker put on the parent (without the alert line), once it has put it there. */
  private async verdictIfDelivered(record: AlertRecord): Promise<SlackMessage | undefined> {
    if ((await this.delivered(record)) !== 'done') return undefined;
    const outcome = await this.requesters.outcome(record.jobId!);
    if (!outcome) return undefined;
    // Rendered as the worker rendered it (the alert line is added by the caller).
    const verdict = outcomeVerdict(outcome, record.requester ?? alertRequester(record.name));
    // An approver may have applied the fix it offered: the confirming diagnosis re-edited the parent, and
    // the verdict kept here says what became of the fix.
    const fix = outcome.kind === 'report' ? outcome.fix : undefined;
    if (!fix || fix.withheld !== undefined) return verdict;
    const state = await this.plans.state(fix.id);
    return state ? withFixFate(verdict, fix.id, state) : verdict;
  }

  private async edit(ts: string, message: SlackMessage): Promise<void> {
    const { client, channel } = this.options;
    await withRateLimitRetry(
      () => client.chat.update({ channel, ts, text: message.text, blocks: message.blocks }),
      PARENT_RETRY,
    ).catch((err: unknown) =>
      this.log.warn({ err: describeSlackError(err), ts }, 'alert parent not updated'),
    );
  }
}

function parseMessage(json: string): SlackMessage | undefined {
  try {
    const m = JSON.parse(json) as SlackMessage;
    return typeof m.text === 'string' && Array.isArray(m.blocks) ? m : undefined;
  } catch {
    return undefined;
  }
}
