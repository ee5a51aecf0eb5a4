// The Bolt app: builds it, installs request verification, registers the listeners (the `/502` command,
// slash-command.ts; the remediation buttons, actions.ts, through `register`) and starts it.
//
// HTTP mode: our own http.Server in front of Bolt's HTTPReceiver. Each POST to /slack/events is read whole
// (up to Bolt's body limit, within a request timeout), then verified here (verify.ts: a plain integer
// timestamp at most 5 minutes old and not ahead of us, the v0 signature, a signature never seen before)
// and only then handed to Bolt, which finds the body already read and checks the signature again.
// Socket Mode: Bolt's SocketModeReceiver, its WebClient pointed at SLACK_API_URL too; no signatures there
// (the WebSocket is authenticated with the app-level token), so no replay check either.
// Routes of the bot's own (`http`: the alert webhooks and /metrics, alert-receiver.ts) are served before
// Bolt's in HTTP mode; in Socket Mode they get a listener of their own on the port, beside /healthz.
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
} from '@slack/bolt';
import type { Logger } from 'pino';
import { AckFirst } from './ack-first.js';
import { webClientOptions } from './calls.js';
import { registerSlashCommand, type SlashCommandDeps } from './slash-command.js';
import { type SeenSignatures, verifySlackRequest } from './verify.js';

const EVENTS_PATH = '/slack/events';
/** A request (headers and body) slower than this is cut off: Slack sends small bodies at once. */
const REQUEST_TIMEOUT_MS = 15_000;

/** The `/502` listener's needs (slash-command.ts), and how the app reaches Slack and is reached. */
export interface BotOptions extends Omit<SlashCommandDeps, 'botName'> {
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
  /** The name the invite hint spells; upstream-doctor by default. */
  botName?: string;
  /** Adds listeners before the app starts (the remediation buttons: app.action('remediation_apply', …)). */
  register?: (app: App) => void;
  /** Routes of the bot's own on its port, in either mode (the alert webhooks, /metrics), and their work. */
  http?: BotHttpRoutes;
}

/** Requests the bot answers itself, and the work they start (waited for when the bot stops). */
export interface BotHttpRoutes {
  /** True when it answered the request. */
  route: (req: IncomingMessage, res: ServerResponse) => boolean;
  idle(): Promise<void>;
}

export interface RunningBot {
  mode: 'http' | 'socket';
  /** The port listened on: HTTP mode, and Socket Mode with routes of its own (`http`). */
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

export async function startBot(options: BotOptions): Promise<RunningBot> {
  const { log } = options;
  const logger = boltLogger(log.child({ component: 'bolt' }));
  const clientOptions = webClientOptions({ slackApiUrl: options.slackApiUrl });

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

  // HTTP mode: the work after an ack waits for the acks still owed (Socket Mode acks over one WebSocket).
  const ackFirst = receiver instanceof HTTPReceiver ? new AckFirst() : undefined;
  const commands = registerSlashCommand(app, {
    ...(ackFirst ? { afterAcks: () => ackFirst.turn() } : {}),
    client: options.client,
    enqueuer: options.enqueuer,
    inventory: options.inventory,
    channelHosts: options.channelHosts,
    log,
    botName: options.botName ?? 'upstream-doctor',
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.sweeps ? { sweeps: options.sweeps } : {}),
  });
  options.register?.(app);

  // auth.test: a wrong token stops the start with Slack's reason, before any request is taken.
  await app.init();

  const idle = async () => {
    await Promise.all([commands.idle(), options.http?.idle()]);
  };
  const drain = async (graceMs: number) => {
    await Promise.race([idle(), new Promise((r) => setTimeout(r, graceMs).unref())]);
  };

  const own = options.http?.route;
  if (receiver instanceof SocketModeReceiver) {
    // Only the bot's own routes and /healthz: Slack reaches a Socket Mode app over its WebSocket.
    const side = own
      ? await listen(
          createServer((req, res) => {
            if (serveHealth(req, res) || own(req, res)) return;
            req.resume();
            res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
          }),
          options,
        )
      : undefined;
    await app.start();
    log.info({ mode: 'socket', ...(side ? { port: side.port } : {}) }, 'bot connected (Socket Mode)');
    return {
      mode: 'socket',
      ...(side ? { port: side.port } : {}),
      idle,
      stop: async (graceMs = 10_000) => {
        if (side) await closeServer(side.server);
        await app.stop();
        await drain(graceMs);
      },
    };
  }

  const http = receiver;
  const check = verify!;
  const { server, port } = await listen(
    createServer((req, res) => serve(http, req, res, log, check, own, ackFirst!)),
    options,
  );
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

/** Listens on the bot's port with its request timeouts. */
async function listen(server: Server, options: BotOptions): Promise<{ server: Server; port: number }> {
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = REQUEST_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { server, port: (server.address() as AddressInfo).port };
}

/** GET /healthz: the bot takes requests. */
function serveHealth(req: IncomingMessage, res: ServerResponse): boolean {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (path !== '/healthz' || req.method !== 'GET') return false;
  res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  return true;
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
  // Only a body naming the field is decoded: every command would otherwise be parsed once more here.
  return (
    req.headers['content-type'] === 'application/x-www-form-urlencoded' &&
    body.includes('ssl_check=') &&
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
  own: BotHttpRoutes['route'] | undefined,
  ackFirst: AckFirst,
): void {
  if (serveHealth(req, res) || own?.(req, res)) return;
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (path === EVENTS_PATH && req.method === 'POST') {
    ackFirst.received();
    res.once('close', () => ackFirst.answered());
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
