// Issue 7 promises that the README's sudoers snippets are what the e2e suite's non-root user gets (deploy-sudo
// scenario, and the doctor e2e's "sudo web-sudo" check): so the two must be the same text.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diagnosisSudoers } from '../../../lab/scenarios/index.js';
import { remediationSudoers } from '../../../src/remediate/sudoers.js';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

/** The first fenced block after a heading. */
function blockAfter(heading: string): string | undefined {
  const start = readme.indexOf(heading);
  if (start < 0) return undefined;
  return /```[a-z]*\n([\s\S]*?)```/.exec(readme.slice(start))?.[1];
}

describe("the README's sudoers snippet", () => {
  it('is exactly the rules the lab installs for its non-root user', () => {
    const snippet = blockAfter('## A non-root SSH user');
    expect(snippet, 'README has a "## A non-root SSH user" section with a code block').toBeDefined();
    expect(snippet!.trim()).toBe(diagnosisSudoers('deploy').trim());
  });

  it('for applying fixes is exactly remediationSudoers(), which the e2e suite applies a fix through', () => {
    const snippet = blockAfter('<summary>/etc/sudoers.d/upstream-doctor-apply</summary>');
    expect(snippet, 'README has the apply rules in a <details> block').toBeDefined();
    expect(snippet!.trim()).toBe(remediationSudoers('deploy').trim());
  });
});
