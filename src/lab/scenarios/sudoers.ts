// The sudo rules a non-root SSH user needs for a diagnosis: exactly the privileged commands of
// src/collect/commands.ts, as Debian installs them. The README's sudoers snippet must say the same
// (issue 7: the e2e suite's non-root user proves the snippet is enough); until it is shipped as a
// file of its own, this is the copy the lab installs.
import { REALPATH_ARGV0, REALPATH_SCRIPT } from '../../collect/commands.js';
import { literalPattern } from '../../remediate/sudoers.js';

export function diagnosisSudoers(user: string): string {
  return [
    '# upstream-doctor: read-only diagnosis commands',
    'Cmnd_Alias UPSTREAM_DOCTOR = \\',
    '    /usr/bin/ss -Htlnp, /usr/bin/ss -Hxlp, \\',
    '    /usr/sbin/iptables-save -t filter, /usr/sbin/ip6tables-save -t filter, \\',
    '    /usr/sbin/nft -j list ruleset, /usr/sbin/nft -a list ruleset, \\',
    '    /usr/sbin/ufw status verbose, /usr/bin/firewall-cmd --list-all, \\',
    '    /usr/sbin/nginx -T, /usr/sbin/nginx -T *, /usr/sbin/nginx -t, /usr/sbin/nginx -t *, \\',
    '    /usr/bin/stat -L -c *, /usr/bin/cat -- /etc/nginx/*, /usr/bin/find /etc/nginx/*, \\',
    '    /usr/bin/tail -c 262144 -- /var/log/nginx/*, \\',
    // The real paths of the config files (plans are confined by them): the constant script spelled out.
    `    /usr/bin/sh ^-c ${literalPattern(REALPATH_SCRIPT)} ${REALPATH_ARGV0}( /[A-Za-z0-9._@+~/-]*)+$`,
    `${user} ALL=(root) NOPASSWD: UPSTREAM_DOCTOR`,
    "# The unix-socket probe runs as nginx's worker user.",
    `${user} ALL=(www-data) NOPASSWD: /usr/bin/perl -e *`,
    '',
  ].join('\n');
}

/** sudo for everything, but with a password: `sudo -n` fails, which the diagnosis must say plainly. */
export function passwordSudoers(user: string): string {
  return `${user} ALL=(ALL:ALL) ALL\n`;
}
