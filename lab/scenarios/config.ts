// Scenarios about nginx's configuration and process rather than the upstream: a fix that never
// took effect (invalid, or not reloaded), nginx not running, a variable proxy_pass without resolver.
import { sleep } from '../proc.js';
import { REFUSED } from './connect.js';
import {
  APP_PORT,
  configLine,
  defineScenario,
  finish,
  lineEdit,
  lineOf,
  SHOP_CONF,
  shopHost,
  shopSite,
} from './site.js';

/** Past the end of the second the edit was written in (log lines carry whole seconds). */
const LOG_AFTER_EDIT_MS = 1_100;

const app = { backends: [{ name: 'shop', listen: { host: '127.0.0.1', port: APP_PORT } }] };

export const configInvalid = defineScenario(
  'config-invalid',
  'someone fixed the port but dropped a semicolon: the reload failed and nginx still runs the old config',
  async (lab, name, options) => {
    const running = shopSite({ servers: ['127.0.0.1:8000 max_fails=3'] });
    // The intended fix, with the semicolon missing: nginx reads "max_fails=3 }" as one directive's
    // parameters and complains at the line of the unexpected "}".
    const edited = running.replace('server 127.0.0.1:8000 max_fails=3;', 'server 127.0.0.1:3000 max_fails=3');
    const host = await lab.addHost(name, shopHost(running, app));
    await host.nginx.editFile(SHOP_CONF, edited);
    // The operator's `systemctl reload nginx`: refused, the old workers keep serving.
    await host.nginx.reload().catch(() => undefined);
    const errorLine = lineOf(edited, '}').line;
    return finish(
      'config-invalid',
      [host],
      {
        target: name,
        exitCode: 1,
        rootCause: {
          cause: 'nginx-config-invalid',
          evidence: [{ file: SHOP_CONF, line: errorLine, textIncludes: 'unexpected "}"' }],
          fix: { edit: lineEdit(edited, 'max_fails=3', 'max_fails=3;') },
        },
      },
      { statuses: [502], errorLogIncludes: [REFUSED], nginxTestOk: false },
      options,
    );
  },
);

export const configNotReloaded = defineScenario(
  'config-not-reloaded',
  'the port was fixed on disk after the last reload: nginx still proxies to the old one',
  async (lab, name, options) => {
    const running = shopSite({ servers: ['127.0.0.1:8000 max_fails=3'] });
    const fixed = running.replace('127.0.0.1:8000', '127.0.0.1:3000');
    const host = await lab.addHost(name, shopHost(running, app));
    await host.nginx.editFile(SHOP_CONF, fixed);
    // The 502s come in a later second than the edit: the error log alone then proves nginx runs the old
    // config (it connects to a port the file on disk no longer names), whatever the clocks say.
    await sleep(LOG_AFTER_EDIT_MS);
    return finish(
      'config-not-reloaded',
      [host],
      {
        target: name,
        exitCode: 1,
        rootCause: {
          cause: 'config-not-reloaded',
          evidence: [{ file: SHOP_CONF }],
          fix: { summaryIncludes: ['reload'] },
        },
      },
      {
        statuses: [502],
        errorLogIncludes: [REFUSED, 'upstream: "http://127.0.0.1:8000/"'],
        nginxTestOk: true,
      },
      options,
    );
  },
);

export const nginxNotRunning = defineScenario(
  'nginx-not-running',
  'the configuration is fine but no nginx runs',
  async (lab, name, options) => {
    const site = shopSite({ servers: [`127.0.0.1:${APP_PORT}`] });
    const host = await lab.addHost(name, shopHost(site, { ...app, nginx: { start: false } }));
    return finish(
      'nginx-not-running',
      [host],
      { target: name, exitCode: 1, rootCause: { cause: 'nginx-not-running', evidence: [] } },
      { statuses: [0], nginxTestOk: true },
      options,
    );
  },
);

export const resolverMissing = defineScenario(
  'resolver-missing',
  'proxy_pass uses a variable host name and no resolver is configured',
  async (lab, name, options) => {
    const site = shopSite({
      locationLines: ['set $backend_host app.internal;'],
      proxyPass: `http://$backend_host:${APP_PORT}`,
    });
    const host = await lab.addHost(name, shopHost(site, app));
    return finish(
      'resolver-missing',
      [host],
      {
        target: name,
        exitCode: 1,
        rootCause: {
          cause: 'resolver-missing',
          evidence: [
            configLine(site, 'set $backend_host'),
            configLine(site, 'proxy_pass http://$backend_host'),
          ],
          fix: { summaryIncludes: ['resolver'] },
        },
      },
      {
        statuses: [502],
        errorLogIncludes: ['no resolver defined to resolve app.internal'],
        nginxTestOk: true,
      },
      options,
    );
  },
);
