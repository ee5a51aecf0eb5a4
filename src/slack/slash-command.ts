// The `/502` listener: what the bot does with a slash command it receives. It acks FIRST (Slack gives 3 s,
// and Redis or Slack may be slow), then works: inventory, channel allow-list, parent message, enqueue; the
// work waits its turn behind the acks of other requests still waiting (`afterAcks`, ack-first.ts).
// Errors after the ack reach the requester as ephemeral messages through the command's response_url (fresh
// at that point; the worker's final answer never uses it). The work after the ack is tracked, so the bot
// can wait for it before it stops (and tests can wait for it before they look).
//
// Up to THREAD_PER_HOST_MAX hosts get a parent message and a thread each; more (up to SWEEP_MAX_HOSTS) become
// one fleet sweep (sweep-notifier.ts): one parent, a sweep record, and one ordinary diagnose job per host whose
// destination carries the sweep id.
import type { App, RespondArguments, RespondFn, SlashCommand } from '@slack/bolt';
import type { Logger } from 'pino';
import type { InventoryResult } from '../inventory/index.js';
import type { Destination } from '../queue/notifier.js';
import type { SlackMessage } from './blocks.js';
import {
  channelUnusable,
  describeSlackError,
  type RetryPolicy,
  type WebClient,
  withRateLimitRetry,
} from './calls.js';
import type { ChannelHosts } from './channel-hosts.js';
import {
  chooseTargets,
  type CommandLimits,
  DEFAULT_LIMITS,
  helpText,
  parseCommandText,
  understood,
  USAGE_TEXT,
} from './command.js';
import type { Target } from '../inventory/index.js';
import { failedVerdict } from '../analyze/fleet.js';
import type { SweepCoordinator } from './sweep-notifier.js';
import { renderSweepProgress } from './sweep-render.js';
import type { DiagnosisEnqueuer } from './enqueuer.js';
import { inlineCode, untrustedProse } from './mrkdwn.js';
import { renderFailed, renderJoined, renderNotice, renderParent } from './render.js';

/** The slash command this app answers (manifest.yml declares it). */
export const COMMAND = '/502';
/** The parent message waits out a short rate limit (the requester is watching); a long one is reported. */
const PARENT_RETRY: RetryPolicy = { retries: 2, maxWaitMs: 10_000 };

export interface SlashCommandDeps {
  /** Posts the parent messages and updates them (shared with the notifier of the 'answered' case). */
  client: WebClient;
  enqueuer: DiagnosisEnqueuer;
  inventory: () => Promise<InventoryResult>;
  channelHosts: ChannelHosts | null;
  log: Logger;
  /** The name the "invite me" hint spells (`/invite @NAME`). */
  botName: string;
  /** THREAD_PER_HOST_MAX and SWEEP_MAX_HOSTS (defaults 5 and 1,000). */
  limits?: CommandLimits;
  /** Runs fleet sweeps; without it a command over more than THREAD_PER_HOST_MAX hosts is refused. */
  sweeps?: SweepCoordinator;
  /** Resolves when the work after an ack may start (ack-first.ts: once the acks waiting are sent). */
  afterAcks?: () => Promise<void>;
}

/** Hosts of a sweep enqueued at once (each is a few Redis round trips). */
const ENQUEUE_PARALLEL = 16;

export interface SlashCommandListener {
  /** Resolves when the work started by commands so far is done (tests, shutdown). */
  idle(): Promise<void>;
}

const ephemeral = (message: SlackMessage): RespondArguments => ({
  response_type: 'ephemeral',
  text: message.text,
  blocks: message.blocks,
});

