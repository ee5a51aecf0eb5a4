// The image's entry commands, run outside Docker: the Dockerfile's ENTRYPOINT plus each Compose service's
// command, from the built CLI (npm ci builds it). `--help` answers; a missing setting or the container-only
// inventory path stop the process with the documented one-line error; the healthcheck commands tell a healthy
// process from an unhealthy one, including a real worker's /healthz.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = new URL('../../../', import.meta.url).pathname;

interface Service {
  command: string[];
  environment: Record<string, string | null>;
  healthcheck: { test: string[] };
}
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const entrypoint = JSON.parse(/^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(dockerfile)![1]!) as string[];
const defaultCmd = JSON.parse(/^CMD\s+(\[.*\])\s*$/m.exec(dockerfile)![1]!) as string[];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** argv as the image runs it ("node" is this Node), from the image's WORKDIR: the repository root. */
function run(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const [program, ...args] = argv;
  return new Promise((resolve) => {
    execFile(
      program === 'node' ? process.execPath : program!,
      args,
      { cwd: root, encoding: 'utf8', timeout: 20_000, env: { PATH: process.env.PATH, ...env } },
      (error, stdout, stderr) => resolve({ code: error ? (error.code as number | null) : 0, stdout, stderr }),
    );
  });
}

/** The service's environment as Compose would pass it with nothing exported: `${X:-}` empty, `${X:?…}` unset. */
function composeEnv(service: Service): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(service.environment)) {
    if (value === null || /^\$\{[A-Z_]+:\?/.test(value)) continue;
    env[key] = value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');
  }
  return env;
}

const entry = (service: string): string[] => [...entrypoint, ...compose.services[service]!.command];

describe('the image entry commands outside Docker', () => {
  it('the default command prints the help', async () => {
    const r = await run([...entrypoint, ...defaultCmd]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('usage: upstream-doctor <command>');
  });

  it.each(['bot', 'worker'])('%s --help exits 0 with its settings listed', async (service) => {
    const r = await run([...entry(service), '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`usage: upstream-doctor ${service}`);
    expect(r.stdout).toContain('REDIS_URL');
  });

  it('bot without SLACK_BOT_TOKEN: one line naming it, exit 2', async () => {
    const r = await run(entry('bot'), composeEnv(compose.services.bot!));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^upstream-doctor bot: SLACK_BOT_TOKEN: .*\n$/);
  });

  it('worker outside its container: the inventory mount is missing, one line naming the path, exit 2', async () => {
    const env = composeEnv(compose.services.worker!);
    const r = await run(entry('worker'), env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^upstream-doctor worker: .*\/etc\/upstream-doctor\/hosts\.yml.*not found.*\n$/);
  });
});

describe('the audit trail outside its container', () => {
  it('worker: the audit volume is missing, one line naming AUDIT_LOG, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ud-entry-audit-'));
    try {
      const inventory = join(dir, 'hosts.yml');
      writeFileSync(inventory, 'hosts:\n  web-01: { address: 10.0.0.1 }\n');
      const env = {
        ...composeEnv(compose.services.worker!),
        UPSTREAM_DOCTOR_INVENTORY: inventory,
        WORKER_METRICS_PORT: '0',
        WORKER_METRICS_HOST: '127.0.0.1',
        QUEUE_PREFIX: `ud-entry-audit-${process.pid}`,
        REDIS_URL: 'redis://127.0.0.1:6379',
      };
      const r = await run(entry('worker'), env);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('upstream-doctor worker: AUDIT_LOG: /var/lib/upstream-doctor does not exist\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the healthcheck commands', () => {
  let server: Server;
  let base: string;
  let status = 200;
  let dir: string;

  beforeAll(async () => {
    server = createServer((_req, res) => res.writeHead(status).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dir = mkdtempSync(join(tmpdir(), 'ud-entry-'));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  /** The service's healthcheck argv (after "CMD"), its URL moved to `url`. */
  const healthcheck = (service: string, url: string): string[] => {
    const test = compose.services[service]!.healthcheck.test;
    expect(test[0]).toBe('CMD');
    return [...test.slice(1, -1), url];
  };

  it.each(['bot', 'worker'])('%s: 200 is healthy, 503 and no answer are not', async (service) => {
    status = 200;
    expect((await run(healthcheck(service, `${base}/healthz`))).code).toBe(0);
    status = 503;
    expect((await run(healthcheck(service, `${base}/healthz`))).code).toBe(1);
    expect((await run(healthcheck(service, 'http://127.0.0.1:1/healthz'))).code).toBe(1);
  });

  it("a real worker's /healthz passes the worker's healthcheck", async () => {
    // Its own queue prefix: it must not take other tests' jobs; its keys are removed afterwards.
    const prefix = `ud-entry-test-${process.pid}`;
    const inventory = join(dir, 'hosts.yml');
    writeFileSync(inventory, 'hosts:\n  web-01: { address: 10.0.0.1 }\n');
    const [program, ...args] = entry('worker');
    const child = spawn(program === 'node' ? process.execPath : program!, args, {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        REDIS_URL: 'redis://127.0.0.1:6379',
        QUEUE_PREFIX: prefix,
        UPSTREAM_DOCTOR_INVENTORY: inventory,
        WORKER_METRICS_PORT: '0',
        WORKER_METRICS_HOST: '127.0.0.1',
      },
    });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`worker never served /healthz: ${out}`)), 15_000);
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          // /healthz answers 503 until the workers run (it is served first, so a probe sees the start):
          // the healthcheck is asked once the worker says so, however slow a loaded machine makes that.
          const m = /"port":(\d+)[^\n]*serving \/healthz/.exec(out);
          if (m && out.includes('"msg":"workers started"')) {
            clearTimeout(timer);
            resolve(Number(m[1]));
          }
        });
      });
      const r = await run(healthcheck('worker', `http://127.0.0.1:${port}/healthz`));
      expect(r.code).toBe(0);
    } finally {
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      const redis = new Redis('redis://127.0.0.1:6379');
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
  }, 30_000);
});
