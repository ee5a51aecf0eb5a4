// The lab's hosts.yml, in the inventory format of the design (src/inventory reads it), and its
// known_hosts. Pure text builders.
import { stringify } from 'yaml';

export interface InventoryEntry {
  name: string;
  address: string;
  user: string;
  sudo: boolean;
  tags?: string[];
}

export interface InventoryDefaults {
  identityFile: string;
  knownHosts: string;
}

export function inventoryYaml(entries: InventoryEntry[], defaults: InventoryDefaults): string {
  const hosts: Record<string, Record<string, unknown>> = {};
  for (const e of entries) {
    hosts[e.name] = {
      address: e.address,
      user: e.user,
      sudo: e.sudo,
      ...(e.tags?.length ? { tags: e.tags } : {}),
    };
  }
  const doc = {
    // useAgent false: the lab's key only, whatever agent the developer has loaded.
    defaults: {
      port: 22,
      identityFile: defaults.identityFile,
      knownHosts: defaults.knownHosts,
      useAgent: false,
    },
    hosts,
  };
  return `# Written by the upstream-doctor lab; removed with it.\n${stringify(doc)}`;
}

export function knownHostsText(lines: string[]): string {
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
