// The inventory: hosts.yml loaded, validated and resolved into Targets; hosts chosen by name, glob or tag.
export type { Inventory, InventoryResult, Target } from './types.js';
export { parseInventory, expandPath, type ParseInventoryOptions } from './parse.js';
export {
  loadInventory,
  locateInventory,
  INVENTORY_ENV,
  type InventoryLocation,
  type LoadOptions,
} from './load.js';
export { selectHosts, findHostByAddress, globMatch, type Selection } from './select.js';
export { addressProblem, normalizeAddress } from './address.js';
