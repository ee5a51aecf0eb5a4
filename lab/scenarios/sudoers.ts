// The sudo rules of the lab's non-root users: the generated diagnosis rules (src/sudoers/diagnosis.ts, what
// `upstream-doctor sudoers` prints and the README shows), and a sudo that wants a password.
export { diagnosisSudoers } from '../../src/sudoers/diagnosis.js';

/** sudo for everything, but with a password: `sudo -n` fails, which the diagnosis must say plainly. */
export function passwordSudoers(user: string): string {
  return `${user} ALL=(ALL:ALL) ALL\n`;
}
