// The worker's HTTP side: GET /healthz (200 when Redis answers and the workers run, else 503, with a JSON
// body saying which) and GET /metrics (Prometheus text). Nothing else; no request body is ever read.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { requestPath } from './request-path.js';

export interface HealthStatus {
  ok: boolean;
  [detail: string]: unknown;
}

export interface HealthServerOptions {
  port: number;
  host?: string;
  health: () => Promise<HealthStatus>;
  metrics: { text(): Promise<string>; contentType: string };
}

export interface HealthServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const server = createServer((req, res) => {
    const path = requestPath(req);
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain', 'method not allowed\n');
    if (path === '/healthz') {
      options.health().then(
        (h) => send(h.ok ? 200 : 503, 'application/json', `${JSON.stringify(h)}\n`),
        (err: unknown) =>
          send(503, 'application/json', `${JSON.stringify({ ok: false, error: String(err) })}\n`),
      );
      return;
    }
    if (path === '/metrics') {
      options.metrics.text().then(
        (text) => send(200, options.metrics.contentType, text),
        (err: unknown) => send(500, 'text/plain', `metrics failed: ${String(err)}\n`),
      );
      return;
    }
    send(404, 'text/plain', 'not found: try /healthz or /metrics\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
