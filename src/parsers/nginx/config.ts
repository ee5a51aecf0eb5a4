// A whole config: the main file and every file its `include` directives name, read through a
// `ConfigSource` (the disk, an `nginx -T` dump, a test's map), assembled into crossplane's payload.
//
// Like nginx (ngx_conf_include → ngx_conf_full_name) and crossplane, a relative include is resolved
// against the directory of the main config file, whichever file the include is written in; the path is
// joined, not normalized (`./conf.d/x.conf` stays as written, which is how nginx -T names it). A pattern
// with `*`, `?` or `[` may match nothing; a plain name must open, or it is an error at the include's line.
// Like crossplane, each file is parsed once, in the context of its first include, and appended to
// `config` in the order includes are met (main file first, then breadth-first).

import type { ConfigSource, NginxConfig, Payload, PayloadConfig } from '../../model/nginx-config.js';
import { compareBytes, compileGlob, hasMagic } from './glob.js';
import { type IncludeResult, parseFile } from './parser.js';
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

/** Reads `main` and everything it includes from `source`. Pure given the source; never throws. */
export function parseConfig(
  main: string,
  source: ConfigSource,
  options: ParseConfigOptions = {},
): NginxConfig {
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

  const payload: Payload = { status: 'ok', errors: [], config: [] };
  for (let i = 0; i < queue.length; i++) {
    const { file, ctx } = queue[i]!;
    const entry: PayloadConfig = { file, status: 'ok', errors: [], parsed: [] };
    const r = read(file);
    if ('error' in r) {
      entry.errors.push({ error: r.error, line: null });
    } else {
      const result = parseFile(r.text, file, options.single ? { ctx } : { ctx, onInclude });
      entry.parsed = result.parsed;
      entry.errors = result.errors;
    }
    if (entry.errors.length > 0) {
      entry.status = 'failed';
      payload.status = 'failed';
      for (const e of entry.errors) payload.errors.push({ file, error: e.error, line: e.line });
    }
    payload.config.push(entry);
  }

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
