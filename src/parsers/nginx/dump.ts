// `nginx -T` output: nginx writes, for every config file it read (each once, in the order it opened them),
// `# configuration file NAME:` LF, the file's bytes, LF (src/core/nginx.c). What comes before the first
// header is what nginx printed for -t on the same stream ("syntax is ok", warnings), kept as `preamble`.
// The main file is the first; includes are resolved against the files present in the dump.
//
// Limit: a config file containing a line that looks exactly like a header would be split there; nginx's
// output format leaves no way to tell.

import type { NginxConfig } from './ast.js';
import { memorySource, parseConfig, type ParseConfigOptions } from './config.js';

const HEADER_PREFIX = '# configuration file ';

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

function headerName(text: string, start: number, end: number): string | undefined {
  if (!text.startsWith(HEADER_PREFIX, start)) return undefined;
  if (end - start <= HEADER_PREFIX.length + 1 || text.charCodeAt(end - 1) !== 58 /* : */) return undefined;
  return text.slice(start + HEADER_PREFIX.length, end - 1);
}

/** Splits `nginx -T` output into nginx's messages and the files it dumped. */
export function splitDump(text: string): SplitDump {
  const headers: { name: string; lineStart: number; bodyStart: number }[] = [];
  let pos = 0;
  while (pos <= text.length) {
    let end = text.indexOf('\n', pos);
    if (end === -1) end = text.length;
    const name = headerName(text, pos, end);
    if (name !== undefined) headers.push({ name, lineStart: pos, bodyStart: Math.min(end + 1, text.length) });
    pos = end + 1;
  }
  const first = headers[0];
  const files: DumpFile[] = headers.map((h, i) => {
    const next = headers[i + 1];
    let body = text.slice(h.bodyStart, next ? next.lineStart : text.length);
    // nginx wrote one LF after the file's bytes.
    if (body.endsWith('\n')) body = body.slice(0, -1);
    return { file: h.name, text: body };
  });
  return { preamble: first ? text.slice(0, first.lineStart) : text, files };
}

/** Whether a text is `nginx -T` output rather than a config file: it has a `# configuration file …:` line. */
export function isDump(text: string): boolean {
  return /^# configuration file .+:$/m.test(text);
}

/** Parses `nginx -T` output: the first dumped file is the main one. Never throws. */
export function parseDump(text: string, options: ParseConfigOptions = {}): NginxConfig {
  const { preamble, files } = splitDump(text);
  const main = files[0];
  if (!main) {
    return {
      payload: {
        status: 'failed',
        errors: [{ file: '', error: 'no "# configuration file" header in nginx -T output', line: null }],
        config: [],
      },
      tree: [],
      sources: new Map(),
      preamble,
    };
  }
  const held = new Map<string, string>();
  for (const f of files) if (!held.has(f.file)) held.set(f.file, f.text);
  const config = parseConfig(main.file, memorySource(held), options);
  return { ...config, sources: held, preamble };
}
