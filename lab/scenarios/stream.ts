// nginx's stream module, with the directives nginx's source gives it (src/parsers/nginx/directive-table.ts):
// `set` in a stream server has been valid since nginx 1.19.3, and a parser with a hand-made table rejected it
// and with it the server's proxy_pass. Debian's libnginx-mod-stream is loaded from modules-enabled/, and the
// stream block sits in a file of its own there, in the main context. Broken: the stream proxy names the
// wrong port; healthy look-alike: the same server pointing at the app.
import { APP_PORT, configLine, defineScenario, finish, lineEdit, shopSite } from './site.js';
import type { HostSpec } from '../host.js';

const STREAM_CONF = '/etc/nginx/modules-enabled/60-stream-shop.conf';
/** The stream server's own backend, beside the web app (a port another upstream uses is never proposed). */
const STREAM_APP_PORT = 4000;
const app = {
  backends: [
    { name: 'shop', listen: { host: '127.0.0.1', port: APP_PORT } },
    { name: 'stream-app', listen: { host: '127.0.0.1', port: STREAM_APP_PORT } },
  ],
};

function streamConf(port: number): string {
  return [
    'stream {',
    '    server {',
    '        listen 127.0.0.1:9000;',
    '        set $backend_tag shop;',
    `        proxy_pass 127.0.0.1:${port};`,
    '    }',
    '}',
    '',
  ].join('\n');
}

/** The healthy shop site, its app, and the stream file beside it. */
function withStream(stream: string): HostSpec {
  return { ...app, nginx: { files: { 'conf.d/shop.conf': shopSite({}), [STREAM_CONF]: stream } } };
}

export const streamSetPortMismatch = defineScenario(
  'stream-set-port-mismatch',
  'a stream server (with `set`, valid since nginx 1.19.3) proxies to 127.0.0.1:4001, its backend listens on 4000',
  async (lab, name, options) => {
    const stream = streamConf(STREAM_APP_PORT + 1);
    const host = await lab.addHost(name, withStream(stream));
    return finish(
      'stream-set-port-mismatch',
      [host],
      {
        target: name,
        exitCode: 1,
        rootCause: {
          cause: 'upstream-port-mismatch',
          evidence: [configLine(stream, `proxy_pass 127.0.0.1:${STREAM_APP_PORT + 1}`, STREAM_CONF)],
          fix: {
            edit: lineEdit(
              stream,
              `127.0.0.1:${STREAM_APP_PORT + 1}`,
              `127.0.0.1:${STREAM_APP_PORT}`,
              STREAM_CONF,
            ),
          },
        },
      },
      { statuses: [200], nginxTestOk: true },
      options,
    );
  },
);

export const streamSetHealthy = defineScenario(
  'stream-set-healthy',
  'healthy: a stream server with `set` proxies to the app',
  async (lab, name, options) => {
    const host = await lab.addHost(name, withStream(streamConf(STREAM_APP_PORT)));
    return finish(
      'stream-set-healthy',
      [host],
      { target: name, exitCode: 0, rootCause: null },
      { statuses: [200], nginxTestOk: true },
      options,
    );
  },
);
