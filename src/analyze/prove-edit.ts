// A config edit is offered only when it is proven: the analyzer, run again on the same snapshot with the edit
// applied to the config text nginx showed us (its `nginx -T` dump and the files read one by one), must no longer
// report the finding's cause, and must report nothing critical that it did not report before (an edit that
// fixes one thing by breaking another is no fix). Every check that writes an edit passes through here, from
// the report. What the host said about the old text cannot speak for the edited one, so in the re-run nginx's
// own verdict (`nginx -t`) is replaced by our parser's verdict on the edited text, and the error log (lines
// nginx wrote while running the old config) is left out: what is then left to decide is the config itself
// against what the host has (listeners, sockets, permissions, firewalls, resolvers). Pure.
import type { HostFacts } from '../model/host-facts.js';
import type { ConfigEdit, Finding, HostSnapshot } from '../model/types.js';
import type { Result } from '../model/result.js';
import { splitDump } from '../parsers/nginx/dump.js';
import { readSnapshot } from '../read/snapshot.js';
import { analyze } from './analyze.js';
import { applyEdit } from './edit.js';

const DUMP = 'nginx-T';

/** `nginx -T` output with one dumped file's text edited; the rest as nginx printed it. */
function editDump(dump: string, edit: ConfigEdit): Result<string> | undefined {
  const { preamble, files } = splitDump(dump);
  const index = files.findIndex((f) => f.file === edit.file);
  if (index < 0) return undefined;
  const edited = applyEdit(files[index]!.text, edit);
  if (!edited.ok) return edited;
  const text = files
    .map((f, i) => `# configuration file ${f.file}:\n${i === index ? edited.value : f.text}\n`)
    .join('');
  return { ok: true, value: preamble + text };
}

/** The snapshot with the edit applied wherever it holds the file's text. */
export function editedSnapshot(snapshot: HostSnapshot, edit: ConfigEdit): Result<HostSnapshot> {
  const results = { ...snapshot.results };
  let applied = false;
  const dump = results[DUMP];
  if (dump?.exitCode === 0) {
    const edited = editDump(dump.stdout, edit);
    if (edited && !edited.ok) return edited;
    if (edited) {
      results[DUMP] = { ...dump, stdout: edited.value };
      applied = true;
    }
  }
  const file = results[`file:${edit.file}`];
  if (file?.exitCode === 0) {
    const edited = applyEdit(file.stdout, edit);
    if (!edited.ok) return edited;
    results[`file:${edit.file}`] = { ...file, stdout: edited.value };
    applied = true;
  }
  if (!applied) return { ok: false, error: `${edit.file} is not among the config files we read` };
  return { ok: true, value: { ...snapshot, results } };
}

/** The facts of the edited config as the re-run judges them: our parser for nginx -t, no old log lines. */
function judgedFacts(facts: HostFacts): HostFacts {
  const errors = facts.nginx.parseErrors.map((e) => ({
    level: 'emerg',
    message: e.error,
    ...(e.file ? { file: e.file } : {}),
    ...(e.line !== undefined ? { line: e.line } : {}),
    raw: `${e.error}${e.file ? ` in ${e.file}${e.line !== undefined ? `:${e.line}` : ''}` : ''}`,
  }));
  const test = errors.length > 0 ? { ok: false, errors, raw: 'our parser on the edited config' } : undefined;
  const { test: _old, ...nginx } = facts.nginx;
  return { ...facts, errorLog: [], nginx: test ? { ...nginx, test } : nginx };
}

const key = (f: Finding) => `${f.cause}\u0000${f.title}`;

/** Why the edit is not offered, or undefined when the re-run proves it. */
function disproof(
  snapshot: HostSnapshot,
  findings: Finding[],
  finding: Finding,
  edit: ConfigEdit,
): string | undefined {
  const edited = editedSnapshot(snapshot, edit);
  if (!edited.ok) return edited.error;
  const after = analyze(judgedFacts(readSnapshot(edited.value)));
  const before = new Set(findings.filter((f) => f !== finding).map(key));
  const remaining = after.find((f) => f.cause === finding.cause && !before.has(key(f)));
  if (remaining) return `with the edit, the analyzer still reports ${remaining.cause}: ${remaining.title}`;
  // An edit is followed by a reload: "changed after nginx last loaded its config" is its next step, not a break.
  const broken = after.find(
    (f) => f.severity === 'critical' && f.cause !== 'config-not-reloaded' && !before.has(key(f)),
  );
  if (broken) return `with the edit, the analyzer reports ${broken.cause}: ${broken.title}`;
  return undefined;
}

/** The findings with each config edit kept only where the re-run proves it; otherwise the fix says why not. */
export function provenEdits(snapshot: HostSnapshot, findings: Finding[]): Finding[] {
  return findings.map((finding) => {
    const edit = finding.fix?.edit;
    if (!finding.fix || !edit) return finding;
    const why = disproof(snapshot, findings, finding, edit);
    if (why === undefined) return finding;
    const { edit: _edit, ...fix } = finding.fix;
    return { ...finding, fix: { ...fix, summary: `${fix.summary} (no edit offered: ${why})` } };
  });
}
