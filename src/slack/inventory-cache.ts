// The inventory as the bot and the workers see it: read once, re-read when hosts.yml changes (size or
// mtime), so an edit applies to the next command or job without a restart, and each costs one stat() otherwise
// (a worker no longer parses the whole file before every diagnosis).
import { stat } from 'node:fs/promises';
import {
  loadInventory,
  locateInventory,
  type InventoryResult,
  type LoadOptions,
} from '../inventory/index.js';

export class InventoryCache {
  private cached?: { key: string; result: InventoryResult };
  private readonly path: string;

  constructor(private readonly options: LoadOptions) {
    this.path = locateInventory(options).path;
  }

  async current(): Promise<InventoryResult> {
    let key = 'missing';
    try {
      const s = await stat(this.path);
      key = `${s.mtimeMs}:${s.size}:${s.ino}`;
    } catch {
      // loadInventory explains a missing or unreadable file.
    }
    if (this.cached?.key === key) return this.cached.result;
    const result = await loadInventory(this.options);
    this.cached = { key, result };
    return result;
  }
}
