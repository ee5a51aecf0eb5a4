// The `upstream-doctor` command: one dispatcher, one module per subcommand.
// Every subcommand returns its exit code; errors the user can fix are one line on stderr, never a stack trace.
import { readFileSync } from 'node:fs';
import { type CliIo, processIo, UsageError } from './io.js';
import { visibleLines, visibleText } from '../text/visible.js';

export const USAGE = `usage: upstream-doctor <command> [options]

commands:
  diagnose HOST… [--inventory F] [--json] [--local]   why does nginx answer 502 on these hosts?
  nginx-json FILE|- [--indent N]                        nginx config or \`nginx -T\` output as crossplane JSON
  worker                                                work on the diagnose and remediate queues (Redis)
  bot                                                   the Slack bot: /502 HOST answers in a thread
  start                                                 the bot and a worker in one process (npm start)
  demo [--scenario ID] [--json] [--list]                a throwaway fake host with a broken nginx, diagnosed (root)
  doctor [--inventory F]                                check Redis, Slack, the inventory, SSH and sudo; say what to fix
  audit [--host H] [--diff] [--steps] [--json] [--redis] the remediation audit trail (AUDIT_LOG)
  sudoers USER [--diagnose-only]                        the sudo rules a non-root SSH user needs
  help                                                  this text

Run \`upstream-doctor <command> --help\` for a command's options.`;

type Command = (args: string[], io: CliIo) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  diagnose: async () => (await import('./diagnose.js')).diagnose,
  'nginx-json': async () => (await import('./nginx-json.js')).nginxJson,
  worker: async () => (await import('./worker.js')).worker,
  bot: async () => (await import('./bot.js')).bot,
  start: async () => (await import('./start.js')).start,
  demo: async () => (await import('./demo.js')).demo,
  doctor: async () => (await import('./doctor.js')).doctor,
  audit: async () => (await import('./audit.js')).audit,
  sudoers: async () => (await import('./sudoers.js')).sudoers,
};

/** Our package.json's version: the nearest package.json above this module (tsc's dist/src/cli/, the bundle's dist/bundle/). */
function version(): string {
  for (let dir = new URL('.', import.meta.url); ; dir = new URL('..', dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as {
        name?: string;
        version: string;
      };
      if (pkg.name === 'upstream-doctor') return pkg.version;
    } catch {
      // no package.json here: look further up
    }
    if (dir.pathname === '/') return 'unknown';
  }
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(`${USAGE}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    io.stdout.write(`${version()}\n`);
    return 0;
  }
  const load = commands[name];
  if (!load) {
    io.stderr.write(`upstream-doctor: unknown command '${visibleText(name)}'\n${USAGE}\n`);
    return 2;
  }
  try {
    return await (
      await load()
    )(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      // The message may quote an argument (or a file's text): shown escaped.
      io.stderr.write(`upstream-doctor ${name}: ${visibleLines(err.message)}\n`);
      return 2;
    }
    throw err;
  }
}
