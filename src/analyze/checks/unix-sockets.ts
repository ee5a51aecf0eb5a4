// unix: upstreams (php-fpm, gunicorn, puma…): does the socket exist, does something listen on it, and may
// nginx's worker user connect to it (write on the socket, search on every parent directory)? A path through
// a symlink is the socket it resolves to on the host (../socket-paths.ts), and evidence names both.
import type { FileStat, Listener } from '../../model/facts.js';
import type { HostFacts, UserIds } from '../../model/host-facts.js';
import type { Evidence } from '../../model/types.js';
import { speaksOtherThan } from '../backend-kinds.js';
import { replaceOnLine } from '../edit.js';
import { closestBySimilarity } from '../../text/similar.js';
import {
  isSymlinked,
  realSocketPath,
  socketNames,
  socketPathEvidence,
  unixListenersAt,
} from '../socket-paths.js';
import type { Endpoint, UpstreamTarget } from '../../model/upstream.js';
import {
  type CheckContext,
  type Draft,
  configEvidence,
  describeUses,
  entriesFor,
  listenerEvidence,
  logEvidence,
} from './context.js';
import { portInstead } from './other-transport.js';
import { PLAIN_PATH, inSharedDir } from './socket-trust.js';

function statOf(facts: HostFacts, path: string): FileStat | undefined {
  return facts.stats.find((s) => s.path === path);
}

function statEvidence(st: FileStat): Evidence {
  return { source: 'stat', text: st.raw.trim() };
}

export function parentDirs(path: string): string[] {
  const dirs: string[] = [];
  let at = path.lastIndexOf('/');
  while (at > 0) {
    dirs.push(path.slice(0, at));
    at = path.lastIndexOf('/', at - 1);
  }
  return [...dirs, '/'];
}

/** The permission class (owner, group, other) that applies to this user, as Linux picks it. */
function permits(ids: UserIds, st: FileStat, bit: 2 | 1): boolean {
  if (ids.uid === 0) return true;
  const mode = st.mode ?? 0;
  if (st.uid === ids.uid) return ((mode >> 6) & bit) !== 0;
  if (st.gid !== undefined && (st.gid === ids.gid || ids.groups.includes(st.gid)))
    return ((mode >> 3) & bit) !== 0;
  return (mode & bit) !== 0;
}

export function unixSocketFindings(ctx: CheckContext, target: UpstreamTarget, ep: Endpoint): Draft[] {
  const { facts } = ctx;
  const path = ep.path!;
  const st = statOf(facts, path);
  const real = realSocketPath(facts, path);
  const listener = unixListenersAt(facts, path)[0];
  const logs = logEvidence(entriesFor(ctx, ep));
  const base = [configEvidence(facts, ep.ref), ...socketPathEvidence(facts, path)];

  if ((st && (!st.exists || st.type !== 'socket')) || (!st && !listener)) {
    return [missing(ctx, target, ep, st, logs)];
  }
  if (!listener) {
    return [
      {
        cause: 'upstream-not-listening',
        title: isSymlinked(facts, path)
          ? `${path} leads to ${real}, which exists, but nothing listens on it`
          : `${path} exists, but nothing listens on it`,
        detail:
          `The socket file is left over from a backend that stopped: connecting to it is refused and nginx answers 502. ` +
          describeUses(target),
        evidence: [...base, ...(st ? [statEvidence(st)] : []), ...logs],
        fix: {
          summary: `Start the backend that owns ${real}`,
          commands: ['systemctl --failed', `ss -xlp src ${real}`],
        },
      },
    ];
  }
  const denied = permissionProblem(facts, path, st);
  if (denied) {
    return [
      {
        cause: 'unix-socket-permission',
        title: `nginx's worker user ${denied.user} may not connect to ${path}`,
        detail: `${denied.reason} connect() fails with "Permission denied" and nginx answers 502. ${describeUses(target)}`,
        evidence: [...base, ...denied.evidence, listenerEvidence(listener), ...logs],
        fix: {
          summary: `Let ${denied.user} connect: have the backend create the socket owned by ${denied.user} (or a group it is in) with mode 0660`,
          commands: socketOwnershipCommands(listener, denied.user, path),
        },
      },
    ];
  }
  return [];
}

