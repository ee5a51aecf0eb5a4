// A config edit shown as a unified diff; applying it to a file's text (refusing when the line no longer says
// what the plan quoted) lives with the analyzer, which proves its edits by applying them (analyze/edit.ts).
// Pure functions; errors are values.
import type { ConfigEdit } from '../model/types.js';
import type { Result } from '../model/result.js';
import { applyEdit, linesOf } from '../analyze/edit.js';

const range = (start: number, count: number) => (count === 1 ? `${start}` : `${start},${count}`);

/**
 * The edit as a unified diff (`diff -u` style, `context` lines around it), with `a/` and `b/` names like git.
 * `text` is the file before the edit; the edit must apply to it (else the error).
 */
export function unifiedDiff(text: string, edit: ConfigEdit, context = 3): Result<string> {
  const edited = applyEdit(text, edit);
  if (!edited.ok) return edited;
  const lines = linesOf(text);
  const index = edit.line - 1;
  const first = Math.max(0, index - context);
  const last = Math.min(lines.length - 1, index + context);
  const added = edit.after.split('\n');
  const oldCount = last - first + 1;
  const newCount = oldCount - 1 + added.length;
  const body = [
    ...lines.slice(first, index).map((l) => ` ${l}`),
    `-${edit.before}`,
    ...added.map((l) => `+${l}`),
    ...lines.slice(index + 1, last + 1).map((l) => ` ${l}`),
  ];
  const header = [
    `--- a${edit.file}`,
    `+++ b${edit.file}`,
    `@@ -${range(first + 1, oldCount)} +${range(first + 1, newCount)} @@`,
  ];
  return { ok: true, value: [...header, ...body].join('\n') + '\n' };
}
