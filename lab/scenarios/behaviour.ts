// Scenarios where nginx reaches the app but the app misbehaves: closes, resets, speaks something
// else, answers too slowly or with too big a header; and an upstream group nginx gave up on.
import type { BackendBehaviour } from '../backend.js';
import { APP_PORT, configLine, defineScenario, finish, shopHost, shopSite } from './site.js';
import type { Scenario } from './types.js';
import type { Cause } from '../../src/model/types.js';

interface Misbehaviour {
  id: string;
  title: string;
  behaviour: BackendBehaviour;
  cause: Cause;
  logLine: string;
  /** A location directive the fix is about (the evidence then points at it). */
  directive?: string;
  fixWords?: string[];
  status: number;
  backendOptions?: { delayMs?: number; headerBytes?: number };
}

function misbehaving(m: Misbehaviour): Scenario {
  return defineScenario(m.id, m.title, async (lab, name, options) => {
    const site = shopSite({
      servers: [`127.0.0.1:${APP_PORT}`],
      locationLines: m.directive ? [m.directive] : [],
    });
    const host = await lab.addHost(
      name,
      shopHost(site, {
        backends: [
          {
            name: 'shop',
            listen: { host: '127.0.0.1', port: APP_PORT },
            behaviour: m.behaviour,
            ...m.backendOptions,
          },
        ],
      }),
    );
    return finish(
      m.id,
      [host],
      {
        target: name,
        exitCode: 1,
        rootCause: {
          cause: m.cause,
          evidence: [
            m.directive ? configLine(site, m.directive) : configLine(site, `server 127.0.0.1:${APP_PORT}`),
            { textIncludes: m.logLine },
          ],
          ...(m.fixWords ? { fix: { summaryIncludes: m.fixWords } } : {}),
        },
      },
      { statuses: [m.status], errorLogIncludes: [m.logLine] },
      options,
      // Slow answers: warm in parallel so staging costs one timeout, not three.
      { parallel: m.behaviour === 'slow' },
    );
  });
}

export const closedConnection = misbehaving({
  id: 'closed-connection',
  title: 'the app accepts the connection and closes it without answering',
  behaviour: 'close',
  cause: 'upstream-closed-connection',
  logLine: 'upstream prematurely closed connection while reading response header from upstream',
  status: 502,
});

export const resetConnection = misbehaving({
  id: 'reset-connection',
  title: 'the app accepts the connection and resets it (RST)',
  behaviour: 'reset',
  cause: 'upstream-closed-connection',
  logLine: '(104: Connection reset by peer) while reading response header from upstream',
  status: 502,
});

/**
 * nginx logs the error, then relays the bytes as an HTTP/0.9 answer: clients get garbage, not a
 * 502 page (status 0 here: no valid HTTP answer at all).
 */
export const protocolMismatch = misbehaving({
  id: 'protocol-mismatch',
  title: 'the app on the upstream port does not speak HTTP',
  behaviour: 'non-http',
  cause: 'upstream-protocol-mismatch',
  logLine: 'upstream sent no valid HTTP/1.0 header while reading response header from upstream',
  status: 0,
});

export const slowBackend = misbehaving({
  id: 'slow-backend',
  title: 'the app answers after 3 s, proxy_read_timeout is 1 s',
  behaviour: 'slow',
  cause: 'upstream-timeout',
  logLine: 'upstream timed out (110: Connection timed out) while reading response header from upstream',
  directive: 'proxy_read_timeout 1s;',
  fixWords: ['proxy_read_timeout'],
  status: 504,
  backendOptions: { delayMs: 3_000 },
});

export const headerTooBig = misbehaving({
  id: 'header-too-big',
  title: "the app's response header (32 KB) does not fit proxy_buffer_size 4k",
  behaviour: 'big-header',
  cause: 'upstream-header-too-big',
  logLine: 'upstream sent too big header while reading response header from upstream',
  directive: 'proxy_buffer_size 4k;',
  fixWords: ['proxy_buffer_size'],
  status: 502,
  backendOptions: { headerBytes: 32_768 },
});

/**
 * Both servers of the group were down when traffic came; nginx marked them failed for
 * fail_timeout (120 s). The apps are back, yet nginx answers "no live upstreams" until then. The
 * zone makes the failure state shared by all workers, as in most production configs.
 */
export const noLiveUpstreams = defineScenario(
  'no-live-upstreams',
  'every server of the upstream group is marked failed (the apps came back, nginx has not retried yet)',
  async (lab, name, options) => {
    const site = shopSite({
      upstreamLines: ['zone shop 64k;'],
      servers: [
        '127.0.0.1:3001 max_fails=1 fail_timeout=120s',
        '127.0.0.1:3002 max_fails=1 fail_timeout=120s',
      ],
    });
    const host = await lab.addHost(name, shopHost(site));
    const warmed = options.warm === false ? [] : await host.warm({ count: 3 });
    await Promise.all([
      host.startBackend({ name: 'shop-1', listen: { host: '127.0.0.1', port: 3001 } }),
      host.startBackend({ name: 'shop-2', listen: { host: '127.0.0.1', port: 3002 } }),
    ]);
    const staged = await finish(
      'no-live-upstreams',
      [host],
      {
        target: name,
        exitCode: 1,
        rootCause: {
          cause: 'no-live-upstreams',
          evidence: [configLine(site, 'upstream shop'), { textIncludes: 'no live upstreams' }],
        },
      },
      { statuses: [502], errorLogIncludes: ['no live upstreams while connecting to upstream'] },
      options,
    );
    return { ...staged, warmed: [...warmed, ...staged.warmed] };
  },
);