/** Adds the `/502` listener to the app. */
export function registerSlashCommand(app: App, deps: SlashCommandDeps): SlashCommandListener {
  const { log, client } = deps;
  const limits = deps.limits ?? DEFAULT_LIMITS;
  const inflight = new Set<Promise<void>>();

  app.command(COMMAND, async ({ command, ack, respond }) => {
    const request = parseCommandText(command.text);
    if (request.kind === 'help') return ack(ephemeral(renderNotice(helpText(command.command, limits))));
    if (request.kind === 'usage') return ack(ephemeral(renderNotice(USAGE_TEXT)));
    if (request.kind === 'invalid') return ack(ephemeral(renderNotice(request.message)));
    const echo = understood(request.patterns);
    await (echo === undefined ? ack() : ack(ephemeral(renderNotice(echo))));
    const turn = deps.afterAcks?.() ?? Promise.resolve();
    const work = turn.then(() => diagnose(command, request.patterns, respond)).catch((err: unknown) =>
      log.error({ err, channel: command.channel_id, user: command.user_id }, 'command failed after ack'),
    );
    inflight.add(work);
    void work.finally(() => inflight.delete(work));
    return undefined;
  });

  /**
   * Ephemeral word to the requester through the response_url (works in channels the bot is not in); a failure
   * (expired URL, Slack down) is logged, never thrown, and never waited for more than 10 s.
   */
  async function tell(respond: RespondFn, text: string): Promise<void> {
    try {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('response_url did not answer within 10 s')), 10_000);
      });
      await Promise.race([respond(ephemeral(renderNotice(text))), timeout]).finally(() =>
        clearTimeout(timer),
      );
    } catch (err) {
      log.warn({ err: describeSlackError(err) }, 'could not answer through response_url');
    }
  }

  async function diagnose(command: SlashCommand, patterns: string[], respond: RespondFn): Promise<void> {
    const channel = command.channel_id;
    const user = command.user_id;
    const loaded = await deps.inventory();
    if (!loaded.ok) {
      log.error({ errors: loaded.error }, 'inventory unreadable');
      return tell(
        respond,
        `I cannot read my inventory: ${untrustedProse(loaded.error[0] ?? 'unknown error')}`,
      );
    }
    const choice = chooseTargets(loaded.value, patterns, channel, deps.channelHosts, limits);
    if (!choice.ok) return tell(respond, choice.message);
    if (choice.targets.length > limits.threadPerHostMax) {
      if (!deps.sweeps)
        return tell(
          respond,
          `That is ${choice.targets.length} hosts; this bot gives at most ${limits.threadPerHostMax} a thread each and runs no fleet sweeps. Narrow the glob or tag.`,
        );
      return sweep(deps.sweeps, command, patterns, choice.targets, respond);
    }

    for (const target of choice.targets) {
      const parentTs = await postParent(channel, renderParent(target.name, user), respond);
      if (parentTs === undefined) return undefined;
      const destination = { kind: 'slack' as const, channel, threadTs: parentTs, userId: user };
      try {
        const ticket = await deps.enqueuer.requestDiagnosis({ target: target.name, destination });
        log.info(
          { target: target.name, channel, user, jobId: ticket.jobId, status: ticket.status },
          'diagnosis requested',
        );
        if (ticket.status === 'joined') await linkToRunning(target.name, destination, ticket.leader);
      } catch (err) {
        log.error({ err, target: target.name }, 'diagnosis not queued');
        const failed = renderFailed(
          target.name,
          `could not queue the diagnosis (${describeSlackError(err)})`,
          user,
        );
        await client.chat
          .update({ channel, ts: parentTs, text: failed.text, blocks: failed.blocks })
          .catch((e: unknown) => log.warn({ err: describeSlackError(e) }, 'parent not updated'));
      }
    }
  }

  /** Posts a parent message in the channel; on failure tells the requester why and returns undefined. */
  async function postParent(
    channel: string,
    parent: SlackMessage,
    respond: RespondFn,
  ): Promise<string | undefined> {
    try {
      const answer = await withRateLimitRetry(
        () => client.chat.postMessage({ channel, text: parent.text, blocks: parent.blocks }),
        PARENT_RETRY,
      );
      if (!answer.ts) throw new Error('Slack answered chat.postMessage without a ts');
      return answer.ts;
    } catch (err) {
      log.warn({ err: describeSlackError(err), channel }, 'parent message not posted');
      await tell(
        respond,
        channelUnusable(err)
          ? `I can't post in this channel (${inlineCode(describeSlackError(err))}). Invite me with \`/invite @${deps.botName}\`, then run the command again.`
          : `Slack refused my message (${inlineCode(describeSlackError(err))}); nothing was started.`,
      );
      return undefined;
    }
  }

  /**
   * A fleet sweep: one parent, the sweep's record, then one diagnose job per host (through the producer, so
   * a host already being diagnosed for someone else is joined). A host that cannot be queued is recorded as
   * not diagnosed, so the count still reaches M.
   */
  async function sweep(
    sweeps: SweepCoordinator,
    command: SlashCommand,
    patterns: string[],
    targets: Target[],
    respond: RespondFn,
  ): Promise<void> {
    const channel = command.channel_id;
    const user = command.user_id;
    const label = patterns.join(' ');
    const parentTs = await postParent(
      channel,
      renderSweepProgress({ label, userId: user, total: targets.length }, 0),
      respond,
    );
    if (parentTs === undefined) return;
    let record;
    try {
      record = await sweeps.begin(
        { channel, parentTs, userId: user, label },
        targets.map((t) => t.name),
      );
    } catch (err) {
      log.error({ err, channel }, 'sweep not started');
      const failed = renderFailed(label, `could not start the sweep (${describeSlackError(err)})`, user);
      await client.chat
        .update({ channel, ts: parentTs, text: failed.text, blocks: failed.blocks })
        .catch((e: unknown) => log.warn({ err: describeSlackError(e) }, 'parent not updated'));
      return;
    }
    const destination: Destination = {
      kind: 'slack',
      channel,
      threadTs: parentTs,
      userId: user,
      sweep: record.id,
    };
    log.info({ sweep: record.id, hosts: record.total, channel, user }, 'sweep started');
    const queue = [...targets];
    const enqueueNext = async (): Promise<void> => {
      for (let target = queue.shift(); target; target = queue.shift()) {
        try {
          await deps.enqueuer.requestDiagnosis({ target: target.name, destination });
        } catch (err) {
          log.error({ err, target: target.name, sweep: record.id }, 'diagnosis not queued');
          const message = `could not queue the diagnosis (${describeSlackError(err)})`;
          await sweeps
            .record(destination, { verdict: failedVerdict(target.name, message) })
            .catch((e: unknown) => log.error({ err: e, sweep: record.id }, 'sweep host not recorded'));
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(ENQUEUE_PARALLEL, queue.length) }, enqueueNext));
    log.info({ sweep: record.id, hosts: record.total }, 'sweep requested');
  }

  /** A request that joined a running diagnosis: its parent links to the thread where it runs. */
  async function linkToRunning(
    target: string,
    destination: { channel: string; threadTs: string; userId: string },
    leader: Destination | undefined,
  ): Promise<void> {
    let permalink: string | undefined;
    if (leader) {
      try {
        permalink = (await client.chat.getPermalink({ channel: leader.channel, message_ts: leader.threadTs }))
          .permalink;
      } catch (err) {
        log.info({ err: describeSlackError(err) }, 'no permalink for the running thread');
      }
    }
    const joined = renderJoined(target, destination.userId, permalink);
    await client.chat
      .update({
        channel: destination.channel,
        ts: destination.threadTs,
        text: joined.text,
        blocks: joined.blocks,
      })
      .catch((e: unknown) => log.warn({ err: describeSlackError(e) }, 'parent not updated'));
  }

  return {
    idle: async () => {
      while (inflight.size > 0) await Promise.allSettled([...inflight]);
    },
  };
}
