// The apply-time check against the real readlink on this machine (LocalTransport): a plan's file is written
// only when the host resolves it, now, to the real path the plan was made for, under the main config's real
// directory or a root. Every refusal happens before anything is read or written.
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../../src/remediate/apply.js';
import { confinedFile } from '../../../src/remediate/confined-file.js';
import { hostCommands } from '../../../src/remediate/host-steps.js';
import type { Plan } from '../../../src/remediate/plan.js';
import { LocalTransport } from '../../../src/transport/local.js';

let dir: string;
const local = new LocalTransport({ sudo: false });
const cmd = hostCommands(local);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ud-confined-'));
  await mkdir(join(dir, 'nginx/conf.d'), { recursive: true });
  await mkdir(join(dir, 'outside'));
  await writeFile(join(dir, 'nginx/nginx.conf'), 'events {}\n');
  await writeFile(join(dir, 'nginx/conf.d/in.conf'), 'server 127.0.0.1:8000;\n');
  await writeFile(join(dir, 'outside/keys'), 'ssh-ed25519 AAAA root\n');
  await symlink(join(dir, 'outside/keys'), join(dir, 'nginx/conf.d/out.conf'));
  await symlink(join(dir, 'nginx/conf.d/in.conf'), join(dir, 'nginx/conf.d/link.conf'));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function planFor(file: string, realFile: string): Plan {
  return {
    id: 'p-confinedtest',
    host: 'local',
    file,
    realFile,
    line: 1,
    before: 'server 127.0.0.1:8000;',
    after: 'server 127.0.0.1:3000;',
    nginx: { binary: '/usr/sbin/nginx', configPath: join(dir, 'nginx/nginx.conf') },
  } as Plan;
}

describe('confinedFile (apply time, on the host)', () => {
  it('passes a file inside the tree, also through a symlink that stays inside', async () => {
    const inside = join(dir, 'nginx/conf.d/in.conf');
    expect(await confinedFile(cmd, planFor(inside, inside))).toEqual({ ok: true, value: inside });
    expect(await confinedFile(cmd, planFor(join(dir, 'nginx/conf.d/link.conf'), inside))).toEqual({
      ok: true,
      value: inside,
    });
  });

  it('refuses a symlink pointing outside, unless a root holds its target', async () => {
    const link = join(dir, 'nginx/conf.d/out.conf');
    const target = join(dir, 'outside/keys');
    const r = await confinedFile(cmd, planFor(link, target));
    expect(r).toEqual({
      ok: false,
      error: `${link} (really ${target}) is outside ${join(dir, 'nginx')}: apply it by hand, or add its directory to REMEDIATION_ROOTS; nothing was changed`,
    });
    expect(await confinedFile(cmd, planFor(link, target), [join(dir, 'outside')])).toEqual({
      ok: true,
      value: target,
    });
  });

  it('refuses a link retargeted since the plan was made, and a file that is gone', async () => {
    const inside = join(dir, 'nginx/conf.d/in.conf');
    const r = await confinedFile(
      cmd,
      planFor(join(dir, 'nginx/conf.d/link.conf'), join(dir, 'nginx/conf.d/other.conf')),
    );
    expect(r).toMatchObject({ ok: false, error: expect.stringContaining(`now resolves to ${inside}`) });
    expect(await confinedFile(cmd, planFor(join(dir, 'nginx/conf.d/gone.conf'), inside))).toMatchObject({
      ok: false,
      error: expect.stringContaining(`${join(dir, 'nginx/conf.d/gone.conf')}: `),
    });
  });

  it('applyPlan on a file outside: refused at the check, the file untouched, no backup beside it', async () => {
    const link = join(dir, 'nginx/conf.d/out.conf');
    const plan = { ...planFor(link, join(dir, 'outside/keys')), before: 'ssh-ed25519 AAAA root' };
    const r = await applyPlan(local, plan);
    expect(r.status).toBe('refused');
    expect(r.steps.map((s) => s.step)).toEqual(['check']);
    expect(await readFile(join(dir, 'outside/keys'), 'utf8')).toBe('ssh-ed25519 AAAA root\n');
  });
});
