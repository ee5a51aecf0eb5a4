// The inventory as the rest of the program sees it: every host resolved, defaults applied, paths absolute.
import type { Result } from '../model/result.js';

/** One host, ready to connect to: the inventory entry with `defaults` (and built-in defaults) applied. */
export interface Target {
  /** Inventory name ("web-01"). */
  name: string;
  /** IPv4, IPv6 (no brackets) or DNS name. */
  address: string;
  port: number;
  user: string;
  /** Absolute path of the private key; absent: the SSH transport tries ~/.ssh/id_ed25519, id_ecdsa, id_rsa. */
  identityFile?: string;
  /** Absolute path of the OpenSSH known_hosts file the host key is checked against. */
  knownHosts: string;
  /** Run privileged commands under `sudo -n`. */
  sudo: boolean;
  /** Name of the environment variable that holds the private key's passphrase. */
  passphraseEnv?: string;
  /** Also offer the keys of the ssh-agent at SSH_AUTH_SOCK. */
  useAgent: boolean;
  tags: string[];
  /** The host to hop through (already resolved, itself possibly jumping through another). */
  jump?: Target;
}

export interface Inventory {
  /** Absolute path of the file it was read from (or a label like "<test>"), for messages. */
  source: string;
  /** Hosts in file order. */
  hosts: Target[];
}

export type InventoryResult = Result<Inventory, string[]>;
