// nginx's error log → entries, each split into nginx's fields and classified by what went wrong.
//
// nginx writes one line per entry:
//   2026/11/23 16:08:13 [error] 106#106: *1 connect() failed (111: Connection refused) while connecting to
//   upstream, client: 127.0.0.1, server: shop.example, request: "GET / HTTP/1.1", upstream:
//   "http://127.0.0.1:8000/", host: "shop.example"
// except when it copies an application's output: "FastCGI sent in stderr: "…"" holds PHP's message verbatim,
// newlines included, so one entry may span lines (recorded: fastcgi-stderr-multiline.error.log).
//
// The context fields (client, server, request, upstream, host, referrer) are printed raw. The request line
// cannot hold a space after a comma (nginx answers 400 to spaces in the URI), but the Host and Referer
// headers are the client's own text: quotes and ", upstream: "…"" may appear inside them (recorded:
// tricky-request.error.log). Fields are therefore taken in nginx's fixed order, each value ending only where
// the next field's name follows a quote, the referrer (always last) running to the end.
//
// The messages come from recordings of nginx 1.22.1 (test/fixtures/hosts/tools/errorlog/) and from the table of
// every upstream message in nginx's source (upstream-errors.ts), whose test holds this classifier to each row.
import type { ErrorLogEntry, ErrorLogKind } from '../model/facts.js';
import { injectedRuns, NGINX_MAX_ENTRY_BYTES } from './errorlog-injected.js';

export interface SkippedLine {
  /** 1-based line number in the text. */
  line: number;
  text: string;
  reason: string;
}

export interface ErrorLogParse {
  entries: ErrorLogEntry[];
  /** Lines that are not (part of) an nginx error-log entry: a cut first line, another program's output. */
  skipped: SkippedLine[];
}

const LEVELS = ['debug', 'info', 'notice', 'warn', 'error', 'crit', 'alert', 'emerg'] as const;
type Level = ErrorLogEntry['level'];

const PREFIX = /^(\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}) \[([a-z]+)\] (\d+)#(\d+): (?:\*(\d+) )?/;

// A quoted value: any character, but a quote only when the next field does not start right after it.
const quoted = (next: string): string => `((?:[^"]|"(?!, (?:${next}): "|$))*)`;
const CONTEXT = new RegExp(
  '^, client: ([^,]*), server: ([^,]*)' +
    `(?:, request: "${quoted('subrequest|upstream|host|referrer')}")?` +
    `(?:, subrequest: "${quoted('upstream|host|referrer')}")?` +
    `(?:, upstream: "${quoted('host|referrer')}")?` +
    `(?:, host: "${quoted('referrer')}")?` +
    '(?:, referrer: "([\\s\\S]*)")?' +
    // The stream module's counters follow its upstream field.
    '(?:, bytes from/to client:\\S+, bytes from/to upstream:\\S+)?$',
);
const RESOLVER = /, resolver: (\S+)$/;
const CONFIG_AT = / in (\/[^\s]*?):(\d+)$/;
const ERRNO = /\((\d+): ([^)]*)\)/;
/**
 * Entries longer than this are not nginx's: it writes at most 2048 bytes an entry, and an application's
 * stderr it copies is cut to fit too. Someone else writing the log could make one line of 256 KiB, and the
 * context is looked for after every ", client: " in it: a bound keeps that linear in the log's size.
 */
const MAX_ENTRY_CHARS = 4 * NGINX_MAX_ENTRY_BYTES;
/** ", client: " places tried as the start of nginx's context, from the first (a message rarely holds one). */
const MAX_CONTEXT_TRIES = 8;

/** The message and nginx's context fields ("client: …, server: …"), as the entry carries them. */
type Context = Pick<
  ErrorLogEntry,
  'message' | 'client' | 'server' | 'request' | 'upstream' | 'host' | 'referrer' | 'resolver'
>;

/** Split the text after "pid#tid: *cid " into the message and nginx's context fields. */
function splitContext(body: string): Context {
  let from = body.indexOf(', client: ');
  for (let tries = 0; from !== -1 && tries < MAX_CONTEXT_TRIES; tries++) {
    const m = CONTEXT.exec(body.slice(from));
    if (m) {
      const ctx: Context = { message: body.slice(0, from), client: m[1]!, server: m[2]! };
      if (m[3] !== undefined) ctx.request = m[3];
      if (m[5] !== undefined) ctx.upstream = m[5];
      if (m[6] !== undefined) ctx.host = m[6];
      if (m[7] !== undefined) ctx.referrer = m[7];
      return ctx;
    }
    from = body.indexOf(', client: ', from + 1);
  }
  const r = RESOLVER.exec(body);
  if (r) return { message: body.slice(0, r.index), resolver: r[1]! };
  return { message: body };
}

function isUnixTarget(message: string, upstream: string | undefined): boolean {
  return /connect\(\) to unix:/.test(message) || /^[a-z]+:\/\/unix:/i.test(upstream ?? '');
}

