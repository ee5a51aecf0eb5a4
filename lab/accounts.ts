// Accounts of a lab host: the machine's /etc/passwd, /etc/group and /etc/shadow, copied with the
// scenario's users appended (a non-root SSH user with sudo rules). The machine's files are only read.

export interface Account {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

export interface LabUser {
  name: string;
  uid: number;
  /** Primary group id; a group named like the user is created with it. Default: the uid. */
  gid?: number;
  /** Default /home/<name> (inside the host's private /home). */
  home?: string;
  shell?: string;
  /** Extra groups (existing group names) the user joins. */
  groups?: string[];
  /** Put the lab's client key in the user's authorized_keys (default true). */
  sshKey?: boolean;
  /** Text of /etc/sudoers.d/<name> inside the host (mode 0440). */
  sudoers?: string;
}

/** Parses passwd(5) text; malformed lines are skipped. */
export function parsePasswd(text: string): Account[] {
  const accounts: Account[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 7) continue;
    const uid = Number(f[2]);
    const gid = Number(f[3]);
    if (!f[0] || !Number.isInteger(uid) || !Number.isInteger(gid)) continue;
    accounts.push({ name: f[0], uid, gid, home: f[5] ?? '', shell: f[6] ?? '' });
  }
  return accounts;
}

/** Group name → gid from group(5) text. */
export function parseGroups(text: string): Map<string, number> {
  const groups = new Map<string, number>();
  for (const line of text.split('\n')) {
    const f = line.split(':');
    const gid = Number(f[2]);
    if (f.length >= 4 && f[0] && Number.isInteger(gid)) groups.set(f[0], gid);
  }
  return groups;
}

export function homeOf(user: LabUser): string {
  return user.home ?? `/home/${user.name}`;
}

export interface AccountFiles {
  passwd: string;
  group: string;
  shadow: string;
}

/**
 * The machine's account files with `users` appended. Refuses a user whose name or uid the machine
 * already uses: a lab user must never be mistaken for a real one.
 */
export function withUsers(machine: AccountFiles, users: LabUser[]): AccountFiles {
  const existing = parsePasswd(machine.passwd);
  const groups = parseGroups(machine.group);
  let passwd = ensureNewline(machine.passwd);
  let shadow = ensureNewline(machine.shadow);
  const groupLines = ensureNewline(machine.group).split('\n');
  // Days since the epoch, as shadow(5) counts the last password change.
  const today = Math.floor(Date.now() / 86_400_000);
  for (const user of users) {
    if (existing.some((a) => a.name === user.name || a.uid === user.uid)) {
      throw new Error(`lab user ${user.name} (uid ${user.uid}) collides with an account of this machine`);
    }
    const gid = user.gid ?? user.uid;
    passwd += `${user.name}:x:${user.uid}:${gid}:lab user:${homeOf(user)}:${user.shell ?? '/bin/bash'}\n`;
    // "*": no password, yet not locked ("!"), so sshd (UsePAM no) accepts key logins.
    shadow += `${user.name}:*:${today}:0:99999:7:::\n`;
    if (!groups.has(user.name)) {
      groupLines.splice(groupLines.length - 1, 0, `${user.name}:x:${gid}:`);
      groups.set(user.name, gid);
    }
    for (const extra of user.groups ?? []) {
      const i = groupLines.findIndex((l) => l.startsWith(`${extra}:`));
      if (i < 0) throw new Error(`lab user ${user.name}: no group ${extra} on this machine`);
      const line = groupLines[i]!;
      groupLines[i] = line.endsWith(':') ? `${line}${user.name}` : `${line},${user.name}`;
    }
  }
  return { passwd, group: groupLines.join('\n'), shadow };
}

function ensureNewline(text: string): string {
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}
