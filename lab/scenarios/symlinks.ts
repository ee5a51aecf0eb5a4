// Issue 14, class 1: sockets named through symlinks. Debian names php-fpm's socket by links
// (/var/run → /run; /run/php/php-fpm.sock → /etc/alternatives/php-fpm.sock → /run/php/php8.2-fpm.sock),
// and ss names a listener by the path it was bound by, so a diagnosis must compare real paths: two healthy
// hosts, one through each side's links, must stay clean, and a link left naming a socket that is gone must
// be reported with both names and pointed at the socket that listens.
import type { PhpFpmSpec } from '../php-fpm.js';
import { defaultPhpFpmSocket, findPhpFpm } from '../php-fpm.js';
import type { HostSpec } from '../host.js';
import type { Scenario } from './types.js';
import { PHP_SITE_FILE, configLine, defineScenario, finish, lineEdit, phpSite, phpSiteHost } from './site.js';

const ALIAS = '/run/php/php-fpm.sock';
const ALTERNATIVE = '/etc/alternatives/php-fpm.sock';

/**
 * A PHP host whose php-fpm.sock alias is made as Debian's php-fpm-socket-helper makes it: a link to the
 * alternative, and the alternative a link to `alternative`.
 */
function aliasedPhpHost(site: string, alternative: string, phpFpm: PhpFpmSpec = {}): HostSpec {
  return phpSiteHost(site, {
    phpFpm,
    alternatives: { 'php-fpm.sock': alternative },
    links: { [ALIAS]: ALTERNATIVE },
  });
}

const phpVersion = () => findPhpFpm()?.version ?? '8.2';

/** A host that serves 200s through symlinked socket paths, which must stay clean. */
function healthyPhp(id: string, title: string, host: (real: string) => HostSpec): Scenario {
  return defineScenario(
    id,
    title,
    async (lab, name, options) => {
      const staged = await lab.addHost(name, host(defaultPhpFpmSocket(phpVersion())));
      return finish(
        id,
        [staged],
        { target: name, exitCode: 0, rootCause: null },
        { statuses: [200] },
        options,
      );
    },
    'php-fpm',
  );
}

export const phpFpmSymlinkedSocket = healthyPhp(
  'php-fpm-symlinked-socket',
  'healthy: fastcgi_pass names /var/run/php/php-fpm.sock, which /var/run → /run and the alternatives link lead to php-fpm',
  (real) => aliasedPhpHost(phpSite(`/var${ALIAS}`), real),
);

export const phpFpmBoundThroughSymlink = healthyPhp(
  'php-fpm-bound-through-symlink',
  'healthy: php-fpm binds /var/run/php/php8.2-fpm.sock (ss names it so), fastcgi_pass names /run/php/php8.2-fpm.sock',
  (real) => aliasedPhpHost(phpSite(real), real, { listen: `/var${real}` }),
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
    const host = await lab.addHost(name, aliasedPhpHost(site, gone));
    return finish(
      'php-fpm-stale-alternative',
      [host],
      {
        target: name,
        exitCode: 1,
        rootCause: {
          cause: 'unix-socket-missing',
          evidence: [
            configLine(site, 'fastcgi_pass', PHP_SITE_FILE),
            { textIncludes: `/var${ALIAS} resolves to ${gone}` },
            { textIncludes: real },
          ],
          fix: { edit: lineEdit(site, `unix:/var${ALIAS}`, `unix:${real}`, PHP_SITE_FILE) },
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
