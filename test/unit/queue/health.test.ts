import { afterEach, describe, expect, it } from 'vitest';
import { WorkerMetrics } from '../../../src/health/metrics.js';
import { startHealthServer, type HealthServer } from '../../../src/health/server.js';
import { TerminalNotifier } from '../../../src/queue/notifiers/terminal.js';
import { snapshotOf } from './support.js';
import { reportOf } from '../../../src/analyze/report.js';

let server: HealthServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('health server', () => {
  it('serves /healthz (200 or 503 by health) and /metrics in Prometheus text', async () => {
    let ok = true;
    const metrics = new WorkerMetrics(async () => ({
      diagnose: { waiting: 3, active: 1 },
      remediate: { waiting: 0 },
    }));
    metrics.jobDone('diagnose', 'ok', 0.2);
    server = await startHealthServer({
      port: 0,
      host: '127.0.0.1',
      metrics,
      health: async () => ({ ok, redis: ok ? 'ready' : 'reconnecting' }),
    });
    const base = `http://127.0.0.1:${server.port}`;
    const healthy = await fetch(`${base}/healthz`);
    expect(healthy.status).toBe(200);
    expect(await healthy.json()).toEqual({ ok: true, redis: 'ready' });
    ok = false;
    expect((await fetch(`${base}/healthz`)).status).toBe(503);

    const m = await fetch(`${base}/metrics`);
    expect(m.headers.get('content-type')).toContain('text/plain');
    const text = await m.text();
    expect(text).toContain('upstream_doctor_queue_jobs{queue="diagnose",state="waiting"} 3');
    expect(text).toContain(
      'upstream_doctor_job_duration_seconds_bucket{le="0.25",queue="diagnose",result="ok"} 1',
    );
    expect(text).toContain('upstream_doctor_process_cpu_seconds_total');
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);
  });
});

describe('terminal notifier', () => {
  it('prints progress lines and the rendered report, labelled by destination', async () => {
    let out = '';
    const n = new TerminalNotifier({ write: (s: string) => (out += s) }, 'slack C1/1.2');
    await n.progress({ target: 'web-01', step: 'reading nginx config' });
    await n.report(reportOf(snapshotOf('port-mismatch', 'web-01')));
    await n.failed('web-02', 'not in the inventory');
    expect(out).toContain('[slack C1/1.2] web-01: reading nginx config\n');
    expect(out).toContain('[slack C1/1.2] report for web-01\n');
    expect(out).toContain('upstream-port-mismatch');
    expect(out).toContain('[slack C1/1.2] web-02: could not diagnose: not in the inventory\n');
    expect(out).not.toContain('\u001b[');
  });
});
