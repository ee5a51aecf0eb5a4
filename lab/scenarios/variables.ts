// Upstreams named through variables, as container proxies ship them (`set $upstream http://app:8080;
// proxy_pass $upstream;`, a `map` choosing the host): nginx resolves the name per request with its own
// `resolver`. Each host runs a DNS server on 127.0.0.1:53 (the lab's resolv.conf nameserver) that knows
// the lab's names, so a resolver that is configured really answers: once missing, once answering
// NXDOMAIN for the name a map chose, once configured at an address where nothing answers; and the
// same shapes working.
import type { BackendSpec } from '../backend.js';
import type { ExpectedFinding, Scenario } from './types.js';
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

interface VariableScenario {
  id: string;
  title: string;
  site: string;
  /** The names the host's DNS server knows. */
  names: string[];
  /** What the diagnosis must find first, given the host's nameserver; absent for a healthy look-alike. */
  rootCause?: (nameserver: string) => ExpectedFinding;
  /** Lines the error log must hold after warming. */
  logLines?: string[];
  /** Warm in parallel: each request waits resolver_timeout. */
  parallel?: boolean;
}

/** One host with the app, its DNS server and `site`; broken (502, exit 1) or a healthy look-alike. */
function variableScenario(v: VariableScenario): Scenario {
  return defineScenario(v.id, v.title, async (lab, name, options) => {
    const host = await lab.addHost(name, shopHost(v.site, appWithDns(v.names)));
    const rootCause = v.rootCause ? v.rootCause(await nameserverOf(host)) : null;
    return finish(
      v.id,
      [host],
      { target: name, exitCode: rootCause ? 1 : 0, rootCause },
      { statuses: [rootCause ? 502 : 200], errorLogIncludes: v.logLines ?? [], nginxTestOk: true },
      options,
      { parallel: v.parallel ?? false },
    );
  });
}

const noResolverSite = urlInVariable(false);
const pass = lineOf(noResolverSite, 'proxy_pass $upstream;');

export const variableNoResolver = variableScenario({
  id: 'variable-no-resolver',
  title: 'proxy_pass $upstream with the URL set in a variable, and no resolver: every request fails',
  site: noResolverSite,
  names: ['app.internal'],
  rootCause: (nameserver) => ({
    cause: 'resolver-missing',
    evidence: [
      configLine(noResolverSite, 'set $upstream'),
      configLine(noResolverSite, 'proxy_pass $upstream;'),
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
  }),
  logLines: ['no resolver defined to resolve app.internal'],
});

export const variableWithResolver = variableScenario({
  id: 'variable-with-resolver',
  title: 'healthy: proxy_pass $upstream with the URL set in a variable and a resolver that answers',
  site: urlInVariable(true),
  names: ['app.internal'],
});

/** A map choosing the upstream host by Host header; the lab's requests (Host: the host's name) get the default. */
const mapSite =
  [
    'map $host $backend {',
    '    default shop-api.internal;',
    '    admin.example.com app.internal;',
    '}',
    '',
  ].join('\n') + shopSite({ locationLines: [RESOLVER], proxyPass: `http://$backend:${APP_PORT}` });

export const mapHostNotFound = variableScenario({
  id: 'map-host-not-found',
  title: 'a map chooses an upstream host that DNS does not know: "could not be resolved (3: Host not found)"',
  site: mapSite,
  names: ['app.internal'],
  rootCause: () => ({
    cause: 'upstream-host-not-found',
    evidence: [
      configLine(mapSite, 'default shop-api.internal;'),
      configLine(mapSite, RESOLVER),
      { textIncludes: 'shop-api.internal could not be resolved (3: Host not found)' },
    ],
    fix: {
      summaryIncludes: [
        'shop-api.internal',
        `${SHOP_CONF}:${lineOf(mapSite, 'default shop-api.internal;').line}`,
        '127.0.0.1',
      ],
    },
  }),
  logLines: ['shop-api.internal could not be resolved (3: Host not found)'],
});

export const mapHostResolves = variableScenario({
  id: 'map-host-resolves',
  title: 'healthy: a map chooses the upstream host and the resolver knows it',
  site: mapSite,
  names: ['app.internal', 'shop-api.internal'],
});

const dockerResolverSite = shopSite({
  locationLines: [
    'resolver 127.0.0.11 valid=30s;',
    'resolver_timeout 2s;',
    `set $upstream http://app.internal:${APP_PORT};`,
  ],
  proxyPass: '$upstream',
});

// Its healthy look-alike is variable-with-resolver: the same shape with the host's own nameserver.
export const resolverNotAnswering = variableScenario({
  id: 'resolver-not-answering',
  title:
    "a resolver copied from a container setup (Docker's 127.0.0.11) onto a host where nothing answers there",
  site: dockerResolverSite,
  names: ['app.internal'],
  rootCause: (nameserver) => ({
    cause: 'upstream-host-not-found',
    evidence: [
      configLine(dockerResolverSite, 'resolver 127.0.0.11'),
      configLine(dockerResolverSite, 'set $upstream'),
      { textIncludes: 'while resolving, resolver: 127.0.0.11:53' },
    ],
    fix: { edit: lineEdit(dockerResolverSite, '127.0.0.11', nameserver) },
  }),
  logLines: [
    'while resolving, resolver: 127.0.0.11:53',
    'app.internal could not be resolved (110: Operation timed out)',
  ],
  parallel: true,
});
