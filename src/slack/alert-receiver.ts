// The bot's alert webhooks over HTTP: `POST /alerts/alertmanager` (Alertmanager's webhook JSON) and
// `POST /alerts/generic` (`{"host": …, "summary": …}`), both behind `Authorization: Bearer
// <ALERT_WEBHOOK_TOKEN>`. The token is compared in constant time (timingSafeEqual over SHA-256 digests, so
// neither its length nor its bytes leak through timing); a wrong or missing one is 401 before any of the
// body is read. The body is read as a stream and cut off at 1 MB (413, and nothing more is read); bad JSON
// or a bad shape is 400 with the reason. Nothing reaches Redis or Slack before the answer: a good payload
// is answered 200 at once and its alerts are handed to `accept` (alert-diagnosis.ts), which works after.
// Without a token the routes do not exist (the caller answers 404).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { AlertRoute } from '../health/alert-metrics.js';
import {
  type AlertEvent,
  alertmanagerEvents,
  alertmanagerPayloadSchema,
  genericAlertSchema,
  genericEvent,
  parseAlertBody,
} from './alert-payload.js';
import { requestPath } from '../health/request-path.js';

export const ALERT_PATHS: Record<AlertRoute, string> = {
  alertmanager: '/alerts/alertmanager',
  generic: '/alerts/generic',
};

/** Largest body taken: Alertmanager's groups are small; anything bigger is refused unread. */
export const MAX_ALERT_BODY = 1024 * 1024;

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** True when the header is `Bearer <token>`: compared in constant time, whatever either's length. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  const given = digest(m ? m[1]! : '');
  return timingSafeEqual(given, digest(token)) && m !== null;
}

export type CappedBody = { ok: true; body: Buffer } | { ok: false; status: 400 | 413; reason: string };

/**
 * The body, read chunk by chunk and refused as soon as it passes `limit` bytes (a Content-Length over it
 * is refused before anything is read): reading stops there, the rest never enters memory.
 */
export function readCappedBody(req: IncomingMessage, limit: number): Promise<CappedBody> {
  const tooLarge: CappedBody = { ok: false, status: 413, reason: `the body is larger than ${limit} bytes` };
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(tooLarge);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: CappedBody) => {
      if (done) return;
      done = true;
      req.off('data', onData);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        finish(tooLarge);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => finish({ ok: true, body: Buffer.concat(chunks) }));
    req.once('error', () => finish({ ok: false, status: 400, reason: 'the request was cut off' }));
    req.once('close', () => finish({ ok: false, status: 400, reason: 'the request was cut off' }));
  });
}

export interface AlertReceiverOptions {
  /** ALERT_WEBHOOK_TOKEN; without it the routes do not exist. */
  token: string | undefined;
  /** ALERT_HOST_LABEL: the label of an Alertmanager alert that names its host. */
  hostLabel: string;
  /**
   * Takes the alerts of a good payload; must return at once and start no I/O before it returns (the answer
   * is written right after: the work happens after it). False: too many in hand already, the sender hears
   * 503 and retries.
   */
  accept(route: AlertRoute, events: AlertEvent[]): boolean;
  /** A request refused (401, 400, 413): counted by the caller. */
  rejected?(route: AlertRoute, status: number, reason: string): void;
  log: Logger;
  maxBytes?: number;
  now?: () => Date;
}

/** A route handler: true when it answered the request (the caller passes on the others). */
export type HttpRoute = (req: IncomingMessage, res: ServerResponse) => boolean;

const ROUTE_OF = new Map<string, AlertRoute>(
  Object.entries(ALERT_PATHS).map(([route, path]) => [path, route as AlertRoute]),
);

function answer(res: ServerResponse, status: number, body: object, close = false): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(`${JSON.stringify(body)}\n`);
}

/** The alert webhooks as one route handler. */
export function alertReceiver(options: AlertReceiverOptions): HttpRoute {
  const { token, log } = options;
  const limit = options.maxBytes ?? MAX_ALERT_BODY;
  const now = options.now ?? (() => new Date());

  const refuse = (route: AlertRoute, res: ServerResponse, status: number, reason: string, close = false) => {
    log.warn({ route, status, why: reason }, 'alert webhook refused');
    options.rejected?.(route, status, reason);
    answer(res, status, { ok: false, error: reason }, close);
  };

  const events = (route: AlertRoute, body: Buffer) => {
    if (route === 'alertmanager') {
      const parsed = parseAlertBody(alertmanagerPayloadSchema, body);
      return parsed.ok
        ? { ok: true as const, value: alertmanagerEvents(parsed.value, options.hostLabel) }
        : parsed;
    }
    const parsed = parseAlertBody(genericAlertSchema, body);
    return parsed.ok ? { ok: true as const, value: [genericEvent(parsed.value, now())] } : parsed;
  };

  return (req, res) => {
    if (token === undefined) return false;
    const path = requestPath(req);
    const route = ROUTE_OF.get(path);
    if (route === undefined) return false;
    if (req.method !== 'POST') {
      req.resume();
      res.setHeader('allow', 'POST');
      answer(res, 405, { ok: false, error: 'use POST' });
      return true;
    }
    if (!bearerMatches(req.headers.authorization, token)) {
      // Nothing of the body is read for a stranger: the connection closes after the answer.
      refuse(
        route,
        res,
        401,
        'a wrong or missing bearer token (Authorization: Bearer ALERT_WEBHOOK_TOKEN)',
        true,
      );
      return true;
    }
    void readCappedBody(req, limit).then((read) => {
      if (!read.ok) return refuse(route, res, read.status, read.reason, read.status === 413);
      const parsed = events(route, read.body);
      if (!parsed.ok) return refuse(route, res, 400, parsed.error);
      if (!options.accept(route, parsed.value))
        return refuse(route, res, 503, 'too many alerts waiting to be handled; send them again later');
      answer(res, 200, { ok: true, alerts: parsed.value.length });
      log.info({ route, alerts: parsed.value.length }, 'alert webhook received');
    });
    return true;
  };
}
