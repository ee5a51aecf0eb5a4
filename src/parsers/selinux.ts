// SELinux's state from `getenforce` and `getsebool httpd_can_network_connect` (libselinux's utilities).
//   getenforce → "Enforcing" | "Permissive" | "Disabled" (recorded: Disabled, Debian 12 selinux-utils 3.4)
//   getsebool  → "httpd_can_network_connect --> off", or "… --> off pending: on" after `setsebool` without
//                commit; "getsebool:  SELinux is disabled" on stderr when disabled (recorded). The enforcing
//                format comes from upstream's source (SELinuxProject/selinux libselinux/utils/getsebool.c:
//                printf("%s --> %s\n") / "%s --> %s pending: %s\n"); no enforcing system can be recorded here.
// Neither command on the host (Debian/Ubuntu without selinux-utils): the shell says "command not found",
// stdout is empty → mode 'absent'. Callers may pass stdout alone or stdout and stderr together.
import type { SelinuxState } from '../model/facts.js';
import { lookup } from '../text/lookup.js';

const MODES: Record<string, SelinuxState['mode']> = {
  enforcing: 'enforcing',
  permissive: 'permissive',
  disabled: 'disabled',
};

/** getsebool's lines → booleans, by their active value (what the kernel enforces now). */
export function parseGetsebool(text: string): Record<string, boolean> {
  // No prototype: a boolean named "__proto__" (hostile output) must be a plain key, not a prototype change.
  const booleans: Record<string, boolean> = Object.create(null) as Record<string, boolean>;
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z0-9_]+) --> (on|off)\b/.exec(line);
    if (m) booleans[m[1]!] = m[2] === 'on';
  }
  return booleans;
}

/** getenforce's and getsebool's output → the mode and booleans. Anything unrecognised means 'absent'. */
export function parseSelinux(getenforceOut: string, getseboolOut = ''): SelinuxState {
  const raw = [getenforceOut, getseboolOut].filter((t) => t !== '').join('\n');
  let mode: SelinuxState['mode'] = 'absent';
  for (const line of getenforceOut.split('\n')) {
    const found = lookup(MODES, line.trim().toLowerCase());
    if (found) {
      mode = found;
      break;
    }
  }
  return { mode, booleans: mode === 'absent' ? {} : parseGetsebool(getseboolOut), raw };
}
