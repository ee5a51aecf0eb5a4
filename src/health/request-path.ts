// The path of an HTTP request, for routing. Never `new URL(req.url, base)`: Node's parser accepts request
// targets that URL rejects (`POST http://[ HTTP/1.1`), and a throw inside a request listener takes the
// whole process down, so one packet from anyone who reaches the port would stop the bot. Splitting at '?'
// cannot throw, and a target that is not a plain path simply matches no route.
import type { IncomingMessage } from 'node:http';

export function requestPath(req: IncomingMessage): string {
  const target = req.url ?? '/';
  const end = target.indexOf('?');
  return end === -1 ? target : target.slice(0, end);
}
