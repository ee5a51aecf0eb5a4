// Commands inside a lab host: join the holder's mount, network, UTS and PID namespaces with
// nsenter, then (optionally) drop to another user with setpriv, all as argv. Entering a PID
// namespace makes nsenter fork: the program runs as nsenter's child, and nsenter exits with its status.

export interface RunAs {
  user: string;
  /** The user's primary group (nobody's is nogroup, so it cannot be guessed from the name). */
  group: string;
}

/** nsenter argv that runs `argv` inside the host whose holder has pid `holderPid`. */
export function nsenterArgv(holderPid: number, argv: string[], as?: RunAs): string[] {
  const enter = ['nsenter', '--target', String(holderPid), '--mount', '--net', '--uts', '--pid', '--'];
  if (as === undefined || as.user === 'root') return [...enter, ...argv];
  // setpriv resolves names inside the host (its private /etc/passwd, when it has one).
  return [
    ...enter,
    'setpriv',
    '--reuid',
    as.user,
    '--regid',
    as.group,
    '--init-groups',
    '--reset-env',
    '--',
    ...argv,
  ];
}
