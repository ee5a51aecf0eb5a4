// Config edits are proven before they are offered: the analyzer re-run on the recorded snapshot with the edit
// applied must no longer report the cause. Every edit the analyzer writes for the recorded lab snapshots
// passes; a wrong edit, put in its place, is refused with the reason.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ConfigEdit, Finding, HostSnapshot } from '../../../src/model/types.js';
import { analyze } from '../../../src/analyze/analyze.js';
import { editedSnapshot, provenEdits } from '../../../src/analyze/prove-edit.js';
import { readSnapshot } from '../../../src/read/snapshot.js';

const dir = new URL('../../fixtures/snapshots/', import.meta.url);
const snapshots = new Map<string, HostSnapshot>(
  readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => {
      const fixture = JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as { snapshot: HostSnapshot };
      return [f.replace(/\.json$/, ''), fixture.snapshot];
    }),
);

function recorded(id: string): { snapshot: HostSnapshot; findings: Finding[]; root: Finding } {
  const snapshot = snapshots.get(id)!;
  const findings = analyze(readSnapshot(snapshot));
  return { snapshot, findings, root: findings[0]! };
}

/** The findings with the root cause's edit replaced by `edit`. */
function withEdit(findings: Finding[], edit: ConfigEdit): Finding[] {
  const [root, ...rest] = findings;
  return [{ ...root!, fix: { ...root!.fix!, edit } }, ...rest];
}

describe('provenEdits', () => {
  const withEdits = [...snapshots.entries()].filter(
    ([, s]) => !s.unreachable && analyze(readSnapshot(s)).some((f) => f.fix?.edit),
  );

  it('has recorded snapshots whose findings carry edits', () => {
    expect(withEdits.length).toBeGreaterThanOrEqual(8);
  });

  it.each(withEdits.map(([id]) => id))('%s: keeps every edit the analyzer wrote', (id) => {
    const { snapshot, findings } = recorded(id);
    expect(provenEdits(snapshot, findings)).toEqual(findings);
  });

  it('refuses an edit that points the upstream at another port nothing listens on', () => {
    const { snapshot, findings, root } = recorded('port-mismatch');
    const wrong = {
      ...root.fix!.edit!,
      after: root.fix!.edit!.after.replace('127.0.0.1:3000', '127.0.0.1:9999'),
    };
    const [checked] = provenEdits(snapshot, withEdit(findings, wrong));
    expect(checked!.fix?.edit).toBeUndefined();
    expect(checked!.fix?.summary).toMatch(
      /\(no edit offered: with the edit, the analyzer still reports upstream-/,
    );
  });

  it('refuses an edit that leaves the syntax error in place', () => {
    const { snapshot, findings, root } = recorded('config-invalid');
    expect(root.cause).toBe('nginx-config-invalid');
    const edit = root.fix!.edit!;
    const [checked] = provenEdits(
      snapshot,
      withEdit(findings, { ...edit, after: `${edit.before} # fixed?` }),
    );
    expect(checked!.fix?.edit).toBeUndefined();
    expect(checked!.fix?.summary).toContain('the analyzer still reports nginx-config-invalid');
  });

  it('refuses a resolver edit that adds no resolver', () => {
    const { snapshot, findings, root } = recorded('resolver-missing');
    const edit = root.fix!.edit!;
    const [checked] = provenEdits(
      snapshot,
      withEdit(findings, { ...edit, after: `# ${edit.after.trim()}\n${edit.before}` }),
    );
    expect(checked!.fix?.summary).toContain('the analyzer still reports resolver-missing');
  });

  it('refuses an edit whose line no longer reads as quoted', () => {
    const { snapshot, findings, root } = recorded('unix-socket-missing');
    const [checked] = provenEdits(
      snapshot,
      withEdit(findings, { ...root.fix!.edit!, before: 'something else' }),
    );
    expect(checked!.fix?.summary).toMatch(/no edit offered: .* no longer reads "something else"/);
  });
});

describe('editedSnapshot', () => {
  it('edits the file inside the nginx -T dump and leaves every other byte as nginx printed it', () => {
    const { snapshot, root } = recorded('port-mismatch');
    const edit = root.fix!.edit!;
    const edited = editedSnapshot(snapshot, edit);
    if (!edited.ok) throw new Error(edited.error);
    const before = snapshot.results['nginx-T']!.stdout;
    const after = edited.value.results['nginx-T']!.stdout;
    expect(after).toBe(before.replace(edit.before, edit.after));
    expect(readSnapshot(edited.value).nginx.sources.get(edit.file)?.split('\n')[edit.line - 1]).toBe(
      edit.after,
    );
  });

  it('refuses a file that is not in the snapshot', () => {
    const { snapshot, root } = recorded('port-mismatch');
    expect(editedSnapshot(snapshot, { ...root.fix!.edit!, file: '/etc/nginx/other.conf' })).toEqual({
      ok: false,
      error: '/etc/nginx/other.conf is not among the config files we read',
    });
  });
});
