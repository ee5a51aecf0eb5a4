// One SSH connection to a host, through its jump hosts when the inventory names them (ProxyJump, recursively):
// each hop's host key is checked against its known_hosts before any login, and the connection says when it is
// lost so that the commands running on it (one channel each, ssh-channel.ts) can finish at once.
import { readFile } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import type { ConnectConfig, ServerHostKeyAlgorithm } from 'ssh2';
import type { Target } from '../inventory/types.js';
import {
  checkHostKey,
  describeVerdict,
  knownKeyTypes,
  parseKnownHosts,
  type KnownHosts,
} from './known-hosts.js';
import { Slots } from './slots.js';
import { loadCredentials, type Credentials } from './ssh-credentials.js';
import { classifyConnectError, formatHostPort, oneLine, type ConnectWhere } from './ssh-errors.js';
import { TransportError } from './types.js';

const { Client } = ssh2;

/**
 * Logins under way at once in this thread, each with all its hops: with 100 hosts a thread started together,
 * every handshake waited on the others' CPU (ours and the hosts'), and those that lost the race hit the
 * 10 s connect limit and were reported unreachable. Waiting here, a login's clock has not started.
 */
export const LOGINS_AT_ONCE = 32;
const LOGINS = new Slots(LOGINS_AT_ONCE);
export type SshClient = InstanceType<typeof Client>;

export interface ConnectionOptions {
  /** How long the TCP connect plus SSH handshake and login may take, per hop. */
  readyTimeoutMs: number;
  /** SSH keepalive: a probe every this often, the connection dropped after keepaliveCountMax unanswered. */
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  /** Channels open at once on the connection. */
  maxParallel: number;
  /** Where the passphrase variable and SSH_AUTH_SOCK are read. */
  env: NodeJS.ProcessEnv;
  /** Home directory for the default key files. */
  home: string;
}

/** ssh2's host key algorithms for each key type as known_hosts writes it. */
const HOST_KEY_ALGORITHMS: Record<string, ServerHostKeyAlgorithm[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};
const ALL_HOST_KEY_ALGORITHMS = Object.values(HOST_KEY_ALGORITHMS).flat();

export class SshConnection {
  /** "deploy@10.0.1.10:22 via bastion" */
  readonly description: string;
  /** The channels that may be open at once; shrinks when the server turns one down. */
  readonly slots: Slots;
  /** Every client opened, jump hosts first; all are closed together. */
  private clients: SshClient[] = [];
  private connected: SshClient | undefined;
  private connecting: Promise<void> | undefined;
  private lostBecause: string | undefined;
  /** Commands in flight, so a lost connection can finish them at once. */
  private readonly inFlight = new Set<(reason: string) => void>();

  constructor(
    readonly target: Target,
    private readonly options: ConnectionOptions,
  ) {
    this.slots = new Slots(options.maxParallel);
    const via = target.jump ? ` via ${target.jump.name}` : '';
    this.description = `${target.user}@${formatHostPort(target.address, target.port)}${via}`;
  }

  /** The client commands open their channels on, once connected. */
  get client(): SshClient | undefined {
    return this.connected;
  }

  /** Why the connection is gone, once it is. */
  get lost(): string | undefined {
    return this.lostBecause;
  }

  /** Have `abort` called with the reason if the connection is lost; the returned function cancels that. */
  onLost(abort: (reason: string) => void): () => void {
    this.inFlight.add(abort);
    return () => this.inFlight.delete(abort);
  }

  connect(): Promise<void> {
    this.connecting ??= this.open();
    return this.connecting;
  }

  private async open(): Promise<void> {
    const release = await LOGINS.acquire();
    try {
      // Closed while it waited for its turn: no login at all.
      if (this.lostBecause !== undefined) throw new TransportError('other', this.lostBecause);
      this.connected = await this.openHop(this.target);
      this.connected.on('close', () => this.drop(`the connection to ${this.description} closed`));
    } catch (error) {
      this.closeClients();
      if (error instanceof TransportError) throw error;
      // Anything else is a bug or an ssh2 surprise; callers still get the one error type the interface promises.
      throw new TransportError(
        'other',
        `SSH to ${this.description} failed: ${oneLine(String((error as Error).message ?? error))}`,
      );
    } finally {
      release();
    }
    // close() was called while we were connecting: do not leave the new connection open behind its back.
    if (this.lostBecause !== undefined) this.closeClients();
  }

  /** Connect to `target`, first through its jump host when it has one (recursively). */
  private async openHop(target: Target): Promise<SshClient> {
    let sock: Duplex | undefined;
    if (target.jump) {
      const jump = target.jump;
      const jumpClient = await this.openHop(jump).catch((error: unknown) => {
        throw viaJump(jump, error);
      });
      sock = await this.forward(jumpClient, jump, target);
    }
    const known = await readKnownHosts(target);
    const credentials = await loadCredentials(target, this.options.env, this.options.home);
    const client = await this.handshake(target, known, credentials, sock);
    this.clients.push(client);
    return client;
  }

