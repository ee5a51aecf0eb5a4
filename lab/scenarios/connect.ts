// Scenarios where nginx connects to the wrong place (or to nothing): the first runbook's causes.
import { APP_PORT, configLine, defineScenario, finish, lineEdit, shopHost, shopSite } from './site.js';

export const REFUSED = '(111: Connection refused) while connecting to upstream';

const app = (host = '127.0.0.1') => ({ backends: [{ name: 'shop', listen: { host, port: APP_PORT } }] });

export const healthy = defineScenario(
  'healthy',
  'nginx proxies to an app that answers: nothing is wrong',
  async (lab, name, options) => {
    const site = shopSite({ servers: [`127.0.0.1:${APP_PORT} max_fails=3`] });
    const host = await lab.addHost(name, shopHost(site, app()));
    return finish(
      'healthy',
      [host],
      { target: name, rootCause: null, exitCode: 0 },
      { statuses: [200] },
      options,
    );
  },
);

export const portMismatch = defineScenario(
  'port-mismatch',
  'the upstream block says 127.0.0.1:8000, the app listens on 127.0.0.1:3000',
  async (lab, name, options) => {
    const site = shopSite({ servers: ['127.0.0.1:8000 max_fails=3'] });
    const host = await lab.addHost(name, shopHost(site, app()));
    return finish(
      'port-mismatch',
      [host],
      {
        target: name,
        exitCode: 1,
        rootCause: {
          cause: 'upstream-port-mismatch',
          evidence: [configLine(site, 'server 127.0.0.1:8000'), { textIncludes: '127.0.0.1:3000' }],
          fix: { edit: lineEdit(site, '127.0.0.1:8000', '127.0.0.1:3000') },
        },
      },
      { statuses: [502], errorLogIncludes: [REFUSED, 'upstream: "http://127.0.0.1:8000/"'] },
      options,
    );
  },
);

export const addressMismatch = defineScenario(
  'address-mismatch',
  "nginx proxies to the host's LAN address, the app listens on 127.0.0.1 only",
  async (lab, name, options) => {
    let site = '';
    const host = await lab.addHost(name, (address) => {
      site = shopSite({ proxyPass: `http://${address}:${APP_PORT}` });
      return shopHost(site, app());
    });
    const wrong = `${host.address}:${APP_PORT}`;
    return finish(
      'address-mismatch',
      [host],
      {
        target: name,
        exitCode: 1,
        rootCause: {
          cause: 'upstream-address-mismatch',
          evidence: [
            configLine(site, `proxy_pass http://${wrong}`),
            { textIncludes: `127.0.0.1:${APP_PORT}` },
          ],
          fix: { edit: lineEdit(site, wrong, `127.0.0.1:${APP_PORT}`) },
        },
      },
      { statuses: [502], errorLogIncludes: [REFUSED, `upstream: "http://${wrong}/"`] },
      options,
    );
  },
);

export const ipv6Loopback = defineScenario(
  'ipv6-loopback',
  'the upstream is [::1]:3000, the app listens on 127.0.0.1:3000 only',
  async (lab, name, options) => {
    const site = shopSite({ servers: [`[::1]:${APP_PORT}`] });
    const host = await lab.addHost(name, shopHost(site, app()));
    return finish(
      'ipv6-loopback',
      [host],
      {
        target: name,
        exitCode: 1,
        rootCause: {
          cause: 'upstream-address-mismatch',
          evidence: [configLine(site, `server [::1]:${APP_PORT}`), { textIncludes: `127.0.0.1:${APP_PORT}` }],
          fix: { edit: lineEdit(site, `[::1]:${APP_PORT}`, `127.0.0.1:${APP_PORT}`) },
        },
      },
      { statuses: [502], errorLogIncludes: [REFUSED, `upstream: "http://[::1]:${APP_PORT}/"`] },
      options,
    );
  },
);

export const ipv6OnlyApp = defineScenario(
  'ipv6-only-app',
  'nginx proxies to 127.0.0.1:3000, the app listens on [::1]:3000 only (Node 18 resolving "localhost")',
  async (lab, name, options) => {
    const site = shopSite({ proxyPass: `http://127.0.0.1:${APP_PORT}` });
    const host = await lab.addHost(name, shopHost(site, app('::1')));
    return finish(
      'ipv6-only-app',
      [host],
      {
        target: name,
        exitCode: 1,
        rootCause: {
          cause: 'upstream-address-mismatch',
          evidence: [
            configLine(site, `proxy_pass http://127.0.0.1:${APP_PORT}`),
            { textIncludes: `[::1]:${APP_PORT}` },
          ],
          fix: { edit: lineEdit(site, `127.0.0.1:${APP_PORT}`, `[::1]:${APP_PORT}`) },
        },
      },
      { statuses: [502], errorLogIncludes: [REFUSED, `upstream: "http://127.0.0.1:${APP_PORT}/"`] },
      options,
    );
  },
);

export const nothingListening = defineScenario(
  'nothing-listening',
  'nginx proxies to 127.0.0.1:3000 and nothing listens there (the app is down)',
  async (lab, name, options) => {
    const site = shopSite({ servers: [`127.0.0.1:${APP_PORT}`] });
    const host = await lab.addHost(name, shopHost(site));
    return finish(
      'nothing-listening',
      [host],
      {
        target: name,
        exitCode: 1,
        rootCause: {
          cause: 'upstream-not-listening',
          evidence: [
            configLine(site, `server 127.0.0.1:${APP_PORT}`),
            { textIncludes: 'Connection refused' },
          ],
        },
      },
      { statuses: [502], errorLogIncludes: [REFUSED] },
      options,
    );
  },
);

/** The main config outside Debian's path, its own error log: the collector must follow the master's -c. */
const CUSTOM_MAIN = '/etc/nginx/shop/main.conf';
const CUSTOM_SITE = '/etc/nginx/shop/sites/shop.conf';
const customMain = `user www-data;
worker_processes 2;
pid /run/nginx.pid;
error_log /var/log/nginx/shop-error.log;

events {
    worker_connections 64;
}

http {
    access_log /var/log/nginx/shop-access.log;
    include /etc/nginx/shop/sites/*.conf;
}
`;

export const customConfigPath = defineScenario(
  'custom-config-path',
  'nginx runs with -c /etc/nginx/shop/main.conf (own error log); its upstream names the wrong port',
  async (lab, name, options) => {
    const site = shopSite({ servers: ['127.0.0.1:8000'] });
    const host = await lab.addHost(name, {
      ...app(),
      nginx: { files: { [CUSTOM_MAIN]: customMain, [CUSTOM_SITE]: site }, configPath: CUSTOM_MAIN },
    });
    return finish(
      'custom-config-path',
      [host],
      {
        target: name,
        exitCode: 1,
        rootCause: {
          cause: 'upstream-port-mismatch',
          evidence: [
            configLine(site, 'server 127.0.0.1:8000', CUSTOM_SITE),
            { file: '/var/log/nginx/shop-error.log', textIncludes: REFUSED },
          ],
          fix: { edit: lineEdit(site, '127.0.0.1:8000', `127.0.0.1:${APP_PORT}`, CUSTOM_SITE) },
        },
      },
      { statuses: [502] },
      options,
    );
  },
);
