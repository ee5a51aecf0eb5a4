// What we could not see. A sudo that wants a password hides most of the host: say so first, and how to fix it.
import type { Finding } from '../../model/types.js';
import type { CheckContext } from './context.js';

export function collectionGaps(ctx: CheckContext): Finding[] {
  const sudo = ctx.facts.gaps.filter((g) => g.sudoPassword);
  if (sudo.length === 0) return [];
  return [
    {
      cause: 'sudo-password-required',
      severity: 'critical',
      title: `sudo on ${ctx.facts.target} asks for a password, so ${sudo.length} diagnostic command${sudo.length === 1 ? '' : 's'} could not run`,
      detail:
        'upstream-doctor runs its read-only commands with `sudo -n` and never types a password. Without them the ' +
        'diagnosis below is incomplete.',
      evidence: sudo.slice(0, 5).map((g) => ({ source: g.command, text: g.message })),
      fix: {
        summary:
          "Install the README's sudoers rule for the SSH user (it allows exactly the diagnostic commands)",
      },
    },
  ];
}
