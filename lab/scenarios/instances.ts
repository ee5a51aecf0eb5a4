// Scenarios about which nginx there is (issue 14, class 7): a host with no nginx installed at all, and a
// host that runs two nginx masters, the second started with its own -c, its own port and its own error log;
// and a host whose only running nginx is in a container (another PID and mount namespace).
// Each has a healthy look-alike of the same shape, which must stay clean.
import { startContainedNginx } from '../contained.js';
import { REFUSED } from './connect.js';
import type { LabHost } from '../host.js';
import { APP_PORT, configLine, defineScenario, finish, lineEdit, shopHost, shopSite } from './site.js';
import type { StageOptions } from './types.js';

/** The second instance: its own main config, pid file, error log and port. */
export const SECOND_CONF = '/srv/nginx-b/nginx.conf';
export const SECOND_ERROR_LOG = '/var/log/nginx/b-error.log';
const SECOND_PORT = 8080;
/** The second instance's backend; its broken config dials API_TYPO, one off the first instance's APP_PORT. */
const API_PORT = 3001;
const API_TYPO = 2999;

/** Where a whole main config of a further nginx puts its things. */
interface MainConf {
  pidFile: string;
  errorLog: string;
  port: number;
}

const SECOND: MainConf = { pidFile: '/run/nginx-b.pid', errorLog: SECOND_ERROR_LOG, port: SECOND_PORT };
/** The container's nginx: Debian's paths, inside its own /run and /var/log/nginx. */
const CONTAINED: MainConf = { pidFile: '/run/nginx.pid', errorLog: '/var/log/nginx/error.log', port: 8081 };

/** A whole main config of a further nginx (one worker, so the host's first stays the one described first). */
export function secondInstanceConf(server: string, where: MainConf = SECOND): string {
  return [
    'user www-data;',
    'worker_processes 1;',
    `pid ${where.pidFile};`,
    `error_log ${where.errorLog};`,
    '',
    'events {',
    '    worker_connections 64;',
    '}',
    '',
    'http {',
    '    access_log /var/log/nginx/b-access.log;',
    '',
    '    upstream api {',
    `        server ${server};`,
    '    }',
    '',
    '    server {',
    `        listen ${where.port};`,
    '        server_name api.example.com;',
    '',
    '        location / {',
    '            proxy_pass http://api;',
    '        }',
    '    }',
    '}',
    '',
  ].join('\n');
}

const shop = shopSite({ servers: [`127.0.0.1:${APP_PORT}`] });
const backends = {
  backends: [
    { name: 'shop', listen: { host: '127.0.0.1', port: APP_PORT } },
    { name: 'api', listen: { host: '127.0.0.1', port: API_PORT } },
  ],
};

export const nginxNotInstalled = defineScenario(
  'nginx-not-installed',
  'no nginx program on the host (removed, its config left behind), and none runs',
  async (lab, name, options) => {
    const host = await lab.addHost(name, shopHost(shop, { ...backends, nginx: { installed: false } }));
    return finish(
      'nginx-not-installed',
      [host],
      {
        target: name,
        exitCode: 1,
        rootCause: {
          cause: 'nginx-not-installed',
          evidence: [
            { textIncludes: '`command -v nginx`' },
            { textIncludes: '/usr/sbin/nginx does not exist' },
          ],
          fix: { summaryIncludes: ['install nginx'] },
        },
      },
      { statuses: [0] },
      options,
    );
  },
);

export const nginxInstalledLookalike = defineScenario(
  'nginx-installed-lookalike',
  "nginx-not-installed's host shape (its /usr/sbin a directory of links), with nginx there and serving",
  async (lab, name, options) => {
    const host = await lab.addHost(name, shopHost(shop, { ...backends, nginx: { sbinThroughLinks: true } }));
    return finishHealthy('nginx-installed-lookalike', host, name, options);
  },
);

/** The ending of a look-alike: nginx answers 200 and the diagnosis must find nothing critical (exit 0). */
function finishHealthy(id: string, host: LabHost, name: string, options: StageOptions) {
  return finish(id, [host], { target: name, exitCode: 0, rootCause: null }, { statuses: [200] }, options);
}

/** Two nginx on one host: Debian's on :80 and a second with -c SECOND_CONF on :8080 proxying to `server`. */
async function twoInstances(
  lab: Parameters<typeof nginxNotInstalled.stage>[0],
  name: string,
  server: string,
) {
  const host = await lab.addHost(name, {
    ...shopHost(shop, {
      ...backends,
      nginx: { instances: [{ configPath: SECOND_CONF, pidFile: '/run/nginx-b.pid' }] },
    }),
    files: { [SECOND_CONF]: secondInstanceConf(server) },
  });
  // Real lines in the second instance's own error log (finish() warms the first, on :80).
  for (let i = 0; i < 3; i++) await host.request('/', { port: SECOND_PORT, hostHeader: 'api.example.com' });
  return host;
}

export const secondInstanceBroken = defineScenario(
  'second-instance-broken',
  `a second nginx (-c ${SECOND_CONF}, :${SECOND_PORT}) names the wrong port; the first nginx is healthy`,
  async (lab, name, options) => {
    const conf = secondInstanceConf(`127.0.0.1:${API_TYPO}`);
    const host = await twoInstances(lab, name, `127.0.0.1:${API_TYPO}`);
    return finish(
      'second-instance-broken',
      [host],
      {
        target: name,
        exitCode: 1,
        rootCause: {
          cause: 'upstream-port-mismatch',
          evidence: [
            configLine(conf, `server 127.0.0.1:${API_TYPO}`, SECOND_CONF),
            { file: SECOND_ERROR_LOG, textIncludes: REFUSED },
          ],
          // The first instance's backend (APP_PORT) is nearer, but it is that nginx's: never offered here.
          fix: { edit: lineEdit(conf, `127.0.0.1:${API_TYPO}`, `127.0.0.1:${API_PORT}`, SECOND_CONF) },
        },
      },
      { statuses: [200] },
      options,
    );
  },
);

export const twoInstancesHealthy = defineScenario(
  'two-instances-healthy',
  `two nginx on one host (the second with -c ${SECOND_CONF}), each proxying to its own live backend`,
  async (lab, name, options) => {
    const host = await twoInstances(lab, name, `127.0.0.1:${API_PORT}`);
    return finishHealthy('two-instances-healthy', host, name, options);
  },
);

export const nginxOnlyContained = defineScenario(
  'nginx-only-contained',
  "the host's nginx is stopped; the only nginx running is a container's (its own /etc/nginx, :8081)",
  async (lab, name, options) => {
    const host = await lab.addHost(name, shopHost(shop, { ...backends, nginx: { start: false } }));
    await startContainedNginx(host, secondInstanceConf(`127.0.0.1:${API_PORT}`, CONTAINED), CONTAINED.port);
    return finish(
      'nginx-only-contained',
      [host],
      {
        target: name,
        exitCode: 1,
        rootCause: { cause: 'nginx-not-running', evidence: [{ textIncludes: 'another PID namespace' }] },
      },
      { statuses: [0], nginxTestOk: true },
      options,
    );
  },
);

export const nginxBesideContainer = defineScenario(
  'nginx-beside-container',
  "nginx-only-contained's host with its own nginx running too: the container's is not the host's",
  async (lab, name, options) => {
    const host = await lab.addHost(name, shopHost(shop, backends));
    await startContainedNginx(host, secondInstanceConf(`127.0.0.1:${API_PORT}`, CONTAINED), CONTAINED.port);
    return finishHealthy('nginx-beside-container', host, name, options);
  },
);
