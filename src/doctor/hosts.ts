// Can we reach every inventory host the way a diagnosis will (SSH, host key verified against known_hosts, key
// login), and does the login user have the privileges the diagnosis needs (sudo -n without a password for each
// privileged read-only command, or root)? Nothing here writes on a host: the commands are the collector's own.
import type { CommandResult } from '../model/types.js';
import {
  BASE_COMMANDS,
  catCommand,
  errorLogCommand,
  listDirCommand,
  nginxCommands,
  nginxPathsCommand,
  nginxProcsCommand,
  realpathCommand,
  statCommand,
  unixProbeCommand,
} from '../collect/commands.js';
import { NGINX_BINARY, USER_NAME } from '../sudoers/pattern.js';
import type { Inventory, Target } from '../inventory/index.js';
import { SshTransport } from '../transport/ssh.js';
import {
  TransportError,
  type CommandSpec,
  type Transport,
  type TransportFailure,
} from '../transport/types.js';
import { applyProbes } from '../remediate/sudoers.js';
import { type CheckResult, failed, ok } from './check.js';

/** The privileged commands of a diagnosis, with arguments that exist on any Debian nginx host. */
export function privilegedProbes(): CommandSpec[] {
  return [
    ...BASE_COMMANDS.filter((c) => c.privileged),
    nginxProcsCommand([]),
    nginxPathsCommand([]),
    ...nginxCommands(NGINX_BINARY).filter((c) => c.privileged),
    statCommand(['/etc/nginx']),
    realpathCommand(['/etc/nginx/nginx.conf']),
    catCommand('cat-nginx-conf', '/etc/nginx/nginx.conf'),
    listDirCommand('/etc/nginx/conf.d'),
    errorLogCommand('error-log', '/var/log/nginx/error.log'),
  ];
}

const SSH_FIXES: Record<TransportFailure, (t: Target) => string> = {
  'host-key': (t) =>
    `check the key's fingerprint with the host's owner; if the change is expected, remove the old entry (ssh-keygen -R ${t.address} -f ${t.knownHosts}) and add the new one (ssh-keyscan -t ed25519 ${t.address} >> ${t.knownHosts})`,
  auth: (t) =>
    `add the public key of ${t.identityFile ?? '~/.ssh/id_ed25519'} to ~${t.user}/.ssh/authorized_keys on ${t.name} (or fix user/identityFile in the inventory)`,
  refused: (t) => `start sshd on ${t.name}, or correct its port (${t.port}) in the inventory`,
  timeout: (t) =>
    `let this machine reach ${t.address}:${t.port} (network path, firewall, security group), or correct the address`,
  dns: (t) => `make ${t.address} resolve here, or put the host's IP address in the inventory`,
  other: (t) => `run \`upstream-doctor diagnose ${t.name}\` for details`,
};

/** Is this a sudo refusal (not merely a program the host lacks)? The transport explains such failures. */
function sudoRefusal(result: CommandResult): string | undefined {
  return result.error !== undefined && /^sudo /.test(result.error) ? result.error : undefined;
}

export interface HostCheckOptions {
  env: NodeJS.ProcessEnv;
  /** Also ask whether the login user may apply fixes (the `apply HOST` line); off with REMEDIATION=off. */
  remediation?: boolean;
  /** A transport for a target (tests); default SSH. */
  transportFor?: (target: Target) => Transport;
}

/** The ssh line and the privileges line of one host. */
export async function checkHost(target: Target, options: HostCheckOptions): Promise<CheckResult[]> {
  const transport =
    options.transportFor?.(target) ?? new SshTransport(target, { env: options.env, readyTimeoutMs: 8_000 });
  const sshName = `ssh ${target.name}`;
  const sudoName = `sudo ${target.name}`;
  try {
    await transport.connect();
    const login = await transport.run({ id: 'true', argv: ['true'], timeoutMs: 10_000 });
    if (login.exitCode !== 0)
      return [
        failed(
          sshName,
          `logged in as ${transport.description}, but \`true\` failed: ${login.error ?? login.stderr.trim() ?? `exit ${login.exitCode}`}`,
          `check ${target.user}'s login shell and that coreutils' timeout is installed on ${target.name}`,
        ),
      ];
    const results = [ok(sshName, `${transport.description}: host key verified, key login works`)];
    results.push(await checkPrivileges(target, transport, sudoName));
    if (options.remediation ?? true) results.push(await checkApplyPrivileges(target, transport));
    return results;
  } catch (err) {
    if (err instanceof TransportError) return [failed(sshName, err.message, SSH_FIXES[err.reason](target))];
    return [failed(sshName, (err as Error).message, SSH_FIXES.other(target))];
  } finally {
    await transport.close().catch(() => undefined);
  }
}

/**
 * The answer when sudo is not what grants the privileges: ok for root (or uid 0), else a FAIL saying `why`.
 * Undefined when the host uses sudo: then sudo itself must be asked.
 */
