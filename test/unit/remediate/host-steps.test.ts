import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { CommandResult } from '../../../src/model/types.js';
import type { CommandSpec, Transport } from '../../../src/transport/types.js';
import {
  nginxInvocationProblem,
  requestStatus,
  safePath,
  upstreamErrors,
} from '../../../src/remediate/host-steps.js';
import { hostCommands } from '../../../src/remediate/host-steps.js';
import { planUnavailable } from '../../../src/remediate/runner.js';
import type { Plan } from '../../../src/remediate/plan.js';

describe('path checks', () => {
  it.each([
    ['/etc/nginx/conf.d/shop.conf', true],
    ['/etc/nginx/sites-enabled/default', true],
    ['/etc/nginx/../shadow', false],
    ['etc/nginx/x.conf', false],
    ['/etc/nginx/a b.conf', false],
    ['/etc/nginx/x;rm', false],
    ['/etc/nginx/$(id)', false],
    ['/', false],
  ])('%s → %s', (path, expected) => {
    expect(safePath(path)).toBe(expected);
  });

  it('nginx: only an absolute path to a program named nginx (the trusted one of the diagnosis)', () => {
    const conf = { configPath: '/etc/nginx/nginx.conf', prefix: '/etc/nginx/' };
    expect(nginxInvocationProblem({ binary: '/usr/sbin/nginx', ...conf })).toBeUndefined();
    for (const binary of ['nginx', '-c', 'nginx -s stop', '/tmp/x/../nginx', '/usr/bin/perl'])
      expect(nginxInvocationProblem({ binary, ...conf }), binary).toContain('unsafe nginx binary');
    expect(nginxInvocationProblem({ binary: '/usr/sbin/nginx', configPath: 'nginx.conf' })).toContain(
      'config path',
    );
  });

  it('never throws on random paths and never accepts a .. segment', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        if (safePath(s)) expect(s.split('/')).not.toContain('..');
      }),
    );
  });
});

describe('upstreamErrors', () => {
  const refused =
    '2026/11/23 10:00:00 [error] 8#8: *5 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: shop.example.com, request: "GET / HTTP/1.0", upstream: "http://127.0.0.1:3999/", host: "shop.example.com"';
  it('keeps upstream errors that mention the edited address or the verify host', () => {
    expect(upstreamErrors([refused], { host: 'x', words: ['127.0.0.1:3999'] })).toEqual([refused]);
    expect(upstreamErrors([refused], { host: 'shop.example.com', words: [] })).toEqual([refused]);
    expect(upstreamErrors([refused], { host: 'x', words: ['10.9.9.9:1'] })).toEqual([]);
    expect(
      upstreamErrors(['2026/11/23 10:00:00 [notice] 1#1: signal process started'], {
        host: 'x',
        words: ['1'],
      }),
    ).toEqual([]);
  });

  it("a client's request cannot pass for one: its path and its Referer hold the words, not nginx's fields", () => {
    // What nginx logs for GET /while%20connecting%20to%20upstream.css with a Referer naming the upstream
    // (recorded shape: an open() 404, the client's text inside the quoted path and the referrer).
    const path =
      '2026/11/23 10:00:01 [error] 8#8: *6 open() "/var/www/html/while connecting to upstream 127.0.0.1:3999.css" failed (2: No such file or directory), client: 10.0.0.9, server: shop.example.com, request: "GET /while%20connecting%20to%20upstream%20127.0.0.1:3999.css HTTP/1.1", host: "shop.example.com", referrer: "upstream timed out while connecting to upstream 127.0.0.1:3999"';
    expect(upstreamErrors([path], { host: 'shop.example.com', words: ['127.0.0.1:3999'] })).toEqual([]);
    expect(upstreamErrors([path, refused], { host: 'shop.example.com', words: ['3999'] })).toEqual([refused]);
  });
});

describe('requestStatus', () => {
  function fake(stdout: string): { transport: Transport; specs: CommandSpec[] } {
    const specs: CommandSpec[] = [];
    const transport: Transport = {
      description: 'fake',
      sudoForPrivileged: false,
      connect: async () => undefined,
      close: async () => undefined,
      run: async (spec): Promise<CommandResult> => {
        specs.push(spec);
        return { id: spec.id, command: '', stdout, stderr: '', exitCode: 0, durationMs: 1 };
      },
    };
    return { transport, specs };
  }

  it('asks perl unprivileged, with the request parts as separate arguments', async () => {
    const { transport, specs } = fake('200\n');
    const status = await requestStatus(hostCommands(transport), {
      address: '127.0.0.1',
      port: 80,
      hostHeader: 'shop.example.com',
      path: '/api',
    });
    expect(status).toBe(200);
    expect(specs[0]).toMatchObject({ privileged: false });
    expect(specs[0]!.argv.slice(0, 2)).toEqual(['perl', '-e']);
    expect(specs[0]!.argv.slice(3)).toEqual(['127.0.0.1', '80', 'shop.example.com', '/api']);
  });

  it('refuses unsafe request parts without running anything', async () => {
    const { transport, specs } = fake('200\n');
    const cmd = hostCommands(transport);
    expect(
      await requestStatus(cmd, { address: '127.0.0.1', port: 80, hostHeader: 'a\r\nX: y', path: '/' }),
    ).toBe(0);
    expect(
      await requestStatus(cmd, { address: '127.0.0.1', port: 80, hostHeader: 'a', path: '/ HTTP/1.1' }),
    ).toBe(0);
    expect(specs).toEqual([]);
  });
});

describe('planUnavailable', () => {
  const plan = { id: 'p-1', expiresAt: new Date(Date.now() + 60_000).toISOString() } as Plan;
  it('says why a plan cannot run, or nothing when it can', () => {
    expect(planUnavailable(plan, { status: 'pending' })).toBeUndefined();
    expect(planUnavailable(plan, { status: 'applied', by: 'U1', at: 't' })).toBe(
      'this plan was already applied by U1 at t',
    );
    expect(planUnavailable(plan, { status: 'pending' }, new Date(Date.now() + 120_000))).toContain('expired');
    expect(planUnavailable(undefined, undefined)).toContain('no longer exists');
    expect(planUnavailable(plan, { status: 'dismissed', by: 'U2' })).toContain('dismissed by U2');
  });
});
