// The shapes the nginx config parser produces.
//
// Two views of one parse:
// - the crossplane payload (`Payload`): per file, the directives as written, `include` directives keep
//   their place and point at other files by index. Its JSON is what `crossplane parse` prints, so tools
//   built for crossplane can read ours.
// - the resolved tree (`ConfigNode`): what nginx actually assembles, with every `include` replaced by the
//   directives of the files it names, each directive knowing its file, line and enclosing blocks. This is
//   what the analyzer walks to find `proxy_pass`, `upstream`, `server`, `listen`, `resolver`, …

/** One directive in crossplane's payload. Key order matters for byte-equal JSON: directive, line, args, includes, block. */
export interface PayloadDirective {
  directive: string;
  /** 1-based line of the directive's name. */
  line: number;
  /**
   * Arguments as crossplane gives them: quotes removed, an escaped quote of the same kind unescaped
   * (`"a\"b"` → `a"b`), every other backslash escape kept verbatim (`\n`, `\\`, `\$`). `nginxValue()`
   * turns such an argument into the exact bytes nginx uses.
   */
  args: string[];
  /** For `include`: indices into `Payload.config` of the files it names (absent when includes are not followed). */
  includes?: number[];
  /** For block directives (`http`, `server`, `location`, …): the directives inside the braces. */
  block?: PayloadDirective[];
}

export interface FileError {
  error: string;
  /** null when the error is not tied to a line (crossplane's convention). */
  line: number | null;
}

/** One file of the payload. `config[0]` is the main file; the others follow in the order includes found them. */
export interface PayloadConfig {
  file: string;
  status: 'ok' | 'failed';
  errors: FileError[];
  parsed: PayloadDirective[];
}

export interface PayloadError {
  file: string;
  /** nginx's wording plus " in FILE:LINE", e.g. `unexpected "}" in /etc/nginx/nginx.conf:12`. */
  error: string;
  line: number | null;
}

/** crossplane's `parse` payload. */
export interface Payload {
  status: 'ok' | 'failed';
  errors: PayloadError[];
  config: PayloadConfig[];
}

/**
 * A directive in the resolved tree. `include` directives are gone: the included files' directives stand
 * in their place (a file included twice appears twice, under each includer, as nginx reads it twice).
 * Structurally compatible with `ConfigNode` in src/read/upstreams.ts.
 */
export interface ConfigNode {
  directive: string;
  args: string[];
  /** The file this directive is written in, as named in the payload (absolute for `nginx -T`). */
  file: string;
  line: number;
  /** Children of a block directive; undefined for a simple directive (an empty block is `[]`). */
  block?: ConfigNode[];
  /**
   * The enclosing block directive (`location` → `server` → `http`); undefined in the main context.
   * Makes the tree cyclic: serialize the payload, not the tree.
   */
  parent?: ConfigNode;
}

/** Everything one parse gives: the payload, the resolved tree, and the exact text of each file. */
export interface NginxConfig {
  payload: Payload;
  tree: ConfigNode[];
  /** File name (as in the payload) → its text, verbatim. Edits quote and replace whole lines from here. */
  sources: Map<string, string>;
  /** `nginx -T` only: what nginx printed before the first `# configuration file` header (its -t messages). */
  preamble?: string;
}

/** Where the include-following reader gets files from: the disk, an `nginx -T` dump, or a test's map. */
export interface ConfigSource {
  /** The file's text, or nginx's message for why it cannot be opened. */
  read(path: string): { text: string } | { error: string };
  /** Paths matching a glob pattern (`*`, `?`, `[…]`), sorted as glob(3) sorts them (byte order). */
  glob(pattern: string): string[];
}
