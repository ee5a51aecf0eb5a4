// Building config edits from the source text nginx -T showed us, and applying one to a file's text. An edit
// always quotes the whole line as it stands, so applying it (the analyzer's proof, the remediation) refuses
// when the file changed.
import type { ConfigEdit } from '../model/types.js';
import type { Result } from '../model/result.js';

export type Sources = Map<string, string>;

export function sourceLine(sources: Sources, file: string, line: number): string | undefined {
  const text = sources.get(file);
  if (text === undefined) return undefined;
  return text.split('\n')[line - 1];
}

const ADDRESS_CHAR = /[\w.:[\]/-]/;

/**
 * Replace `from` with `to` in the given line where `from` stands as a whole address token (not inside a longer
 * one: replacing 127.0.0.1:80 must not touch 127.0.0.1:8000). Returns undefined when it is not on that line.
 */
export function replaceOnLine(
  sources: Sources,
  file: string,
  line: number,
  from: string,
  to: string,
): ConfigEdit | undefined {
  const before = sourceLine(sources, file, line);
  if (before === undefined || from === '') return undefined;
  let at = before.indexOf(from);
  while (at !== -1) {
    const prev = before[at - 1];
    const next = before[at + from.length];
    const boundedLeft =
      prev === undefined || !ADDRESS_CHAR.test(prev) || prev === '/' || from.startsWith('/');
    const boundedRight = next === undefined || !ADDRESS_CHAR.test(next) || next === '/' || /[/:]$/.test(from);
    if (boundedLeft && boundedRight) {
      const after = before.slice(0, at) + to + before.slice(at + from.length);
      return { file, line, before, after };
    }
    at = before.indexOf(from, at + 1);
  }
  return undefined;
}

/** Replace the line with `lines(before, indent)`: the new text, indented like the line it replaces. */
function rewriteLine(
  sources: Sources,
  file: string,
  line: number,
  lines: (before: string, indented: (d: string) => string) => string[],
): ConfigEdit | undefined {
  const before = sourceLine(sources, file, line);
  if (before === undefined) return undefined;
  const indent = /^\s*/.exec(before)?.[0] ?? '';
  return { file, line, before, after: lines(before, (d) => indent + d).join('\n') };
}

/** Insert directives after the given line, indented like it. `after` then holds the line and the new ones. */
export function insertAfterLine(
  sources: Sources,
  file: string,
  line: number,
  directives: string[],
): ConfigEdit | undefined {
  return rewriteLine(sources, file, line, (before, ind) => [before, ...directives.map(ind)]);
}

/** Insert directives before the given line, indented like it. */
export function insertBeforeLine(
  sources: Sources,
  file: string,
  line: number,
  directives: string[],
): ConfigEdit | undefined {
  return rewriteLine(sources, file, line, (before, ind) => [...directives.map(ind), before]);
}

/** Replace the whole line with these directives, indented like it. */
export function replaceLine(
  sources: Sources,
  file: string,
  line: number,
  directives: string[],
): ConfigEdit | undefined {
  return rewriteLine(sources, file, line, (_before, ind) => directives.map(ind));
}

/** Lines of a text without the empty string after a final newline. */
export function linesOf(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The file's text with the edit's line replaced; the rest (including the final newline) stays byte-identical. */
export function applyEdit(text: string, edit: ConfigEdit): Result<string> {
  const lines = text.split('\n');
  const index = edit.line - 1;
  if (!Number.isInteger(edit.line) || index < 0 || index >= linesOf(text).length)
    return { ok: false, error: `${edit.file} has no line ${edit.line}` };
  if (lines[index] !== edit.before)
    return { ok: false, error: `${edit.file}:${edit.line} no longer reads ${JSON.stringify(edit.before)}` };
  lines[index] = edit.after;
  return { ok: true, value: lines.join('\n') };
}
