// SSH key material of a lab: the client key pair every host trusts, each host's own host key, and
// the known_hosts file listing them. Keys are made in-process (OpenSSH's own "openssh-key-v1"
// format, unencrypted) rather than with ssh-keygen: a lab of 20 hosts would otherwise spend its
// time forking. The test suite checks the files with the real ssh-keygen.
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';

export interface Ed25519Key {
  /** "ssh-ed25519 AAAA… comment" as in a .pub file. */
  publicLine: string;
  /** The private key file's text (-----BEGIN OPENSSH PRIVATE KEY-----…). */
  privateText: string;
  /** "SHA256:…" as ssh prints it. */
  fingerprint: string;
}

function sshString(data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  return Buffer.concat([length, body]);
}

function uint32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value);
  return b;
}

export function newEd25519Key(comment: string): Ed25519Key {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const seed = Buffer.from(jwk.d ?? '', 'base64url');
  const pub = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
  const blob = Buffer.concat([sshString('ssh-ed25519'), sshString(pub)]);
  const check = randomBytes(4);
  let secret = Buffer.concat([
    check,
    check,
    sshString('ssh-ed25519'),
    sshString(pub),
    // OpenSSH keeps the 32-byte seed followed by the public key as the "private key".
    sshString(Buffer.concat([seed, pub])),
    sshString(comment),
  ]);
  // Padded with 1, 2, 3… to the cipher block size (8 for "none").
  const pad = (8 - (secret.length % 8)) % 8;
  secret = Buffer.concat([secret, Buffer.from(Array.from({ length: pad }, (_, i) => i + 1))]);
  const body = Buffer.concat([
    Buffer.from('openssh-key-v1\0', 'latin1'),
    sshString('none'),
    sshString('none'),
    sshString(''),
    uint32(1),
    sshString(blob),
    sshString(secret),
  ]);
  const base64 = body.toString('base64').replace(/.{1,70}/g, '$&\n');
  return {
    publicLine: `ssh-ed25519 ${blob.toString('base64')} ${comment}`,
    privateText: `-----BEGIN OPENSSH PRIVATE KEY-----\n${base64}-----END OPENSSH PRIVATE KEY-----\n`,
    fingerprint: fingerprintOf(blob),
  };
}

/** "SHA256:<base64 without padding>" of a public key blob. */
export function fingerprintOf(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** Fingerprint of a public key line ("ssh-ed25519 AAAA… comment"). */
export function fingerprintOfLine(publicLine: string): string {
  return fingerprintOf(Buffer.from(publicLine.split(/\s+/)[1] ?? '', 'base64'));
}

/** Writes `path` (mode 0600) and `path.pub`; returns the key. */
export async function writeEd25519(path: string, comment: string): Promise<Ed25519Key> {
  const key = newEd25519Key(comment);
  await writeFile(path, key.privateText, { mode: 0o600 });
  await writeFile(`${path}.pub`, `${key.publicLine}\n`, { mode: 0o644 });
  return key;
}

/** One known_hosts line: `<address> <type> <base64>` (the public line's comment dropped). */
export function knownHostsLine(address: string, publicLine: string): string {
  const [type, key] = publicLine.split(/\s+/);
  return `${address} ${type ?? ''} ${key ?? ''}`;
}
