// `nginx -T` output: nginx writes, for every config file it read (each once, in the order it opened them),
// `# configuration file NAME:` LF, the file's bytes, LF (src/analyze/nginx.c). What comes before the first
// header is what nginx printed for -t on the same stream ("syntax is ok", warnings), kept as `preamble`.
// The main file is the first; includes are resolved against the files present in the dump.
//
// Limit: a config file containing a line that looks exactly like a header would be split there; nginx's
// output format leaves no way to tell.

import type { NginxConfig, Payload } from '../../model/nginx-config.js';
import { memorySource, parseConfig, type ParseConfigOptions } from './config.js';

const HEADER_PREFIX = '# configuration file ';
const CR = 13;
const COLON = 58;

export interface DumpFile {
  /** The name nginx printed: the absolute path it opened. */
  file: string;
  /** The file's text, verbatim. */
  text: string;
}

export interface SplitDump {
  preamble: string;
  files: DumpFile[];
}

/** The file name in a header line (`text[start, end)`, without its LF), or undefined for any other line. */
function headerName(text: string, start: number, end: number): string | undefined {
  if (!text.startsWith(HEADER_PREFIX, start)) return undefined;
  // Output that went through a CRLF conversion (a paste from Windows) still counts.
  if (text.charCodeAt(end - 1) === CR) end--;
  if (end - start <= HEADER_PREFIX.length + 1 || text.charCodeAt(end - 1) !== COLON) return undefined;
  return text.slice(start + HEADER_PREFIX.length, end - 1);
}

/** Splits `nginx -T` output into nginx's messages and the files it dumped. */
export function splitDump(text: string): SplitDump {
  const headers: { name: string; lineStart: number; bodyStart: number; crlf: boolean }[] = [];
  let pos = 0;
  while (pos <= text.length) {
    let end = text.indexOf('\n', pos);
    if (end === -1) end = text.length;
    const name = headerName(text, pos, end);
    if (name !== undefined) {
      const crlf = text.charCodeAt(end - 1) === CR;
      headers.push({ name, lineStart: pos, bodyStart: Math.min(end + 1, text.length), crlf });
    }
    pos = end + 1;
  }
  const first = headers[0];
  const files: DumpFile[] = headers.map((h, i) => {
    const next = headers[i + 1];
    let body = text.slice(h.bodyStart, next ? next.lineStart : text.length);
    // nginx wrote one LF after the file's bytes (a CRLF conversion made it CR LF).
    if (h.crlf && body.endsWith('\r\n')) body = body.slice(0, -2);
    else if (body.endsWith('\n')) body = body.slice(0, -1);
    return { file: h.name, text: body };
  });
  return { preamble: first ? text.slice(0, first.lineStart) : text, files };
}

/** Whether a text is `nginx -T` output rather than a config file: it has a `# configuration file …:` line. */
export function isDump(text: string): boolean {
  return /^# configuration file .+:\r?$/m.test(text);
}

/** The dumped files by name; nginx dumps each once, and of a name seen twice the first text counts. */
export function heldFiles(files: readonly DumpFile[]): Map<string, string> {
  const held = new Map<string, string>();
  for (const f of files) if (!held.has(f.file)) held.set(f.file, f.text);
  return held;
}

/** The payload of `nginx -T` output without a single file header: one error, no file. */
export function headerlessPayload(): Payload {
  return {
    status: 'failed',
    errors: [{ file: '', error: 'no "# configuration file" header in nginx -T output', line: null }],
    config: [],
  };
}

/** Parses `nginx -T` output: the first dumped file is the main one. Never throws. */
export function parseDump(text: string, options: ParseConfigOptions = {}): NginxConfig {
  const { preamble, files } = splitDump(text);
  const main = files[0];
  if (!main) return { payload: headerlessPayload(), tree: [], sources: new Map(), preamble };
  const held = heldFiles(files);
  const config = parseConfig(main.file, memorySource(held), options);
  return { ...config, sources: held, preamble };
}
