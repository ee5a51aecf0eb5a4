// The Bolt app: `/502` in, a parent message and a queued diagnosis out. The listener acks FIRST (Slack gives
// 3 s, and Redis or Slack may be slow), then works: inventory, channel allow-list, parent message, enqueue.
// Errors after the ack reach the requester as ephemeral messages through the command's response_url (fresh
// at that point; the worker's final answer never uses it).
//
// HTTP mode: our own http.Server in front of Bolt's HTTPReceiver. Each POST to /slack/events is read whole
// (up to Bolt's body limit, within a request timeout), then verified here (verify.ts: a plain integer
// timestamp at most 5 minutes old and not ahead of us, the v0 signature, a signature never seen before)
// and only then handed to Bolt, which finds the body already read and checks the signature again.
// Socket Mode: Bolt's SocketModeReceiver, its WebClient pointed at SLACK_API_URL too; no signatures there
// (the WebSocket is authenticated with the app-level token), so no replay check either.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  App,
  type BufferedIncomingMessage,
  defaultBodyLimit,
  HTTPReceiver,
  HTTPReceiverDeferredRequestError,
  LogLevel,
  SocketModeReceiver,
  type Logger as BoltLogger,
  type RespondArguments,
  type RespondFn,
  type SlashCommand,
} from '@slack/bolt';
import type { Logger } from 'pino';
import type { Destination } from '../queue/notifier.js';
import type { InventoryResult } from '../inventory/index.js';
import type { SlackMessage } from './blocks.js';
import {
  channelUnusable,
  describeSlackError,
  type RetryPolicy,
  type WebClient,
  webClientOptions,
  withRateLimitRetry,
} from './calls.js';
import type { ChannelHosts } from './channel-hosts.js';
import { chooseTargets, helpText, parseCommandText, understood, USAGE_TEXT } from './command.js';
import type { DiagnosisEnqueuer } from './enqueuer.js';
import { inlineCode, untrustedProse } from './mrkdwn.js';
import { renderFailed, renderJoined, renderNotice, renderParent } from './render.js';
import { type SeenSignatures, verifySlackRequest } from './verify.js';

/** The slash command this app answers (manifest.yml declares it). */
export const COMMAND = '/502';
/** The parent message waits out a short rate limit (the requester is watching); a long one is reported. */
const PARENT_RETRY: RetryPolicy = { retries: 2, maxWaitMs: 10_000 };
const EVENTS_PATH = '/slack/events';
/** A request (headers and body) slower than this is cut off: Slack sends small bodies at once. */
const REQUEST_TIMEOUT_MS = 15_000;

export interface BotOptions {
  token: string;
  /** HTTP mode: verifies every request. */
  signingSecret?: string;
  /** HTTP mode: signatures already honoured (Redis, shared by every bot), so a replay starts nothing. */
  seenSignatures?: SeenSignatures;
  /** Socket Mode when set. */
  appToken?: string;
  /** HTTP mode: where to listen (0: any free port). */
  port: number;
  host?: string;
  slackApiUrl?: string;
  /** Posts the parent messages and updates them (shared with the notifier of the 'answered' case). */
  client: WebClient;
  enqueuer: DiagnosisEnqueuer;
  inventory: () => Promise<InventoryResult>;
  channelHosts: ChannelHosts | null;
  log: Logger;
  botName?: string;
  /** Adds listeners before the app starts (the remediation buttons: app.action('remediation_apply', …)). */
  register?: (app: App) => void;
}

export interface RunningBot {
  mode: 'http' | 'socket';
  /** HTTP mode: the port listened on. */
  port?: number;
  /** Resolves when the work started by commands so far is done (tests, shutdown). */
  idle(): Promise<void>;
  /** Stops taking requests, lets started work finish (up to `graceMs`), disconnects. */
  stop(graceMs?: number): Promise<void>;
}