function missing(
  ctx: CheckContext,
  target: UpstreamTarget,
  ep: Endpoint,
  st: FileStat | undefined,
  logs: Evidence[],
): Draft {
  const { facts } = ctx;
  const path = ep.path!;
  const sockets = facts.listeners.filter(
    (l): l is Listener & { path: string } =>
      l.proto === 'unix' &&
      l.path !== undefined &&
      !l.path.startsWith('@') &&
      !l.processes.every((p) => p.name === 'nginx'),
  );
  // A look-alike path of a server that speaks another protocol (gunicorn's socket for fastcgi_pass) is no fix.
  const candidates = sockets.filter(
    (l) => !inSharedDir(l.path) && PLAIN_PATH.test(l.path) && !speaksOtherThan(target.directive, l),
  );
  // A link to a socket that is gone is most like the socket that replaced it (php7.4-fpm.sock → php8.2-…).
  const real = realSocketPath(facts, path);
  const match = closestBySimilarity(real, candidates, (l) => l.path);
  const known = [configEvidence(facts, ep.ref), ...(st ? [statEvidence(st)] : []), ...logs];
  const onTcp = match ? undefined : portInstead(ctx, target, ep, known);
  if (onTcp) return onTcp;
  const untrusted = match ? undefined : closestBySimilarity(real, sockets, (l) => l.path);
  const edit = match
    ? replaceOnLine(facts.nginx.sources, ep.ref.file, ep.ref.line, path, match.path)
    : undefined;
  const named = isSymlinked(facts, path) ? `${path} leads to ${real}, which` : path;
  const what = st?.exists ? `${named} is a ${st.type ?? 'file'}, not a socket` : `${named} does not exist`;
  return {
    cause: 'unix-socket-missing',
    title: match
      ? `nginx connects to ${socketNames(facts, path)}, but the socket is ${match.path}`
      : `The socket ${socketNames(facts, path)} does not exist`,
    detail:
      `${what}, so connect() fails and nginx answers 502. ` +
      (match
        ? `${[...new Set(match.processes.map((p) => p.name))].join(', ') || 'A process'} listens on ${match.path}: ` +
          (isSymlinked(facts, path)
            ? `point nginx at it, or make the link lead to it. `
            : `the path in the config is wrong. `)
        : untrusted
          ? `${untrusted.path} looks like it, but lies in a directory any user can write, so who runs it proves nothing: it is not offered as the fix. `
          : `No listening unix socket looks like it: the backend is not running or creates its socket elsewhere. `) +
      describeUses(target),
    evidence: [
      configEvidence(facts, ep.ref),
      ...socketPathEvidence(facts, path),
      ...(st ? [statEvidence(st)] : []),
      ...(match ? [listenerEvidence(match)] : []),
      ...logs,
    ],
    fix: edit
      ? { summary: `Point nginx at ${match!.path}`, edit }
      : {
          summary: `Start the backend that should create ${path}, or point nginx at the socket it creates`,
          commands: ['ss -xlp'],
        },
  };
}

function permissionProblem(
  facts: HostFacts,
  path: string,
  st: FileStat | undefined,
): { user: string; reason: string; evidence: Evidence[] } | undefined {
  const user = facts.nginx.processes.workerUser;
  const ids = user ? facts.users[user] : undefined;
  const probe = facts.probes.find((p) => p.target === `unix:${path}`);
  if (probe?.outcome === 'permission') {
    return {
      user: user ?? 'the worker user',
      reason: `Connecting as ${user ?? 'the worker user'} is refused.`,
      evidence: [
        { source: 'probe', text: `connect unix:${path} as ${user}: ${probe.outcome} (${probe.detail})` },
        ...(st ? [statEvidence(st)] : []),
      ],
    };
  }
  if (!user || !ids || !st) return undefined;
  if (!permits(ids, st, 2)) {
    return {
      user,
      reason: `${path} is mode ${(st.mode ?? 0).toString(8).padStart(4, '0')} owned by ${st.user}:${st.group}, and ${user} is neither its owner nor in its group with write permission.`,
      evidence: [statEvidence(st)],
    };
  }
  for (const dir of parentDirs(path)) {
    const d = statOf(facts, dir);
    if (d?.exists && !permits(ids, d, 1)) {
      return {
        user,
        reason: `${user} may not enter ${dir} (mode ${(d.mode ?? 0).toString(8).padStart(4, '0')}, ${d.user}:${d.group}), so it cannot reach the socket inside.`,
        evidence: [statEvidence(d), statEvidence(st)],
      };
    }
  }
  return undefined;
}

function socketOwnershipCommands(listener: Listener, user: string, path: string): string[] {
  const proc = listener.processes[0]?.name ?? '';
  if (proc.startsWith('php-fpm')) {
    return [
      `in the pool config (e.g. /etc/php/*/fpm/pool.d/www.conf): listen.owner = ${user}, listen.group = ${user}, listen.mode = 0660`,
      `systemctl restart ${proc.replace(/:.*/, '')}`,
    ];
  }
  return [
    `chgrp ${user} ${path} && chmod 0660 ${path}   # lasts until the backend recreates it: fix its own socket settings too`,
  ];
}
