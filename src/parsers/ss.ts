// Listening sockets from iproute2's `ss`: `ss -Htlnp` (TCP) and `ss -Hxlp` (unix). Pure functions of the
// text; lines that are not a listener (a header, a warning, garbage) are skipped, never thrown over.
//
// What ss 6.1 prints (recorded in test/fixtures/hosts/tools/ss/):
//   LISTEN 0      511      0.0.0.0:80     0.0.0.0:* users:(("nginx",pid=56,fd=5),("nginx",pid=54,fd=5))
//   LISTEN 2      1      127.0.0.1:9999   0.0.0.0:* users:(("python3",pid=23,fd=3))      ← accept queue full
//   LISTEN 0      128  127.0.0.53%lo:53   0.0.0.0:* …                                     ← bound to an interface
//   LISTEN 0      511         [::]:3001      [::]:* …                                     ← IPv6 only
//   LISTEN 0      511            *:3000         *:* …                                     ← dual stack (v6only=0)
//   LISTEN 0      128 [fe80::1]%eth0:8443    [::]:* …
//   u_str LISTEN 0 4096 /run/php/php8.2-fpm.sock 116634 * 0 users:(("php-fpm8.2",pid=52,fd=11),…)
//   u_str LISTEN 0 16   @hC-abstract 49035 * 0 …                                       ← abstract name
// Without root, ss prints no users:(…) for other users' sockets: processes is then empty.
import type { Listener } from '../core/facts.js';

type Process = Listener['processes'][number];

/** `users:(("nginx",pid=56,fd=5),…)` → the processes. A name may hold quotes, commas or parentheses. */
export function parseSsUsers(text: string): Process[] {
  const out: Process[] = [];
  for (const m of text.matchAll(/\("(.*?)",pid=(\d+),fd=(\d+)\)/g)) {
    out.push({ name: m[1]!, pid: Number(m[2]), fd: Number(m[3]) });
  }
  return out;
}

interface Endpoint {
  address: string;
  port?: number;
  scope?: string;
}

/**
 * "127.0.0.1:8000", "[::1]:8000", "127.0.0.53%lo:53", "[fe80::1]%eth0:8443", "*:3000", and the unbracketed
 * IPv6 of older ss (":::22", "::1:8000") → address, port, scope. The port is after the last colon.
 */
export function parseSsEndpoint(text: string): Endpoint | undefined {
  const colon = text.lastIndexOf(':');
  if (colon <= 0) return undefined;
  let host = text.slice(0, colon);
  const portText = text.slice(colon + 1);
  const port = /^\d+$/.test(portText) ? Number(portText) : undefined;
  if (port === undefined && portText !== '*') return undefined;
  let scope: string | undefined;
  const percent = host.lastIndexOf('%');
  if (percent > 0) {
    scope = host.slice(percent + 1);
    host = host.slice(0, percent);
  }
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host === '' || /[\s[\]]/.test(host)) return undefined;
  return {
    address: host.toLowerCase(),
    ...(port !== undefined ? { port } : {}),
    ...(scope ? { scope } : {}),
  };
}

// [Netid] State Recv-Q Send-Q Local Peer [users:(…)]. ss prints Netid only when several kinds are listed.
const TCP_LINE = /^(?:(tcp)\s+)?([A-Z][A-Z0-9-]*)\s+(\d+)\s+(\d+)\s+(\S+)\s+(\S+)(?:\s+(.*))?$/;

/** `ss -Htlnp` → TCP listeners. A header line (`State Recv-Q …`) and anything unreadable are skipped. */
export function parseSsTcp(text: string): Listener[] {
  const out: Listener[] = [];
  for (const rawLine of text.split('\n')) {
    const raw = rawLine.trimEnd();
    const m = TCP_LINE.exec(raw.trim());
    if (!m || m[2] !== 'LISTEN') continue;
    const local = parseSsEndpoint(m[5]!);
    if (!local || local.port === undefined) continue;
    // ss 6.x prints a dual-stack IPv6 socket (IPV6_V6ONLY off) as "*"; [::] is IPv6 only.
    const dualStack = local.address === '*';
    const family = dualStack || local.address.includes(':') ? 'inet6' : 'inet';
    out.push({
      proto: 'tcp',
      family,
      address: local.address,
      port: local.port,
      ...(local.scope ? { scope: local.scope } : {}),
      wildcard: dualStack || local.address === '0.0.0.0' || local.address === '::',
      dualStack,
      recvQ: Number(m[3]),
      sendQ: Number(m[4]),
      processes: parseSsUsers(m[7] ?? ''),
      raw,
    });
  }
  return out;
}

// Netid State Recv-Q Send-Q Path Inode Peer PeerInode [users:(…)]. The path may contain spaces, so it is
// everything between the queues and the trailing "inode * 0".
const UNIX_LINE =
  /^(u_\w+)\s+([A-Z][A-Z0-9-]*)\s+(\d+)\s+(\d+)\s+(.+?)\s+(\d+)\s+(\S+)\s+(\d+)(?:\s+(users:.*))?$/;

/**
 * `ss -Hxlp` → unix stream listeners (path, or "@name" for an abstract socket). Datagram and seqpacket
 * sockets are left out: nginx connects to unix sockets with SOCK_STREAM only.
 */
export function parseSsUnix(text: string): Listener[] {
  const out: Listener[] = [];
  for (const rawLine of text.split('\n')) {
    const raw = rawLine.trimEnd();
    const m = UNIX_LINE.exec(raw.trim());
    if (!m || m[1] !== 'u_str' || m[2] !== 'LISTEN') continue;
    const path = m[5]!;
    if (path === '*') continue; // unnamed: nothing can connect to it by name
    out.push({
      proto: 'unix',
      family: 'unix',
      path,
      wildcard: false,
      dualStack: false,
      recvQ: Number(m[3]),
      sendQ: Number(m[4]),
      processes: parseSsUsers(m[9] ?? ''),
      raw,
    });
  }
  return out;
}

/** True when a listener's accept queue is full: connections wait that the application does not accept. */
export function acceptQueueFull(listener: Listener): boolean {
  // The kernel queues backlog + 1 connections (sk_acceptq_is_full: queued > backlog); beyond that it drops
  // SYNs (TCP: connects time out) or refuses with EAGAIN (unix). Recorded: backlog 1 full shows "2 1".
  return listener.recvQ > listener.sendQ;
}
