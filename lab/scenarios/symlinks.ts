// Issue 14, class 1: sockets named through symlinks. Debian names php-fpm's socket by links
// (/var/run → /run; /run/php/php-fpm.sock → /etc/alternatives/php-fpm.sock → /run/php/php8.2-fpm.sock),
// and ss names a listener by the path it was bound by, so a diagnosis must compare real paths: two healthy
// hosts, one through each side's links, must stay clean, and a link left naming a socket that is gone must
// be reported with both names and pointed at the socket that listens.
import type { HostSpec } from '../host.js';
import { defaultPhpFpmSocket, findPhpFpm } from '../php-fpm.js';
import { configLine, defineScenario, finish, lineEdit } from './site.js';

const SITE_FILE = '/etc/nginx/sites-enabled/shop';
const ALIAS = '/run/php/php-fpm.sock';
const ALTERNATIVE = '/etc/alternatives/php-fpm.sock';

/** Debian's PHP site: index.php through fastcgi_pass to `socket`, in sites-available with its sites-enabled link. */
function phpSite(socket: string): string {
  return [
    'server {',
    '    listen 80 default_server;',
    '    root /var/www/html;',
    '    index index.php;',
    '',
    '    location ~ \\.php$ {',
    '        include snippets/fastcgi-php.conf;',
    `        fastcgi_pass unix:${socket};`,
    '    }',
    '}',
    '',
  ].join('\n');
}

/**
 * A host serving `site` with php-fpm, its php-fpm.sock alias made as Debian's php-fpm-socket-helper makes it
 * (a link to the alternative, the alternative to `alternative`).
 */
function phpHost(site: string, alternative: string, phpFpm: HostSpec['phpFpm'] = {}): HostSpec {
  return {
    nginx: {
      files: { 'sites-available/shop': site },
      links: { 'sites-enabled/shop': '/etc/nginx/sites-available/shop' },
    },
    phpFpm,
    alternatives: { 'php-fpm.sock': alternative },
    links: { [ALIAS]: ALTERNATIVE },
    files: { '/var/www/html/index.php': '<?php echo "hello from php\\n";\n' },
  };
}

const phpVersion = () => findPhpFpm()?.version ?? '8.2';

export const phpFpmSymlinkedSocket = defineScenario(
  'php-fpm-symlinked-socket',
  'healthy: fastcgi_pass names /var/run/php/php-fpm.sock, which /var/run → /run and the alternatives link lead to php-fpm',
  async (lab, name, options) => {
    const site = phpSite(`/var${ALIAS}`);
    const host = await lab.addHost(name, phpHost(site, defaultPhpFpmSocket(phpVersion())));
    return finish(
      'php-fpm-symlinked-socket',
      [host],
      { target: name, exitCode: 0, rootCause: null },
      { statuses: [200] },
      options,
    );
  },
  'php-fpm',
);

export const phpFpmBoundThroughSymlink = defineScenario(
  'php-fpm-bound-through-symlink',
  'healthy: php-fpm binds /var/run/php/php8.2-fpm.sock (ss names it so), fastcgi_pass names /run/php/php8.2-fpm.sock',
  async (lab, name, options) => {
    const real = defaultPhpFpmSocket(phpVersion());
    const site = phpSite(real);
    const host = await lab.addHost(name, phpHost(site, real, { listen: `/var${real}` }));
    return finish(
      'php-fpm-bound-through-symlink',
      [host],
      { target: name, exitCode: 0, rootCause: null },
      { statuses: [200] },
      options,
    );
  },
  'php-fpm',
);

/**
 * After an upgrade, the php-fpm.sock alternative still names the previous PHP's socket, which is gone:
 * nginx's /var/run/php/php-fpm.sock resolves to nothing while the new php-fpm listens beside it.
 */
export const phpFpmStaleAlternative = defineScenario(
  'php-fpm-stale-alternative',
  "fastcgi_pass names /var/run/php/php-fpm.sock, whose alternatives link still leads to the previous PHP's socket, which is gone",
  async (lab, name, options) => {
    const version = phpVersion();
    const real = defaultPhpFpmSocket(version);
    const gone = defaultPhpFpmSocket(version === '7.4' ? '7.3' : '7.4');
    const site = phpSite(`/var${ALIAS}`);
    const host = await lab.addHost(name, phpHost(site, gone));
    return finish(
      'php-fpm-stale-alternative',
      [host],
      {
        target: name,
        exitCode: 1,
        rootCause: {
          cause: 'unix-socket-missing',
          evidence: [
            configLine(site, 'fastcgi_pass', SITE_FILE),
            { textIncludes: `/var${ALIAS} resolves to ${gone}` },
            { textIncludes: real },
          ],
          fix: { edit: lineEdit(site, `unix:/var${ALIAS}`, `unix:${real}`, SITE_FILE) },
        },
      },
      {
        statuses: [502],
        errorLogIncludes: [
          '(2: No such file or directory) while connecting to upstream',
          `connect() to unix:/var${ALIAS} failed`,
        ],
      },
      options,
    );
  },
  'php-fpm',
);
