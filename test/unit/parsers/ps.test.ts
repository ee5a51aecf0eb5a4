import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findNginx, parsePs } from '../../../src/parsers/ps.js';
import { anyText, tool } from './fixtures.js';

const nginxIn = (name: string) => findNginx(parsePs(tool(`ps/${name}.txt`)));

describe('parsePs (ps -eo pid=,ppid=,user:32=,etimes=,args=, procps-ng, recorded)', () => {
  it('reads pid, ppid, user, elapsed seconds and the command line', () => {
    const procs = parsePs(tool('ps/nginx-debian-unit.txt'));
    expect(procs.length).toBe(13);
    expect(
      procs.find((p) => p.args === 'php-fpm: master process (/etc/php/8.2/fpm/php-fpm.conf)'),
    ).toMatchObject({
      ppid: 1,
      user: 'root',
      elapsedSeconds: 0,
    });
    const node = procs.find((p) => p.args.startsWith('node -e'))!;
    expect(node.args).toBe(
      'node -e require("http").createServer((q, s) => s.end("ok\\n")).listen(3000, "127.0.0.1")',
    );
    expect(node.raw.startsWith('     25       1 root ')).toBe(true);
  });

  it('skips a header and garbage; reads a long user name and an empty args', () => {
    const text =
      '    PID    PPID USER ELAPSED COMMAND\n  7 1 systemd-timesync 90 /lib/systemd/systemd-timesyncd\n 8 1 www-data 5\nnonsense\n';
    expect(parsePs(text)).toEqual([
      expect.objectContaining({ pid: 7, user: 'systemd-timesync', elapsedSeconds: 90 }),
      expect.objectContaining({ pid: 8, user: 'www-data', args: '' }),
    ]);
  });
});

describe('findNginx (real masters, recorded)', () => {
  it("finds the master Debian's unit starts, its workers and their user", () => {
    const n = nginxIn('nginx-debian-unit');
    expect(n.master).toMatchObject({
      binary: '/usr/sbin/nginx',
      user: 'root',
      args: 'nginx: master process /usr/sbin/nginx -g daemon on; master_process on;',
    });
    expect(n.master!.configPath).toBeUndefined();
    expect(n.master!.prefix).toBeUndefined();
    // The cache manager and loader are children too, but not workers.
    expect(n.workers.map((w) => w.args)).toEqual(['nginx: worker process', 'nginx: worker process']);
    expect(n.workerUser).toBe('www-data');
    expect(n.otherMasters).toBeUndefined();
  });

  it('reads -c of a master started from PATH', () => {
    expect(nginxIn('nginx-with-c').master).toMatchObject({
      binary: 'nginx',
      configPath: '/tmp/hC-ps/conf/nginx.conf',
    });
  });

  it('with two masters, picks the root one and keeps the other with its -p and relative -c', () => {
    const n = nginxIn('nginx-two-masters-prefix');
    expect(n.master).toMatchObject({ user: 'root', configPath: '/tmp/hC-ps/conf/nginx.conf' });
    expect(n.workers).toHaveLength(2);
    expect(n.otherMasters).toHaveLength(1);
    expect(n.otherMasters![0]).toMatchObject({
      user: 'nobody',
      binary: '/usr/sbin/nginx',
      prefix: '/tmp/hC-ps/prefix/',
      configPath: 'conf/nginx.conf',
    });
  });

  it('counts the worker still shutting down after a reload, and takes the user from a current one', () => {
    const n = nginxIn('nginx-reloading');
    expect(n.workers.map((w) => w.args)).toEqual([
      'nginx: worker process is shutting down',
      'nginx: worker process',
      'nginx: worker process',
    ]);
    expect(n.workerUser).toBe('www-data');
  });

  it('reads a foreground master (daemon off)', () => {
    expect(nginxIn('nginx-foreground').master).toMatchObject({
      binary: 'nginx',
      args: 'nginx: master process nginx -g daemon off;',
    });
  });

  it('finds no nginx where none runs, though `tail -f /var/log/nginx/error.log` does', () => {
    expect(nginxIn('no-nginx')).toEqual({ workers: [] });
  });

  it('reads -c attached to its flag, and ignores a passing `nginx -t` or `nginx -s reload`', () => {
    const text = [
      '10 1 root 100 nginx: master process /opt/nginx/sbin/nginx -c/opt/nginx/conf/nginx.conf',
      '11 10 nginx 100 nginx: worker process',
      '12 1 root 0 /usr/sbin/nginx -t -q',
      '13 1 root 0 nginx -s reload',
    ].join('\n');
    const n = findNginx(parsePs(text));
    expect(n.master).toMatchObject({
      pid: 10,
      binary: '/opt/nginx/sbin/nginx',
      configPath: '/opt/nginx/conf/nginx.conf',
    });
    expect(n.workerUser).toBe('nginx');
    expect(n.otherMasters).toBeUndefined();
  });

  it('takes a single-process nginx (master_process off) as the master; its user serves', () => {
    const n = findNginx(parsePs('20 1 app 50 /usr/sbin/nginx -c /srv/app/nginx.conf\n'));
    expect(n.master).toMatchObject({ pid: 20, configPath: '/srv/app/nginx.conf' });
    expect(n.workerUser).toBe('app');
  });

  it('never throws on random input', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        findNginx(parsePs(text));
      }),
      { numRuns: 500 },
    );
  });
});
