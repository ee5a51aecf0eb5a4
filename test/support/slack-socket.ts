// A stand-in for Slack's Socket Mode endpoint: a WebSocket server on 127.0.0.1 (RFC 6455 handshake and
// framing, written out here: the project has no WebSocket server library) that greets each connection with
// `hello` like Slack, delivers envelopes (slash_commands, interactive) and records what the app sends back
// (acks carry the envelope_id). Hand `url` to the Web API stand-in's apps.connections.open.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export type Envelope = Record<string, unknown>;

export class SocketModeStandIn {
  /** Every JSON message the app sent, in order. */
  readonly received: Envelope[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly waiters: { test: () => boolean; resolve: () => void }[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<SocketModeStandIn> {
    const server = createServer((_req, res) => res.writeHead(426).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const standIn = new SocketModeStandIn(server, `ws://127.0.0.1:${port}/link/?ticket=stand-in`);
    server.on('upgrade', (req, socket: Socket) =>
      standIn.accept(String(req.headers['sec-websocket-key']), socket),
    );
    return standIn;
  }

  get connections(): number {
    return this.sockets.size;
  }

  /** Sends one envelope to every connected app. */
  send(envelope: Envelope): void {
    for (const socket of this.sockets) socket.write(frame(0x1, Buffer.from(JSON.stringify(envelope))));
  }

  /** A slash command as Slack delivers it over Socket Mode. */
  sendSlashCommand(envelopeId: string, fields: Record<string, string>): void {
    this.send({
      envelope_id: envelopeId,
      type: 'slash_commands',
      accepts_response_payload: true,
      payload: fields,
    });
  }

  waitFor(test: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`Socket Mode stand-in: no ${what} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        test,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(key: string, socket: Socket): void {
    const accept = createHash('sha1')
      .update(key + GUID)
      .digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => this.sockets.delete(socket));
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const parsed = readFrame(buffered);
        if (!parsed) break;
        buffered = buffered.subarray(parsed.length);
        this.onFrame(socket, parsed.opcode, parsed.payload);
      }
    });
    socket.write(
      frame(
        0x1,
        Buffer.from(
          JSON.stringify({
            type: 'hello',
            num_connections: 1,
            debug_info: { host: 'stand-in', approximate_connection_time: 18060 },
            connection_info: { app_id: 'A0UPSTREAM' },
          }),
        ),
      ),
    );
  }

  private onFrame(socket: Socket, opcode: number, payload: Buffer): void {
    if (opcode === 0x9) socket.write(frame(0xa, payload));
    else if (opcode === 0x8) {
      socket.end(frame(0x8, payload.subarray(0, 2)));
    } else if (opcode === 0x1) {
      try {
        this.received.push(JSON.parse(payload.toString('utf8')) as Envelope);
      } catch {
        this.received.push({ unparsed: payload.toString('utf8') });
      }
      for (const w of [...this.waiters])
        if (w.test()) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve();
        }
    }
  }
}

/** One unmasked frame (servers never mask). */
function frame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const head =
    len < 126
      ? Buffer.from([0x80 | opcode, len])
      : len < 65536
        ? Buffer.from([0x80 | opcode, 126, len >> 8, len & 0xff])
        : Buffer.concat([Buffer.from([0x80 | opcode, 127]), bigLength(len)]);
  return Buffer.concat([head, payload]);
}

function bigLength(len: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(len));
  return b;
}

/** The first complete frame in `buf` (clients always mask), or undefined when more bytes are needed. */
function readFrame(buf: Buffer): { opcode: number; payload: Buffer; length: number } | undefined {
  if (buf.length < 2) return undefined;
  const opcode = buf[0]! & 0x0f;
  const masked = (buf[1]! & 0x80) !== 0;
  let len = buf[1]! & 0x7f;
  let offset = 2;
  if (len === 126) {
    if (buf.length < 4) return undefined;
    len = buf.readUInt16BE(2);
    offset = 4;
  } else if (len === 127) {
    if (buf.length < 10) return undefined;
    len = Number(buf.readBigUInt64BE(2));
    offset = 10;
  }
  const maskLength = masked ? 4 : 0;
  if (buf.length < offset + maskLength + len) return undefined;
  const mask = buf.subarray(offset, offset + maskLength);
  const payload = Buffer.from(buf.subarray(offset + maskLength, offset + maskLength + len));
  if (masked) for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
  return { opcode, payload, length: offset + maskLength + len };
}
