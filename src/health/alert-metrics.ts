// Prometheus metrics of the bot's alert webhooks: every alert received, counted by route and by what came of
// it (a new thread and diagnosis, joined its thread, resolved, a host the inventory does not know, refused).
// Served on the bot's /metrics beside its /healthz.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import { requestPath } from './request-path.js';

/** What came of one alert (or, for `rejected`, of one request refused with 401, 400, 413 or 503). */
export const ALERT_RESULTS = [
  'queued',
  'joined',
  'resolved',
  'unknown-host',
  /** A host CHANNEL_HOSTS does not give ALERT_CHANNEL: not diagnosed there. */
  'forbidden-host',
  'rejected',
  /** Parent not posted or diagnosis not queued (Slack or Redis refused). */
  'failed',
  /** Resolved with no thread to edit (never seen firing, or resolved already). */
  'ignored',
] as const;
export type AlertResult = (typeof ALERT_RESULTS)[number];

export type AlertRoute = 'alertmanager' | 'generic';

export class AlertMetrics {
  readonly registry = new Registry();
  private readonly alerts: Counter<'route' | 'result'>;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false)
      collectDefaultMetrics({ register: this.registry, prefix: 'upstream_doctor_bot_' });
    this.alerts = new Counter({
      name: 'upstream_doctor_alerts_total',
      help: 'Alerts received on the webhooks, by route and result (queued, joined, resolved, unknown-host, rejected, failed, ignored)',
      labelNames: ['route', 'result'],
      registers: [this.registry],
    });
  }

  count(route: AlertRoute, result: AlertResult): void {
    this.alerts.inc({ route, result });
  }

  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Answers `GET /metrics` (true), or leaves the request to the caller (false). */
  serve(req: IncomingMessage, res: ServerResponse): boolean {
    const path = requestPath(req);
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
    this.text().then(
      (text) => {
        res.writeHead(200, { 'content-type': this.contentType, 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (err: unknown) =>
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${String(err)}\n`),
    );
    return true;
  }
}
