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
import { isIP } from 'node:net';
import type { Listener } from '../model/facts.js';

type Process = Listener['processes'][number];

/**
 * A process name as ss prints it: the kernel's comm, at most 15 bytes, raw (quotes, commas, parentheses,
 * newlines). The bound keeps the match linear: an unbounded lazy name made a line of `("("("…` quadratic
 * (200 KB took 8 s).
 */
const SS_USER = /\("([\s\S]{0,15}?)",pid=(\d+),fd=(\d+)\)/g;

/** `users:(("nginx",pid=56,fd=5),…)` → the processes. A name may hold quotes, commas or parentheses. */
export function parseSsUsers(text: string): Process[] {
  const out: Process[] = [];
  for (const m of text.matchAll(SS_USER)) {
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
  // An address, or ss's "*": nothing else, so that a process name (which ss prints raw, newlines and all)
  // cannot make up an endpoint out of the `",pid=` around it.
  if (host !== '*' && isIP(host) === 0) return undefined;
  return {
    address: host.toLowerCase(),
    ...(port !== undefined ? { port } : {}),
    ...(scope ? { scope } : {}),
  };
}

// [Netid] State Recv-Q Send-Q Local Peer [users:(…)]. ss prints Netid only when several kinds are listed.
// Addresses hold no space or newline; only the process names in users:((…)) may (ss prints them raw).
const TCP_LINE = /^(?:(tcp)\s+)?([A-Z][A-Z0-9-]*)\s+(\d+)\s+(\d+)\s+(\S+)\s+(\S+)(?:\s+([\s\S]*))?$/;
/** A users:((…)) that a newline in a process name broke goes on over at most this many lines. */
const MAX_USERS_LINES = 64;

/**
 * The lines of `ss -Htlnp`, with a users:((…)) that a newline in a process name broke joined back up to
 * its closing "))". The lines inside a name are read as nothing else: a name is at most 15 bytes, and
 * endpoints must be addresses (parseSsEndpoint), so such a line never reads as a listener anyway.
 */
function tcpRecords(text: string): string[] {
  const lines = text.split('\n');
  const records: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    let record = lines[i]!;
    if (/ users:\(\(/.test(record)) {
      const limit = Math.min(lines.length, i + MAX_USERS_LINES);
      let end = i;
      while (!/\)\)\s*$/.test(lines[end]!) && end + 1 < limit) end++;
      if (end > i && /\)\)\s*$/.test(lines[end]!)) {
        record = lines.slice(i, end + 1).join('\n');
        i = end;
      }
    }
    records.push(record);
  }
  return records;
}

/** `ss -Htlnp` → TCP listeners. A header line (`State Recv-Q …`) and anything unreadable are skipped. */
export function parseSsTcp(text: string): Listener[] {
  const out: Listener[] = [];
  for (const record of tcpRecords(text)) {
    const raw = record.trimEnd();
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

// Netid State Recv-Q Send-Q Path Inode Peer PeerInode [users:(…)]. The path is whatever the process that
// bound the socket chose: spaces, `users:((…))`, newlines, a whole ss line (at most 108 bytes: sun_path).
// ss prints it raw, so a record is read from both ends: the four fields that start it, and the
// "inode * 0 [users:((…))]" that ends it, taken as late as the path's length allows (the path is greedy),
// so that text inside the path can only lengthen the path, never end it early or lend it processes.
const UNIX_START = /^u_\w+ +[A-Z][A-Z0-9-]* +\d+ +\d+ /;
const UNIX_RECORD =
  /^(u_\w+) +([A-Z][A-Z0-9-]*) +(\d+) +(\d+) +([\s\S]{1,108}) +(\d+) +(\S+) +(\d+)(?: +(users:\(\([\s\S]*\)\)))? *$/;
/** A record ends in "inode peer inode" or in users:((…)); other lines cannot end one. */
const MAY_END_RECORD = /(?:\d +\S+ +\d+|\)\)) *$/;
/**
 * How far a record may reach. Only its path (≤ 108 bytes) can hold a line that starts like a record (a
 * process name is at most 15 bytes, too short for one), and the path comes first, so every such line is
 * inside this window: when no record closes within it, the whole window is skipped, forgeries included.
 */
const MAX_RECORD_LINES = 256;
const MAX_RECORD_CHARS = 64 * 1024;

const closes = (record: string, last: string): boolean =>
  MAY_END_RECORD.test(last) && UNIX_RECORD.test(record);

/**
 * The records of `ss -Hxlp`, each as its text. A record starts on a line that starts like one; when its
 * path (or a process name) holds newlines it goes on over the next lines. A record that is not complete
 * on its first line takes the following lines (even ones that look like a record start: they are inside
 * its path) until it is complete; a complete one still takes following lines that cannot start a record
 * as long as it stays complete with them (its path went on). Lines that belong to no record are skipped.
 *
 * What stays ambiguous: a path whose first line itself ends like a record ("/tmp/x 9 * 0") and whose last
 * line starts like one ("u_str LISTEN 0 5 /run/app.sock") reads as two records, exactly as two sockets
 * would print. Only the host's kernel could tell them apart; the collector's unix probe (a real
 * connect to each socket nginx uses) is the evidence that does not depend on this text.
 */
function unixRecords(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const records: string[] = [];
  let i = 0;
  while (i < lines.length) {
    if (!UNIX_START.test(lines[i]!)) {
      i++;
      continue;
    }
    const limit = Math.min(lines.length, i + MAX_RECORD_LINES);
    let record = lines[i]!;
    let next = i + 1;
    while (!closes(record, lines[next - 1]!) && next < limit && record.length <= MAX_RECORD_CHARS)
      record += `\n${lines[next++]}`;
    if (!closes(record, lines[next - 1]!)) {
      i = limit; // no record closes: nothing in its reach can be told from its path
      continue;
    }
    // Complete: the path may still go on over lines that cannot start a record; take the longest run that
    // leaves the record complete.
    let candidate = record;
    for (let j = next; j < limit && !UNIX_START.test(lines[j]!); j++) {
      candidate += `\n${lines[j]}`;
      if (candidate.length > MAX_RECORD_CHARS) break;
      if (closes(candidate, lines[j]!)) {
        record = candidate;
        next = j + 1;
      }
    }
    records.push(record);
    i = next;
  }
  return records;
}

/**
 * `ss -Hxlp` → unix stream listeners (path, or "@name" for an abstract socket). Datagram and seqpacket
 * sockets are left out: nginx connects to unix sockets with SOCK_STREAM only.
 */
export function parseSsUnix(text: string): Listener[] {
  const out: Listener[] = [];
  for (const record of unixRecords(text)) {
    const raw = record.trimEnd();
    const m = UNIX_RECORD.exec(raw);
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
