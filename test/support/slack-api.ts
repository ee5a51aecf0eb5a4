// A local stand-in for Slack's Web API: an HTTP server on 127.0.0.1 that answers the methods the bot calls the
// way Slack does (form or JSON bodies, `{ ok, error }` answers, 429 with Retry-After, upload URLs), keeps the
// messages it was sent so chat.update can find them, judges every message against Block Kit's limits (as Slack
// answers `invalid_blocks`), and records every call. Point WebClient at `url` (slackApiUrl / SLACK_API_URL).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQuery } from 'node:querystring';
import { limitViolations } from '../../src/slack/blocks.js';

export type Args = Record<string, unknown>;

export interface RecordedCall {
  method: string;
  args: Args;
  /** Bearer token the call carried (or the `token` argument). */
  token?: string;
  /** ms since the stand-in started. */
  at: number;
  /** What the stand-in answered: the HTTP status and the JSON body. */
  status: number;
  answer: Args;
}

export interface StoredMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text?: string;
  blocks?: unknown[];
  /** Every version, oldest first (chat.update appends). */
  history: { text?: string; blocks?: unknown[] }[];
}

export interface Upload {
  fileId: string;
  filename: string;
  title?: string;
  content: string;
  channel?: string;
  threadTs?: string;
  initialComment?: string;
  completed: boolean;
}

/** A scripted answer for the next call(s) of a method. */
type Scripted =
  { kind: 'error'; error: string } | { kind: 'rate-limit'; retryAfter: number } | { kind: 'pass' };

export interface StandInOptions {
  /** The bot token calls must carry (any token is accepted when unset). */
  token?: string;
  /** Members of user groups, for usergroups.users.list. */
  usergroups?: Record<string, string[]>;
  /** Channels that exist but the bot is not in (chat.* answer not_in_channel). */
  notInChannel?: string[];
  /** Milliseconds to wait before answering anything (a slow Slack). */
  delayMs?: number;
  /** Socket Mode: the app-level token apps.connections.open takes, and the WebSocket URL it hands out. */
  socketMode?: { appToken: string; url: string };
}

const MESSAGE_METHODS = new Set(['chat.postMessage', 'chat.update', 'chat.postEphemeral']);

export class SlackApiStandIn {
  readonly calls: RecordedCall[] = [];
  /** TCP connections clients opened (a client without keep-alive opens one per call). */
  connections = 0;
  readonly messages = new Map<string, StoredMessage>();
  readonly uploads = new Map<string, Upload>();
  /** Every message whose blocks broke Block Kit's limits (answered invalid_blocks), with the reasons. */
  readonly violations: { method: string; problems: string[] }[] = [];
  private readonly scripted = new Map<string, Scripted[]>();
  private readonly delays = new Map<string, number[]>();
  private readonly expiredResponseUrls = new Set<string>();
  private readonly started = Date.now();
  private seq = 0;
  private readonly waiters: { test: () => boolean; resolve: () => void }[] = [];

  private constructor(
    private readonly server: Server,
    readonly base: string,
    private readonly options: StandInOptions,
  ) {}

