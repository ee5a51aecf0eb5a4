// The nginx config parser: lexer and parser after nginx's own (ngx_conf_file.c), include following over
// the disk or an `nginx -T` dump, crossplane's JSON payload, and a resolved tree for the analyzer.
//
//   parseConfigFile(path)            a config tree on disk            → NginxConfig
//   parseDump(nginxTOutput)          `nginx -T` output                 → NginxConfig
//   parseConfig(main, source)        any ConfigSource (pure)           → NginxConfig
//   parseFile(text, file)            one file, includes not followed   → { parsed, errors }
//   toCrossplaneJson(payload, n?)    what `crossplane parse` prints
//   walk / findAll / enclosing / children / ancestors over NginxConfig.tree

export type {
  ConfigNode,
  ConfigSource,
  FileError,
  NginxConfig,
  Payload,
  PayloadConfig,
  PayloadDirective,
  PayloadError,
} from '../../model/nginx-config.js';
export { parseConfig, memorySource, type ParseConfigOptions } from './config.js';
export { parseConfigFile, diskSource } from './disk.js';
export { parseDump, splitDump, isDump, type DumpFile, type SplitDump } from './dump.js';
export { parseFile, type ParseFileOptions, type ParsedFile } from './parser.js';
export { lex, nginxValue, type Token, type TokenKind } from './lexer.js';
export { buildTree, walk, findAll, enclosing, children, ancestors } from './resolve.js';
export { toCrossplaneJson } from './json.js';
