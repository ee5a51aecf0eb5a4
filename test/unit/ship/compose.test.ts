// docker-compose.yml against the Compose Specification's JSON schema (compose-spec/compose-spec,
// schema/compose-spec.json, copied with its Apache-2.0 licence into test/fixtures/compose), plus what the
// deployment promises: Redis that keeps jobs, the bot and two workers with healthchecks, read-only mounts.
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const schema = JSON.parse(
  readFileSync(new URL('../../fixtures/compose/compose-spec.json', import.meta.url), 'utf8'),
) as { $schema: string };
const composeText = readFileSync(new URL('../../../docker-compose.yml', import.meta.url), 'utf8');
const dockerfile = readFileSync(new URL('../../../Dockerfile', import.meta.url), 'utf8');
const AUDIT_DIR = '/var/lib/upstream-doctor';

interface Volume {
  type: string;
  source: string;
  target: string;
  read_only?: boolean;
}
interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string | null>;
  volumes?: (Volume | string)[];
  healthcheck?: { test: string[]; interval: string };
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
  ports?: string[];
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

// Compose resolves YAML merge keys (`<<: *anchor`) before it validates; so do we.
const compose = parse(composeText, { merge: true }) as Compose;

// The schema says draft-07 ("https://json-schema.org/draft-07/schema", a spelling Ajv does not register, hence
// validateSchema: false), which Ajv's default class speaks. strict: false lets the schema's own annotations
// ("deprecated") through; formats are not checked (ajv-formats is not a dependency; the spec only uses
// "format" as a property name).
function validator() {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, validateSchema: false });
  return ajv.compile(schema);
}

/** host:port of a healthcheck that fetches a URL (the last argument of its CMD). */
function healthUrl(service: Service): URL {
  const test = service.healthcheck?.test ?? [];
  return new URL(test[test.length - 1]!);
}

describe('docker-compose.yml', () => {
  it('is draft-07 schema input, and the schema compiles', () => {
    expect(schema.$schema).toMatch(/json-schema\.org\/draft-07\/schema/);
    expect(typeof validator()).toBe('function');
  });

  it('validates against the Compose Specification schema', () => {
    const validate = validator();
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the validator is not a rubber stamp: a misspelt key or a wrong type fails', () => {
    const validate = validator();
    const misspelt = structuredClone(compose);
    (misspelt.services.worker!.healthcheck as Record<string, unknown>).intervall = '5s';
    expect(validate(misspelt)).toBe(false);
    const wrongType = structuredClone(compose);
    // (replicas may be a string: Compose interpolates "${N}"; a list is wrong under any reading.)
    (wrongType.services.worker!.deploy as Record<string, unknown>).replicas = [2];
    expect(validate(wrongType)).toBe(false);
  });

  it('Redis keeps every job: append-only file, no eviction, a volume, a healthcheck', () => {
    const redis = compose.services.redis!;
    const command = redis.command!.join(' ');
    expect(command).toContain('--appendonly yes');
    expect(command).toContain('--maxmemory-policy noeviction');
    expect(redis.volumes).toContain('redis-data:/data');
    expect(compose.volumes).toHaveProperty('redis-data');
    expect(redis.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
  });

  it('the bot and two workers, from this repository, start once Redis is healthy', () => {
    const { bot, worker } = compose.services;
    expect(bot!.command).toEqual(['bot']);
    expect(worker!.command).toEqual(['worker']);
    expect(worker!.deploy?.replicas).toBe(2);
    for (const s of [bot!, worker!]) {
      expect(s.build).toBe('.');
      expect(s.depends_on?.redis?.condition).toBe('service_healthy');
      expect(s.environment?.REDIS_URL).toBe('redis://redis:6379');
    }
  });

  it('the inventory and the SSH material are mounted read-only where the settings point', () => {
    for (const name of ['bot', 'worker']) {
      const s = compose.services[name]!;
      const mounts = (s.volumes ?? []).filter((v): v is Volume => typeof v === 'object');
      const inventory = mounts.find((m) => m.target === s.environment?.UPSTREAM_DOCTOR_INVENTORY);
      expect(inventory, `${name}: inventory mount`).toMatchObject({ source: './hosts.yml', read_only: true });
      expect(mounts.every((m) => m.read_only === true || m.target === AUDIT_DIR)).toBe(true);
    }
    // HOME is /home/node (the image's user), so ~/.ssh in hosts.yml means this mount; only workers SSH.
    const sshMount = (name: string) =>
      (compose.services[name]!.volumes ?? []).find(
        (v) => typeof v === 'object' && v.target === '/home/node/.ssh',
      );
    expect(sshMount('worker')).toMatchObject({ source: './ssh', read_only: true });
    expect(sshMount('bot'), 'the bot never SSHes: no keys in it').toBeUndefined();
  });

  it('the bot and the workers append to one audit trail on a volume the image gives to its user', () => {
    for (const name of ['bot', 'worker']) {
      const s = compose.services[name]!;
      expect(s.environment?.AUDIT_LOG, name).toBe(`${AUDIT_DIR}/audit.jsonl`);
      const mount = (s.volumes ?? []).find((v) => typeof v === 'object' && v.target === AUDIT_DIR);
      expect(mount, `${name}: audit volume`).toMatchObject({ type: 'volume', source: 'audit' });
      expect((mount as Volume).read_only).toBeUndefined();
    }
    expect(compose.volumes).toHaveProperty('audit');
    // A named volume starts with the image's ownership of its mount point: the directory must be node's
    // before USER node, or AUDIT_LOG fails its check at start and neither process runs.
    const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));
    const chown = runtime.indexOf(`chown node:node ${AUDIT_DIR}`);
    expect(chown).toBeGreaterThan(0);
    expect(chown).toBeLessThan(runtime.indexOf('USER node'));
  });

  it("healthchecks ask each process's own /healthz on the port it serves", () => {
    const { bot, worker } = compose.services;
    const botUrl = healthUrl(bot!);
    expect(botUrl.pathname).toBe('/healthz');
    expect(botUrl.port).toBe(bot!.environment?.PORT);
    expect(bot!.ports).toContain(`${botUrl.port}:${botUrl.port}`);
    const workerUrl = healthUrl(worker!);
    expect(workerUrl.pathname).toBe('/healthz');
    expect(workerUrl.port).toBe(worker!.environment?.WORKER_METRICS_PORT);
  });

  it('secrets come from the environment, never from the file', () => {
    for (const s of Object.values(compose.services))
      for (const [key, value] of Object.entries(s.environment ?? {}))
        if (/TOKEN|SECRET|PASSWORD/.test(key)) expect(value ?? '', key).toMatch(/^(\$\{[A-Z_]+[^}]*\})?$/);
  });
});
