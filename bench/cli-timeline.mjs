// Preloaded into the CLI by bench/diagnose.ts (NODE_OPTIONS=--import, which its worker threads inherit):
// appends to $UD_BENCH_TIMELINE when the process started, when a thread started, each first write to a
// socket (a byte out to SSH) and each read from one, and the exit, as epoch milliseconds. Bench only.
import { appendFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { isMainThread } from 'node:worker_threads';

const file = process.env.UD_BENCH_TIMELINE;
if (file) {
  const now = () => (performance.timeOrigin + performance.now()).toFixed(2);
  const mark = (kind, at = now()) => appendFileSync(file, `${kind} ${at}\n`);
  if (isMainThread) {
    mark('start', performance.timeOrigin.toFixed(2));
    process.on('exit', () => mark('exit'));
  } else mark('thread');
  const stdio = (socket) =>
    socket === process.stdout || socket === process.stderr || socket === process.stdin;
  const write = Socket.prototype.write;
  let wrote = false;
  Socket.prototype.write = function (...args) {
    if (!wrote && !stdio(this)) {
      wrote = true;
      mark('out');
    }
    return write.apply(this, args);
  };
  const emit = Socket.prototype.emit;
  Socket.prototype.emit = function (event, ...args) {
    if (event === 'data' && !stdio(this)) mark('in');
    return emit.call(this, event, ...args);
  };
}
