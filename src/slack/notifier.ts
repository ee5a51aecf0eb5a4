// The Slack Notifier: how a diagnosis reaches the requester's thread. Progress is ONE threaded message, edited
// as steps finish (at most every `progressIntervalMs`, so a chatty collector does not spam the channel or
// Slack's rate limits); the report is threaded replies (root cause first, split within Block Kit's limits,
// long text as an uploaded file); at the end the parent message is edited to the verdict.
//
// When the channel cannot be used (the bot was removed, the channel archived), the requester is told with
// chat.postEphemeral how to invite the bot, and the answer goes to a DM instead, so it is never lost. The
// final answer never relies on the command's response_url: it expires after 30 minutes and 5 uses, and a
// diagnosis that waited for a busy host can take longer than that.
import type { Destination, Notifier, NotifierFactory, ProgressStep, ProposedFix } from '../queue/notifier.js';
import type { Report } from '../model/types.js';
import type { SlackMessage } from './blocks.js';
import { section } from './blocks.js';
import {
  channelUnusable,
  createWebClient,
  describeSlackError,
  FINAL_ANSWER_RETRY,
  NO_RETRY,
  realSleep,
  type RetryPolicy,
  type Sleep,
  slackErrorCode,
  type WebClient,
  withRateLimitRetry,
} from './calls.js';
import { inlineCode, isUserId, mention } from './mrkdwn.js';
import { withAlert } from './alert-message.js';
import { renderPlan } from './plan-message.js';
import { slackClientSettingsFrom } from './settings.js';
import type { Result } from '../model/result.js';
import {
  renderFailed,
  renderNotes,
  renderProgress,
  renderProgressDone,
  renderReport,
  renderVerdict,
  type ThreadFile,
} from './render.js';

/** Where messages go: the requester's thread, or the DM it moved to. */
interface Place {
  channel: string;
  threadTs: string;
  /** True once moved to the DM: the parent there is our own message, not the command's. */
  dm: boolean;
}

export interface NotifierLog {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface SlackNotifierOptions {
  client: WebClient;
  log?: NotifierLog;
  /** Least time between two edits of the progress message (default 2 s). */
  progressIntervalMs?: number;
  /** Rate-limit retry of the final answer (the progress message never waits). */
  retry?: RetryPolicy;
  sleep?: Sleep;
  now?: () => number;
  /** The name users invite: "/invite @upstream-doctor". */
  botName?: string;
}

/** Lines in one notes reply before the next starts: well inside 50 blocks and Slack's message size. */
const MAX_NOTES_PER_MESSAGE = 25;

const SILENT: NotifierLog = { warn: () => undefined, info: () => undefined };

/** A channel id as Slack writes it, safe inside `<#…>`. */
const isChannelId = (id: string) => /^[CGD][A-Z0-9]{2,30}$/.test(id);

export class SlackThreadNotifier implements Notifier {
  private readonly client: WebClient;
  private readonly log: NotifierLog;
  private readonly interval: number;
  private readonly retry: RetryPolicy;
  private readonly sleep: Sleep;
  private readonly now: () => number;
  private readonly botName: string;
  private place: Place;
  /** Every Slack call of this notifier runs on this chain: nothing overtakes, the verdict comes last. */
  private chain: Promise<void> = Promise.resolve();
  private progressTs?: string;
  private progressTarget = '';
  private steps = 0;
  private lastStep = '';
  private startedAt?: number;
  /** When the progress message may be edited next (later after a 429). */
  private nextEditAt = 0;
  private timer?: NodeJS.Timeout;
  private dirty = false;
  private finished = false;
  /** The reply that holds this job's notes so far. */
  private notes?: { ts: string; lines: string[] };

  constructor(
    private readonly destination: Destination,
    options: SlackNotifierOptions,
  ) {
    this.client = options.client;
    this.log = options.log ?? SILENT;
    this.interval = options.progressIntervalMs ?? 2000;
    this.retry = options.retry ?? FINAL_ANSWER_RETRY;
    this.sleep = options.sleep ?? realSleep;
    this.now = options.now ?? Date.now;
    this.botName = options.botName ?? 'upstream-doctor';
    this.place = { channel: destination.channel, threadTs: destination.threadTs, dm: false };
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(work, work);
    return this.chain;
  }

