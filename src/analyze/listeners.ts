// Which listening socket (if any) accepts a connection to an address and port: the question at the heart of
// "nginx proxies to X, but the app listens on Y".
import type { Listener } from '../model/facts.js';

export function isIPv6(address: string): boolean {
  return address.includes(':');
}

export function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.');
}

/** Does this listener accept a TCP connection to address:port? (Linux semantics of wildcard and dual-stack.) */
export function accepts(listener: Listener, address: string, port: number): boolean {
  if (listener.proto !== 'tcp' || listener.port !== port || listener.address === undefined) return false;
  const v6 = isIPv6(address);
  const bound = listener.address;
  if (bound === '*') return true; // IPv6 wildcard without IPV6_V6ONLY: both families
  if (bound === '0.0.0.0') return !v6;
  if (bound === '::') return v6 || listener.dualStack;
  // An IPv4-mapped IPv6 bind (::ffff:127.0.0.1) accepts that IPv4 address.
  if (bound.startsWith('::ffff:') && !v6) return bound.slice(7) === address;
  return bound === address;
}

export function listenersFor(listeners: Listener[], address: string, port: number): Listener[] {
  return listeners.filter((l) => accepts(l, address, port));
}

/** How ss would print the endpoint: "127.0.0.1:8000", "[::1]:8000". */
export function formatEndpoint(address: string, port: number | undefined): string {
  const host = isIPv6(address) ? `[${address}]` : address;
  return port === undefined ? host : `${host}:${port}`;
}

export function processNames(listener: Listener): string {
  return [...new Set(listener.processes.map((p) => p.name))].join(', ') || 'unknown process';
}

/** Processes that listen for reasons of their own: never the backend nginx is looking for. */
const INFRASTRUCTURE = new Set([
  'nginx',
  'sshd',
  'systemd',
  'systemd-resolve',
  'systemd-resolved',
  'dhclient',
  'chronyd',
  'rpcbind',
  'exim4',
  'master',
  'cupsd',
  'avahi-daemon',
  'dnsmasq',
  'containerd',
  'dockerd',
]);

export function isInfrastructure(listener: Listener): boolean {
  return listener.processes.length > 0 && listener.processes.every((p) => INFRASTRUCTURE.has(p.name));
}
