// `upstream-doctor sudoers USER [--diagnose-only]`: prints the sudoers file a non-root SSH user needs, generated
// from the exact commands the collector and an apply send (src/sudoers/diagnosis.ts, src/remediate/sudoers.ts):
// the text the README shows and the tests judge with the real sudo. USER goes into the file as a word, so it
// must be a plain login name; anything else is refused with one line (exit 2).
import { remediationSudoers } from '../remediate/sudoers.js';
import { diagnosisSudoers } from '../sudoers/diagnosis.js';
import { USER_NAME } from '../sudoers/pattern.js';
import type { CliIo } from './io.js';

export const SUDOERS_USAGE = `usage: upstream-doctor sudoers USER [--diagnose-only]

Prints the sudoers rules USER needs (sudo 1.9.10 or newer), for /etc/sudoers.d/upstream-doctor:
the read-only diagnosis commands, and the commands of an apply and of Run nginx -t.
  --diagnose-only  the diagnosis rules only (no fixes from the thread)
Install: upstream-doctor sudoers deploy | sudo tee /etc/sudoers.d/upstream-doctor && sudo visudo -c`;

export function sudoersText(user: string, diagnoseOnly: boolean): string {
  return diagnoseOnly ? diagnosisSudoers(user) : `${diagnosisSudoers(user)}${remediationSudoers(user)}`;
}

export function sudoers(args: string[], io: CliIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(`${SUDOERS_USAGE}\n`);
    return Promise.resolve(0);
  }
  const diagnoseOnly = args.includes('--diagnose-only');
  const rest = args.filter((a) => a !== '--diagnose-only');
  const fail = (message: string) => {
    io.stderr.write(`upstream-doctor sudoers: ${message}\n`);
    return Promise.resolve(2);
  };
  if (rest.length !== 1) return fail('give exactly one USER (see --help)');
  const user = rest[0]!;
  if (!USER_NAME.test(user))
    return fail(
      `${JSON.stringify(user).slice(0, 40)} is not a user name (lower-case letters, digits, _ and -)`,
    );
  io.stdout.write(sudoersText(user, diagnoseOnly));
  return Promise.resolve(0);
}
