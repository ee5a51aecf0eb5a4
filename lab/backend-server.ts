// A small upstream for lab hosts, run as its own process: `node backend-server.mjs '<json config>'`.
// Self-contained on purpose (node: built-ins only): the lab copies it next to the lab's files, where
// every lab host can read it, whatever user it runs as.
//
// Behaviours, each provoking one way nginx reports a broken upstream:
//   ok          200 "hello from <name>"
//   close       reads the request, closes without a byte   → "upstream prematurely closed connection"
//   reset       reads the request, answers with a TCP RST   → "recv() failed (104: Connection reset by peer)"
//   slow        answers after delayMs                        → "upstream timed out … while reading response header"
//   big-header  a response header of headerBytes            → "upstream sent too big header"
//   non-http    answers bytes that are not HTTP              → "upstream sent no valid HTTP/1.0 header"
import { chmodSync, chownSync, existsSync, lstatSync, unlinkSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';

export type BackendBehaviour = 'ok' | 'close' | 'reset' | 'slow' | 'big-header' | 'non-http';

export type BackendListen =
  | { host: string; port: number; ipv6Only?: boolean }
  | { path: string; mode?: number; uid?: number; gid?: number };

export interface BackendServerConfig {
  name: string;
  listen: BackendListen;
  behaviour: BackendBehaviour;
  delayMs?: number;
  headerBytes?: number;
}

function respond(socket: Socket, config: BackendServerConfig): void {
  const body = `hello from ${config.name}\n`;
  const ok = (extraHeaders: string): string =>
    `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
    `Connection: close\r\n${extraHeaders}\r\n${body}`;
  switch (config.behaviour) {
    case 'ok':
      socket.end(ok(''));
      return;
    case 'close':
      socket.end();
      return;
    case 'reset':
      socket.resetAndDestroy();
      return;
    case 'slow':
      setTimeout(() => {
        if (!socket.destroyed) socket.end(ok(''));
      }, config.delayMs ?? 30_000);
      return;
    case 'big-header':
      socket.end(ok(`X-Padding: ${'x'.repeat(config.headerBytes ?? 32_768)}\r\n`));
      return;
    case 'non-http':
      socket.end('this is not HTTP, it is a lab backend speaking nonsense\r\n');
      return;
  }
}

function serve(config: BackendServerConfig): void {
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    let head = '';
    let answered = false;
    socket.on('data', (chunk: Buffer) => {
      if (answered) return;
      head += chunk.toString('latin1');
      // Answer once the request head is complete (nginx sends bodies after it; they are ignored).
      if (head.includes('\r\n\r\n') || head.length > 65_536) {
        answered = true;
        respond(socket, config);
      }
    });
  });
  server.on('error', (e) => {
    process.stderr.write(`backend ${config.name}: ${e.message}\n`);
    process.exit(1);
  });
  const listen = config.listen;
  if ('path' in listen) {
    // A socket file left by an earlier, killed backend would make listen() fail with EADDRINUSE.
    if (existsSync(listen.path) && lstatSync(listen.path).isSocket()) unlinkSync(listen.path);
    server.listen(listen.path, () => {
      if (listen.mode !== undefined) chmodSync(listen.path, listen.mode);
      if (listen.uid !== undefined || listen.gid !== undefined)
        chownSync(listen.path, listen.uid ?? -1, listen.gid ?? -1);
      process.stdout.write('ready\n');
    });
  } else {
    // On "::" the socket is dual-stack (ss prints "*:port") unless ipv6Only asks otherwise.
    server.listen({ host: listen.host, port: listen.port, ipv6Only: listen.ipv6Only ?? false }, () => {
      process.stdout.write('ready\n');
    });
  }
}

/** The JSON config from argv, or an explanation of what is wrong with it. */
export function parseConfig(arg: string | undefined): BackendServerConfig | string {
  if (arg === undefined) return 'usage: backend-server <json config>';
  try {
    const value = JSON.parse(arg) as BackendServerConfig;
    if (
      typeof value.name !== 'string' ||
      typeof value.listen !== 'object' ||
      typeof value.behaviour !== 'string'
    ) {
      return 'config needs name, listen and behaviour';
    }
    return value;
  } catch (e) {
    return `config is not JSON: ${(e as Error).message}`;
  }
}

// Run only as a program, not when imported for its types or parseConfig.
if (process.argv[1] !== undefined && /backend-server[^/]*\.(?:m?js|ts)$/.test(process.argv[1])) {
  const config = parseConfig(process.argv[2]);
  if (typeof config === 'string') {
    process.stderr.write(`${config}\n`);
    process.exit(2);
  }
  serve(config);
}
