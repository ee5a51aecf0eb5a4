// Requests as Slack sends them to an app over HTTP: slash commands and block_actions payloads, signed with
// the v0 scheme (HMAC-SHA256 of `v0:{timestamp}:{body}` with the signing secret, hex, in X-Slack-Signature).
// Content-Type is exactly `application/x-www-form-urlencoded`: Bolt compares it whole, so a `; charset=…`
// suffix would make it read the body as JSON and answer 400.
import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';

export const FORM = 'application/x-www-form-urlencoded';

export function signature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** The two headers Slack adds; `timestamp` in seconds (default: now). */
export function signedHeaders(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)) {
  return {
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': signature(secret, timestamp, body),
  };
}

export interface SlashCommand {
  command?: string;
  text: string;
  user_id?: string;
  user_name?: string;
  channel_id?: string;
  channel_name?: string;
  team_id?: string;
  response_url?: string;
  trigger_id?: string;
}

/** The form body of a slash command, with the fields Slack sends. */
export function slashCommandBody(command: SlashCommand): string {
  const fields: Record<string, string> = {
    token: 'deprecated-verification-token',
    team_id: command.team_id ?? 'T0STANDIN',
    team_domain: 'stand-in',
    channel_id: command.channel_id ?? 'C0INCIDENT',
    channel_name: command.channel_name ?? 'incidents',
    user_id: command.user_id ?? 'U0REQUESTER',
    user_name: command.user_name ?? 'alice',
    command: command.command ?? '/502',
    text: command.text,
    api_app_id: 'A0UPSTREAM',
    is_enterprise_install: 'false',
    response_url: command.response_url ?? 'https://hooks.slack.com/commands/T0STANDIN/1/stand-in',
    trigger_id: command.trigger_id ?? '1.2.stand-in',
  };
  return new URLSearchParams(fields).toString();
}

export interface BlockAction {
  action_id: string;
  value: string;
  block_id?: string;
  user_id?: string;
  channel_id?: string;
  message_ts?: string;
  /** The thread the pressed message is in (Slack sends it as message.thread_ts). */
  thread_ts?: string;
  response_url?: string;
  /** The pressed message's blocks, as Slack sends them with the press (default none). */
  message_blocks?: unknown[];
}

/** The form body of a block_actions interaction: `payload=<JSON>`. */
export function blockActionsBody(action: BlockAction): string {
  const user = action.user_id ?? 'U0APPROVER';
  const channel = action.channel_id ?? 'C0INCIDENT';
  const payload = {
    type: 'block_actions',
    user: { id: user, username: 'bob', name: 'bob', team_id: 'T0STANDIN' },
    api_app_id: 'A0UPSTREAM',
    token: 'deprecated-verification-token',
    container: {
      type: 'message',
      message_ts: action.message_ts ?? '1.000001',
      channel_id: channel,
      is_ephemeral: false,
    },
    trigger_id: '1.2.stand-in',
    team: { id: 'T0STANDIN', domain: 'stand-in' },
    channel: { id: channel, name: 'incidents' },
    message: {
      type: 'message',
      ts: action.message_ts ?? '1.000001',
      ...(action.thread_ts ? { thread_ts: action.thread_ts } : {}),
      text: '',
      blocks: action.message_blocks ?? [],
    },
    response_url: action.response_url ?? 'https://hooks.slack.com/actions/T0STANDIN/1/stand-in',
    actions: [
      {
        type: 'button',
        action_id: action.action_id,
        block_id: action.block_id ?? 'remediation',
        value: action.value,
        text: { type: 'plain_text', text: action.action_id },
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export interface PostResult {
  status: number;
  body: string;
  /** Milliseconds from sending the request to the end of the answer. */
  ms: number;
}

export interface PostOptions {
  /** Signs with this secret (unless `headers` already carry a signature). */
  secret: string;
  timestamp?: number;
  contentType?: string;
  /** Extra or replacement headers (a forged signature, a missing one). */
  headers?: Record<string, string | undefined>;
  agent?: Agent;
}

/** POSTs `body` to `url` as Slack would (signed), timing the round trip. */
export function postSigned(url: string, body: string, options: PostOptions): Promise<PostResult> {
  const merged: Record<string, string | undefined> = {
    'content-type': options.contentType ?? FORM,
    'content-length': String(Buffer.byteLength(body)),
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    ...signedHeaders(options.secret, body, options.timestamp),
    ...options.headers,
  };
  // A header given as undefined is left out (a request without a signature).
  const headers = Object.fromEntries(
    Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers, agent: options.agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          ms: performance.now() - started,
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
