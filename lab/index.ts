// The fake-host lab: real network and mount namespaces running Debian's sshd, nginx and small
// backends. Used by the end-to-end tests, the benchmarks and `upstream-doctor demo`.
export { Lab, type Ghost, type LabOptions } from './lab.js';
export { LabHost, type ExecOptions, type HostSpec, type HttpAnswer, type NginxSpec } from './host.js';
export { Backend, type BackendBehaviour, type BackendListenSpec, type BackendSpec } from './backend.js';
export type { FirewallSpec } from './firewall.js';
export type { LabUser } from './accounts.js';
export { NginxControl } from './nginx.js';
export { cleanupLabs, type CleanupOptions } from './cleanup.js';
export { LabError, type RunResult } from './proc.js';