/** Bolt's logger interface over pino. */
function boltLogger(log: Logger): BoltLogger {
  const text = (msg: unknown[]) => msg.map((m) => (m instanceof Error ? m.message : String(m))).join(' ');
  let level = LogLevel.INFO;
  return {
    debug: (...msg: unknown[]) => log.debug(text(msg)),
    info: (...msg: unknown[]) => log.info(text(msg)),
    warn: (...msg: unknown[]) => log.warn(text(msg)),
    error: (...msg: unknown[]) => log.error(text(msg)),
    setLevel: (l: LogLevel) => void (level = l),
    getLevel: () => level,
    setName: () => undefined,
  };
}

const ephemeral = (message: SlackMessage): RespondArguments => ({
  response_type: 'ephemeral',
  text: message.text,
  blocks: message.blocks,
});

export async function startBot(options: BotOptions): Promise<RunningBot> {
  const { log, client } = options;
  const logger = boltLogger(log.child({ component: 'bolt' }));
  const clientOptions = webClientOptions({ slackApiUrl: options.slackApiUrl });
  const inflight = new Set<Promise<void>>();
  const botName = options.botName ?? 'upstream-doctor';

  let receiver: HTTPReceiver | SocketModeReceiver;
  let verify: Verify | undefined;
  if (options.appToken) {
    receiver = new SocketModeReceiver({
      appToken: options.appToken,
      logger,
      installerOptions: { clientOptions },
    });
  } else {
    const secret = options.signingSecret;
    const seen = options.seenSignatures;
    if (!secret) throw new Error('HTTP mode needs the signing secret');
    if (!seen) throw new Error('HTTP mode needs a store of seen signatures');
    verify = (req, body) => verifySlackRequest(req.headers, body, { secret, seen });
    receiver = new HTTPReceiver({
      signingSecret: secret,
      endpoints: EVENTS_PATH,
      logger,
      processBeforeResponse: false,
    });
  }
  // No conversation store: it serves message events, not commands, and would cost every request a lookup.
  const app = new App({
    token: options.token,
    receiver,
    logger,
    clientOptions,
    deferInitialization: true,
    convoStore: false,
  });

  app.command(COMMAND, async ({ command, ack, respond }) => {
    const request = parseCommandText(command.text);
    if (request.kind === 'help') return ack(ephemeral(renderNotice(helpText(command.command))));
    if (request.kind === 'usage') return ack(ephemeral(renderNotice(USAGE_TEXT)));
    if (request.kind === 'invalid') return ack(ephemeral(renderNotice(request.message)));
    const echo = understood(request.patterns);
    await (echo === undefined ? ack() : ack(ephemeral(renderNotice(echo))));
    const work = diagnose(command, request.patterns, respond).catch((err: unknown) =>
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
    const loaded = await options.inventory();
    if (!loaded.ok) {
      log.error({ errors: loaded.error }, 'inventory unreadable');
      return tell(
        respond,
        `I cannot read my inventory: ${untrustedProse(loaded.error[0] ?? 'unknown error')}`,
      );
    }
    const choice = chooseTargets(loaded.value, patterns, channel, options.channelHosts);
    if (!choice.ok) return tell(respond, choice.message);

    for (const target of choice.targets) {
      let parentTs: string;
      try {
        const parent = renderParent(target.name, user);
        const answer = await withRateLimitRetry(
          () => client.chat.postMessage({ channel, text: parent.text, blocks: parent.blocks }),
          PARENT_RETRY,
        );
        if (!answer.ts) throw new Error('Slack answered chat.postMessage without a ts');
        parentTs = answer.ts;
      } catch (err) {
        log.warn({ err: describeSlackError(err), channel }, 'parent message not posted');
        return tell(
          respond,
          channelUnusable(err)
            ? `I can't post in this channel (${inlineCode(describeSlackError(err))}). Invite me with \`/invite @${botName}\`, then run the command again.`
            : `Slack refused my message (${inlineCode(describeSlackError(err))}); nothing was started.`,
        );
      }
      const destination = { kind: 'slack' as const, channel, threadTs: parentTs, userId: user };
      try {
        const ticket = await options.enqueuer.requestDiagnosis({ target: target.name, destination });
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

  /** A request that joined a running diagnosis: its parent links to the thread where it runs. */
  async function linkToRunning(
    target: string,
    destination: { channel: string; threadTs: string; userId: string },
    leader: Destination | undefined,
  ): Promise<void> {
    let permalink: string | undefined;
    if (leader?.kind === 'slack') {
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

  options.register?.(app);

  // auth.test: a wrong token stops the start with Slack's reason, before any request is taken.
  await app.init();

  const idle = async () => {
    while (inflight.size > 0) await Promise.allSettled([...inflight]);
  };
  const drain = async (graceMs: number) => {
    await Promise.race([idle(), new Promise((r) => setTimeout(r, graceMs).unref())]);
  };

  if (receiver instanceof SocketModeReceiver) {
    await app.start();
    log.info({ mode: 'socket' }, 'bot connected (Socket Mode)');
    return {
      mode: 'socket',
      idle,
      stop: async (graceMs = 10_000) => {
        await app.stop();
        await drain(graceMs);
      },
    };
  }

  const http = receiver;
  const check = verify!;
  const server = createServer((req, res) => serve(http, req, res, log, check));
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = REQUEST_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  log.info({ mode: 'http', port, path: '/slack/events' }, 'bot listening');
  return {
    mode: 'http',
    port,
    idle,
    stop: async (graceMs = 10_000) => {
      await closeServer(server);
      await drain(graceMs);
    },
  };
}

/**
 * The whole body, or undefined when it exceeds `limit` bytes (the rest is read and dropped, so the client
 * hears 413 rather than a reset; the server's request timeout bounds how long) or the client went away.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size <= limit ? Buffer.concat(chunks) : undefined));
    req.on('error', () => resolve(undefined));
    req.on('close', () => resolve(undefined));
  });
}

/** Slack's `ssl_check=1` probe (no signature by design): answered 200 here, never passed on. */
function isSslCheck(req: IncomingMessage, body: Buffer): boolean {
  return (
    req.headers['content-type'] === 'application/x-www-form-urlencoded' &&
    new URLSearchParams(body.toString('utf8')).get('ssl_check') === '1'
  );
}

type Verify = (req: IncomingMessage, body: Buffer) => ReturnType<typeof verifySlackRequest>;

function serve(
  receiver: HTTPReceiver,
  req: IncomingMessage,
  res: ServerResponse,
  log: Logger,
  verify: Verify,
): void {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (path === '/healthz' && req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    return;
  }
  if (path === EVENTS_PATH && req.method === 'POST') {
    void admit(receiver, req, res, log, verify).catch((err: unknown) => {
      log.error({ err }, 'request failed');
      if (!res.headersSent) res.writeHead(500).end();
    });
    return;
  }
  pass(receiver, req, res, log);
}

/** A POST to /slack/events: read, verified, then Bolt's (which finds the body read: `rawBody`). */
async function admit(
  receiver: HTTPReceiver,
  req: IncomingMessage,
  res: ServerResponse,
  log: Logger,
  verify: Verify,
): Promise<void> {
  const body = await readBody(req, defaultBodyLimit);
  if (body === undefined) {
    if (!res.headersSent && !res.destroyed) res.writeHead(413).end();
    return;
  }
  if (isSslCheck(req, body)) {
    res.writeHead(200).end();
    return;
  }
  const verdict = await verify(req, body);
  if (!verdict.ok) {
    log.warn({ path: EVENTS_PATH, why: verdict.why }, 'request refused');
    res.writeHead(verdict.status).end();
    return;
  }
  (req as BufferedIncomingMessage).rawBody = body;
  pass(receiver, req, res, log);
}

function pass(receiver: HTTPReceiver, req: IncomingMessage, res: ServerResponse, log: Logger): void {
  try {
    receiver.requestListener(req, res);
  } catch (err) {
    if (err instanceof HTTPReceiverDeferredRequestError) {
      req.resume();
      res.writeHead(404).end();
      return;
    }
    log.error({ err }, 'request failed');
    if (!res.headersSent) res.writeHead(500).end();
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
