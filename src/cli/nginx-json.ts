// `upstream-doctor nginx-json FILE|- [--indent N]`: an nginx config (includes followed) or `nginx -T`
// output, as the JSON payload `crossplane parse` prints. Exit 0 when it parsed cleanly, 1 when the
// payload carries parse errors (it is still printed), 2 for a usage or read error (one line on stderr).

import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import type { ConfigSource } from '../model/nginx-config.js';
import { diskSource } from '../parsers/nginx/disk.js';
import { isDump } from '../parsers/nginx/dump.js';
import { crossplaneJsonOf, crossplaneJsonOfDump } from '../parsers/nginx/json-stream.js';
import { type CliIo, readAll, UsageError } from './io.js';
import { visibleText } from '../text/visible.js';

export const NGINX_JSON_USAGE = `usage: upstream-doctor nginx-json FILE|- [--indent N]

Prints an nginx config as crossplane's JSON payload.
  FILE        nginx.conf (its includes are followed, relative to its directory),
              or saved \`nginx -T\` output (recognised by its "# configuration file" lines)
  -           read either from stdin (a config read from stdin resolves includes against
              the current directory)
  --indent N  indent the JSON by N spaces (default: compact, one line)

Exit status: 0 parsed, 1 parse errors (the payload is still printed), 2 usage or read error.`;

interface Options {
  input: string;
  indent?: number;
}

function parseArgs(args: string[]): Options | 'help' {
  let input: string | undefined;
  let indent: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--help' || arg === '-h') return 'help';
    let value: string | undefined;
    if (arg === '--indent' || arg === '-i') {
      value = args[++i];
      if (value === undefined) throw new UsageError(`${arg} needs a number`);
    } else if (arg.startsWith('--indent=')) {
      value = arg.slice('--indent='.length);
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(`unknown option ${arg}`);
    } else if (input === undefined) {
      input = arg;
      continue;
    } else {
      throw new UsageError(`one input only (got ${input} and ${arg})`);
    }
    if (!/^\d{1,3}$/.test(value))
      throw new UsageError(`--indent needs a whole number of spaces, not "${value}"`);
    indent = Number(value);
  }
  if (input === undefined) throw new UsageError('missing FILE (or - for stdin)');
  return indent === undefined ? { input } : { input, indent };
}

/** Why a file could not be read, in a few words. */
function readError(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}

/**
 * The disk, with the main file's text as already read (so it is read once). A config read from stdin is
 * the file "-": its relative includes resolve against the current directory.
 */
function diskWithMain(main: string, text: string): ConfigSource {
  return { read: (path) => (path === main ? { text } : diskSource.read(path)), glob: diskSource.glob };
}

/**
 * Writes the chunks in order. A real stream gets the bytes, one chunk at a time as it takes them (a reader
 * that has gone away ends the writing: the exit code says so, see exit.ts); a test's stand-in gets text,
 * which for this ASCII output is the same bytes.
 */
async function writeChunks(out: CliIo['stdout'], chunks: Uint8Array[]): Promise<void> {
  if (!(out instanceof Writable)) {
    for (const chunk of chunks)
      out.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length).toString('latin1'));
    return;
  }
  for (const chunk of chunks) {
    if (out.destroyed || out.writableEnded) return;
    if (out.write(chunk)) continue;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        out.off('drain', done);
        out.off('error', done);
        out.off('close', done);
        resolve();
      };
      out.on('drain', done);
      out.on('error', done);
      out.on('close', done);
    });
  }
}

export async function nginxJson(args: string[], io: CliIo): Promise<number> {
  const options = parseArgs(args);
  if (options === 'help') {
    io.stdout.write(`${NGINX_JSON_USAGE}\n`);
    return 0;
  }

  let text: string;
  if (options.input === '-') {
    text = await readAll(io.stdin);
  } else {
    try {
      text = readFileSync(options.input, 'utf8');
    } catch (err) {
      io.stderr.write(
        `upstream-doctor nginx-json: cannot read ${visibleText(options.input)}: ${visibleText(readError(err))}\n`,
      );
      return 2;
    }
  }
  // Straight to JSON bytes: no payload objects, no resolved tree (nginx-json prints neither).
  const json = isDump(text)
    ? crossplaneJsonOfDump(text, options)
    : crossplaneJsonOf(options.input, diskWithMain(options.input, text), options);
  await writeChunks(io.stdout, json.chunks);
  return json.status === 'ok' ? 0 : 1;
}