  /** A TCP stream from the jump host to the target, which the target's SSH session runs over. */
  private forward(jumpClient: SshClient, jump: Target, target: Target): Promise<Duplex> {
    const hostPort = formatHostPort(target.address, target.port);
    return new Promise((resolve, reject) => {
      // forwardOut waits for the jump host's own connect(), which can take minutes against a dropping firewall.
      const timer = setTimeout(() => {
        reject(new TransportError('timeout', `jump host ${jump.name} timed out connecting to ${hostPort}`));
      }, this.options.readyTimeoutMs);
      try {
        jumpClient.forwardOut('127.0.0.1', 0, target.address, target.port, (error, channel) => {
          clearTimeout(timer);
          if (error) {
            const reason = /refused/i.test(error.message)
              ? 'refused'
              : /timed out/i.test(error.message)
                ? 'timeout'
                : 'other';
            reject(
              new TransportError(
                reason,
                `jump host ${jump.name} could not reach ${hostPort}: ${oneLine(error.message)}`,
              ),
            );
          } else {
            resolve(channel);
          }
        });
      } catch (error) {
        // ssh2 throws (rather than calling back) when the jump connection is already gone.
        clearTimeout(timer);
        reject(
          new TransportError(
            'other',
            `jump host ${jump.name} dropped the connection: ${(error as Error).message}`,
          ),
        );
      }
    });
  }

  private handshake(
    target: Target,
    known: KnownHosts,
    credentials: Credentials,
    sock: Duplex | undefined,
  ): Promise<SshClient> {
    const hostPort = formatHostPort(target.address, target.port);
    const where: ConnectWhere = {
      login: `${target.user}@${hostPort}`,
      hostPort,
      credentials: credentials.describe,
    };
    const client = new Client();
    return new Promise((resolve, reject) => {
      let settled = false;
      let refusedKey: string | undefined;
      const fail = (error: TransportError) => {
        if (settled) return;
        settled = true;
        client.end();
        reject(error);
      };
      client.once('ready', () => {
        if (settled) return;
        settled = true;
        resolve(client);
      });
      // Kept for the connection's whole life: an 'error' event without a listener would crash the process.
      client.on('error', (error: Error & { level?: string; code?: string }) => {
        if (!settled)
          fail(
            refusedKey !== undefined
              ? new TransportError('host-key', refusedKey)
              : classifyConnectError(error, where),
          );
        else this.drop(`SSH connection to ${this.description} failed: ${oneLine(error.message)}`);
      });
      client.once('close', () =>
        fail(new TransportError('other', `${hostPort} closed the connection before login completed`)),
      );

      const config: ConnectConfig = {
        host: target.address,
        port: target.port,
        username: target.user,
        readyTimeout: this.options.readyTimeoutMs,
        keepaliveInterval: this.options.keepaliveIntervalMs,
        keepaliveCountMax: this.options.keepaliveCountMax,
        // Ask for a key type known_hosts has for this host first, as OpenSSH does; otherwise the server might
        // show a key of another type and a known host would look unknown.
        algorithms: { serverHostKey: preferKnownTypes(knownKeyTypes(known, target.address, target.port)) },
        hostVerifier: (key: Buffer) => {
          const verdict = checkHostKey(known, target.address, target.port, key);
          refusedKey = describeVerdict(
            verdict,
            { host: target.address, port: target.port, file: target.knownHosts },
            key,
          );
          return refusedKey === undefined;
        },
        authHandler: credentials.methods,
      };
      if (sock) config.sock = sock;
      client.connect(config);
      // Nagle off: sshd turns it off only for sessions with a terminal, so with it on at our end as well a
      // channel's closing packets (exit status, EOF, close) waited for the peer's delayed ACK, about 40 ms
      // every command and most of a one-host diagnosis. (A jump host's forwarded stream has no such switch;
      // the jump host's own TCP connection gets it here.)
      client.setNoDelay(true);
    });
  }

  /** The connection is gone: every command in flight finishes now with `reason`, later ones too. */
  private drop(reason: string): void {
    this.lostBecause ??= reason;
    for (const abort of [...this.inFlight]) abort(reason);
  }

  async close(): Promise<void> {
    this.lostBecause ??= `the connection to ${this.description} was closed`;
    for (const abort of [...this.inFlight]) abort(this.lostBecause);
    this.closeClients();
  }

  private closeClients(): void {
    // The target first, then the jump hosts it ran through.
    for (const client of [...this.clients].reverse()) client.end();
    this.clients = [];
  }
}

function viaJump(jump: Target, error: unknown): TransportError {
  const message = error instanceof Error ? error.message : String(error);
  const reason = error instanceof TransportError ? error.reason : 'other';
  return new TransportError(reason, `jump host ${jump.name}: ${message}`);
}

function preferKnownTypes(types: string[]): ServerHostKeyAlgorithm[] {
  const first = types.flatMap((type) => HOST_KEY_ALGORITHMS[type] ?? []);
  return [...new Set([...first, ...ALL_HOST_KEY_ALGORITHMS])];
}

async function readKnownHosts(target: Target): Promise<KnownHosts> {
  try {
    return parseKnownHosts(await readFile(target.knownHosts, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new TransportError(
      'host-key',
      `cannot read known_hosts ${target.knownHosts} (${code}) for ${target.name}: host keys are always checked; set knownHosts in the inventory`,
    );
  }
}
