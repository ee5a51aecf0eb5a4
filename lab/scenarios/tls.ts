// TLS and HTTP/2 to the upstream, with certificates made by openssl for each staging: a backend that requires
// SNI (nginx with ssl_reject_handshake on another host, named in the config by its hostname), https:// to a
// plain HTTP port, proxy_ssl_verify against CAs that did not sign the backend's certificate, and grpc_pass to
// an HTTP/1 server. Each comes with its healthy look-alike: the same shape, working.
import type { Lab } from '../lab.js';
import { makeCertificates, TLS_DIR } from '../tls.js';
import {
  APP_PORT,
  configLine,
  defineScenario,
  finish,
  lineOf,
  shopHost,
  shopSite,
  SHOP_CONF,
} from './site.js';
import type { ExpectedFinding, Scenario, StagedScenario, StageOptions } from './types.js';

const TLS_PORT = 8443;
const BACKEND_TLS_PORT = 3443;
/** The name the backends' certificates are for, when nginx reaches them by address. */
const API_NAME = 'shop-api.internal';
const CA_FILE = `${TLS_DIR}/lab-ca.crt`;
const SYSTEM_CAS = '/etc/ssl/certs/ca-certificates.crt';

/** The result of a staging: broken (its expected root cause) or healthy (nothing critical). */
async function staged(
  id: string,
  hosts: Awaited<ReturnType<Lab['addHost']>>[],
  rootCause: ExpectedFinding | null,
  symptom: { status: number; logLine?: string },
  options: StageOptions,
): Promise<StagedScenario> {
  return finish(
    id,
    hosts,
    { target: hosts[0]!.name, exitCode: rootCause ? 1 : 0, rootCause },
    { statuses: [symptom.status], ...(symptom.logLine ? { errorLogIncludes: [symptom.logLine] } : {}) },
    options,
  );
}

/** An nginx that serves TLS only for `name`: a handshake without that name in SNI is rejected (alert 112). */
function sniOnlyBackend(name: string): string {
  return [
    'server {',
    `    listen ${TLS_PORT} ssl default_server;`,
    '    ssl_reject_handshake on;',
    '}',
    '',
    'server {',
    `    listen ${TLS_PORT} ssl;`,
    `    server_name ${name};`,
    `    ssl_certificate ${TLS_DIR}/api.crt;`,
    `    ssl_certificate_key ${TLS_DIR}/api.key;`,
    '',
    '    location / {',
    '        return 200 "hello from the api\\n";',
    '    }',
    '}',
    '',
  ].join('\n');
}

/** The web host proxies to https://<name>-app:8443, whose nginx requires SNI; `sendName` turns SNI on. */
function sni(id: string, title: string, sendName: boolean): Scenario {
  return defineScenario(id, title, async (lab, name, options) => {
    const appName = `${name}-app`;
    const certs = await makeCertificates(appName);
    const app = await lab.addHost(appName, {
      nginx: {
        files: {
          'conf.d/api.conf': sniOnlyBackend(appName),
          'tls/api.crt': certs.cert,
          'tls/api.key': certs.key,
        },
      },
      inventory: false,
    });
    const proxyPass = `https://${appName}:${TLS_PORT}`;
    const site = shopSite({ proxyPass, locationLines: sendName ? ['proxy_ssl_server_name on;'] : [] });
    const web = await lab.addHost(name, shopHost(site));
    const pass = lineOf(site, `proxy_pass ${proxyPass}`);
    const rootCause: ExpectedFinding = {
      cause: 'upstream-ssl-handshake-failed',
      evidence: [{ file: SHOP_CONF, line: pass.line }, { textIncludes: 'unrecognized name' }],
      fix: {
        edit: {
          file: SHOP_CONF,
          line: pass.line,
          before: pass.text,
          after: `${pass.text}\n        proxy_ssl_server_name on;`,
        },
      },
    };
    return staged(
      id,
      [web, app],
      sendName ? null : rootCause,
      sendName ? { status: 200 } : { status: 502, logLine: 'tlsv1 unrecognized name' },
      options,
    );
  });
}

export const sniRequired = sni(
  'upstream-sni-required',
  'the TLS backend (another host, named by its hostname) requires SNI and nginx sends none',
  false,
);

export const sniSent = sni(
  'upstream-sni-sent',
  'the TLS backend requires SNI and nginx sends it (proxy_ssl_server_name on): nothing is wrong',
  true,
);

/** A backend on 127.0.0.1: plain HTTP on APP_PORT, or TLS (a lab certificate for API_NAME) on 3443. */
async function localBackend(lab: Lab, name: string, site: string, tls: boolean) {
  const certs = await makeCertificates(API_NAME);
  return lab.addHost(
    name,
    shopHost(site, {
      files: {
        [`${TLS_DIR}/api.crt`]: certs.cert,
        [`${TLS_DIR}/api.key`]: certs.key,
        [CA_FILE]: certs.ca,
      },
      backends: [
        {
          name: 'shop',
          listen: { host: '127.0.0.1', port: tls ? BACKEND_TLS_PORT : APP_PORT },
          ...(tls ? { tls: { cert: `${TLS_DIR}/api.crt`, key: `${TLS_DIR}/api.key` } } : {}),
        },
      ],
    }),
  );
}

