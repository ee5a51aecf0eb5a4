// IP addresses as numbers, so CIDRs, netmasks and ranges from any firewall compare the same way.

export interface IpAddress {
  family: 4 | 6;
  value: bigint;
}

/** An inclusive range of addresses of one family. */
export interface AddressRange {
  family: 4 | 6;
  first: bigint;
  last: bigint;
}

const BITS = { 4: 32, 6: 128 } as const;

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  let t = text;
  // An embedded IPv4 tail (::ffff:1.2.3.4) stands for the last two groups.
  if (t.includes('.')) {
    const lastColon = t.lastIndexOf(':');
    const v4 = parseIpv4(t.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    t = `${t.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = t.split('::');
  if (halves.length > 2) return undefined;
  const left = halves[0] === '' ? [] : halves[0]!.split(':');
  const right = halves.length === 2 && halves[1] !== '' ? halves[1]!.split(':') : [];
  const groups = left.length + right.length;
  if (halves.length === 1 ? groups !== 8 : groups > 7) return undefined;
  const all = [...left, ...Array<string>(8 - groups).fill('0'), ...right];
  let value = 0n;
  for (const group of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    value = (value << 16n) | BigInt(parseInt(group, 16));
  }
  return value;
}

/** "10.0.0.1", "fd00::1", "[::1]", "fe80::1%eth0" → address; anything else → undefined. */
export function parseIp(text: string): IpAddress | undefined {
  let t = text.trim();
  if (t.startsWith('[') && t.endsWith(']')) t = t.slice(1, -1);
  const zone = t.indexOf('%');
  if (zone >= 0) t = t.slice(0, zone);
  const v4 = parseIpv4(t);
  if (v4 !== undefined) return { family: 4, value: v4 };
  if (!t.includes(':')) return undefined;
  const v6 = parseIpv6(t);
  return v6 === undefined ? undefined : { family: 6, value: v6 };
}

export function ipFamily(text: string): 4 | 6 | undefined {
  return parseIp(text)?.family;
}

function maskOf(family: 4 | 6, prefix: number): bigint {
  const bits = BigInt(BITS[family]);
  const all = (1n << bits) - 1n;
  return prefix === 0 ? 0n : (all >> BigInt(BITS[family] - prefix)) << BigInt(BITS[family] - prefix);
}

/**
 * "10.0.0.0/8", "10.0.0.1", "fd00::/8", "10.50.0.1-10.50.0.9", "1.2.3.0/255.255.255.0" → the covered range.
 * A non-contiguous netmask has no single range and yields undefined (callers treat it as unknown).
 */
export function parseAddressSpec(text: string): AddressRange | undefined {
  const t = text.trim();
  const dash = t.indexOf('-');
  if (dash > 0) {
    const first = parseIp(t.slice(0, dash));
    const last = parseIp(t.slice(dash + 1));
    if (!first || !last || first.family !== last.family || first.value > last.value) return undefined;
    return { family: first.family, first: first.value, last: last.value };
  }
  const slash = t.indexOf('/');
  const ip = parseIp(slash >= 0 ? t.slice(0, slash) : t);
  if (!ip) return undefined;
  const bits: number = BITS[ip.family];
  let prefix = bits;
  if (slash >= 0) {
    const suffix = t.slice(slash + 1);
    if (/^\d{1,3}$/.test(suffix)) {
      prefix = Number(suffix);
      if (prefix > bits) return undefined;
    } else {
      const mask = parseIp(suffix);
      if (!mask || mask.family !== ip.family) return undefined;
      prefix = contiguousPrefix(mask.value, bits) ?? -1;
      if (prefix < 0) return undefined;
    }
  }
  const mask = maskOf(ip.family, prefix);
  const first = ip.value & mask;
  const last = first | (((1n << BigInt(bits)) - 1n) & ~mask);
  return { family: ip.family, first, last };
}

function contiguousPrefix(mask: bigint, bits: number): number | undefined {
  for (let prefix = 0; prefix <= bits; prefix++) {
    if (maskOf(bits === 32 ? 4 : 6, prefix) === mask) return prefix;
  }
  return undefined;
}

/** Does `spec` (as accepted by parseAddressSpec) contain `ip`? undefined when the spec cannot be read. */
export function specContains(spec: string, ip: IpAddress): boolean | undefined {
  const range = parseAddressSpec(spec);
  if (!range) return undefined;
  return range.family === ip.family && ip.value >= range.first && ip.value <= range.last;
}

export function isLoopback(ip: IpAddress): boolean {
  return ip.family === 4 ? ip.value >> 24n === 127n : ip.value === 1n;
}

export function isMulticast(ip: IpAddress): boolean {
  return ip.family === 4 ? ip.value >> 28n === 0xen : ip.value >> 120n === 0xffn;
}
