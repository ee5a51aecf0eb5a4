// Credentials for one SSH login, read from what the inventory names (identityFile, useAgent, passphraseEnv) and the
// environment (SSH_AUTH_SOCK, the passphrase variable): the keys decrypted and the agent to offer, in ssh2's
// terms. A configured key that cannot be read or decrypted, or nothing at all to offer, is a TransportError
// before any host is contacted.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import type { AuthMethod, ParsedKey } from 'ssh2';
import type { Target } from '../inventory/types.js';
import { formatHostPort, oneLine } from './ssh-errors.js';
import { TransportError } from './types.js';

const { utils } = ssh2;

/** Tried in this order when the inventory names no identityFile, as ssh does (under the home's .ssh/). */
const DEFAULT_KEY_FILES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

export interface Credentials {
  methods: AuthMethod[];
  /** What was tried, for an auth failure message. */
  describe: string;
}

/** The private key (decrypted) and/or agent to offer. Missing or unreadable keys are reported before connecting. */
export async function loadCredentials(
  target: Target,
  env: NodeJS.ProcessEnv,
  home: string,
): Promise<Credentials> {
  const login = `${target.user}@${formatHostPort(target.address, target.port)}`;
  const methods: AuthMethod[] = [];
  const tried: string[] = [];
  const agent = target.useAgent ? env.SSH_AUTH_SOCK : undefined;
  const files =
    target.identityFile !== undefined
      ? [target.identityFile]
      : DEFAULT_KEY_FILES.map((name) => join(home, '.ssh', name));
  for (const file of files) {
    let data: Buffer;
    try {
      data = await readFile(file);
    } catch (error) {
      // Default key files are optional, like ssh's; a configured identityFile must exist (unless the agent serves).
      if (target.identityFile !== undefined && agent === undefined) {
        throw new TransportError(
          'auth',
          `cannot read identityFile ${file} for ${login} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
        );
      }
      continue;
    }
    const key = decodeKey(data, file, target, env, login);
    methods.push({ type: 'publickey', username: target.user, key } as AuthMethod);
    tried.push(`key ${file}`);
  }
  if (target.useAgent) {
    if (agent === undefined || agent === '') {
      if (methods.length === 0)
        throw new TransportError(
          'auth',
          `useAgent is set for ${target.name} but SSH_AUTH_SOCK is not: no ssh-agent to ask, and no key file`,
        );
    } else {
      methods.push({ type: 'agent', username: target.user, agent } as AuthMethod);
      tried.push('ssh-agent');
    }
  }
  if (methods.length === 0) {
    throw new TransportError(
      'auth',
      `no private key for ${login}: set identityFile (or useAgent) in the inventory; looked for ${files.join(', ')}`,
    );
  }
  return { methods, describe: tried.join(', ') };
}

function decodeKey(
  data: Buffer,
  file: string,
  target: Target,
  env: NodeJS.ProcessEnv,
  login: string,
): ParsedKey {
  const passphrase = target.passphraseEnv !== undefined ? env[target.passphraseEnv] : undefined;
  const parsed = utils.parseKey(data, passphrase);
  if (parsed instanceof Error) {
    const encrypted = /encrypted|passphrase/i.test(parsed.message);
    if (encrypted && passphrase === undefined) {
      const how =
        target.passphraseEnv !== undefined
          ? `the variable ${target.passphraseEnv} named by passphraseEnv is not set`
          : 'set passphraseEnv in the inventory to the name of a variable that holds it';
      throw new TransportError('auth', `private key ${file} for ${login} is encrypted: ${how}`);
    }
    if (encrypted || /bad decrypt|integrity check/i.test(parsed.message)) {
      throw new TransportError(
        'auth',
        `cannot decrypt private key ${file} for ${login}: wrong passphrase in ${target.passphraseEnv ?? 'passphraseEnv'}?`,
      );
    }
    throw new TransportError(
      'auth',
      `cannot use private key ${file} for ${login}: ${oneLine(parsed.message)}`,
    );
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key === undefined || !key.isPrivateKey())
    throw new TransportError('auth', `${file} is not a private key (for ${login})`);
  return key;
}
