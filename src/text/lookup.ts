// Table lookups keyed by text a host printed: own keys only, so "__proto__" or "constructor" in hostile
// output are unknown words, not Object.prototype's members.
export function lookup<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
