// OpenSSH known_hosts: parsing and host key checking, the way `ssh -o StrictHostKeyChecking=yes` decides.
// Pure functions over the file's text and the raw key blob the server offered (SSH wire format), so the
// SSH transport stays thin and every rule here is unit-tested. Format: sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT".
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { simpleWildcard } from '../text/wildcard.js';

export type KnownHostsMarker = 'revoked' | 'cert-authority';

/** Which host names a line applies to: a pattern list ("web-01,10.0.1.10,!*.test") or one hashed name. */
export type HostMatcher =
  { kind: 'patterns'; patterns: string[] } | { kind: 'hashed'; salt: Buffer; hash: Buffer };

export interface KnownHostEntry {
  /** 1-based line number in the file. */
  line: number;
  marker?: KnownHostsMarker;
  hosts: HostMatcher;
  /** The key type as written ("ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256"…). */
  keyType: string;
  /** The decoded public key blob (what the server sends during key exchange). */
  key: Buffer;
  comment?: string;
}

export interface KnownHostsProblem {
  line: number;
  message: string;
}

export interface KnownHosts {
  entries: KnownHostEntry[];
  /** Lines we could not read; they never match anything (as in OpenSSH, which skips them). */
  problems: KnownHostsProblem[];
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Parse the text of a known_hosts file. Never throws: bad lines become `problems`. */
export function parseKnownHosts(text: string): KnownHosts {
  const entries: KnownHostEntry[] = [];
  const problems: KnownHostsProblem[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const parsed = parseEntry(trimmed, line);
    if ('message' in parsed) problems.push(parsed);
    else entries.push(parsed);
  });
  return { entries, problems };
}

function parseEntry(text: string, line: number): KnownHostEntry | KnownHostsProblem {
  const fields = text.split(/[ \t]+/);
  let marker: KnownHostsMarker | undefined;
  if (fields[0]?.startsWith('@')) {
    const name = fields.shift();
    if (name === '@revoked') marker = 'revoked';
    else if (name === '@cert-authority') marker = 'cert-authority';
    else return { line, message: `unknown marker ${name}` };
  }
  const [hostField, keyType, keyText, ...rest] = fields;
  if (hostField === undefined || keyType === undefined || keyText === undefined) {
    return { line, message: 'expected: hosts key-type base64-key [comment]' };
  }
  const hosts = parseHostField(hostField);
  if (hosts === undefined) return { line, message: `unreadable hashed host ${hostField}` };
  if (!BASE64.test(keyText)) return { line, message: 'the key is not base64' };
  const key = Buffer.from(keyText, 'base64');
  const embeddedType = keyBlobType(key);
  if (embeddedType !== keyType) {
    return {
      line,
      message: `the key says ${embeddedType ?? 'nothing readable'} but the line says ${keyType}`,
    };
  }
  const entry: KnownHostEntry = { line, hosts, keyType, key };
  if (marker !== undefined) entry.marker = marker;
  if (rest.length > 0) entry.comment = rest.join(' ');
  return entry;
}

function parseHostField(field: string): HostMatcher | undefined {
  if (!field.startsWith('|')) return { kind: 'patterns', patterns: field.split(',').filter((p) => p !== '') };
  // Hashed: |1|base64(salt)|base64(HMAC-SHA1(salt, hostname)); 1 is the only hash type OpenSSH defines.
  const parts = field.split('|');
  if (parts.length !== 4 || parts[1] !== '1') return undefined;
  const [, , saltText = '', hashText = ''] = parts;
  if (!BASE64.test(saltText) || !BASE64.test(hashText)) return undefined;
  const salt = Buffer.from(saltText, 'base64');
  const hash = Buffer.from(hashText, 'base64');
  if (salt.length !== 20 || hash.length !== 20) return undefined;
  return { kind: 'hashed', salt, hash };
}

/** The key type named inside an SSH public key blob (its first length-prefixed string), or undefined. */
export function keyBlobType(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const length = blob.readUInt32BE(0);
  if (length === 0 || length > 64 || blob.length < 4 + length) return undefined;
  const type = blob.subarray(4, 4 + length).toString('latin1');
  return /^[\x21-\x7e]+$/.test(type) ? type : undefined;
}

/** OpenSSH's fingerprint of a key blob: "SHA256:" + unpadded base64 of its SHA-256. */
export function fingerprintSha256(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The name known_hosts files use for a host: the bare host on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  const name = host.toLowerCase();
  return port === 22 ? name : `[${name}]:${port}`;
}

/** OpenSSH wildcard match: `*` any run of characters, `?` exactly one. Case-insensitive, like host names. */
function wildcardMatch(pattern: string, text: string): boolean {
  return simpleWildcard(pattern.toLowerCase(), text.toLowerCase());
}

