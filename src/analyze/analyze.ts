// facts → findings, the root cause first. Pure: the same facts always give the same findings.
import type { HostFacts } from '../model/host-facts.js';
import type { Cause, Finding, Severity } from '../model/types.js';
import { contextOf } from './checks/context.js';
import { endpointFindings } from './checks/endpoints.js';
import { backlogFull, errorLogFindings, selinuxDenies } from './checks/error-log.js';
import { resolverMissing, variableHostNotFound } from './checks/variable-upstreams.js';
import { configInvalid, configNotReloaded, nginxNotRunning } from './checks/nginx-state.js';
import { untrustedNginx } from './checks/nginx-trust.js';
import { collectionGaps } from './checks/gaps.js';

/**
 * Which cause explains a 502 best when several are true at once: nginx's own state first (nothing else matters
 * if it is down or cannot load its config), then why connections fail, then what happens after they succeed.
 */
const PRECEDENCE: Cause[] = [
  'host-unreachable',
  'diagnosis-timeout',
  'sudo-password-required',
  'nginx-not-installed',
  'nginx-not-running',
  'nginx-config-invalid',
  'selinux-denies-connect',
  'firewall-blocks-upstream',
  'unix-socket-missing',
  'unix-socket-permission',
  'upstream-port-mismatch',
  'upstream-address-mismatch',
  'upstream-not-listening',
  'upstream-unreachable',
  'resolver-missing',
  'upstream-host-not-found',
  'config-not-reloaded',
  'upstream-backlog-full',
  'upstream-ssl-handshake-failed',
  'upstream-protocol-mismatch',
  'upstream-url-invalid',
  'upstream-invalid-response',
  'upstream-header-too-big',
  'upstream-closed-connection',
  'upstream-timeout',
  'no-live-upstreams',
  'untrusted-nginx-process',
];

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

export function orderFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      PRECEDENCE.indexOf(a.cause) - PRECEDENCE.indexOf(b.cause),
  );
}

export function analyze(facts: HostFacts): Finding[] {
  const ctx = contextOf(facts);
  const gaps = collectionGaps(ctx);
  const notRunning = nginxNotRunning(ctx);
  const endpoints = endpointFindings(ctx);
  const findings = [
    ...gaps,
    ...notRunning,
    ...untrustedNginx(ctx),
    ...configInvalid(ctx),
    ...configNotReloaded(ctx),
    ...selinuxDenies(ctx),
    ...endpoints.findings,
    ...resolverMissing(ctx),
    ...variableHostNotFound(ctx),
    ...backlogFull(ctx),
    ...errorLogFindings(ctx, endpoints.down),
  ];
  // "no live upstreams" is a consequence when another critical finding explains why the servers failed.
  const otherCritical = findings.some((f) => f.severity === 'critical' && f.cause !== 'no-live-upstreams');
  const adjusted = findings.map((f) =>
    f.cause === 'no-live-upstreams' && otherCritical ? { ...f, severity: 'warning' as const } : f,
  );
  // Without nginx running, upstream problems cannot be what clients see now: keep them, but below.
  const demoted =
    notRunning.length > 0
      ? adjusted.map((f) =>
          notRunning.includes(f) || f.severity !== 'critical' ? f : { ...f, severity: 'warning' as const },
        )
      : adjusted;
  return orderFindings(demoted);
}
