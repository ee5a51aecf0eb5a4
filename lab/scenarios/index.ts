// Every staged cause of a 502 (and the ways a host can be out of reach), for the end-to-end suite,
// the benchmarks and `upstream-doctor demo`.
import { findPhpFpm } from '../php-fpm.js';
import { deploySudo, hostDown, hostKeyChanged, sshRefused, sudoPassword } from './access.js';
import {
  closedConnection,
  headerTooBig,
  noLiveUpstreams,
  protocolMismatch,
  resetConnection,
  slowBackend,
} from './behaviour.js';
import { configInvalid, configNotReloaded, nginxNotRunning, resolverMissing } from './config.js';
import {
  addressMismatch,
  customConfigPath,
  healthy,
  ipv6Loopback,
  ipv6OnlyApp,
  nothingListening,
  portMismatch,
} from './connect.js';
import { firewallDrop, firewallReject, upstreamUnreachable } from './firewall.js';
import { deployWithinSecond, editAfterReload } from './reload.js';
import {
  firewallInputAllowed,
  firewallLocalAllowed,
  firewallLocalReject,
  firewallOutputAllowed,
  firewallOutputDrop,
} from './fix-proven.js';
import {
  nginxBesideContainer,
  nginxInstalledLookalike,
  nginxNotInstalled,
  nginxOnlyContained,
  secondInstanceBroken,
  twoInstancesHealthy,
} from './instances.js';
import {
  appOnSocket,
  appOnSocketHealthy,
  phpFpmOnSocket,
  phpFpmOnSocketHealthy,
  phpFpmOnTcp,
  phpFpmOnTcpHealthy,
  phpFpmSocketOfOtherSite,
} from './tcp-socket.js';
import { streamSetHealthy, streamSetPortMismatch } from './stream.js';
import type { Scenario } from './types.js';
import { phpFpmSocketMissing, unixSocketMissing, unixSocketPermission } from './unix.js';
import { phpFpmBoundThroughSymlink, phpFpmStaleAlternative, phpFpmSymlinkedSocket } from './symlinks.js';
import {
  mapHostNotFound,
  mapHostResolves,
  resolverNotAnswering,
  variableNoResolver,
  variableWithResolver,
} from './variables.js';
import {
  grpcToHttp1,
  grpcToHttp2,
  httpsToPlainHttp,
  httpsToTls,
  sniRequired,
  sniSent,
  sslVerified,
  sslVerifyFails,
} from './tls.js';

export const ALL_SCENARIOS: readonly Scenario[] = [
  healthy,
  portMismatch,
  addressMismatch,
  ipv6Loopback,
  ipv6OnlyApp,
  nothingListening,
  customConfigPath,
  unixSocketMissing,
  unixSocketPermission,
  phpFpmSocketMissing,
  firewallReject,
  firewallDrop,
  upstreamUnreachable,
  configInvalid,
  configNotReloaded,
  nginxNotRunning,
  resolverMissing,
  closedConnection,
  resetConnection,
  protocolMismatch,
  slowBackend,
  headerTooBig,
  noLiveUpstreams,
  deploySudo,
  sudoPassword,
  hostKeyChanged,
  sshRefused,
  hostDown,
  editAfterReload,
  deployWithinSecond,
  firewallOutputDrop,
  firewallOutputAllowed,
  firewallInputAllowed,
  firewallLocalReject,
  firewallLocalAllowed,
  phpFpmSymlinkedSocket,
  phpFpmBoundThroughSymlink,
  phpFpmStaleAlternative,
  variableNoResolver,
  variableWithResolver,
  mapHostNotFound,
  mapHostResolves,
  resolverNotAnswering,
  nginxNotInstalled,
  nginxInstalledLookalike,
  secondInstanceBroken,
  twoInstancesHealthy,
  nginxOnlyContained,
  nginxBesideContainer,
  phpFpmOnSocket,
  phpFpmOnSocketHealthy,
  phpFpmOnTcp,
  phpFpmOnTcpHealthy,
  phpFpmSocketOfOtherSite,
  appOnSocket,
  appOnSocketHealthy,
  sniRequired,
  sniSent,
  httpsToPlainHttp,
  httpsToTls,
  sslVerifyFails,
  sslVerified,
  grpcToHttp1,
  grpcToHttp2,
  streamSetPortMismatch,
  streamSetHealthy,
];

/** Whether this machine has what the scenario needs beyond the lab itself. */
export function scenarioAvailable(scenario: Scenario): boolean {
  return scenario.requires !== 'php-fpm' || findPhpFpm() !== undefined;
}

/** The scenarios this machine can stage. */
export function availableScenarios(): Scenario[] {
  return ALL_SCENARIOS.filter(scenarioAvailable);
}

export function scenarioById(id: string): Scenario | undefined {
  return ALL_SCENARIOS.find((s) => s.id === id);
}

export * from './types.js';
export { diagnosisSudoers, passwordSudoers } from './sudoers.js';
export { lineOf, SHOP_CONF } from './site.js';
export { deploySudoApply } from './access.js';
export {
  addressMismatch,
  closedConnection,
  customConfigPath,
  configInvalid,
  configNotReloaded,
  deploySudo,
  firewallDrop,
  firewallReject,
  headerTooBig,
  healthy,
  hostDown,
  hostKeyChanged,
  ipv6Loopback,
  ipv6OnlyApp,
  nginxNotRunning,
  noLiveUpstreams,
  nothingListening,
  phpFpmSocketMissing,
  portMismatch,
  protocolMismatch,
  resetConnection,
  resolverMissing,
  slowBackend,
  sshRefused,
  sudoPassword,
  unixSocketMissing,
  unixSocketPermission,
  upstreamUnreachable,
};
export { expectationMismatches } from './match.js';
