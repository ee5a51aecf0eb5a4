// Upstreams named through variables, as container proxies ship them (`set $upstream http://app:8080;
// proxy_pass $upstream;`, a `map` choosing the host): nginx resolves the name per request with its own
// `resolver`. Each host runs a DNS server on 127.0.0.1:53 (the lab's resolv.conf nameserver) that knows
// the lab's names, so a resolver that is configured really answers: once missing, once answering
// NXDOMAIN for the name a map chose, once configured at an address where nothing answers; and the
// same shapes working.
import type { BackendSpec } from '../backend.js';
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

/** The app on 127.0.0.1:3000, and a DNS server answering `names` with 127.0.0.1 (NXDOMAIN for others). */
function appWithDns(names: string[]): { backends: BackendSpec[] } {
  return {
    backends: [
      { name: 'shop', listen: { host: '127.0.0.1', port: APP_PORT } },
      {
        name: 'dns',
        listen: { host: '127.0.0.1', port: 53 },
        behaviour: 'dns',
        records: Object.fromEntries(names.map((n) => [n, '127.0.0.1'])),
        user: 'root', // port 53
      },
    ],
  };
}

const RESOLVER = 'resolver 127.0.0.1 valid=30s;';

/** The whole URL in a variable, as container images ship it. */
function urlInVariable(resolver: boolean): string {
  return shopSite({
    locationLines: [...(resolver ? [RESOLVER] : []), `set $upstream http://app.internal:${APP_PORT};`],
    proxyPass: '$upstream',
  });
}

/** The first nameserver of the host's resolv.conf: what a resolver fix must name. */
async function nameserverOf(host: { exec(argv: string[]): Promise<{ stdout: string }> }): Promise<string> {
  const conf = (await host.exec(['cat', '/etc/resolv.conf'])).stdout;
  return /^nameserver\s+(\S+)/m.exec(conf)?.[1] ?? '127.0.0.1';
}

export const variableNoResolver = defineScenario(
  'variable-no-resolver',
  'proxy_pass $upstream with the URL set in a variable, and no resolver: every request fails',
  async (lab, name, options) => {
    const site = urlInVariable(false);
    const host = await lab.addHost(name, shopHost(site, appWithDns(['app.internal'])));
    const pass = lineOf(site, 'proxy_pass $upstream;');
    const nameserver = await nameserverOf(host);
    return finish(
      'variable-no-resolver',
      [host],
      {
        target: name,
        exitCode: 1,
        rootCause: {
          cause: 'resolver-missing',
          evidence: [
            configLine(site, 'set $upstream'),
            configLine(site, 'proxy_pass $upstream;'),
            { textIncludes: 'no resolver defined to resolve app.internal' },
          ],
          fix: {
            edit: {
              file: SHOP_CONF,
              line: pass.line,
              before: pass.text,
              after: `        resolver ${nameserver} valid=30s;\n${pass.text}`,
            },
          },
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

export const variableWithResolver = defineScenario(
  'variable-with-resolver',
  'healthy: proxy_pass $upstream with the URL set in a variable and a resolver that answers',
  async (lab, name, options) => {
    const site = urlInVariable(true);
    const host = await lab.addHost(name, shopHost(site, appWithDns(['app.internal'])));
    return finish(
      'variable-with-resolver',
      [host],
      { target: name, exitCode: 0, rootCause: null },
      { statuses: [200], nginxTestOk: true },
      options,
    );
  },
);

/** A map choosing the upstream host by Host header; the lab's requests (Host: the host's name) get the default. */
function hostFromMap(): string {
  return (
    [
      'map $host $backend {',
      '    default shop-api.internal;',
      '    admin.example.com app.internal;',
      '}',
      '',
    ].join('\n') + shopSite({ locationLines: [RESOLVER], proxyPass: `http://$backend:${APP_PORT}` })
  );
}

export const mapHostNotFound = defineScenario(
  'map-host-not-found',
  'a map chooses an upstream host that DNS does not know: "could not be resolved (3: Host not found)"',
  async (lab, name, options) => {
    const site = hostFromMap();
    const host = await lab.addHost(name, shopHost(site, appWithDns(['app.internal'])));
    const entry = lineOf(site, 'default shop-api.internal;');
    return finish(
      'map-host-not-found',
      [host],
      {
        target: name,
        exitCode: 1,
        rootCause: {
          cause: 'upstream-host-not-found',
          evidence: [
            configLine(site, 'default shop-api.internal;'),
            configLine(site, RESOLVER),
            { textIncludes: 'shop-api.internal could not be resolved (3: Host not found)' },
          ],
          fix: { summaryIncludes: ['shop-api.internal', `${SHOP_CONF}:${entry.line}`, '127.0.0.1'] },
        },
      },
      {
        statuses: [502],
        errorLogIncludes: ['shop-api.internal could not be resolved (3: Host not found)'],
        nginxTestOk: true,
      },
      options,
    );
  },
);

export const mapHostResolves = defineScenario(
  'map-host-resolves',
  'healthy: a map chooses the upstream host and the resolver knows it',
  async (lab, name, options) => {
    const site = hostFromMap();
    const host = await lab.addHost(name, shopHost(site, appWithDns(['app.internal', 'shop-api.internal'])));
    return finish(
      'map-host-resolves',
      [host],
      { target: name, exitCode: 0, rootCause: null },
      { statuses: [200], nginxTestOk: true },
      options,
    );
  },
);

export const resolverNotAnswering = defineScenario(
  'resolver-not-answering',
  "a resolver copied from a container setup (Docker's 127.0.0.11) onto a host where nothing answers there",
  async (lab, name, options) => {
    const site = shopSite({
      locationLines: [
        'resolver 127.0.0.11 valid=30s;',
        'resolver_timeout 2s;',
        `set $upstream http://app.internal:${APP_PORT};`,
      ],
      proxyPass: '$upstream',
    });
    const host = await lab.addHost(name, shopHost(site, appWithDns(['app.internal'])));
    const nameserver = await nameserverOf(host);
    return finish(
      'resolver-not-answering',
      [host],
      {
        target: name,
        exitCode: 1,
        rootCause: {
          cause: 'upstream-host-not-found',
          evidence: [
            configLine(site, 'resolver 127.0.0.11'),
            configLine(site, 'set $upstream'),
            { textIncludes: 'while resolving, resolver: 127.0.0.11:53' },
          ],
          // The healthy look-alike is variable-with-resolver: the same shape with the host's nameserver.
          fix: { edit: lineEdit(site, '127.0.0.11', nameserver) },
        },
      },
      {
        statuses: [502],
        errorLogIncludes: [
          'while resolving, resolver: 127.0.0.11:53',
          'app.internal could not be resolved (110: Operation timed out)',
        ],
        nginxTestOk: true,
      },
      options,
      // Each request waits resolver_timeout: warm in parallel.
      { parallel: true },
    );
  },
);
