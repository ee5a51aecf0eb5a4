import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory, locateInventory } from '../../../src/inventory/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hD-inventory-'));
  await mkdir(join(dir, 'conf'));
  await writeFile(
    join(dir, 'conf', 'hosts.yml'),
    'hosts:\n  web-01: { address: 10.0.1.10, identityFile: keys/web }\n',
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('locateInventory', () => {
  it('prefers --inventory, then UPSTREAM_DOCTOR_INVENTORY, then ./hosts.yml', () => {
    const env = { UPSTREAM_DOCTOR_INVENTORY: '/etc/ud/hosts.yml' };
    expect(locateInventory({ path: 'mine.yml', env, cwd: '/work' })).toEqual({
      path: '/work/mine.yml',
      origin: 'option',
    });
    expect(locateInventory({ env, cwd: '/work' })).toEqual({ path: '/etc/ud/hosts.yml', origin: 'env' });
    expect(locateInventory({ env: {}, cwd: '/work' })).toEqual({
      path: '/work/hosts.yml',
      origin: 'default',
    });
    expect(locateInventory({ path: '', env: { UPSTREAM_DOCTOR_INVENTORY: '' }, cwd: '/w' })).toEqual({
      path: '/w/hosts.yml',
      origin: 'default',
    });
  });
});

describe('loadInventory', () => {
  it('reads the file and takes relative paths from its directory', async () => {
    const result = await loadInventory({
      env: { UPSTREAM_DOCTOR_INVENTORY: join(dir, 'conf', 'hosts.yml') },
      home: '/home/me',
      localUser: 'me',
    });
    if (!result.ok) throw new Error(result.error.join('\n'));
    expect(result.value.source).toBe(join(dir, 'conf', 'hosts.yml'));
    expect(result.value.hosts[0]).toMatchObject({
      identityFile: join(dir, 'conf', 'keys', 'web'),
      user: 'me',
      knownHosts: '/home/me/.ssh/known_hosts',
    });
  });

  it('says which path is missing and how to point at another one', async () => {
    expect(await loadInventory({ env: {}, cwd: dir })).toEqual({
      ok: false,
      error: [
        `inventory ${join(dir, 'hosts.yml')} not found (the default ./hosts.yml; pass --inventory FILE or set UPSTREAM_DOCTOR_INVENTORY)`,
      ],
    });
    expect(await loadInventory({ env: { UPSTREAM_DOCTOR_INVENTORY: '/nonexistent/h.yml' } })).toEqual({
      ok: false,
      error: ['inventory /nonexistent/h.yml not found (from UPSTREAM_DOCTOR_INVENTORY)'],
    });
    expect(await loadInventory({ path: dir, env: {} })).toEqual({
      ok: false,
      error: [`inventory ${dir} is a directory (given with --inventory)`],
    });
  });
});