/** Does this line apply to `name` (already in known_hosts form, see knownHostsName)? */
export function hostMatches(hosts: HostMatcher, name: string): boolean {
  if (hosts.kind === 'hashed') {
    const digest = createHmac('sha1', hosts.salt).update(name).digest();
    return timingSafeEqual(digest, hosts.hash);
  }
  let matched = false;
  for (const pattern of hosts.patterns) {
    if (pattern.startsWith('!')) {
      // A matching negation excludes the host whatever else matches (sshd(8)).
      if (wildcardMatch(pattern.slice(1), name)) return false;
    } else if (wildcardMatch(pattern, name)) {
      matched = true;
    }
  }
  return matched;
}

export type HostKeyVerdict =
  | { status: 'known'; entry: KnownHostEntry }
  | { status: 'unknown'; otherTypes: string[] }
  | { status: 'changed'; entries: KnownHostEntry[] }
  | { status: 'revoked'; entry: KnownHostEntry }
  | { status: 'cert-authority-only'; entries: KnownHostEntry[] };

/**
 * Decide about the key a server offered for `host:port`, as OpenSSH does with StrictHostKeyChecking=yes:
 * a revoked key is refused wherever it appears; a matching line with the same key accepts; a matching line
 * of the same type with another key means the key CHANGED; no line for this key type means unknown.
 */
export function checkHostKey(known: KnownHosts, host: string, port: number, offered: Buffer): HostKeyVerdict {
  const name = knownHostsName(host, port);
  const offeredType = keyBlobType(offered);
  const revoked = known.entries.find(
    (e) => e.marker === 'revoked' && e.key.equals(offered) && hostMatches(e.hosts, name),
  );
  if (revoked) return { status: 'revoked', entry: revoked };
  const forHost = known.entries.filter((e) => e.marker !== 'revoked' && hostMatches(e.hosts, name));
  const plain = forHost.filter((e) => e.marker === undefined);
  const match = plain.find((e) => e.key.equals(offered));
  if (match) return { status: 'known', entry: match };
  const sameType = plain.filter((e) => e.keyType === offeredType);
  if (sameType.length > 0) return { status: 'changed', entries: sameType };
  const authorities = forHost.filter((e) => e.marker === 'cert-authority');
  if (plain.length === 0 && authorities.length > 0)
    return { status: 'cert-authority-only', entries: authorities };
  return { status: 'unknown', otherTypes: [...new Set(plain.map((e) => e.keyType))] };
}

/** Key types known_hosts holds for this host, so the client can ask the server for one of those first. */
export function knownKeyTypes(known: KnownHosts, host: string, port: number): string[] {
  const name = knownHostsName(host, port);
  const types = known.entries
    .filter((e) => e.marker === undefined && hostMatches(e.hosts, name))
    .map((e) => e.keyType);
  return [...new Set(types)];
}

/** One line for a human about a refused key; undefined when the verdict accepts it. */
export function describeVerdict(
  verdict: HostKeyVerdict,
  where: { host: string; port: number; file: string },
  offered: Buffer,
): string | undefined {
  const name = knownHostsName(where.host, where.port);
  const key = `${keyBlobType(offered) ?? 'unknown-type'} key ${fingerprintSha256(offered)}`;
  switch (verdict.status) {
    case 'known':
      return undefined;
    case 'revoked':
      return `host key for ${name} is REVOKED in ${where.file} (line ${verdict.entry.line}): refusing the offered ${key}`;
    case 'changed': {
      const lines = verdict.entries.map((e) => e.line).join(', ');
      return (
        `HOST KEY CHANGED for ${name}: the offered ${key} does not match ${where.file} (line ${lines}); ` +
        'refusing to connect (possible man-in-the-middle; if the key was rotated, replace that line)'
      );
    }
    case 'cert-authority-only': {
      const lines = verdict.entries.map((e) => e.line).join(', ');
      return (
        `${where.file} only has @cert-authority entries for ${name} (line ${lines}); host certificates are not ` +
        `supported: add the host's own key (offered ${key}) after checking its fingerprint`
      );
    }
    case 'unknown': {
      const others =
        verdict.otherTypes.length > 0 ? ` (it only has ${verdict.otherTypes.join(', ')} keys for it)` : '';
      const scan = where.port === 22 ? where.host : `-p ${where.port} ${where.host}`;
      return (
        `host ${name} is not in ${where.file}${others}: refusing the offered ${key}; check that fingerprint, ` +
        `then add the key (e.g. ssh-keyscan ${scan} >> ${where.file})`
      );
    }
  }
}
