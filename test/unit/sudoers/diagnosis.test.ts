// The diagnosis sudo rules, judged by the real sudo: every privileged command the collector's builders can make
// is allowed exactly as the transport sends it (`sudo -n -- ARGV`, sudo resolving the program through its
// secure_path), and the escalations issue 12 found through the old rules are refused, as are tampered copies
// of each allowed command. A builder added to src/collect/commands.ts without a case here fails the last test.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as commands from '../../../src/collect/commands.js';
import type { CommandSpec } from '../../../src/transport/types.js';
import { diagnosisSudoers } from '../../../src/sudoers/diagnosis.js';
import { remediationSudoers } from '../../../src/remediate/sudoers.js';
import { allowed as judge, removeRulesDir, rulesDir, visudoProblem } from './judge.js';
import { STAT_FORMAT } from '../../../src/parsers/stat.js';

const {
  BASE_COMMANDS,
  NGINX_PATHS_SCRIPT,
  NGINX_PROCS_SCRIPT,
  UNIX_PROBE_SCRIPT,
  REALPATH_SCRIPT,
  SOCKET_PATHS_SCRIPT,
  catCommand,
  errorLogCommand,
  frontendFirewallCommands,
  listDirCommand,
  nginxCommands,
  nginxPathsCommand,
  nginxProcsCommand,
  realpathCommand,
  socketPathsCommand,
  statCommand,
  unixProbeCommand,
} = commands;

const dir = rulesDir({ 'upstream-doctor': diagnosisSudoers('nobody') });
afterAll(() => removeRulesDir(dir));

const allowed = (argv: string[], runAs?: string) => judge(dir, argv, runAs);
const allowedSpec = (s: CommandSpec) => allowed(s.argv, s.runAs);

const NGINX = '/usr/sbin/nginx';
const CONF = '/etc/nginx/nginx.conf';

/** Every privileged command (or command as another user) each builder makes, with the arguments hosts give. */
const SENT: Record<string, CommandSpec[]> = {
  BASE_COMMANDS: BASE_COMMANDS.filter((c) => c.privileged),
  frontendFirewallCommands: frontendFirewallCommands('ENABLED=yes\n', '1 1 root 5 /usr/sbin/firewalld'),
  nginxCommands: [
    ...nginxCommands(NGINX),
    ...nginxCommands(NGINX, CONF),
    ...nginxCommands(NGINX, '/etc/nginx/sites/.x_y-z@1+2.conf', '/etc/nginx/'),
    ...nginxCommands(NGINX, CONF, '/etc/nginx'),
  ].filter((c) => c.privileged),
  statCommand: [
    statCommand(['/etc/nginx/nginx.conf', '/run/php/php8.2-fpm.sock', '/run/php', '/run', '/']),
    statCommand(['/']),
  ],
  realpathCommand: [realpathCommand([CONF, '/etc/nginx', '/srv/app/app.sock']), realpathCommand(['/'])],
  socketPathsCommand: [
    socketPathsCommand('socket-paths', ['/var/run/php/php-fpm.sock', '/srv/app/app.sock']),
    socketPathsCommand('listener-paths', ['/var/run/php/php8.2-fpm.sock']),
  ],
  nginxProcsCommand: [nginxProcsCommand([]), nginxProcsCommand([1, 812, 4194304])],
  nginxPathsCommand: [nginxPathsCommand([]), nginxPathsCommand(['/usr/sbin/nginx', '/opt/nginx/sbin/nginx'])],
  catCommand: [catCommand('file', CONF), catCommand('file', '/etc/nginx/sites-enabled/.shop')],
  errorLogCommand: [
    errorLogCommand('log', '/var/log/nginx/error.log'),
    errorLogCommand('log', '/var/log/nginx/shop/error.log'),
  ],
  listDirCommand: [listDirCommand('/etc/nginx'), listDirCommand('/etc/nginx/conf.d')],
  unixProbeCommand: [unixProbeCommand('/run/php/php8.2-fpm.sock', 'www-data')],
};

const VARIADIC = new Set(['stat', 'realpath', 'socket-paths', 'listener-paths', 'nginx-paths']);

/** Builders that only make unprivileged commands (run as the login user, no sudo). */
const UNPRIVILEGED = [
  'idCommand',
  'getentCommand',
  'systemctlShowCommand',
  'tcpProbeCommand',
  'passwdCommand',
  'procTimesCommand',
];

