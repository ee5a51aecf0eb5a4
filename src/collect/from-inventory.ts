// Collecting inventory hosts over SSH, following upstreams to the inventory hosts they live on.
import type { HostSnapshot } from '../model/types.js';
import type { Inventory, Target } from '../inventory/types.js';
import { findHostByAddress } from '../inventory/select.js';
import { SshTransport } from '../transport/ssh.js';
import { collect } from './collect.js';

export function collectTarget(
  inventory: Inventory,
  target: Target,
  options: { env?: NodeJS.ProcessEnv; onProgress?: (step: string) => void } = {},
): Promise<HostSnapshot> {
  const ssh = (t: Target) => new SshTransport(t, { env: options.env ?? process.env });
  return collect(ssh(target), target, {
    onProgress: options.onProgress,
    peerFor: (address) => {
      const peer = findHostByAddress(inventory, address);
      return peer && peer.name !== target.name ? { name: peer.name, transport: ssh(peer) } : undefined;
    },
  });
}
