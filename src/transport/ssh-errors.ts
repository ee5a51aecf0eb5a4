// ssh2 and socket errors → TransportError: one line that names the host and port and says what to check.
import { TransportError, type TransportFailure } from './types.js';

/** What ssh2 and net attach to their errors. */
export interface ConnectErrorLike {
  message?: string;
  code?: string | number;
  level?: string;
}

export interface ConnectWhere {
  /** "deploy@10.0.1.10:22" */
  login: string;
  /** "10.0.1.10:22" (IPv6 in brackets) */
  hostPort: string;
  /** The keys and agent tried, for auth failures: "key /root/.ssh/id_ed25519, ssh-agent". */
  credentials: string;
}

const REFUSED = new Set(['ECONNREFUSED']);
const TIMEOUT = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT']);
const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);
const UNREACHABLE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN']);

/** Map an error met while connecting (before the session was ready) to a reason and one clear line. */
export function classifyConnectError(error: ConnectErrorLike, where: ConnectWhere): TransportError {
  const code = typeof error.code === 'string' ? error.code : undefined;
  const detail = oneLine(error.message ?? String(error.code ?? 'unknown error'));
  const make = (reason: TransportFailure, message: string) => new TransportError(reason, message);
  if (code !== undefined && REFUSED.has(code))
    return make(
      'refused',
      `connection refused by ${where.hostPort}: is sshd running and listening on that port?`,
    );
  if (code !== undefined && DNS.has(code))
    return make('dns', `cannot resolve the host name in ${where.hostPort} (${code})`);
  if ((code !== undefined && TIMEOUT.has(code)) || error.level === 'client-timeout') {
    return make(
      'timeout',
      `timed out connecting to ${where.hostPort} (${detail}): is the host up and is port ${portOf(where.hostPort)} open to us?`,
    );
  }
  if (code !== undefined && UNREACHABLE.has(code))
    return make('timeout', `no route to ${where.hostPort} (${code})`);
  if (error.level === 'client-authentication') {
    return make(
      'auth',
      `authentication failed for ${where.login} (tried ${where.credentials}): is the public key in the user's authorized_keys?`,
    );
  }
  if (code === 'ECONNRESET' || code === 'EPIPE')
    return make(
      'other',
      `${where.hostPort} closed the connection during the SSH handshake (${code}): sshd MaxStartups, tcp wrappers or not an SSH server?`,
    );
  return make('other', `SSH to ${where.login} failed: ${detail}`);
}

export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function portOf(hostPort: string): string {
  return hostPort.slice(hostPort.lastIndexOf(':') + 1);
}

/** "10.0.1.10:22", "[::1]:2222" */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
