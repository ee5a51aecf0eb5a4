// Writes src/parsers/nginx/directive-table.ts, the place, block and argument count of every directive of
// nginx's own modules, from a checkout of nginx's source. The parser needs that table to report a misplaced
// or mis-shaped directive as nginx does (`"set" directive is not allowed here`); typed by hand it went stale
// (it lacked `set` in stream servers, which nginx has had since 1.19.3), so it is read from the module
// tables themselves: every `ngx_command_t x[] = { { ngx_string("name"), FLAGS, … }, … ngx_null_command }`
// in src/core, src/event, src/http, src/stream and src/mail, with the module each array belongs to and the
// version in src/core/nginx.h. Run by hand when nginx releases; the generated data is committed, nginx's
// code is not.
//
//   npx tsx scripts/directives-from-source.ts NGINX_SRC_DIR COMMIT [OUT_FILE]
//
// COMMIT is the commit the tree was taken from (a tarball has no git metadata). Exit 0: written;
// 1: the source has a flag or shape this project does not know (the message says which); 2: usage.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { NGINX_FLAGS } from '../src/parsers/nginx/nginx-flags.js';

const MODULE_DIRS = ['src/core', 'src/event', 'src/http', 'src/stream', 'src/mail'];
const DEFAULT_OUT = 'src/parsers/nginx/directive-table.ts';

interface Command {
  name: string;
  module: string;
  flags: string[];
}

function cFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return cFiles(path);
      return entry.name.endsWith('.c') ? [path] : [];
    })
    .sort();
}

/** C comments out; nothing in a command table hides `/*` in a string. */
function withoutComments(c: string): string {
  return c.replace(/\/\*[\s\S]*?\*\//g, ' ');
}

/** commands-array name → module name, from `ngx_module_t m = { NGX_MODULE_V1, &ctx, commands, TYPE, …`. */
function modulesOf(c: string): Map<string, string> {
  const byArray = new Map<string, string>();
  const MODULE = /ngx_module_t\s+(\w+)\s*=\s*\{\s*NGX_MODULE_V1\s*,\s*[^,]+,\s*(\w+)\s*,/g;
  for (const m of c.matchAll(MODULE)) byArray.set(m[2]!, m[1]!);
  return byArray;
}

function commandsOf(c: string, file: string): Command[] {
  const modules = modulesOf(c);
  const commands: Command[] = [];
  const ARRAY = /ngx_command_t\s+(\w+)\s*\[\s*\]\s*=\s*\{([\s\S]*?)ngx_null_command/g;
  for (const array of c.matchAll(ARRAY)) {
    const module = modules.get(array[1]!);
    if (module === undefined) throw new Error(`${file}: no ngx_module_t lists the commands ${array[1]}`);
    const ENTRY = /\{\s*ngx_string\("([^"\\]+)"\)\s*,\s*([A-Z0-9_|\s]+?)\s*,/g;
    let read = 0;
    for (const entry of array[2]!.matchAll(ENTRY)) {
      read++;
      const flags = entry[2]!.split('|').map((f) => f.trim());
      for (const flag of flags) {
        if (!NGINX_FLAGS.has(flag))
          throw new Error(`${file}: "${entry[1]}" has the flag ${flag}, unknown here`);
      }
      commands.push({ name: entry[1]!, module, flags });
    }
    const entries = array[2]!.match(/ngx_string\(/g)?.length ?? 0;
    if (entries !== read) throw new Error(`${file}: read ${read} of the ${entries} commands of ${array[1]}`);
  }
  return commands;
}

/**
 * nginx gives a directive to the first module (in build order) that declares it for the context at hand.
 * No two commands of one name share a context today, so the order of the source files does; if a new
 * nginx makes two share one, the table cannot say which wins without the build order: stop and look.
 */
function checkNoSharedContext(commands: Command[]): void {
  const owner = new Map<string, string>();
  for (const c of commands) {
    for (const ctx of c.flags.flatMap((f) => NGINX_FLAGS.get(f)?.contexts ?? [])) {
      const key = `"${c.name}" in "${ctx}"`;
      const first = owner.get(key);
      if (first !== undefined) throw new Error(`${key} is declared by both ${first} and ${c.module}`);
      owner.set(key, c.module);
    }
  }
}

/** The composite argument flags (NGX_CONF_TAKE12 …) must mean what NGINX_FLAGS says they mean. */
function checkComposites(header: string): void {
  const DEFINE = /#define\s+(NGX_CONF_TAKE\d{2,})\s+\(([^)]*)\)/g;
  for (const m of header.matchAll(DEFINE)) {
    const parts = m[2]!
      .split('|')
      .map((p) => p.replace(/\\/g, '').trim())
      .map((p) => NGINX_FLAGS.get(p)?.takes ?? []);
    const ours = NGINX_FLAGS.get(m[1]!)?.takes;
    if (ours === undefined || ours.join() !== parts.flat().sort().join())
      throw new Error(`ngx_conf_file.h: ${m[1]} is (${m[2]}), not what NGINX_FLAGS says`);
  }
}

function versionOf(root: string): string {
  const m = /#define\s+NGINX_VERSION\s+"([^"]+)"/.exec(readFileSync(join(root, 'src/core/nginx.h'), 'utf8'));
  if (!m) throw new Error('src/core/nginx.h: no NGINX_VERSION');
  return m[1]!;
}

function render(version: string, commit: string, commands: Command[]): string {
  const rows = commands.map((c) => `  [${JSON.stringify(c.name)}, '${c.module}', '${c.flags.join('|')}'],`);
  return `// Generated by scripts/directives-from-source.ts from nginx ${version}, do not edit:
// commit ${commit}.
// Every ngx_command_t of nginx's core, event, http, stream and mail modules as the source declares it: the
// directive, its module, and its type flags (where it may stand, whether it opens a block, how many
// arguments it takes). directives.ts reads them; re-run the script on a newer nginx to refresh them.

export const NGINX_SOURCE = { version: '${version}', commit: '${commit}' } as const;

/** [directive, module, type flags], in the order of the source files and of each module's table. */
export const NGINX_COMMANDS: readonly (readonly [string, string, string])[] = [
${rows.join('\n')}
];
`;
}

async function main(argv: string[]): Promise<number> {
  const [root, commit, out = DEFAULT_OUT] = argv;
  if (root === undefined || commit === undefined || !/^[0-9a-f]{40}$/.test(commit)) {
    console.error('usage: directives-from-source.ts NGINX_SRC_DIR COMMIT(40 hex) [OUT_FILE]');
    return 2;
  }
  try {
    checkComposites(readFileSync(join(root, 'src/core/ngx_conf_file.h'), 'utf8'));
    const commands = MODULE_DIRS.flatMap((dir) =>
      cFiles(join(root, dir)).flatMap((file) =>
        commandsOf(withoutComments(readFileSync(file, 'utf8')), relative(root, file)),
      ),
    );
    checkNoSharedContext(commands);
    const text = render(versionOf(root), commit, commands);
    const options = (await resolveConfig(out)) ?? {};
    writeFileSync(out, await format(text, { ...options, filepath: out }));
    console.log(`${out}: ${commands.length} commands of nginx ${versionOf(root)}`);
    return 0;
  } catch (e) {
    console.error(`directives-from-source: ${(e as Error).message}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
