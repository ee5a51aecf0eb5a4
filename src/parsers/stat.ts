// GNU stat with a fixed format → FileStat. Files that exist come on stdout, one record each; the ones
// stat could not reach come on stderr ("stat: cannot statx '/run/php/php-fpm.sock': No such file or
// directory"), and become `exists: false` entries with the reason.
//
// The format puts the path first and eight tab-free fields after it (a type name, numbers, user and group
// names), so a record is recognised by its END: a path may hold tabs (they stay in the path) and even
// newlines (the record then spans lines; the lines are joined until the eight fields close it). stat's
// messages quote paths shell-style ('…', "…", $'\n', octal bytes in the C locale); they are unquoted.
// Recorded from coreutils 9.1: test/fixtures/hosts/tools/stat/.
//
// %F (the type) is translated in other locales; run stat with LC_ALL=C so that "socket" stays "socket"
// (an unknown type name becomes 'other').
import type { FileStat } from '../model/facts.js';

/** `stat -L -c STAT_FORMAT -- PATH…`: name, type, octal mode, uid, gid, user, group, size, mtime (epoch seconds with their nanoseconds: a reload within the second of an edit is told apart). */
export const STAT_FORMAT = '%n\t%F\t%a\t%u\t%g\t%U\t%G\t%s\t%.9Y';

/** A path may hold newlines; more than this many lines in one path is not a path. */
const MAX_PATH_LINES = 16;
const RECORD_END =
  /\t([^\t\n]+)\t([0-7]{1,4})\t(\d+)\t(\d+)\t([^\t\n]*)\t([^\t\n]*)\t(\d+)\t(-?\d+(?:\.\d{1,9})?)$/;

function typeOf(name: string): FileStat['type'] {
  switch (name) {
    case 'regular file':
    case 'regular empty file':
      return 'file';
    case 'directory':
      return 'directory';
    case 'socket':
      return 'socket';
    case 'symbolic link':
      return 'symlink';
    default:
      return 'other';
  }
}

function fromRecord(text: string): FileStat | undefined {
  const m = RECORD_END.exec(text);
  if (!m || m.index === 0) return undefined;
  const named = (n: string): string | undefined => (n === '' || n === 'UNKNOWN' ? undefined : n);
  const stat: FileStat = {
    path: text.slice(0, m.index),
    exists: true,
    type: typeOf(m[1]!),
    mode: parseInt(m[2]!, 8),
    uid: Number(m[3]),
    gid: Number(m[4]),
    size: Number(m[7]),
    mtime: Number(m[8]),
    raw: text,
  };
  const user = named(m[5]!);
  const group = named(m[6]!);
  if (user) stat.user = user;
  if (group) stat.group = group;
  return stat;
}

/**
 * Undo the shell-style quoting of coreutils' messages: 'a b', "it's", 'a'$'\n''b', 'caf'$'\303\251'.
 * Octal and hex escapes are bytes, decoded as UTF-8 at the end.
 */
export function unquoteShell(text: string): string {
  const bytes: number[] = [];
  const push = (s: string): void => {
    for (const b of Buffer.from(s, 'utf8')) bytes.push(b);
  };
  const C_ESCAPES: Record<string, string> = {
    n: '\n',
    t: '\t',
    r: '\r',
    a: '\x07',
    b: '\b',
    f: '\f',
    v: '\v',
    e: '\x1b',
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end === -1) {
        push(text.slice(i + 1));
        break;
      }
      push(text.slice(i + 1, end));
      i = end + 1;
    } else if (c === '$' && text[i + 1] === "'") {
      i += 2;
      while (i < text.length && text[i] !== "'") {
        if (text[i] === '\\' && i + 1 < text.length) {
          const e = text[i + 1]!;
          const octal = /^[0-7]{1,3}/.exec(text.slice(i + 1));
          const hex = /^x([0-9a-fA-F]{1,2})/.exec(text.slice(i + 1));
          if (octal) {
            bytes.push(parseInt(octal[0], 8) & 0xff);
            i += 1 + octal[0].length;
          } else if (hex) {
            bytes.push(parseInt(hex[1]!, 16));
            i += 1 + hex[0].length;
          } else {
            push(C_ESCAPES[e] ?? e);
            i += 2;
          }
        } else {
          push(text[i]!);
          i += 1;
        }
      }
      i += 1; // the closing quote
    } else if (c === '"') {
      i += 1;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1]!)) {
          push(text[i + 1]!);
          i += 2;
        } else {
          push(text[i]!);
          i += 1;
        }
      }
      i += 1;
    } else if (c === '\\' && i + 1 < text.length) {
      push(text[i + 1]!);
      i += 2;
    } else {
      push(c);
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

const STAT_ERROR = /^stat: cannot statx? (.+): ([^:]+)$/;

/** stdout and stderr of `stat -c STAT_FORMAT -- PATH…` → one FileStat per path stat reported on. Never throws. */
export function parseStat(stdout: string, stderr = ''): FileStat[] {
  const out: FileStat[] = [];
  // Lines of a path with newlines in it, waiting for the line that closes the record.
  let pending: string[] = [];
  const lines = stdout.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) {
    // The collector passes absolute paths: a line that is a whole record by itself starts a new one, and
    // whatever was pending was not a path.
    const alone = fromRecord(line);
    if (alone && alone.path.startsWith('/')) {
      out.push(alone);
      pending = [];
      continue;
    }
    pending.push(line);
    const joined = fromRecord(pending.join('\n'));
    if (joined) {
      out.push(joined);
      pending = [];
    } else if (pending.length >= MAX_PATH_LINES) {
      pending = []; // not stat's output: give up on this run of lines
    }
  }
  for (const rawLine of stderr.split('\n')) {
    const line = rawLine.replace(/\r$/, '');
    const m = STAT_ERROR.exec(line);
    if (!m) continue;
    out.push({ path: unquoteShell(m[1]!), exists: false, error: m[2]!, raw: line });
  }
  return out;
}

/** True when a failed stat means the path is not there (as opposed to: we could not look). */
export function isMissing(stat: FileStat): boolean {
  return !stat.exists && (stat.error === 'No such file or directory' || stat.error === 'Not a directory');
}
