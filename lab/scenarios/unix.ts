// Scenarios around unix sockets: a path typo next to the real socket, a socket nginx may not open,
// and Debian's php-fpm socket name.
import { defaultPhpFpmSocket, findPhpFpm } from '../php-fpm.js';
import {
  PHP_SITE_FILE,
  configLine,
  defineScenario,
  finish,
  lineEdit,
  phpSite,
  phpSiteHost,
  shopHost,
  shopSite,
} from './site.js';

const SOCKET = '/run/shop/shop.sock';
const MISSING = '(2: No such file or directory) while connecting to upstream';
const DENIED = '(13: Permission denied) while connecting to upstream';

export const unixSocketMissing = defineScenario(
  'unix-socket-missing',
  'the upstream is unix:/run/shop/shop.socket, the app made /run/shop/shop.sock',
  async (lab, name, options) => {
    const site = shopSite({ servers: ['unix:/run/shop/shop.socket'] });
    const host = await lab.addHost(
      name,
      shopHost(site, { backends: [{ name: 'shop', listen: { path: SOCKET }, user: 'www-data' }] }),
    );
    return finish(
      'unix-socket-missing',
      [host],
      {
        target: name,
        exitCode: 1,
        rootCause: {
          cause: 'unix-socket-missing',
          evidence: [configLine(site, 'server unix:/run/shop/shop.socket'), { textIncludes: SOCKET }],
          fix: { edit: lineEdit(site, 'unix:/run/shop/shop.socket', `unix:${SOCKET}`) },
        },
      },
      { statuses: [502], errorLogIncludes: [MISSING, 'connect() to unix:/run/shop/shop.socket failed'] },
      options,
    );
  },
);

export const unixSocketPermission = defineScenario(
  'unix-socket-permission',
  'the socket is root:root 0660; the workers run as www-data and may not connect',
  async (lab, name, options) => {
    const site = shopSite({ servers: [`unix:${SOCKET}`] });
    const host = await lab.addHost(
      name,
      shopHost(site, {
        backends: [
          { name: 'shop', listen: { path: SOCKET, mode: 0o660, owner: 'root', group: 'root' }, user: 'root' },
        ],
      }),
    );
    return finish(
      'unix-socket-permission',
      [host],
      {
        target: name,
        exitCode: 1,
        rootCause: {
          cause: 'unix-socket-permission',
          evidence: [configLine(site, `server unix:${SOCKET}`), { textIncludes: SOCKET }],
        },
      },
      { statuses: [502], errorLogIncludes: [DENIED] },
      options,
    );
  },
);

/**
 * Debian's php-fpm makes /run/php/php8.2-fpm.sock; the /run/php/php-fpm.sock alias is a symlink
 * its systemd unit adds, so a php-fpm started any other way leaves nginx's fastcgi_pass dangling.
 * The site lives in sites-available with the usual symlink in sites-enabled: nginx names the file
 * by the path it included (sites-enabled/shop).
 */
export const phpFpmSocketMissing = defineScenario(
  'php-fpm-socket-missing',
  "fastcgi_pass names /run/php/php-fpm.sock, php-fpm listens on Debian's versioned socket",
  async (lab, name, options) => {
    const version = findPhpFpm()?.version ?? '8.2';
    const real = defaultPhpFpmSocket(version);
    const file = PHP_SITE_FILE;
    const site = phpSite('/run/php/php-fpm.sock');
    const host = await lab.addHost(name, phpSiteHost(site));
    return finish(
      'php-fpm-socket-missing',
      [host],
      {
        target: name,
        exitCode: 1,
        rootCause: {
          cause: 'unix-socket-missing',
          evidence: [configLine(site, 'fastcgi_pass', file), { textIncludes: real }],
          fix: { edit: lineEdit(site, 'unix:/run/php/php-fpm.sock', `unix:${real}`, file) },
        },
      },
      { statuses: [502], errorLogIncludes: [MISSING, 'connect() to unix:/run/php/php-fpm.sock failed'] },
      options,
    );
  },
  'php-fpm',
);
