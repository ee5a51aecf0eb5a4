// Scenarios about getting onto the host: a non-root user with sudo rules (with and without a
// password), a host key that changed, a host that is down, an sshd that is stopped.
import { REFUSED } from './connect.js';
import { APP_PORT, configLine, defineScenario, finish, lineEdit, shopHost, shopSite } from './site.js';
import { remediationSudoers } from '../../src/remediate/sudoers.js';
import { diagnosisSudoers, passwordSudoers } from './sudoers.js';

/** uid of the lab's non-root SSH user: above Debian's dynamic range, unlikely on a machine. */
export const DEPLOY_UID = 2901;

const healthySite = shopSite({ servers: [`127.0.0.1:${APP_PORT}`] });
const healthyApp = { backends: [{ name: 'shop', listen: { host: '127.0.0.1', port: APP_PORT } }] };

/** The port mismatch on a host reached as `deploy`, whose sudo allows exactly `sudoers`. */
function deployScenario(id: string, description: string, sudoers: string) {
  return defineScenario(id, description, async (lab, name, options) => {
    const site = shopSite({ servers: ['127.0.0.1:8000 max_fails=3'] });
    const host = await lab.addHost(
      name,
      shopHost(site, {
        ...healthyApp,
        users: [{ name: 'deploy', uid: DEPLOY_UID, sudoers }],
        ssh: { user: 'deploy', sudo: true },
      }),
    );
    return finish(
      id,
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
      { statuses: [502], errorLogIncludes: [REFUSED] },
      options,
    );
  });
}

export const deploySudo = deployScenario(
  'deploy-sudo',
  'the port mismatch, on a host reached as a non-root user with the sudo rules upstream-doctor documents',
  diagnosisSudoers('deploy'),
);

/**
 * The same with the apply rules too (README "Fix it from the thread"): what the remediation and doctor suites
 * apply fixes through. Not one of ALL_SCENARIOS: as a diagnosis it is deploy-sudo.
 */
export const deploySudoApply = deployScenario(
  'deploy-sudo-apply',
  'deploy-sudo, whose sudo also allows applying and testing fixes',
  diagnosisSudoers('deploy') + remediationSudoers('deploy'),
);

export const sudoPassword = defineScenario(
  'sudo-password',
  "the SSH user's sudo asks for a password, so sudo -n cannot collect anything privileged",
  async (lab, name, options) => {
    const host = await lab.addHost(
      name,
      shopHost(healthySite, {
        ...healthyApp,
        users: [{ name: 'deploy', uid: DEPLOY_UID, sudoers: passwordSudoers('deploy') }],
        ssh: { user: 'deploy', sudo: true },
      }),
    );
    return finish(
      'sudo-password',
      [host],
      {
        target: name,
        exitCode: 2,
        rootCause: { cause: 'sudo-password-required', evidence: [{ textIncludes: 'password' }] },
      },
      { statuses: [200] },
      options,
    );
  },
);

export const hostKeyChanged = defineScenario(
  'host-key-changed',
  "the host's SSH key changed since known_hosts was written (rebuilt machine, or a man in the middle)",
  async (lab, name, options) => {
    const host = await lab.addHost(name, shopHost(healthySite, healthyApp));
    const fingerprint = await host.rotateHostKey();
    return finish(
      'host-key-changed',
      [host],
      {
        target: name,
        exitCode: 2,
        rootCause: { cause: 'host-unreachable', evidence: [] },
        unreachable: { reasons: ['host-key'], messageIncludes: fingerprint },
      },
      { statuses: [200], sshFails: 'host-key' },
      options,
    );
  },
);

export const sshRefused = defineScenario(
  'ssh-refused',
  'the host is up (nginx answers) but its sshd is stopped',
  async (lab, name, options) => {
    const host = await lab.addHost(name, shopHost(healthySite, healthyApp));
    await host.stopSshd();
    return finish(
      'ssh-refused',
      [host],
      {
        target: name,
        exitCode: 2,
        rootCause: { cause: 'host-unreachable', evidence: [] },
        unreachable: { reasons: ['refused'] },
      },
      { statuses: [200], sshFails: 'refused' },
      options,
    );
  },
);

/** An inventory entry at an address of the lab's subnet where no machine answers (ARP fails: no route to host). */
export const hostDown = defineScenario('host-down', 'the host does not answer at all', async (lab, name) => {
  await lab.addGhost(name);
  return {
    id: 'host-down',
    hosts: [],
    expect: {
      target: name,
      exitCode: 2,
      rootCause: { cause: 'host-unreachable', evidence: [] },
      unreachable: { reasons: ['timeout'] },
    },
    symptoms: { statuses: [], sshFails: 'no-route' },
    warmed: [],
  };
});
