// Issue 14, class 4: a fix is proven before it is offered. The nginx host's own OUTPUT chain drops nginx's
// connections to the app host: the fix is an OUTPUT accept naming the destination (an output chain never sees
// nginx's connections come *from* the app host), to run on the nginx host itself. The nginx host's INPUT
// rejects loopback connections to its local app: the fix is an INPUT accept for 127.0.0.1, on the nginx host.
// Their healthy look-alikes have the same chains with policy DROP and the accept in place (and the app host's
// INPUT the same way, for the app host's REJECT/DROP scenarios of firewall.ts); they must stay clean.
import { iptablesFilter, type FirewallSpec } from '../firewall.js';
import type { LabHost } from '../host.js';
import type { Lab } from '../lab.js';
import { stageTwoHosts } from './firewall.js';
import { REFUSED } from './connect.js';
import { APP_PORT as LOCAL_PORT, configLine, defineScenario, finish, shopHost, shopSite } from './site.js';
import type { Expectation, StageOptions } from './types.js';

const APP_PORT = 8080;
const TIMED_OUT = 'upstream timed out (110: Connection timed out) while connecting to upstream';

/** iptables on the web host: nothing but nginx's connections to the app's port is stopped. */
function outputDrop(app: LabHost): FirewallSpec {
  return {
    iptables: iptablesFilter([`-A OUTPUT -d ${app.address}/32 -p tcp -m tcp --dport ${APP_PORT} -j DROP`]),
  };
}

/** The same chain the careful way: policy DROP, replies and loopback let out, and the app explicitly. */
function outputAllowed(app: LabHost): FirewallSpec {
  const rules = [
    '-A OUTPUT -o lo -j ACCEPT',
    '-A OUTPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    `-A OUTPUT -d ${app.address}/32 -p tcp -m tcp --dport ${APP_PORT} -j ACCEPT`,
  ];
  return { iptables: iptablesFilter(rules, { output: 'DROP' }) };
}

export const firewallOutputDrop = defineScenario(
  'firewall-output-drop',
  "the nginx host's own iptables OUTPUT chain DROPs its connections to the app host's port 8080",
  async (lab, name, options: StageOptions) => {
    const { web, app, site } = await stageTwoHosts(lab, name, outputDrop, {
      firewallOn: 'web',
      locationLines: ['proxy_connect_timeout 2s;'],
    });
    const expect: Expectation = {
      target: name,
      exitCode: 1,
      rootCause: {
        cause: 'firewall-blocks-upstream',
        evidence: [
          configLine(site, `server ${app.address}:${APP_PORT}`),
          { textIncludes: `-A OUTPUT -d ${app.address}/32 -p tcp -m tcp --dport ${APP_PORT} -j DROP` },
        ],
        // Run on the nginx host, and the rule names where the packets go.
        fix: {
          summaryIncludes: [`On ${name}:`, `allow TCP ${APP_PORT} out to ${app.address},`],
          commandIncludes: [
            `iptables -I OUTPUT -d ${app.address} -p tcp -m tcp --dport ${APP_PORT} -j ACCEPT`,
          ],
        },
      },
    };
    // TCP retransmits a SYN its own OUTPUT chain dropped, so nginx's connect times out (a 504), as a drop
    // anywhere on the way would.
    const symptoms = { statuses: [504], errorLogIncludes: [TIMED_OUT] };
    return finish('firewall-output-drop', [web, app], expect, symptoms, options, {
      count: 2,
      parallel: true,
    });
  },
);

export const firewallOutputAllowed = defineScenario(
  'firewall-output-allowed',
  "healthy: the nginx host's iptables OUTPUT policy is DROP, with an accept for the app host's port 8080",
  async (lab, name, options: StageOptions) => {
    const { web, app } = await stageTwoHosts(lab, name, outputAllowed, { firewallOn: 'web' });
    const expect: Expectation = { target: name, exitCode: 0, rootCause: null };
    return finish('firewall-output-allowed', [web, app], expect, { statuses: [200] }, options);
  },
);

/** A filter table whose INPUT policy is DROP: SSH, HTTP and replies get in, then `accepts`. */
function inputDropPolicy(accepts: string[]): FirewallSpec {
  const rules = [
    '-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT',
    '-A INPUT -p tcp -m tcp --dport 80 -j ACCEPT',
    ...accepts,
  ];
  return { iptables: iptablesFilter(rules, { input: 'DROP' }) };
}

export const firewallInputAllowed = defineScenario(
  'firewall-input-allowed',
  "healthy: the app host's iptables INPUT policy is DROP, with an accept for the web host on port 8080",
  async (lab, name, options: StageOptions) => {
    const { web, app } = await stageTwoHosts(lab, name, (other) =>
      inputDropPolicy([`-A INPUT -s ${other.address}/32 -p tcp -m tcp --dport ${APP_PORT} -j ACCEPT`]),
    );
    const expect: Expectation = { target: name, exitCode: 0, rootCause: null };
    return finish('firewall-input-allowed', [web, app], expect, { statuses: [200] }, options);
  },
);

const localApp = { backends: [{ name: 'shop', listen: { host: '127.0.0.1', port: LOCAL_PORT } }] };
const LOCAL_REJECT = `-A INPUT -i lo -p tcp -m tcp --dport ${LOCAL_PORT} -j REJECT --reject-with tcp-reset`;

/** One host, nginx proxying to its own app on 127.0.0.1, behind an INPUT policy DROP with `accepts`. */
async function stageLocal(
  lab: Lab,
  name: string,
  accepts: string[],
): Promise<{ host: LabHost; site: string }> {
  const site = shopSite({ servers: [`127.0.0.1:${LOCAL_PORT} max_fails=3`] });
  const host = await lab.addHost(name, { ...shopHost(site, localApp), firewall: inputDropPolicy(accepts) });
  return { host, site };
}

export const firewallLocalReject = defineScenario(
  'firewall-local-reject',
  "the nginx host's iptables INPUT REJECTs loopback connections to its own app on 127.0.0.1:3000",
  async (lab, name, options: StageOptions) => {
    const { host, site } = await stageLocal(lab, name, [LOCAL_REJECT, '-A INPUT -i lo -j ACCEPT']);
    const expect: Expectation = {
      target: name,
      exitCode: 1,
      rootCause: {
        cause: 'firewall-blocks-upstream',
        evidence: [configLine(site, `server 127.0.0.1:${LOCAL_PORT}`), { textIncludes: LOCAL_REJECT }],
        fix: {
          summaryIncludes: [`On ${name}:`, `allow TCP ${LOCAL_PORT} in from 127.0.0.1 on lo`],
          commandIncludes: [`iptables -I INPUT -s 127.0.0.1 -p tcp -m tcp --dport ${LOCAL_PORT} -j ACCEPT`],
        },
      },
    };
    const symptoms = { statuses: [502], errorLogIncludes: [REFUSED] };
    return finish('firewall-local-reject', [host], expect, symptoms, options);
  },
);

export const firewallLocalAllowed = defineScenario(
  'firewall-local-allowed',
  "healthy: the nginx host's iptables INPUT policy is DROP, with loopback accepted for its own app",
  async (lab, name, options: StageOptions) => {
    const { host } = await stageLocal(lab, name, ['-A INPUT -i lo -j ACCEPT']);
    const expect: Expectation = { target: name, exitCode: 0, rootCause: null };
    return finish('firewall-local-allowed', [host], expect, { statuses: [200] }, options);
  },
);
