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
//   dns         a DNS server on UDP, answering A records from `records` and NXDOMAIN for every other
//               name, for nginx's per-request resolver  → "… could not be resolved (3: Host not found)"
//               (the lab has no way out, so nothing else answers DNS)
//   h2c         HTTP/2 without TLS, answering as a gRPC server does (grpc_pass's healthy backend)
//   (any)       bytes that cannot start a request (a TLS ClientHello) → 400, as real HTTP servers answer
// With `tls` (certificate and key files), any of the HTTP/1 behaviours is served over TLS instead.
import { createSocket } from 'node:dgram';
import { chmodSync, chownSync, existsSync, lstatSync, readFileSync, unlinkSync } from 'node:fs';
import { createServer as createH2cServer } from 'node:http2';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';

export type BackendBehaviour = 'ok' | 'close' | 'reset' | 'slow' | 'big-header' | 'non-http' | 'dns' | 'h2c';

export type BackendListen =
  | { host: string; port: number; ipv6Only?: boolean }
  | { path: string; mode?: number; uid?: number; gid?: number };

export interface BackendServerConfig {
  name: string;
  listen: BackendListen;
  behaviour: BackendBehaviour;
  delayMs?: number;
  headerBytes?: number;
  /** For "dns": lower-case name → the IPv4 address it answers. */
  records?: Record<string, string>;
  /** Serve over TLS with this certificate and key (PEM files, paths as the backend sees them). */
  tls?: { cert: string; key: string };
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
    case 'dns': // on TCP: not a DNS server's answer either
      socket.end('this is not HTTP, it is a lab backend speaking nonsense\r\n');
      return;
    case 'h2c': // served by h2cServer, never by this HTTP/1 answer
      return;
  }
}

const DNS_MAX_QUERY = 512;
const TYPE_A = 1;

/**
 * The answer to one DNS query (RFC 1035 §4.1): A records from `records` (no record of another type, as
 * a zone with only A records), NXDOMAIN for names it does not know; undefined for what is not a query.
 */
export function dnsAnswer(query: Buffer, records: Record<string, string>): Buffer | undefined {
  if (query.length < 12 || query.length > DNS_MAX_QUERY || query.readUInt16BE(4) !== 1) return undefined;
  const labels: string[] = [];
  let at = 12;
  for (let len = query[at]; len !== 0; len = query[at]) {
    if (len === undefined || len > 63 || at + 1 + len >= query.length) return undefined;
    labels.push(query.toString('latin1', at + 1, at + 1 + len));
    at += 1 + len;
  }
  const end = at + 5; // the root label, QTYPE, QCLASS
  if (end > query.length) return undefined;
  const address = records[labels.join('.').toLowerCase()];
  const answers = address !== undefined && query.readUInt16BE(at + 1) === TYPE_A ? [address] : [];
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0);
  // QR, AA, RD as asked, RA; RCODE 3 (NXDOMAIN) for an unknown name.
  header.writeUInt16BE(0x8480 | (query.readUInt16BE(2) & 0x0100) | (address === undefined ? 3 : 0), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  const answerRecords = answers.map((a) => {
    const rr = Buffer.alloc(16);
    rr.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
    rr.writeUInt16BE(TYPE_A, 2);
    rr.writeUInt16BE(1, 4); // IN
    rr.writeUInt32BE(30, 6); // TTL
    rr.writeUInt16BE(4, 10);
    a.split('.').forEach((octet, i) => rr.writeUInt8(Number(octet) & 0xff, 12 + i));
    return rr;
  });
  return Buffer.concat([header, query.subarray(12, end), ...answerRecords]);
}

function serveDns(config: BackendServerConfig, listen: { host: string; port: number }): void {
  const socket = createSocket(listen.host.includes(':') ? 'udp6' : 'udp4');
  socket.on('message', (query, peer) => {
    const answer = dnsAnswer(query, config.records ?? {});
    if (answer) socket.send(answer, peer.port, peer.address);
  });
  socket.on('error', (e) => {
    process.stderr.write(`backend ${config.name}: ${e.message}\n`);
    process.exit(1);
  });
  socket.bind(listen.port, listen.host, () => process.stdout.write('ready\n'));
}

/** An HTTP/2 (cleartext) server answering every stream as a gRPC server would: 200, then grpc-status 0. */
function h2cServer(config: BackendServerConfig): Server {
  const server = createH2cServer();
  server.on('stream', (stream) => {
    stream.on('error', () => undefined);
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    stream.end(`hello from ${config.name}\n`);
  });
  return server;
}

function serve(config: BackendServerConfig): void {
  if (config.behaviour === 'dns' && !('path' in config.listen)) return serveDns(config, config.listen);
  const onConnection = (socket: Socket): void => {
    socket.on('error', () => undefined);
    let head = '';
    let answered = false;
    socket.on('data', (chunk: Buffer) => {
      if (answered) return;
      head += chunk.toString('latin1');
      // Bytes that cannot start a request line (a TLS ClientHello) get a 400 at once, as real HTTP servers
      // answer them: what nginx then reads as a TLS record is "wrong version number".
      if (!/^[A-Z]/.test(head)) {
        answered = true;
        socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
        return;
      }
      // Answer once the request head is complete (nginx sends bodies after it; they are ignored).
      if (head.includes('\r\n\r\n') || head.length > 65_536) {
        answered = true;
        respond(socket, config);
      }
    });
  };
  const server: Server =
    config.behaviour === 'h2c'
      ? h2cServer(config)
      : config.tls
        ? createTlsServer(
            { cert: readFileSync(config.tls.cert), key: readFileSync(config.tls.key) },
            onConnection,
          )
        : createServer(onConnection);
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
