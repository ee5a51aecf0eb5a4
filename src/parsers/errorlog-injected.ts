// Lines of nginx's error log that a client wrote. nginx percent-decodes the request path before it logs
// `open() "<root><path>" failed` (and the other messages that quote the path), so a request for
// `/x%0A2099/01/01 00:00:00 [error] 1#1: … connect() failed (111: …)` writes a raw newline and then a whole
// entry of the client's choosing, with any date — a forged root cause on a healthy host (recorded with
// nginx 1.22.1: test/fixtures/hosts/tools/errorlog/forged-newline.error.log). Two facts of nginx bound
// what a client can forge:
//   - the entry's own context comes last, and its `request:` field is the request line as the client sent
//     it, still encoded: each `%0A` in it is one newline nginx wrote inside that entry. The line holding such
//     a field is the entry's last line; the k lines before it belong to the same entry (k = its `%0A`s).
//   - nginx writes at most 2048 bytes an entry (NGX_MAX_ERROR_STR, the newline included). When a client
//     pushes the context past that, no request field survives; but then the entry's first line still has
//     the quote of the path open, and every line the client wrote lies within 2048 bytes of its start.
// A Referer or Host may hold a fake `request: "…%0A…"`: that can only fold honest lines into one entry (hide
// them, which flooding the log does as well), never make a forged line count; folded lines stay visible as
// skipped lines with the reason. Pure; linear in the text.

/** nginx's buffer for one error-log entry, newline included (src/analyze/ngx_log.h: NGX_MAX_ERROR_STR). */
export const NGINX_MAX_ENTRY_BYTES = 2048;
/** Request fields looked at on one line (a line holds nginx's one and what a client put in its headers). */
const MAX_REQUEST_FIELDS = 8;

const REQUEST_FIELD = ', request: "';
const ENCODED_NEWLINE = /%0a/gi;

/** A run of lines that nginx wrote as one entry: `first`..`last` (0-based, inclusive). */
export interface InjectedRun {
  first: number;
  last: number;
  /** Why the lines after `first` are not entries of their own. */
  reason: string;
  /** Whether `last` holds the entry's own context (its request field): else the entry was cut at 2048 bytes. */
  closed: boolean;
}

/** How many newlines the client's request line put in the entry: the most any request field on the line says. */
function encodedNewlines(line: string): number {
  let most = 0;
  let from = line.lastIndexOf(REQUEST_FIELD);
  for (let seen = 0; from !== -1 && seen < MAX_REQUEST_FIELDS; seen++) {
    const start = from + REQUEST_FIELD.length;
    const end = line.indexOf('"', start);
    const value = line.slice(start, end === -1 ? undefined : end);
    most = Math.max(most, value.match(ENCODED_NEWLINE)?.length ?? 0);
    from = from === 0 ? -1 : line.lastIndexOf(REQUEST_FIELD, from - 1);
  }
  return most;
}

/** Bytes of a line as nginx wrote it; U+FFFD (what an invalid byte decoded to) counts as the one byte it was. */
function lineBytes(line: string): number {
  let bytes = Buffer.byteLength(line, 'utf8');
  for (let i = line.indexOf('\uFFFD'); i !== -1; i = line.indexOf('\uFFFD', i + 1)) bytes -= 2;
  return bytes;
}

/**
 * The runs of lines that are one entry nginx wrote with newlines a client put in its path. `isEntryStart(i)`
 * says whether line i begins like an nginx entry (date, level, pid#tid); `opensPath(i)` whether that
 * entry's message leaves a quote open with no context after it (the path went on past the line's end).
 */
export function injectedRuns(
  lines: readonly string[],
  isEntryStart: (i: number) => boolean,
  opensPath: (i: number) => boolean,
): InjectedRun[] {
  const runs: InjectedRun[] = [];
  // Closed runs first, from the end: each last line names how far back its entry began.
  let floor = lines.length;
  for (let j = lines.length - 1; j >= 0; j--) {
    if (j >= floor) continue;
    if (!lines[j]!.includes(REQUEST_FIELD)) continue;
    const k = Math.min(encodedNewlines(lines[j]!), j);
    if (k === 0) continue;
    runs.push({
      first: j - k,
      last: j,
      closed: true,
      reason: `written by a client: a newline encoded in the request path of the entry ending on line ${j + 1}`,
    });
    floor = j - k;
  }
  runs.reverse();
  // Entries cut at nginx's 2048 bytes: an open quote, then lines within 2048 bytes of the entry's start.
  const inRun = new Uint8Array(lines.length);
  for (const r of runs) inRun.fill(1, r.first, r.last + 1);
  const taken = (i: number) => inRun[i] === 1;
  const cut: InjectedRun[] = [];
  for (let h = 0; h < lines.length; h++) {
    if (taken(h) || !isEntryStart(h) || !opensPath(h)) continue;
    let bytes = lineBytes(lines[h]!) + 1;
    let last = h;
    while (last + 1 < lines.length && !taken(last + 1)) {
      const next = bytes + lineBytes(lines[last + 1]!) + 1;
      if (next > NGINX_MAX_ENTRY_BYTES) break;
      bytes = next;
      last++;
    }
    if (last > h) {
      cut.push({
        first: h,
        last,
        closed: false,
        reason: `written by a client: inside the path of the entry on line ${h + 1}, which nginx cut at ${NGINX_MAX_ENTRY_BYTES} bytes`,
      });
      h = last;
    }
  }
  return [...runs, ...cut].sort((a, b) => a.first - b.first);
}