/** What went wrong, from nginx's wording and errno. First match wins; the order matters. */
export function classifyErrorLog(
  message: string,
  errno: number | undefined,
  upstream?: string,
): ErrorLogKind {
  if (/ sent in stderr: "/.test(message)) return 'fastcgi-stderr';
  if (
    /upstream sent too big (?:header|trailers)|upstream sent too large http2 header(?: while|$)|upstream sent too large http2 header (?:name|value) length: /.test(
      message,
    )
  )
    return 'header-too-big';
  if (/no live upstreams/.test(message)) return 'no-live-upstreams';
  if (/no resolver defined to resolve/.test(message)) return 'no-resolver';
  if (/ could not be resolved \(|host not found in upstream/.test(message)) return 'host-not-found';
  if (/ while resolving\b/.test(message)) return 'resolver-error';
  if (
    /^(?:invalid URL prefix in |no port in upstream |zero length URI to proxy|\w+ protocol requires SSL support|the $)|^[a-z ]+ in upstream $/.test(
      message,
    )
  )
    return 'invalid-url';
  // A timeout while handshaking is a TLS problem first: the backend does not speak TLS, or not in time. A
  // backend that speaks first on a TLS port ("prematurely sent response") speaks plain text.
  if (
    /SSL_do_handshake\(\) failed|while SSL handshaking to upstream|upstream SSL certificate|upstream prematurely sent response/.test(
      message,
    )
  )
    return 'ssl-handshake';
  if (/SSL_(?:read|write|sendfile|shutdown)\(\) failed/.test(message) && /upstream/.test(message))
    return 'prematurely-closed';
  if (
    /upstream sent (?:no valid|unsupported FastCGI protocol version|unexpected FastCGI|invalid FastCGI|invalid status|invalid header: $)/.test(
      message,
    )
  )
    return 'invalid-header';
  if (/upstream rejected request with error|upstream sent goaway with error/.test(message))
    return 'reset-by-peer';
  if (/upstream prematurely closed/.test(message)) return 'prematurely-closed';
  if (
    /upstream (?:sent (?:[^"]*http2|[^"]*\bframes?\b|[^"]*\bstream\b|[^"]*window update|[^"]*settings|[^"]*ping|[^"]*:status|invalid (?:header|trailer)(?! ?:)|trailer without|invalid encoded header|zero http2)|violated (?:stream|connection) flow control)/.test(
      message,
    )
  )
    return 'http2-protocol';
  if (/^(?:upstream|memcached) sent /.test(message)) return 'invalid-response';
  if (errno === 104) return 'reset-by-peer';
  if (errno === 32 && /to upstream/.test(message)) return 'prematurely-closed'; // broken pipe while sending
  if (/upstream server temporarily disabled/.test(message)) return 'upstream-disabled';
  if (/upstream timed out/.test(message))
    return /while connecting to upstream/.test(message) ? 'connect-timeout' : 'read-timeout';
  if (/connect\(\) (?:to \S+ )?failed/.test(message)) {
    const unix = isUnixTarget(message, upstream);
    switch (errno) {
      case 111:
        return 'connect-refused';
      case 113: // EHOSTUNREACH: unreachable route, ICMP host-unreachable (a firewall's REJECT)
      case 101: // ENETUNREACH: no route at all
      case 100: // ENETDOWN
        return 'no-route';
      case 2: // ENOENT
      case 20: // ENOTDIR: a path component is a file
        return unix ? 'unix-socket-missing' : 'other';
      case 13: // EACCES: the socket's mode, or (TCP) SELinux's httpd_can_network_connect
        return unix ? 'unix-socket-permission' : 'selinux-denied';
      case 11: // EAGAIN: a unix socket's accept queue is full
        return unix ? 'backlog-full' : 'other';
      case 110:
        return 'connect-timeout';
      default:
        return 'other';
    }
  }
  return 'other';
}

/**
 * nginx's own words of a message: the text before its first quote. What follows a quote is a value: a path
 * nginx decoded from the client's request (`open() "/x upstream sent too big header" failed`), a header the
 * backend sent, PHP's stderr. nginx's upstream messages say what went wrong before any quote, so they are
 * classified by that part alone, and a client's path can never read as an upstream failure. The errno of a
 * message that quotes a value comes after its last quote (`open() "…" failed (2: …)`).
 */
function ownWords(message: string): { words: string; errnoText: string } {
  const quote = message.indexOf('"');
  if (quote === -1) return { words: message, errnoText: message };
  const words = message.slice(0, quote);
  return { words, errnoText: ERRNO.test(words) ? words : message.slice(message.lastIndexOf('"')) };
}

function entryFrom(text: string, file: string): ErrorLogEntry | undefined {
  const p = PREFIX.exec(text);
  if (!p) return undefined;
  const level = p[2]!;
  if (!(LEVELS as readonly string[]).includes(level)) return undefined;
  const body = text.slice(p[0].length);
  const ctx = splitContext(body);
  // PHP's own text may hold "(2: …)"; only nginx's part of the message carries an errno.
  const stderr = / sent in stderr: "/.test(ctx.message);
  const own = ownWords(ctx.message);
  const errnoMatch = stderr ? null : ERRNO.exec(own.errnoText);
  const errno = errnoMatch ? Number(errnoMatch[1]) : undefined;
  const config = ctx.client === undefined ? CONFIG_AT.exec(ctx.message) : null;
  const entry: ErrorLogEntry = {
    time: p[1]!,
    level: level as Level,
    pid: Number(p[3]),
    tid: Number(p[4]),
    message: ctx.message,
    kind: stderr ? 'fastcgi-stderr' : classifyErrorLog(own.words, errno, ctx.upstream),
    file,
    raw: text,
  };
  if (p[5] !== undefined) entry.connection = Number(p[5]);
  if (errnoMatch) {
    entry.errno = errno;
    entry.errnoText = errnoMatch[2]!;
  }
  for (const key of ['client', 'server', 'request', 'upstream', 'host', 'referrer', 'resolver'] as const) {
    const value = ctx[key];
    if (value !== undefined) entry[key] = value;
  }
  if (config) {
    entry.configFile = config[1]!;
    entry.configLine = Number(config[2]);
  }
  return entry;
}

const STDERR_OPENS = / sent in stderr: "/;
const CONTEXT_STARTS = /, client: [^,]*, server: /;

/** A line that begins an entry whose quoted path runs past the line's end, with no context after it. */
function opensPath(line: string): boolean {
  const p = PREFIX.exec(line);
  if (!p || STDERR_OPENS.test(line)) return false;
  const body = line.slice(p[0].length);
  // The quote count first: nearly every line has its quotes paired, and the context search then need not run.
  return (body.match(/"/g)?.length ?? 0) % 2 === 1 && splitContext(body).client === undefined;
}

/** The error log's text → entries and the lines that are not nginx's. Never throws. */
export function parseErrorLogDetailed(text: string, file: string): ErrorLogParse {
  const entries: ErrorLogEntry[] = [];
  const skipped: SkippedLine[] = [];
  let pending: string[] = [];
  let pendingLine = 0;
  let pendingChars = 0;
  // An entry stays open while application text ("… sent in stderr: "…") has not reached nginx's context.
  let open = false;
  const flush = (): void => {
    if (pending.length === 0) return;
    const entry = pendingChars <= MAX_ENTRY_CHARS ? entryFrom(pending.join('\n'), file) : undefined;
    if (entry) entries.push(entry);
    else
      skipped.push({
        line: pendingLine,
        text: pending.join('\n'),
        reason:
          pendingChars > MAX_ENTRY_CHARS
            ? `longer than nginx writes an entry (${NGINX_MAX_ENTRY_BYTES} bytes)`
            : 'not an nginx error-log line',
      });
    pending = [];
    open = false;
  };
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  // A trailing newline ends the last line; it does not start an empty one.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const runs = injectedRuns(
    lines,
    (i) => PREFIX.test(lines[i]!),
    (i) => opensPath(lines[i]!),
  );
  let run = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const injected = runs[run];
    if (injected && injected.first === i) {
      // One entry nginx wrote across lines a client made: its first line and (when it survived nginx's cut)
      // its last, which holds its context; the lines between are the client's, never entries.
      flush();
      const own = injected.closed ? [line, lines[injected.last]!] : [line];
      const entry = PREFIX.test(line) ? entryFrom(own.join('\n'), file) : undefined;
      if (entry) entries.push(entry);
      else skipped.push({ line: i + 1, text: own.join('\n'), reason: injected.reason });
      const between = injected.closed ? injected.last - 1 : injected.last;
      for (let j = i + 1; j <= between; j++)
        skipped.push({ line: j + 1, text: lines[j]!, reason: injected.reason });
      i = injected.last;
      run++;
      continue;
    }
    if (PREFIX.test(line)) {
      flush();
      pending = [line];
      pendingLine = i + 1;
      pendingChars = line.length;
      open = STDERR_OPENS.test(line) && !CONTEXT_STARTS.test(line);
    } else if (open && pendingChars < MAX_ENTRY_CHARS) {
      pending.push(line);
      pendingChars += line.length + 1;
      open = !CONTEXT_STARTS.test(line);
    } else if (line.trim() !== '') {
      flush();
      skipped.push({
        line: i + 1,
        text: line,
        reason: i === 0 ? 'starts inside an entry (the log was cut here)' : 'not an nginx error-log line',
      });
    }
  }
  flush();
  return { entries, skipped };
}

/** The error log's text → its entries, in order. Lines that are not nginx's are left out. */
export function parseErrorLog(text: string, file: string): ErrorLogEntry[] {
  return parseErrorLogDetailed(text, file).entries;
}
