// The streams a subcommand talks through, so tests can run commands in-process and read what they print.
import type { Readable } from 'node:stream';
import { parseArgs } from 'node:util';

export interface Output {
  write(text: string): unknown;
  /** True when the stream is a terminal (colour and progress lines only then). */
  isTTY?: boolean;
}

export interface CliIo {
  stdout: Output;
  stderr: Output;
  stdin: Readable;
  env: NodeJS.ProcessEnv;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

/** A mistake in how the command was called: printed as one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * `[--inventory FILE] [--help]`, the options of the long-running commands (bot, worker, doctor):
 * the inventory path, or undefined after printing the usage for --help. A bad option is a UsageError.
 */
export function inventoryOption(
  args: string[],
  usage: string,
  io: CliIo,
): { inventory?: string } | undefined {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: { inventory: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${usage}`);
  }
  if (values.help) {
    io.stdout.write(`${usage}\n`);
    return undefined;
  }
  return values.inventory === undefined ? {} : { inventory: values.inventory };
}