  progress(step: ProgressStep): Promise<void> {
    if (this.finished) return Promise.resolve();
    this.steps += 1;
    this.lastStep = step.step;
    this.progressTarget = step.target;
    this.startedAt ??= this.now();
    this.dirty = true;
    const wait = this.nextEditAt - this.now();
    if (this.progressTs !== undefined && wait > 0) {
      // Too soon after the last edit: one trailing edit shows the latest step.
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        void this.enqueue(() => this.flushProgress());
      }, wait);
      this.timer.unref();
      return Promise.resolve();
    }
    return this.enqueue(() => this.flushProgress());
  }

  /** Posts or edits the progress message with the latest step; never throws, never waits on a 429. */
  private async flushProgress(): Promise<void> {
    if (!this.dirty || this.finished) return;
    this.dirty = false;
    const message = renderProgress(
      this.progressTarget,
      this.lastStep,
      this.steps,
      this.now() - this.startedAt!,
    );
    this.nextEditAt = this.now() + this.interval;
    try {
      if (this.progressTs === undefined) this.progressTs = await this.post(message, NO_RETRY);
      else await this.update(this.progressTs, message, NO_RETRY);
    } catch (err) {
      const retryAfter = (err as { retryAfter?: number }).retryAfter;
      if (typeof retryAfter === 'number') this.nextEditAt = this.now() + retryAfter * 1000;
      this.log.warn({ err: describeSlackError(err), ...this.where() }, 'progress not shown in Slack');
      if (channelUnusable(err)) await this.moveToDm(err);
    }
  }

  report(report: Report, fix?: ProposedFix): Promise<void> {
    return this.finish(async () => {
      const confirms = this.destination.confirmsPlan;
      const rendered = renderReport(report, { confirmsPlan: confirms });
      // The progress message's last edit goes beside the replies: the root cause does not wait for it.
      const closing = this.closeProgress(report.target, report.durationMs);
      try {
        for (const reply of rendered.replies) await this.postInThread(reply);
        for (const file of rendered.files) await this.upload(file);
        // The fix's diff and buttons come last in the thread, under the evidence they answer.
        if (fix) await this.postInThread(renderPlan(fix));
      } finally {
        await closing;
      }
      await this.showVerdict(this.underAlert(renderVerdict(report, this.destination.userId, confirms)));
    });
  }

  failed(target: string, message: string): Promise<void> {
    return this.finish(async () => {
      const rendered = renderFailed(target, message, this.destination.userId);
      const closing = this.closeProgress(target, undefined);
      try {
        await this.postInThread(rendered);
      } finally {
        await closing;
      }
      await this.showVerdict(this.underAlert(rendered));
    });
  }

  /**
   * The notes of one job are one reply in the thread, edited as each line arrives (a remediation's nine steps
   * are one message, not nine); a full message starts the next. Waits out a 429 like an answer: a step of a
   * change to a host is never dropped.
   */
  note(target: string, line: string): Promise<void> {
    return this.enqueueReporting(() => this.flushNote(target, line));
  }

  private async flushNote(target: string, line: string): Promise<void> {
    const open = this.notes;
    if (open && open.lines.length < MAX_NOTES_PER_MESSAGE) {
      open.lines.push(line);
      try {
        await this.update(open.ts, renderNotes(target, open.lines), this.retry);
        return;
      } catch (err) {
        // The reply was deleted, or the thread moved: the line goes into a new reply below.
        open.lines.pop();
        if (slackErrorCode(err) !== 'message_not_found' && !channelUnusable(err)) throw err;
      }
    }
    const lines = [line];
    const message = renderNotes(target, lines);
    let ts: string;
    try {
      ts = await this.post(message, this.retry);
    } catch (err) {
      if (!channelUnusable(err) || this.place.dm) throw err;
      await this.moveToDm(err);
      ts = await this.post(message, this.retry);
    }
    this.notes = { ts, lines };
  }

  /** Stops progress, then runs the final answer on the chain; its errors reach the caller (fanout logs them). */
  private finish(work: () => Promise<void>): Promise<void> {
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    return this.enqueueReporting(work);
  }

  /** Runs `work` on the chain; its error reaches this caller only, never the calls queued after it. */
  private enqueueReporting(work: () => Promise<void>): Promise<void> {
    let failure: unknown;
    const run = this.enqueue(async () => {
      try {
        await work();
      } catch (err) {
        failure = err;
      }
    });
    return run.then(() => {
      if (failure !== undefined) throw failure;
    });
  }

  /** The progress message, if any, says the checks are done (best effort: never throws). */
  private async closeProgress(target: string, durationMs: number | undefined): Promise<void> {
    if (this.progressTs === undefined) return;
    const elapsed = durationMs ?? this.now() - (this.startedAt ?? this.now());
    try {
      await this.update(this.progressTs, renderProgressDone(target, this.steps, elapsed), NO_RETRY);
    } catch (err) {
      this.log.warn({ err: describeSlackError(err), ...this.where() }, 'progress message not closed');
    }
  }

  /** A reply in the thread; when the channel is unusable, moves to the DM and posts there. */
  private async postInThread(message: SlackMessage): Promise<void> {
    try {
      await this.post(message, this.retry);
    } catch (err) {
      if (!channelUnusable(err) || this.place.dm) throw err;
      await this.moveToDm(err);
      await this.post(message, this.retry);
    }
  }

  private async upload(file: ThreadFile): Promise<void> {
    try {
      await withRateLimitRetry(
        () =>
          this.client.filesUploadV2({
            channel_id: this.place.channel,
            thread_ts: this.place.threadTs,
            filename: file.filename,
            title: file.title,
            content: file.content,
          }),
        this.retry,
        this.sleep,
      );
    } catch (err) {
      // The replies carry the root cause; a missing file is a loss of detail, not of the answer.
      this.log.warn(
        { err: describeSlackError(err), file: file.filename, ...this.where() },
        'file not uploaded',
      );
    }
  }

  /** An alert's parent keeps saying which alert fired (alert-message.ts); others are as they are. */
  private underAlert(message: SlackMessage): SlackMessage {
    return this.destination.alert ? withAlert(message, this.destination.alert) : message;
  }

  /** Edits the parent to the verdict; in a DM (or when the parent is gone) posts it instead. */
  private async showVerdict(message: SlackMessage): Promise<void> {
    if (this.place.dm) {
      await this.update(this.place.threadTs, message, this.retry);
      return;
    }
    try {
      await this.update(this.destination.threadTs, message, this.retry);
    } catch (err) {
      if (channelUnusable(err)) {
        await this.moveToDm(err);
        await this.update(this.place.threadTs, message, this.retry);
      } else if (
        slackErrorCode(err) === 'message_not_found' ||
        slackErrorCode(err) === 'cant_update_message'
      ) {
        // Someone deleted the parent: the thread still holds the replies; say the verdict there too.
        await this.post(message, this.retry);
      } else throw err;
    }
  }

  /**
   * The channel cannot take our messages: tell the requester how to invite the bot (ephemeral, which may fail
   * for the same reason), and carry on in a DM whose first message the verdict will replace.
   */
  private async moveToDm(cause: unknown): Promise<void> {
    if (this.place.dm) return;
    const { channel, userId } = this.destination;
    // An alert asked: there is nobody to DM; the next call fails as the last did (ALERT_CHANNEL needs the bot).
    if (!isUserId(userId)) return;
    const where = isChannelId(channel) ? `<#${channel}>` : inlineCode(channel);
    const why = slackErrorCode(cause) ?? 'error';
    const advice = `:warning: I can't post in ${where} (${why}). Invite me with \`/invite @${this.botName}\` and I'll answer there next time; this diagnosis comes to you here.`;
    try {
      await withRateLimitRetry(
        () =>
          this.client.chat.postEphemeral({
            channel,
            user: userId,
            text: advice,
            blocks: [section(advice)],
          }),
        NO_RETRY,
        this.sleep,
      );
    } catch (err) {
      this.log.info({ err: describeSlackError(err), channel }, 'ephemeral invite advice not delivered');
    }
    const opening: SlackMessage = {
      text: `Diagnosis for ${mention(userId)}`,
      blocks: [section(advice)],
    };
    const ts = await withRateLimitRetry(
      async () => (await this.client.chat.postMessage({ channel: userId, ...opening })).ts,
      this.retry,
      this.sleep,
    );
    if (!ts) throw new Error('Slack answered chat.postMessage without a ts');
    this.place = { channel: userId, threadTs: ts, dm: true };
    this.progressTs = undefined;
    this.log.info({ channel, user: userId }, 'channel unusable: answering in a DM');
  }

  private async post(message: SlackMessage, policy: RetryPolicy): Promise<string> {
    const answer = await withRateLimitRetry(
      () =>
        this.client.chat.postMessage({
          channel: this.place.channel,
          thread_ts: this.place.threadTs,
          text: message.text,
          blocks: message.blocks,
          unfurl_links: false,
          unfurl_media: false,
        }),
      policy,
      this.sleep,
    );
    if (!answer.ts) throw new Error('Slack answered chat.postMessage without a ts');
    return answer.ts;
  }

  private async update(ts: string, message: SlackMessage, policy: RetryPolicy): Promise<void> {
    await withRateLimitRetry(
      () =>
        this.client.chat.update({
          channel: this.place.channel,
          ts,
          text: message.text,
          blocks: message.blocks,
        }),
      policy,
      this.sleep,
    );
  }

  private where(): Record<string, string> {
    return { channel: this.place.channel, threadTs: this.place.threadTs };
  }
}

/** The NotifierFactory for Slack destinations. */
export function slackNotifierFactory(options: SlackNotifierOptions): NotifierFactory {
  return (destination) => new SlackThreadNotifier(destination, options);
}

/**
 * The Slack NotifierFactory a worker process builds from its environment (SLACK_BOT_TOKEN, SLACK_API_URL), and
 * its client (the remediation outcome edits the plan's message with it): neither without a token.
 */
export function slackNotifierFromEnv(
  env: NodeJS.ProcessEnv,
  log?: NotifierLog,
): Result<{ factory: NotifierFactory; client: WebClient } | undefined> {
  const checked = slackClientSettingsFrom(env);
  if (!checked.ok) return checked;
  if (!checked.value) return { ok: true, value: undefined };
  const client = createWebClient(checked.value);
  return { ok: true, value: { client, factory: slackNotifierFactory({ client, ...(log ? { log } : {}) }) } };
}
