// Scenarios where nginx and its backend disagree about the transport (issue 14, class 6): the config
// names a TCP address while the backend listens on a unix socket, or a socket while the backend listens
// on TCP, with real php-fpm for fastcgi_pass and the lab's HTTP backend for proxy_pass. Each has a healthy
// look-alike, the same shape working, which must stay clean; and one host where the only socket belongs
// to another site, which must not be offered.
import type { HostSpec } from '../host.js';
import type { Lab } from '../lab.js';
import { defaultPhpFpmSocket, findPhpFpm } from '../php-fpm.js';
import { REFUSED } from './connect.js';
import { APP_PORT, configLine, defineScenario, finish, lineEdit, shopHost, shopSite } from './site.js';
import type { Scenario, StageOptions } from './types.js';

const FPM_TCP = '127.0.0.1:9000';
const APP_SOCKET = '/run/shop/shop.sock';
const MISSING = '(2: No such file or directory) while connecting to upstream';

const fpmSocket = () => defaultPhpFpmSocket(findPhpFpm()?.version ?? '8.2');

/** A PHP server block as Debian's default site has it, handing .php files to `pass`. */
function phpServer(pass: string, names = '', listen = 'listen 80 default_server;'): string[] {
  return [
    'server {',
    `    ${listen}`,
    ...(names ? [`    server_name ${names};`] : []),
    '    root /var/www/html;',
    '    index index.php;',
    '',
    '    location ~ \\.php$ {',
    '        include snippets/fastcgi-php.conf;',
    `        fastcgi_pass ${pass};`,
    '    }',
    '}',
    '',
  ];
}

const phpSite = (pass: string) => phpServer(pass).join('\n');
const INDEX_PHP = { '/var/www/html/index.php': '<?php echo "hello from php\\n";\n' };

/** A healthy look-alike: the same shape working, which must stay clean (`site` is made at stage time). */
function lookAlike(
  id: string,
  title: string,
  site: () => string,
  spec: HostSpec,
  requires?: Scenario['requires'],
): Scenario {
  const stage = async (lab: Lab, name: string, options: StageOptions) => {
    const host = await lab.addHost(name, shopHost(site(), spec));
    const expect = { target: name, rootCause: null, exitCode: 0 as const };
    return finish(id, [host], expect, { statuses: [200] }, options);
  };
  return defineScenario(id, title, stage, requires);
}

export const phpFpmOnSocket = defineScenario(
  'php-fpm-on-socket',
  `fastcgi_pass ${FPM_TCP}, php-fpm listens on its unix socket only`,
  async (lab, name, options) => {
    const socket = fpmSocket();
    const site = phpSite(FPM_TCP);
    const host = await lab.addHost(name, shopHost(site, { phpFpm: {}, files: INDEX_PHP }));
    return finish(
      'php-fpm-on-socket',
      [host],
      {
        target: name,
        exitCode: 1,
        rootCause: {
          cause: 'upstream-address-mismatch',
          evidence: [configLine(site, `fastcgi_pass ${FPM_TCP}`), { textIncludes: socket }],
          fix: { edit: lineEdit(site, FPM_TCP, `unix:${socket}`) },
        },
      },
      { statuses: [502], errorLogIncludes: [REFUSED, `upstream: "fastcgi://${FPM_TCP}"`] },
      options,
    );
  },
  'php-fpm',
);

export const phpFpmOnTcp = defineScenario(
  'php-fpm-on-tcp',
  `fastcgi_pass names Debian's php-fpm socket, php-fpm listens on ${FPM_TCP} only`,
  async (lab, name, options) => {
    const socket = fpmSocket();
    const site = phpSite(`unix:${socket}`);
    const host = await lab.addHost(name, shopHost(site, { phpFpm: { listen: FPM_TCP }, files: INDEX_PHP }));
    return finish(
      'php-fpm-on-tcp',
      [host],
      {
        target: name,
        exitCode: 1,
        rootCause: {
          cause: 'unix-socket-missing',
          evidence: [configLine(site, `fastcgi_pass unix:${socket}`), { textIncludes: FPM_TCP }],
          fix: { edit: lineEdit(site, `unix:${socket}`, FPM_TCP) },
        },
      },
      { statuses: [502], errorLogIncludes: [MISSING, `connect() to unix:${socket} failed`] },
      options,
    );
  },
  'php-fpm',
);