export const httpsToPlainHttp = defineScenario(
  'upstream-https-to-plain-http',
  'proxy_pass https:// to a backend that speaks plain HTTP on that port',
  async (lab, name, options) => {
    const site = shopSite({ proxyPass: `https://127.0.0.1:${APP_PORT}` });
    const host = await localBackend(lab, name, site, false);
    const pass = lineOf(site, 'proxy_pass https://');
    return staged(
      'upstream-https-to-plain-http',
      [host],
      {
        cause: 'upstream-ssl-handshake-failed',
        evidence: [{ file: SHOP_CONF, line: pass.line }, { textIncludes: 'wrong version number' }],
        fix: {
          edit: {
            file: SHOP_CONF,
            line: pass.line,
            before: pass.text,
            after: pass.text.replace('https://', 'http://'),
          },
        },
      },
      { status: 502, logLine: 'wrong version number' },
      options,
    );
  },
);

export const httpsToTls = defineScenario(
  'upstream-https-to-tls',
  'proxy_pass https:// to a backend that serves TLS there: nothing is wrong',
  async (lab, name, options) => {
    const site = shopSite({ proxyPass: `https://127.0.0.1:${BACKEND_TLS_PORT}` });
    const host = await localBackend(lab, name, site, true);
    return staged('upstream-https-to-tls', [host], null, { status: 200 }, options);
  },
);

/** proxy_ssl_verify on, checking the backend's lab certificate against `trusted`. */
function verify(id: string, title: string, trusted: string): Scenario {
  return defineScenario(id, title, async (lab, name, options) => {
    const site = shopSite({
      proxyPass: `https://127.0.0.1:${BACKEND_TLS_PORT}`,
      locationLines: [
        'proxy_ssl_verify on;',
        `proxy_ssl_trusted_certificate ${trusted};`,
        `proxy_ssl_name ${API_NAME};`,
      ],
    });
    const host = await localBackend(lab, name, site, true);
    const broken = trusted !== CA_FILE;
    return staged(
      id,
      [host],
      broken
        ? {
            cause: 'upstream-ssl-handshake-failed',
            evidence: [
              configLine(site, 'proxy_ssl_trusted_certificate'),
              { textIncludes: 'certificate verify error' },
            ],
            fix: { summaryIncludes: ['proxy_ssl_trusted_certificate', 'CA'] },
          }
        : null,
      broken ? { status: 502, logLine: 'upstream SSL certificate verify error' } : { status: 200 },
      options,
    );
  });
}

export const sslVerifyFails = verify(
  'upstream-ssl-verify-failed',
  "proxy_ssl_verify on, but the backend's certificate is from a CA the trusted file does not hold",
  SYSTEM_CAS,
);

export const sslVerified = verify(
  'upstream-ssl-verified',
  "proxy_ssl_verify on against the CA that signed the backend's certificate: nothing is wrong",
  CA_FILE,
);

function grpcSite(): string {
  return [
    'server {',
    '    listen 80 default_server;',
    '    server_name shop.example.com;',
    '',
    '    location / {',
    `        grpc_pass grpc://127.0.0.1:${APP_PORT};`,
    '    }',
    '}',
    '',
  ].join('\n');
}

/** grpc_pass to APP_PORT, where an HTTP/1 server (broken) or an HTTP/2 one (healthy) listens. */
function grpc(id: string, title: string, http2: boolean): Scenario {
  return defineScenario(id, title, async (lab, name, options: StageOptions) => {
    const site = grpcSite();
    const host = await lab.addHost(
      name,
      shopHost(site, {
        backends: [
          { name: 'shop', listen: { host: '127.0.0.1', port: APP_PORT }, behaviour: http2 ? 'h2c' : 'ok' },
        ],
      }),
    );
    const pass = lineOf(site, 'grpc_pass');
    return staged(
      id,
      [host],
      http2
        ? null
        : {
            cause: 'upstream-protocol-mismatch',
            evidence: [
              { file: SHOP_CONF, line: pass.line },
              { textIncludes: 'upstream sent too large http2 frame' },
            ],
            fix: {
              edit: {
                file: SHOP_CONF,
                line: pass.line,
                before: pass.text,
                after: `        proxy_pass http://127.0.0.1:${APP_PORT};`,
              },
            },
          },
      http2 ? { status: 200 } : { status: 502, logLine: 'upstream sent too large http2 frame' },
      options,
    );
  });
}

export const grpcToHttp1 = grpc(
  'grpc-to-http1-backend',
  'grpc_pass to a backend that speaks HTTP/1.1 only',
  false,
);

export const grpcToHttp2 = grpc(
  'grpc-to-http2-backend',
  'grpc_pass to an HTTP/2 (gRPC) backend: nothing is wrong',
  true,
);