  /** Starts the stand-in on an ephemeral port of 127.0.0.1. */
  static async start(options: StandInOptions = {}): Promise<SlackApiStandIn> {
    const holder: { standIn?: SlackApiStandIn } = {};
    const server = createServer((req, res) => {
      holder.standIn!.handle(req, res).catch((err: unknown) => {
        res.writeHead(500).end(String(err));
      });
    });
    server.on('connection', () => {
      if (holder.standIn) holder.standIn.connections += 1;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const standIn = new SlackApiStandIn(server, `http://127.0.0.1:${port}`, options);
    holder.standIn = standIn;
    return standIn;
  }

  /** The Web API base URL, with the trailing slash WebClient expects. */
  get url(): string {
    return `${this.base}/api/`;
  }

  /** The next `times` calls of `method` (after `after` that answer as usual) answer `{ ok: false, error }`. */
  failNext(method: string, error: string, times = 1, after = 0): void {
    this.script(method, { kind: 'pass' }, after);
    this.script(method, { kind: 'error', error }, times);
  }

  /** The next `times` calls of `method` answer HTTP 429 with `Retry-After: retryAfter` (seconds). */
  rateLimitNext(method: string, retryAfter: number, times = 1): void {
    this.script(method, { kind: 'rate-limit', retryAfter }, times);
  }

  /** The next call of `method` is answered (and takes effect) only `ms` later: a slow call in flight. */
  delayNext(method: string, ms: number): void {
    this.delays.set(method, [...(this.delays.get(method) ?? []), ms]);
  }

  /** Forgets scripted answers not used yet. */
  clearScripted(): void {
    this.scripted.clear();
    this.delays.clear();
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Messages in a thread (replies only), oldest first. */
  replies(channel: string, threadTs: string): StoredMessage[] {
    return [...this.messages.values()].filter((m) => m.channel === channel && m.thread_ts === threadTs);
  }

  /** Resolves once `test` holds after some call (checked now and after every call). */
  waitFor(test: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = {
        test,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`Slack stand-in: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private script(method: string, answer: Scripted, times: number): void {
    const queue = this.scripted.get(method) ?? [];
    for (let i = 0; i < times; i++) queue.push(answer);
    this.scripted.set(method, queue);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (this.options.delayMs) await new Promise((r) => setTimeout(r, this.options.delayMs));
    const path = new URL(req.url ?? '/', this.base).pathname;
    const contentType = String(req.headers['content-type'] ?? '');
    if (path.startsWith('/upload/'))
      return this.receiveUpload(path.slice('/upload/'.length), body, contentType, res);
    if (path.startsWith('/response/'))
      return this.receiveResponse(path.slice('/response/'.length), body, res);
    if (!path.startsWith('/api/') || req.method !== 'POST') {
      res.writeHead(404).end();
      return;
    }
    const method = path.slice('/api/'.length);
    const args = parseArgs(body, contentType);
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ')
      ? auth.slice(7)
      : typeof args.token === 'string'
        ? args.token
        : undefined;

    const delay = this.delays.get(method)?.shift();
    if (delay !== undefined) await new Promise((r) => setTimeout(r, delay));
    const scripted = this.scripted.get(method)?.shift();
    let status = 200;
    let answer: Args;
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    if (scripted?.kind === 'rate-limit') {
      status = 429;
      headers['retry-after'] = String(scripted.retryAfter);
      answer = { ok: false, error: 'ratelimited' };
    } else if (scripted?.kind === 'error') {
      answer = { ok: false, error: scripted.error };
    } else if (method === 'apps.connections.open') {
      // Only the app-level token opens Socket Mode connections (a bot token gets not_allowed_token_type).
      const sm = this.options.socketMode;
      answer = !sm
        ? { ok: false, error: 'not_allowed_token_type' }
        : token === sm.appToken
          ? { ok: true, url: sm.url }
          : { ok: false, error: token?.startsWith('xoxb-') ? 'not_allowed_token_type' : 'invalid_auth' };
    } else if (this.options.token !== undefined && token !== this.options.token) {
      answer = { ok: false, error: token ? 'invalid_auth' : 'not_authed' };
    } else {
      answer = this.answer(method, args);
    }
    this.calls.push({ method, args, token, at: Date.now() - this.started, status, answer });
    res.writeHead(status, headers).end(JSON.stringify(answer));
    this.wake();
  }

  private wake(): void {
    for (const waiter of [...this.waiters])
      if (waiter.test()) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
  }

  private nextTs(): string {
    this.seq += 1;
    return `${Math.floor(this.started / 1000)}.${String(this.seq).padStart(6, '0')}`;
  }

  /** Slack's answer to a well-authenticated call. */
  private answer(method: string, args: Args): Args {
    const channel = typeof args.channel === 'string' ? args.channel : undefined;
    if (MESSAGE_METHODS.has(method)) {
      if (!channel) return { ok: false, error: 'channel_not_found' };
      if (this.options.notInChannel?.includes(channel)) return { ok: false, error: 'not_in_channel' };
      if (args.text === undefined && args.blocks === undefined) return { ok: false, error: 'no_text' };
      const problems = limitViolations({ text: args.text, blocks: args.blocks });
      if (problems.length > 0) {
        this.violations.push({ method, problems });
        return { ok: false, error: 'invalid_blocks', errors: problems };
      }
    }
    const text = typeof args.text === 'string' ? args.text : undefined;
    const blocks = Array.isArray(args.blocks) ? (args.blocks as unknown[]) : undefined;
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: `${this.base}/`,
          team: 'Stand-in',
          user: 'upstream-doctor',
          team_id: 'T0STANDIN',
          user_id: 'U0BOTUSER',
          bot_id: 'B0BOT',
        };
      case 'chat.postMessage': {
        const ts = this.nextTs();
        const threadTs = typeof args.thread_ts === 'string' ? args.thread_ts : undefined;
        this.messages.set(ts, {
          channel: channel!,
          ts,
          ...(threadTs ? { thread_ts: threadTs } : {}),
          text,
          blocks,
          history: [{ text, blocks }],
        });
        return { ok: true, channel, ts, message: { type: 'message', text, blocks, ts, bot_id: 'B0BOT' } };
      }
      case 'chat.update': {
        const ts = typeof args.ts === 'string' ? args.ts : '';
        const message = this.messages.get(ts);
        if (!message || message.channel !== channel) return { ok: false, error: 'message_not_found' };
        message.text = text;
        message.blocks = blocks;
        message.history.push({ text, blocks });
        return { ok: true, channel, ts, text, message: { text, blocks } };
      }
      case 'chat.postEphemeral':
        if (typeof args.user !== 'string') return { ok: false, error: 'user_not_in_channel' };
        return { ok: true, message_ts: this.nextTs() };
      case 'chat.getPermalink': {
        const ts = typeof args.message_ts === 'string' ? args.message_ts : '';
        if (!this.messages.has(ts)) return { ok: false, error: 'message_not_found' };
        return { ok: true, channel, permalink: `${this.base}/archives/${channel}/p${ts.replace('.', '')}` };
      }
      case 'conversations.info':
        if (!channel) return { ok: false, error: 'channel_not_found' };
        return {
          ok: true,
          channel: { id: channel, is_member: !this.options.notInChannel?.includes(channel) },
        };
      case 'usergroups.users.list': {
        const group = typeof args.usergroup === 'string' ? args.usergroup : '';
        const users = this.options.usergroups?.[group];
        return users ? { ok: true, users } : { ok: false, error: 'no_such_subteam' };
      }
      case 'files.getUploadURLExternal': {
        const filename = typeof args.filename === 'string' ? args.filename : '';
        const length = Number(args.length);
        if (!filename || !Number.isInteger(length) || length < 1)
          return { ok: false, error: 'invalid_arguments' };
        const fileId = `F${String(++this.seq).padStart(8, '0')}`;
        this.uploads.set(fileId, { fileId, filename, content: '', completed: false });
        return { ok: true, upload_url: `${this.base}/upload/${fileId}`, file_id: fileId };
      }
      case 'files.completeUploadExternal': {
        const files = Array.isArray(args.files) ? (args.files as { id?: string; title?: string }[]) : [];
        const done: Args[] = [];
        for (const f of files) {
          const upload = f.id ? this.uploads.get(f.id) : undefined;
          if (!upload || upload.content === '') return { ok: false, error: 'file_not_found' };
          if (channel ?? args.channel_id) {
            const target = String(args.channel_id ?? channel);
            if (this.options.notInChannel?.includes(target)) return { ok: false, error: 'not_in_channel' };
            upload.channel = target;
          }
          if (typeof args.thread_ts === 'string') upload.threadTs = args.thread_ts;
          if (typeof args.initial_comment === 'string') upload.initialComment = args.initial_comment;
          if (f.title) upload.title = f.title;
          upload.completed = true;
          done.push({ id: upload.fileId, name: upload.filename, title: upload.title ?? upload.filename });
        }
        return { ok: true, files: done };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  /** A response_url for a slash command or an action: what is posted to it is recorded as `response_url`. */
  responseUrl(id: string): string {
    return `${this.base}/response/${encodeURIComponent(id)}`;
  }

  /** Messages posted to response_url `id`, in order. */
  responses(id: string): Args[] {
    return this.callsTo('response_url')
      .filter((c) => c.args.id === id)
      .map((c) => c.args.message as Args);
  }

  /**
   * A response_url answers like Slack's: JSON in, "ok" out; after 5 uses it is spent (Slack's limit; the
   * 30-minute expiry answers the same way), and `expireResponseUrl` spends one at once.
   */
  private receiveResponse(rawId: string, body: Buffer, res: ServerResponse): void {
    const id = decodeURIComponent(rawId);
    let message: unknown;
    try {
      message = JSON.parse(body.toString('utf8'));
    } catch {
      message = undefined;
    }
    const used = this.callsTo('response_url').filter((c) => c.args.id === id && c.status === 200).length;
    const spent = used >= 5 || this.expiredResponseUrls.has(id);
    const status = message === undefined ? 400 : spent ? 404 : 200;
    this.calls.push({
      method: 'response_url',
      args: { id, message },
      at: Date.now() - this.started,
      status,
      answer: {},
    });
    res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'expired_url');
    this.wake();
  }

  /** Makes response_url `id` answer as an expired one does. */
  expireResponseUrl(id: string): void {
    this.expiredResponseUrls.add(id);
  }

  /** The file bytes WebClient posts to an upload URL (multipart, one part). */
  private async receiveUpload(
    fileId: string,
    body: Buffer,
    contentType: string,
    res: ServerResponse,
  ): Promise<void> {
    const upload = this.uploads.get(fileId);
    if (!upload) {
      res.writeHead(404).end();
      return;
    }
    let content = body.toString('utf8');
    if (contentType.startsWith('multipart/form-data')) {
      const form = await new Response(new Uint8Array(body), {
        headers: { 'content-type': contentType },
      }).formData();
      const part = [...form.values()][0];
      content = part === undefined ? '' : typeof part === 'string' ? part : await part.text();
    }
    upload.content = content;
    this.calls.push({
      method: 'upload',
      args: { fileId, bytes: body.length },
      at: Date.now() - this.started,
      status: 200,
      answer: {},
    });
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${content.length}`);
    this.wake();
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

// Form fields whose value Slack reads as JSON (WebClient JSON-encodes every non-scalar argument).
const JSON_FIELDS = new Set(['blocks', 'attachments', 'files', 'metadata', 'users']);

/** Arguments from a form or JSON body, with JSON-encoded fields decoded (as Slack reads them). */
function parseArgs(body: Buffer, contentType: string): Args {
  const text = body.toString('utf8');
  if (contentType.startsWith('application/json')) {
    try {
      const parsed = JSON.parse(text) as unknown;
      return typeof parsed === 'object' && parsed !== null ? (parsed as Args) : {};
    } catch {
      return {};
    }
  }
  const form = parseQuery(text);
  const args: Args = {};
  for (const [key, value] of Object.entries(form)) {
    const v = Array.isArray(value) ? value[0] : value;
    if (v === undefined) continue;
    if (JSON_FIELDS.has(key)) {
      try {
        args[key] = JSON.parse(v);
      } catch {
        args[key] = v;
      }
    } else args[key] = v;
  }
  return args;
}
