// Commands inside a lab host: join the holder's mount, network and UTS namespaces with nsenter,
// then (optionally) drop to another user with setpriv, all as argv.

export interface RunAs {
  user: string;
  /** The user's primary group (nobody's is nogroup, so it cannot be guessed from the name). */
  group: string;
}

/** nsenter argv that runs `argv` inside the host whose holder has pid `holderPid`. */
export function nsenterArgv(holderPid: number, argv: string[], as?: RunAs): string[] {
  const enter = ['nsenter', '--target', String(holderPid), '--mount', '--net', '--uts', '--'];
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