async function withoutSudo(
  target: Target,
  transport: Transport,
  name: string,
  refusal: { why: string; fix: string },
): Promise<CheckResult | undefined> {
  if (target.user === 'root') return ok(name, 'logs in as root: no sudo needed');
  if (target.sudo) return undefined;
  const id = await transport.run({ id: 'id', argv: ['id', '-u'], timeoutMs: 10_000 });
  if (id.stdout.trim() === '0') return ok(name, `${target.user} is uid 0: no sudo needed`);
  return failed(name, `${target.user} is not root and sudo is off: ${refusal.why}`, refusal.fix);
}

async function checkPrivileges(target: Target, transport: Transport, name: string): Promise<CheckResult> {
  const answered = await withoutSudo(target, transport, name, {
    why: 'ss -p, the firewall and nginx -T need root',
    fix: `set \`sudo: true\` for ${target.name} in the inventory and install the README's sudoers rules for ${target.user}`,
  });
  if (answered) return answered;
  const probes = privilegedProbes();
  const results = await Promise.all(probes.map((p) => transport.run(p)));
  const refused = results.flatMap((r, i) => {
    const why = sudoRefusal(r);
    return why ? [{ command: probes[i]!.argv.slice(0, 3).join(' '), why }] : [];
  });
  const socketProbe = await workerUserProbe(transport);
  if (socketProbe) refused.push(socketProbe);
  if (refused.length === 0)
    return ok(name, `sudo -n runs all ${probes.length} privileged diagnostic commands without a password`);
  const first = refused[0]!;
  return failed(
    name,
    `${refused.length} of the diagnosis's privileged commands refused: ${refused.map((r) => r.command).join(', ')} (${first.why})`,
    `install the sudoers rules of the README's "A non-root SSH user" section for ${target.user} on ${target.name} (/etc/sudoers.d/upstream-doctor, NOPASSWD)`,
  );
}

const APPLY_FIX_ADVICE = (target: Target) =>
  `install the apply rules of the README's "Fix it from the thread" section for ${target.user} on ${target.name} (/etc/sudoers.d/upstream-doctor-apply), or set REMEDIATION=off on the workers`;

/**
 * May the login user apply an approved fix? Asks sudo itself (`sudo -n -l ARGV`: allowed or not, nothing runs)
 * for one command of each kind an apply and a test send.
 */
async function checkApplyPrivileges(target: Target, transport: Transport): Promise<CheckResult> {
  const name = `apply ${target.name}`;
  const answered = await withoutSudo(target, transport, name, {
    why: 'a fix cannot be written',
    fix: APPLY_FIX_ADVICE(target),
  });
  if (answered) return answered;
  const probes = applyProbes();
  const answers = await Promise.all(
    probes.map((argv, i) =>
      transport.run({ id: `sudo-l-${i}`, argv: ['sudo', '-n', '-l', ...argv], timeoutMs: 10_000 }),
    ),
  );
  const refused = probes.filter((_, i) => answers[i]!.exitCode !== 0);
  if (refused.length === 0)
    return ok(name, `sudo -n allows all ${probes.length} commands of an apply and of Run nginx -t`);
  const first = answers.find((a) => a.exitCode !== 0)!;
  const why = (first.error ?? first.stderr.trim()) || 'not allowed';
  return failed(
    name,
    `${refused.length} of the ${probes.length} commands of an apply refused by sudo: ${refused
      .slice(0, 4)
      .map((argv) => argv.slice(0, 3).join(' '))
      .join(', ')}${refused.length > 4 ? ', …' : ''} (${why})`,
    APPLY_FIX_ADVICE(target),
  );
}

/**
 * The unix-socket probe runs as nginx's worker user (`sudo -n -u USER -- perl -e SCRIPT PATH`): ask sudo whether
 * it may (`sudo -n -l -u USER …`, nothing runs), when a worker runs as a user other than root.
 */
async function workerUserProbe(transport: Transport): Promise<{ command: string; why: string } | undefined> {
  const ps = await transport.run({ id: 'ps', argv: ['ps', '-eo', 'user:32=,args='], timeoutMs: 10_000 });
  const user = /^(\S+)\s+nginx: worker process/m.exec(ps.stdout)?.[1];
  if (user === undefined || user === 'root') return undefined;
  if (!USER_NAME.test(user)) return undefined;
  const probe = unixProbeCommand('/run/upstream-doctor.sock', user);
  const run = await transport.run({
    id: 'probe',
    argv: ['sudo', '-n', '-l', '-u', user, ...probe.argv],
    timeoutMs: 10_000,
  });
  if (run.exitCode === 0) return undefined;
  return { command: `perl -e … as ${user}`, why: (run.error ?? run.stderr.trim()) || 'not allowed' };
}

/** Every host of the inventory, a few at a time, results in inventory order. */
export async function checkHosts(
  inventory: Inventory,
  options: HostCheckOptions & { parallel?: number },
): Promise<CheckResult[]> {
  const queue = inventory.hosts.map((target, index) => ({ target, index }));
  const out: CheckResult[][] = [];
  const workers = Array.from({ length: Math.min(options.parallel ?? 8, queue.length) }, async () => {
    for (let next = queue.shift(); next; next = queue.shift())
      out[next.index] = await checkHost(next.target, options);
  });
  await Promise.all(workers);
  return out.flat();
}
