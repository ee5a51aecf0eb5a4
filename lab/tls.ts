// Certificates for the lab's TLS backends, made with openssl when a scenario is staged: a CA of the lab's own
// and a certificate it signs for one name (subjectAltName DNS), so nginx's proxy_ssl_verify can succeed
// against the lab CA and fail against the system's CAs, and a backend can serve only the name it is for.
// Nothing here is a secret worth keeping: the keys live as long as the lab.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { posix } from 'node:path';
import { runOk } from './proc.js';

export interface LabCertificates {
  /** The lab CA's certificate (PEM): what proxy_ssl_trusted_certificate names to trust the backend. */
  ca: string;
  /** The backend's certificate for `name`, signed by the CA (PEM). */
  cert: string;
  /** The backend certificate's private key (PEM). */
  key: string;
}

/** Where the scenarios put them inside a host (under /etc/nginx, which every lab host has of its own). */
export const TLS_DIR = '/etc/nginx/tls';

/** A fresh CA and a certificate for `name` (P-256 keys: quick to make), valid for two days. */
export async function makeCertificates(name: string): Promise<LabCertificates> {
  const dir = await mkdtemp(posix.join(tmpdir(), 'lab-tls-'));
  const at = (f: string): string => posix.join(dir, f);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    await runOk([
      'openssl',
      'req',
      '-x509',
      ...ec,
      '-keyout',
      at('ca.key'),
      '-out',
      at('ca.crt'),
      '-days',
      '2',
      '-subj',
      '/CN=upstream-doctor lab CA',
    ]);
    await runOk([
      'openssl',
      'req',
      ...ec,
      '-keyout',
      at('leaf.key'),
      '-out',
      at('leaf.csr'),
      '-subj',
      `/CN=${name}`,
    ]);
    await writeFile(at('ext.cnf'), `subjectAltName=DNS:${name}\n`);
    await runOk([
      'openssl',
      'x509',
      '-req',
      '-in',
      at('leaf.csr'),
      '-CA',
      at('ca.crt'),
      '-CAkey',
      at('ca.key'),
      '-CAcreateserial',
      '-out',
      at('leaf.crt'),
      '-days',
      '2',
      '-extfile',
      at('ext.cnf'),
    ]);
    const [ca, cert, key] = await Promise.all(
      ['ca.crt', 'leaf.crt', 'leaf.key'].map((f) => readFile(at(f), 'utf8')),
    );
    return { ca: ca!, cert: cert!, key: key! };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
