// "Not reloaded" to the sub-second: whole-second clocks (ps's elapsed seconds, stat's %Y) leave a blind spot
// of one second on each side of a reload. Two shapes at its edges: the port fixed on disk 1.1 s after a
// reload and never reloaded (a whole-second reading misses it; no request after the edit, so the error log
// cannot tell either: only the workers' start to the tick and the file's mtime to the nanosecond do), and
// its healthy look-alike, a deploy that writes the file and reloads in the same second.
import { REFUSED } from './connect.js';
import { APP_PORT, defineScenario, finish, SHOP_CONF, shopHost, shopSite } from './site.js';

const app = { backends: [{ name: 'shop', listen: { host: '127.0.0.1', port: APP_PORT } }] };
/** Just past the whole-second slack of ps and stat, well inside the second after it. */
const EDIT_AFTER_RELOAD_MS = 1_100;

export const editAfterReload = defineScenario(
  'edit-after-reload',
  'the port was fixed on disk 1.1 s after the last reload, and nginx never reloaded it',
  async (lab, name, options) => {
    const running = shopSite({ servers: ['127.0.0.1:8000 max_fails=3'] });
    const fixed = running.replace('127.0.0.1:8000', `127.0.0.1:${APP_PORT}`);
    const host = await lab.addHost(name, shopHost(running, app));
    await host.nginx.reload();
    // The 502s come before the edit: the error log then has no line after it to give nginx away.
    const warmed = options.warm === false ? [] : await host.warm({ count: 3 });
    await host.nginx.editFile(SHOP_CONF, fixed, EDIT_AFTER_RELOAD_MS);
    const staged = await finish(
      'edit-after-reload',
      [host],
      {
        target: name,
        exitCode: 1,
        rootCause: {
          cause: 'config-not-reloaded',
          evidence: [{ file: SHOP_CONF }, { textIncludes: 'nginx workers started' }],
          fix: { summaryIncludes: ['reload'] },
        },
      },
      { statuses: [502], errorLogIncludes: [REFUSED], nginxTestOk: true },
      { ...options, warm: false },
    );
    return { ...staged, warmed };
  },
);

export const deployWithinSecond = defineScenario(
  'deploy-within-second',
  'healthy: a deploy wrote the config and reloaded nginx within the same second',
  async (lab, name, options) => {
    const site = shopSite({ servers: [`127.0.0.1:${APP_PORT}`] });
    const host = await lab.addHost(name, shopHost(site, app));
    await host.nginx.writeAndReload(
      SHOP_CONF,
      site.replace(`127.0.0.1:${APP_PORT};`, `127.0.0.1:${APP_PORT} max_fails=2;`),
    );
    return finish(
      'deploy-within-second',
      [host],
      { target: name, exitCode: 0, rootCause: null },
      { statuses: [200], nginxTestOk: true },
      options,
    );
  },
);