/**
 * The blog's fastcgi_pass names php-fpm's socket and works; the shop's names 127.0.0.1:9000, where its
 * own pool is down. The socket that listens is the blog's: pointing the shop at it would serve the shop
 * from the blog's pool, so the diagnosis is that nothing listens where the shop's pool should.
 */
export const phpFpmSocketOfOtherSite = defineScenario(
  'php-fpm-socket-of-other-site',
  `the shop's fastcgi_pass ${FPM_TCP} is down; the php-fpm socket that listens is the blog's`,
  async (lab, name, options) => {
    const blog = phpServer(`unix:${fpmSocket()}`, 'blog.example.com', 'listen 80;');
    const site = [...blog, ...phpServer(FPM_TCP, 'shop.example.com')].join('\n');
    const host = await lab.addHost(name, shopHost(site, { phpFpm: {}, files: INDEX_PHP }));
    return finish(
      'php-fpm-socket-of-other-site',
      [host],
      {
        target: name,
        exitCode: 1,
        rootCause: {
          cause: 'upstream-not-listening',
          evidence: [configLine(site, `fastcgi_pass ${FPM_TCP}`), { textIncludes: 'Connection refused' }],
          fix: { summaryIncludes: ['start', FPM_TCP] },
        },
      },
      { statuses: [502], errorLogIncludes: [REFUSED, `upstream: "fastcgi://${FPM_TCP}"`] },
      options,
    );
  },
  'php-fpm',
);

const socketApp = { backends: [{ name: 'shop', listen: { path: APP_SOCKET } }] };
const tcpUri = `127.0.0.1:${APP_PORT}/`;

export const appOnSocket = defineScenario(
  'app-on-socket',
  `proxy_pass http://${tcpUri}, the app listens on ${APP_SOCKET} only`,
  async (lab, name, options) => {
    const site = shopSite({ proxyPass: `http://${tcpUri}` });
    const host = await lab.addHost(name, shopHost(site, socketApp));
    return finish(
      'app-on-socket',
      [host],
      {
        target: name,
        exitCode: 1,
        rootCause: {
          cause: 'upstream-address-mismatch',
          evidence: [configLine(site, `proxy_pass http://${tcpUri}`), { textIncludes: APP_SOCKET }],
          // The URI after a socket path is set off by ':' (nginx ends the path there).
          fix: { edit: lineEdit(site, tcpUri, `unix:${APP_SOCKET}:/`) },
        },
      },
      { statuses: [502], errorLogIncludes: [REFUSED, `upstream: "http://${tcpUri}"`] },
      options,
    );
  },
);

export const phpFpmOnSocketHealthy = lookAlike(
  'php-fpm-on-socket-healthy',
  'fastcgi_pass names the unix socket php-fpm listens on: nothing is wrong',
  () => phpSite(`unix:${fpmSocket()}`),
  { phpFpm: {}, files: INDEX_PHP },
  'php-fpm',
);

export const phpFpmOnTcpHealthy = lookAlike(
  'php-fpm-on-tcp-healthy',
  `fastcgi_pass ${FPM_TCP}, where php-fpm listens: nothing is wrong`,
  () => phpSite(FPM_TCP),
  { phpFpm: { listen: FPM_TCP }, files: INDEX_PHP },
  'php-fpm',
);

export const appOnSocketHealthy = lookAlike(
  'app-on-socket-healthy',
  `proxy_pass http://unix:${APP_SOCKET}:/, where the app listens: nothing is wrong`,
  () => shopSite({ proxyPass: `http://unix:${APP_SOCKET}:/` }),
  socketApp,
);
