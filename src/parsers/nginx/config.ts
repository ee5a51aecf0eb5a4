// A whole config: the main file and every file its `include` directives name, read through a
// `ConfigSource` (the disk, an `nginx -T` dump, a test's map), assembled into crossplane's payload.
//
// Like nginx (ngx_conf_include → ngx_conf_full_name) and crossplane, a relative include is resolved
// against the directory of the main config file, whichever file the include is written in; the path is
// joined, not normalized (`./conf.d/x.conf` stays as written, which is how nginx -T names it). A pattern
// with `*`, `?` or `[` may match nothing; a plain name must open, or it is an error at the include's line.
// Like crossplane, each file is parsed once, in the context of its first include, and appended to
// `config` in the order includes are met (main file first, then breadth-first).

import type {
  ConfigSource,
  FileError,
  NginxConfig,
  Payload,
  PayloadConfig,
  PayloadDirective,
} from '../../model/nginx-config.js';
import { compareBytes, compileGlob, hasMagic } from './glob.js';
import { type IncludeResult, parseFile, type ParseFileOptions } from './parser.js';
import { buildTree } from './resolve.js';

export interface ParseConfigOptions {
  /** Do not follow includes (crossplane's --single-file): `include` stays a plain directive. */
  single?: boolean;
}

/** Python's os.path.dirname, which crossplane uses for the include prefix. */
export function dirname(path: string): string {
  const i = path.lastIndexOf('/') + 1;
  let head = path.slice(0, i);
  if (head !== '' && head !== '/'.repeat(head.length)) head = head.replace(/\/+$/, '');
  return head;
}

/** Python's os.path.join for two parts (no normalization). */
export function joinPath(prefix: string, name: string): string {
  if (name.startsWith('/') || prefix === '') return name;
  return prefix.endsWith('/') ? prefix + name : `${prefix}/${name}`;
}

/** One file of a config as read: its name, its errors, and whether it could be read at all. */
export interface FileRead {
  file: string;
  errors: FileError[];
}

/**
 * Walks `main` and everything it includes, in crossplane's order, reading each file once through `source`
 * and handing its text to `parse` (with the include follower, and its index in `config`); a file that
 * cannot be read gets nginx's message and no `parse`. Returns every file in order, and the texts read.
 * What `parse` builds (payload objects, JSON bytes) is the caller's.
 */
export function walkConfig(
  main: string,
  source: ConfigSource,
  options: ParseConfigOptions,
  parse: (text: string, file: string, index: number, fileOptions: ParseFileOptions) => FileError[],
): { files: FileRead[]; sources: Map<string, string> } {
  const prefix = dirname(main);
  const queue: { file: string; ctx: string }[] = [{ file: main, ctx: '' }];
  const indexOf = new Map<string, number>([[main, 0]]);
  const sources = new Map<string, string>();
  const texts = new Map<string, ReturnType<ConfigSource['read']>>();
  const read = (path: string): ReturnType<ConfigSource['read']> => {
    let r = texts.get(path);
    if (!r) {
      r = source.read(path);
      texts.set(path, r);
      if ('text' in r) sources.set(path, r.text);
    }
    return r;
  };

  const onInclude = (pattern: string, ctx: string): IncludeResult => {
    const path = joinPath(prefix, pattern);
    let names: string[];
    if (hasMagic(path)) {
      names = source.glob(path);
    } else {
      const r = read(path);
      if ('error' in r) return { indices: [], error: r.error };
      names = [path];
    }
    const indices: number[] = [];
    for (const name of names) {
      let index = indexOf.get(name);
      if (index === undefined) {
        index = queue.length;
        indexOf.set(name, index);
        queue.push({ file: name, ctx });
      }
      indices.push(index);
    }
    return { indices };
  };

  const files: FileRead[] = [];
  for (let i = 0; i < queue.length; i++) {
    const { file, ctx } = queue[i]!;
    const r = read(file);
    const errors =
      'error' in r
        ? [{ error: r.error, line: null }]
        : parse(r.text, file, i, options.single ? { ctx } : { ctx, onInclude });
    files.push({ file, errors });
  }
  return { files, sources };
}

/** The payload's status and top-level error list of files read. */
export function payloadStatus(files: readonly FileRead[]): Pick<Payload, 'status' | 'errors'> {
  const errors: Payload['errors'] = [];
  for (const { file, errors: own } of files)
    for (const e of own) errors.push({ file, error: e.error, line: e.line });
  return { status: errors.length > 0 ? 'failed' : 'ok', errors };
}

/** Reads `main` and everything it includes from `source`. Pure given the source; never throws. */
export function parseConfig(
  main: string,
  source: ConfigSource,
  options: ParseConfigOptions = {},
): NginxConfig {
  const parsed: PayloadDirective[][] = [];
  const { files, sources } = walkConfig(main, source, options, (text, file, index, fileOptions) => {
    const result = parseFile(text, file, fileOptions);
    parsed[index] = result.parsed;
    return result.errors;
  });
  const config: PayloadConfig[] = files.map(({ file, errors }, i) => ({
    file,
    status: errors.length > 0 ? 'failed' : 'ok',
    errors,
    parsed: parsed[i] ?? [],
  }));
  const payload: Payload = { ...payloadStatus(files), config };
  return { payload, tree: buildTree(payload), sources };
}

/** A source over files held in memory (tests, `nginx -T` dumps): `glob` matches against the held names. */
export function memorySource(files: ReadonlyMap<string, string>): ConfigSource {
  return {
    read(path) {
      const text = files.get(path);
      return text === undefined
        ? { error: `open() "${path}" failed (2: No such file or directory)` }
        : { text };
    },
    glob(pattern) {
      return [...files.keys()].filter(compileGlob(pattern)).sort(compareBytes);
    },
  };
}
