import { describe, expect, it } from 'vitest';
import { classifyConnectError, formatHostPort } from '../../../src/transport/ssh-errors.js';

const where = {
  login: 'deploy@10.0.1.10:22',
  hostPort: '10.0.1.10:22',
  credentials: 'key /home/me/.ssh/id_ed25519',
};

describe('classifyConnectError', () => {
  it('maps socket and ssh2 errors to reasons, with one line naming host and port', () => {
    const cases: [object, string, string][] = [
      [
        { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 10.0.1.10:22' },
        'refused',
        'connection refused by 10.0.1.10:22: is sshd running and listening on that port?',
      ],
      [
        { code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND' },
        'dns',
        'cannot resolve the host name in 10.0.1.10:22 (ENOTFOUND)',
      ],
      [{ code: 'EAI_AGAIN' }, 'dns', 'cannot resolve the host name in 10.0.1.10:22 (EAI_AGAIN)'],
      [
        { level: 'client-timeout', message: 'Timed out while waiting for handshake' },
        'timeout',
        'timed out connecting to 10.0.1.10:22 (Timed out while waiting for handshake): is the host up and is port 22 open to us?',
      ],
      [
        { code: 'ETIMEDOUT', message: 'connect ETIMEDOUT' },
        'timeout',
        'timed out connecting to 10.0.1.10:22 (connect ETIMEDOUT): is the host up and is port 22 open to us?',
      ],
      [{ code: 'EHOSTUNREACH', message: 'x' }, 'timeout', 'no route to 10.0.1.10:22 (EHOSTUNREACH)'],
      [
        { level: 'client-authentication', message: 'All configured authentication methods failed' },
        'auth',
        "authentication failed for deploy@10.0.1.10:22 (tried key /home/me/.ssh/id_ed25519): is the public key in the user's authorized_keys?",
      ],
      [
        { code: 'ECONNRESET', message: 'read ECONNRESET' },
        'other',
        '10.0.1.10:22 closed the connection during the SSH handshake (ECONNRESET): sshd MaxStartups, tcp wrappers or not an SSH server?',
      ],
      [
        { level: 'protocol', message: 'Bad packet length\nmore' },
        'other',
        'SSH to deploy@10.0.1.10:22 failed: Bad packet length more',
      ],
    ];
    for (const [error, reason, message] of cases) {
      const mapped = classifyConnectError(error, where);
      expect({ reason: mapped.reason, message: mapped.message }).toEqual({ reason, message });
      expect(mapped.name).toBe('TransportError');
    }
  });

  it('writes IPv6 hosts in brackets', () => {
    expect(formatHostPort('::1', 2222)).toBe('[::1]:2222');
    expect(formatHostPort('web-01.example.com', 22)).toBe('web-01.example.com:22');
  });
});