describe('diagnosisSudoers()', () => {
  it('parses (visudo -c)', () => {
    expect(visudoProblem(join(dir, 'upstream-doctor'))).toBeUndefined();
  });

  it('allows every privileged command the collector sends, exactly as it sends it', () => {
    const specs = Object.values(SENT).flat();
    expect(specs.every((s) => s.privileged === true || s.runAs !== undefined)).toBe(true);
    for (const s of specs) expect(allowedSpec(s), s.argv.join(' ').slice(0, 120)).toBe(true);
  });

  it('refuses the escalations of the old rules', () => {
    for (const argv of [
      ['find', '/etc/nginx', '-exec', 'sh', '-c', 'id', ';'],
      ['find', '/etc/nginx/conf.d', '-maxdepth', '1', '-mindepth', '1', '-exec', 'id', ';'],
      ['find', '/etc/nginx/..', '-maxdepth', '1', '-mindepth', '1'],
      ['find', '/etc/nginx', '-maxdepth', '1', '-mindepth', '1', '-fprint', '/etc/sudoers.d/x'],
      ['cat', '--', '/etc/nginx/../shadow'],
      ['cat', '--', '/etc/nginx/./../shadow'],
      ['cat', '--', '/etc/nginx/nginx.conf', '/etc/shadow'],
      ['cat', '/etc/shadow'],
      ['tail', '-c', '262144', '--', '/var/log/nginx/../../shadow'],
      ['tail', '-c', '262144', '--', '/var/log/nginx/error.log', '/etc/shadow'],
      ['tail', '-c', '262144', '-f', '--', '/var/log/nginx/error.log'],
      ['nginx', '-t', '-c', '/home/deploy/evil.conf'],
      ['nginx', '-T', '-c', '/etc/nginx/../../home/deploy/evil.conf'],
      ['nginx', '-t', '-c', CONF, '-g', 'load_module /home/deploy/evil.so;'],
      ['nginx', '-t', '-p', '/home/deploy/'],
      ['nginx', '-s', 'stop'],
      ['nginx', '-c', CONF, '-s', 'reload'],
      ['/tmp/x/nginx', '-T'],
      ['stat', '-L', '-c', '%n', '--', '/etc/shadow'],
      ['stat', '-L', '-c', STAT_FORMAT, '--', '/etc/nginx/../shadow'],
      ['ss', '-K', 'dst', '127.0.0.1'],
      ['nft', '-f', '/home/deploy/rules.nft'],
      ['iptables-save', '-t', 'filter', '-M', '/home/deploy/modprobe'],
      ['sh', '-c', 'id'],
      ['sh', '-c', `${REALPATH_SCRIPT}; id`, 'ud-realpath', CONF],
      ['sh', '-c', REALPATH_SCRIPT, 'ud-realpath', '/etc/nginx/x;id'],
      ['sh', '-c', REALPATH_SCRIPT, 'ud-realpath', '/etc/../shadow'],
      ['sh', '-c', `${SOCKET_PATHS_SCRIPT}; id`, 'ud-socket-paths', '/run/php/php-fpm.sock'],
      ['sh', '-c', SOCKET_PATHS_SCRIPT, 'ud-socket-paths', '/run/x;id'],
      ['sh', '-c', SOCKET_PATHS_SCRIPT, 'ud-realpath', '/run/php/php-fpm.sock'],
      ['sh', '-c', REALPATH_SCRIPT, 'ud-socket-paths', '/run/php/php-fpm.sock'],
      ['sh', '-c', `${NGINX_PROCS_SCRIPT}; id`, 'ud-nginx-procs'],
      ['sh', '-c', NGINX_PROCS_SCRIPT, 'ud-nginx-procs', '1;id'],
      ['sh', '-c', NGINX_PROCS_SCRIPT, 'ud-nginx-procs', '$(id)'],
      ['sh', '-c', NGINX_PROCS_SCRIPT, 'x'],
      ['sh', '-c', NGINX_PATHS_SCRIPT.replace('/usr/sbin/nginx', '/tmp/x/nginx'), 'ud-nginx-paths'],
      ['sh', '-c', NGINX_PATHS_SCRIPT, 'ud-nginx-paths', '/usr/sbin/nginx;id'],
      ['sh', '-c', NGINX_PATHS_SCRIPT, 'ud-nginx-paths', '$(id)'],
    ])
      expect(allowed(argv), argv.join(' ').slice(0, 120)).toBe(false);
  });

  it("lets the socket probe run as nginx's worker user, and no other perl", () => {
    const probe = (script: string, ...rest: string[]) => ['perl', '-e', script, ...rest];
    expect(allowed(probe(UNIX_PROBE_SCRIPT, '/run/app.sock'), 'www-data')).toBe(true);
    expect(allowed(probe('system("id")'), 'www-data')).toBe(false);
    expect(allowed(probe(`${UNIX_PROBE_SCRIPT} system("id");`, '/run/app.sock'), 'www-data')).toBe(false);
    expect(allowed(probe(UNIX_PROBE_SCRIPT, '/run/app.sock', 'x'), 'www-data')).toBe(false);
    expect(allowed(probe(UNIX_PROBE_SCRIPT, '/run/../etc/x'), 'www-data')).toBe(false);
    expect(allowed(probe(UNIX_PROBE_SCRIPT, '/run/app.sock'))).toBe(false);
    expect(allowed(probe(UNIX_PROBE_SCRIPT, '/run/app.sock'), 'root')).toBe(false);
  });

  it('refuses each allowed command with an argument added or slipped in', () => {
    for (const s of Object.values(SENT).flat()) {
      const argv = s.argv;
      // stat, the real-path and nginx-paths scripts take any number of paths: another path is no escalation.
      const paths = VARIADIC.has(s.id)
        ? []
        : [[...argv, '/etc/shadow'], argv.slice(0, -1).concat(`${argv.at(-1)!} /etc/shadow`)];
      for (const tampered of [
        ...paths,
        [...argv, '-exec'],
        [...argv, ';id'],
        [argv[0]!, '--version', ...argv.slice(1)],
        [argv[0]!, ...argv.slice(2)],
      ])
        expect(allowed(tampered, s.runAs), tampered.join(' ').slice(0, 120)).toBe(false);
    }
  });

  it('spells every pattern in fewer than 1024 characters (sudo silently never matches a longer one)', () => {
    for (const line of (diagnosisSudoers('nobody') + remediationSudoers('nobody')).split('\n')) {
      const pattern = /\^.*\$/.exec(line)?.[0] ?? '';
      expect(pattern.length, line.slice(0, 80)).toBeLessThan(1024);
    }
  });

  it('covers every command builder of src/collect/commands.ts', () => {
    const builders = Object.entries(commands)
      .filter(([, v]) => typeof v === 'function')
      .map(([k]) => k)
      .sort();
    expect(builders).toEqual(
      [...Object.keys(SENT).filter((k) => k !== 'BASE_COMMANDS'), ...UNPRIVILEGED].sort(),
    );
  });
});
