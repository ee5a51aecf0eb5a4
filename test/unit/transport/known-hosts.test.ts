import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkHostKey,
  describeVerdict,
  fingerprintSha256,
  hostMatches,
  keyBlobType,
  knownHostsName,
  knownKeyTypes,
  parseKnownHosts,
  type KnownHosts,
} from '../../../src/transport/known-hosts.js';

// Recorded by test/fixtures/transport/known-hosts/record.sh with ssh-keygen (keys, -H hashing, -l, -F).
const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/transport/known-hosts/${name}`, import.meta.url), 'utf8');

/** `ssh-keygen -F NAME` results: NAME => the line numbers OpenSSH found. */
function lookups(name: string): [string, number[]][] {
  return fixture(name)
    .trim()
    .split('\n')
    .map((line) => {
      const [host, numbers = ''] = line.split(' => ');
      return [host!, numbers.split(' ').filter(Boolean).map(Number)];
    });
}

const plain = parseKnownHosts(fixture('known_hosts'));
const hashed = parseKnownHosts(fixture('known_hosts.hashed'));
const keyOfLine = (known: KnownHosts, line: number) => known.entries.find((e) => e.line === line)!.key;

describe('parseKnownHosts over files written by OpenSSH', () => {
  it('reads every line: plain, lists, [host]:port, wildcards, markers; skips comments and blanks', () => {
    expect(plain.problems).toEqual([]);
    expect(plain.entries.map((e) => e.line)).toEqual([2, 3, 4, 5, 6, 7, 10, 11, 12]);
    expect(plain.entries[0]).toMatchObject({
      hosts: { kind: 'patterns', patterns: ['web-01', '10.0.1.10'] },
      keyType: 'ssh-ed25519',
      comment: 'web key',
    });
    expect(plain.entries.filter((e) => e.marker).map((e) => [e.line, e.marker])).toEqual([
      [6, 'revoked'],
      [7, 'cert-authority'],
    ]);
  });

  it('reads the hashed twin made by ssh-keygen -H (wildcard lines stay plain there)', () => {
    expect(hashed.problems).toEqual([]);
    // web-01 and 10.0.1.10 became one hashed line each; [10.0.1.10]:2222, [::1]:2200, 2001:db8::5, WEB-02 one each.
    expect(hashed.entries.filter((e) => e.hosts.kind === 'hashed')).toHaveLength(6);
  });

  for (const file of ['known_hosts', 'known_hosts.hashed']) {
    it(`finds the same lines as ssh-keygen -F for every name in ${file}`, () => {
      const known = parseKnownHosts(fixture(file));
      for (const [name, lines] of lookups(`lookups-${file}.txt`)) {
        const ours = known.entries.filter((e) => hostMatches(e.hosts, name.toLowerCase())).map((e) => e.line);
        expect({ name, lines: ours }).toEqual({ name, lines });
      }
    });
  }

  it('fingerprints keys exactly as ssh-keygen -l does', () => {
    const expected = fixture('fingerprints.txt')
      .trim()
      .split('\n')
      .map((line) => line.split(' ')[1]);
    // ssh-keygen -l lists the lines that are neither comments nor marked (@revoked, @cert-authority).
    const ours = plain.entries.filter((e) => e.marker === undefined).map((e) => fingerprintSha256(e.key));
    expect(ours).toEqual(expected);
  });
});

describe('checkHostKey (StrictHostKeyChecking=yes semantics)', () => {
  const webKey = keyOfLine(plain, 2);
  const port2222Key = keyOfLine(plain, 3);
  const ecdsaKey = keyOfLine(plain, 4);
  const revokedKey = keyOfLine(plain, 6);

  it('accepts the known key, by name or address, plain or hashed', () => {
    for (const known of [plain, hashed]) {
      expect(checkHostKey(known, '10.0.1.10', 22, webKey).status).toBe('known');
      expect(checkHostKey(known, 'web-01', 22, webKey).status).toBe('known');
      expect(checkHostKey(known, '10.0.1.10', 2222, port2222Key).status).toBe('known');
      expect(checkHostKey(known, '::1', 2200, port2222Key).status).toBe('known');
      expect(checkHostKey(known, 'WEB-02', 22, ecdsaKey).status).toBe('known');
    }
  });

  it('calls a different key of the same type CHANGED, naming the line', () => {
    const verdict = checkHostKey(hashed, '10.0.1.10', 22, port2222Key);
    expect(verdict).toMatchObject({ status: 'changed', entries: [{ line: 3 }] });
    const message = describeVerdict(
      verdict,
      { host: '10.0.1.10', port: 22, file: '/home/me/.ssh/known_hosts' },
      port2222Key,
    );
    expect(message).toBe(
      `HOST KEY CHANGED for 10.0.1.10: the offered ssh-ed25519 key ${fingerprintSha256(port2222Key)} does not match ` +
        '/home/me/.ssh/known_hosts (line 3); refusing to connect (possible man-in-the-middle; if the key was rotated, replace that line)',
    );
  });

  it('keeps ports apart: a key known for port 2222 does not make port 22 known, and the reverse', () => {
    expect(checkHostKey(plain, '10.0.1.10', 2222, webKey).status).toBe('changed');
    expect(checkHostKey(plain, '10.0.1.11', 22, webKey).status).toBe('unknown');
  });

  it('calls a host without lines unknown, with the offered fingerprint and how to add it', () => {
    const verdict = checkHostKey(plain, '192.0.2.7', 2022, webKey);
    expect(verdict).toEqual({ status: 'unknown', otherTypes: [] });
    expect(describeVerdict(verdict, { host: '192.0.2.7', port: 2022, file: '/k' }, webKey)).toBe(
      `host [192.0.2.7]:2022 is not in /k: refusing the offered ssh-ed25519 key ${fingerprintSha256(webKey)}; ` +
        'check that fingerprint, then add the key (e.g. ssh-keyscan -p 2022 192.0.2.7 >> /k)',
    );
  });

  it('says which types it knows when the host offers a key of another type', () => {
    const verdict = checkHostKey(plain, 'web-01', 22, ecdsaKey);
    expect(verdict).toEqual({ status: 'unknown', otherTypes: ['ssh-ed25519'] });
    expect(describeVerdict(verdict, { host: 'web-01', port: 22, file: '/k' }, ecdsaKey)).toContain(
      '(it only has ssh-ed25519 keys for it)',
    );
    expect(knownKeyTypes(plain, 'web-01', 22)).toEqual(['ssh-ed25519']);
    expect(knownKeyTypes(plain, 'db-07', 22)).toEqual(['ssh-rsa']);
  });

  it('honours negated patterns: !bad.example.com is excluded from *.example.com', () => {
    expect(checkHostKey(plain, 'www.example.com', 22, ecdsaKey).status).toBe('known');
    expect(checkHostKey(plain, 'bad.example.com', 22, ecdsaKey).status).toBe('unknown');
  });

  it('refuses a @revoked key even for a host that lists it as known', () => {
    const text = `${fixture('known_hosts')}\nvictim ${'ssh-ed25519'} ${revokedKey.toString('base64')}\n`;
    const verdict = checkHostKey(parseKnownHosts(text), 'victim', 22, revokedKey);
    expect(verdict).toMatchObject({ status: 'revoked', entry: { line: 6 } });
    expect(describeVerdict(verdict, { host: 'victim', port: 22, file: '/k' }, revokedKey)).toMatch(
      /^host key for victim is REVOKED in \/k \(line 6\): refusing the offered ssh-ed25519 key SHA256:/,
    );
  });

  it('refuses with a clear message when only a @cert-authority line covers the host', () => {
    const verdict = checkHostKey(plain, 'x.corp', 22, webKey);
    expect(verdict).toMatchObject({ status: 'cert-authority-only', entries: [{ line: 7 }] });
    expect(describeVerdict(verdict, { host: 'x.corp', port: 22, file: '/k' }, webKey)).toMatch(
      /only has @cert-authority entries for x.corp \(line 7\); host certificates are not supported/,
    );
  });
});

describe('known_hosts details', () => {
  it('names hosts as OpenSSH does: bare on port 22, [host]:port otherwise, lowercase', () => {
    expect(knownHostsName('Web-01', 22)).toBe('web-01');
    expect(knownHostsName('10.0.0.1', 2222)).toBe('[10.0.0.1]:2222');
    expect(knownHostsName('::1', 2200)).toBe('[::1]:2200');
  });

  it('reports unreadable lines as problems and never matches them', () => {
    const known = parseKnownHosts(
      [
        '@bogus h ssh-ed25519 AAAA',
        'onlyhost',
        'h ssh-ed25519 not*base64',
        `h ssh-rsa ${keyOfLine(plain, 2).toString('base64')}`,
        '|1|c2FsdA==|aGFzaA== ssh-ed25519 AAAA',
        '|2|x|y ssh-ed25519 AAAA',
      ].join('\n'),
    );
    expect(known.entries).toEqual([]);
    expect(known.problems.map((p) => p.line)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(known.problems[3]!.message).toBe('the key says ssh-ed25519 but the line says ssh-rsa');
  });

  it('reads the key type out of a blob, and nothing out of garbage', () => {
    expect(keyBlobType(keyOfLine(plain, 5))).toBe('ssh-rsa');
    expect(keyBlobType(Buffer.from([0, 0, 0]))).toBeUndefined();
    expect(keyBlobType(Buffer.from([0, 0, 0, 200, 1]))).toBeUndefined();
  });

  it('never throws on random text or random keys', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 300 }),
        fc.uint8Array({ maxLength: 80 }),
        fc.string({ maxLength: 30 }),
        fc.integer({ min: 1, max: 65535 }),
        (text, key, host, port) => {
          const known = parseKnownHosts(text);
          const verdict = checkHostKey(known, host, port, Buffer.from(key));
          describeVerdict(verdict, { host, port, file: 'f' }, Buffer.from(key));
        },
      ),
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.constantFrom(
            '|1|',
            '@revoked ',
            '@cert-authority ',
            '[h]:22',
            ',',
            '!',
            '*',
            '?',
            ' ',
            'ssh-ed25519',
            'AAAAC3NzaC1lZDI1NTE5',
            '\n',
            '#',
            'a',
          ),
          { maxLength: 40 },
        ),
        (parts) => {
          const known = parseKnownHosts(parts.join(''));
          checkHostKey(known, 'a', 22, Buffer.alloc(10));
        },
      ),
    );
  });
});
