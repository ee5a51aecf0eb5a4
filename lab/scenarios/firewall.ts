// Scenarios with two hosts: nginx on the web host, the app on an upstream host whose firewall
// (iptables REJECT or nftables DROP) stands in the way, or whose drop we cannot see at all.
import { iptablesFilter, type FirewallSpec } from '../firewall.js';
import type { LabHost } from '../host.js';
import type { Lab } from '../lab.js';
import { configLine, defineScenario, finish, shopHost, shopSite } from './site.js';
import type { Expectation, StageOptions, Symptoms } from './types.js';

const APP_PORT = 8080;
const TIMED_OUT = 'upstream timed out (110: Connection timed out) while connecting to upstream';

/**
 * Starts the app host, then the web host proxying to it, then the firewall of one of them (the app host's by
 * default): the firewall names the other host.
 */
export async function stageTwoHosts(
  lab: Lab,
  name: string,
  firewall: (other: LabHost) => FirewallSpec,
  options: { appInInventory?: boolean; locationLines?: string[]; firewallOn?: 'app' | 'web' } = {},
): Promise<{ web: LabHost; app: LabHost; site: string }> {
  const app = await lab.addHost(`${name}-app`, {
    nginx: { start: false },
    backends: [{ name: 'api', listen: { host: '0.0.0.0', port: APP_PORT } }],
    inventory: options.appInInventory ?? true,
  });
  const site = shopSite({
    servers: [`${app.address}:${APP_PORT} max_fails=3`],
    locationLines: options.locationLines,
  });
  const web = await lab.addHost(name, shopHost(site));
  if (options.firewallOn === 'web') await web.applyFirewall(firewall(app));
  else await app.applyFirewall(firewall(web));
  return { web, app, site };
}

function rejectRules(web: LabHost): FirewallSpec {
  return {
    iptables: iptablesFilter([
      `-A INPUT -s ${web.address}/32 -p tcp -m tcp --dport ${APP_PORT} -j REJECT --reject-with icmp-port-unreachable`,
    ]),
  };
}

function dropRules(web: LabHost): FirewallSpec {
  return {
    nft: [
      'table inet filter {',
      '  chain input {',
      '    type filter hook input priority filter; policy accept;',
      `    ip saddr ${web.address} tcp dport ${APP_PORT} drop`,
      '  }',
      '}',
    ].join('\n'),
  };
}

export const firewallReject = defineScenario(
  'firewall-reject',
  "the app host's iptables REJECTs port 8080 from the web host",
  async (lab, name, options: StageOptions) => {
    const { web, app, site } = await stageTwoHosts(lab, name, rejectRules);
    const expect: Expectation = {
      target: name,
      exitCode: 1,
      rootCause: {
        cause: 'firewall-blocks-upstream',
        host: app.name,
        evidence: [
          configLine(site, `server ${app.address}:${APP_PORT}`),
          { textIncludes: `--dport ${APP_PORT} -j REJECT` },
        ],
        // Run on the app host: an INPUT accept for the web host's address, above the REJECT.
        fix: {
          summaryIncludes: [`On ${app.name}:`, `in from nginx on ${name} (${web.address})`],
          commandIncludes: [
            `iptables -I INPUT -s ${web.address} -p tcp -m tcp --dport ${APP_PORT} -j ACCEPT`,
          ],
        },
      },
    };
    // ICMP port-unreachable makes connect() fail with ECONNREFUSED: nginx cannot tell it from a closed port.
    const symptoms: Symptoms = {
      statuses: [502],
      errorLogIncludes: ['(111: Connection refused) while connecting to upstream'],
    };
    return finish('firewall-reject', [web, app], expect, symptoms, options);
  },
);

export const firewallDrop = defineScenario(
  'firewall-drop',
  "the app host's nftables DROPs port 8080 from the web host (nginx times out connecting)",
  async (lab, name, options: StageOptions) => {
    const { web, app, site } = await stageTwoHosts(lab, name, dropRules, {
      locationLines: ['proxy_connect_timeout 2s;'],
    });
    const expect: Expectation = {
      target: name,
      exitCode: 1,
      rootCause: {
        cause: 'firewall-blocks-upstream',
        host: app.name,
        evidence: [
          configLine(site, `server ${app.address}:${APP_PORT}`),
          { textIncludes: `tcp dport ${APP_PORT} drop` },
        ],
        fix: {
          summaryIncludes: [`On ${app.name}:`, `in from nginx on ${name} (${web.address})`],
          commandIncludes: [
            `nft insert rule inet filter input ip saddr ${web.address} tcp dport ${APP_PORT} accept`,
          ],
        },
      },
    };
    // A connect timeout is a 504 in nginx, not a 502: the runbooks' "connection timed out" case.
    const symptoms: Symptoms = { statuses: [504], errorLogIncludes: [TIMED_OUT] };
    return finish('firewall-drop', [web, app], expect, symptoms, options, { count: 2, parallel: true });
  },
);

export const upstreamUnreachable = defineScenario(
  'upstream-unreachable',
  'connecting to the app host times out and no firewall we can see explains it (the app host is not in the inventory)',
  async (lab, name, options: StageOptions) => {
    const { web, app, site } = await stageTwoHosts(lab, name, dropRules, {
      appInInventory: false,
      locationLines: ['proxy_connect_timeout 2s;'],
    });
    const expect: Expectation = {
      target: name,
      exitCode: 1,
      rootCause: {
        cause: 'upstream-unreachable',
        evidence: [configLine(site, `server ${app.address}:${APP_PORT}`), { textIncludes: 'timed out' }],
      },
    };
    return finish(
      'upstream-unreachable',
      [web, app],
      expect,
      { statuses: [504], errorLogIncludes: [TIMED_OUT] },
      options,
      {
        count: 2,
        parallel: true,
      },
    );
  },
);
