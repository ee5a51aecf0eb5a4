// The TCP socket an SSH connection runs over, sending what one turn of the event loop wrote in one go.
// ssh2 writes every packet on its own (a channel's open, its exec, its EOF, its close; a round of commands
// opens several channels at once), and each write was a TCP segment of its own that woke the host's sshd:
// 65 writes for one diagnosis where OpenSSH, which flushes its buffer once per loop, makes 13 for the same
// commands (issue 16). Corked until the current tick's callbacks and promises have run, the packets leave
// together (one writev); nothing waits longer than that.
import { Socket } from 'node:net';

type WriteCallback = (err?: Error | null) => void;
type Write = (
  chunk: Uint8Array | string,
  encoding?: BufferEncoding | WriteCallback,
  cb?: WriteCallback,
) => boolean;

/** A connection to host:port whose writes of one tick leave together (ssh2 waits for its 'connect'). */
export function connectTickBatched(host: string, port: number): Socket {
  const socket = new Socket();
  // ssh2 listens on the socket once per channel request, as on the sockets it makes itself.
  socket.setMaxListeners(0);
  socket.connect({ host, port });
  // Wrapped after connect(), which puts Socket.prototype.write back on the instance.
  const write = socket.write.bind(socket) as Write;
  let corked = false;
  const batched: Write = (chunk, encoding, cb) => {
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(() => {
        corked = false;
        socket.uncork();
      });
    }
    return write(chunk, encoding, cb);
  };
  socket.write = batched as Socket['write'];
  return socket;
}
