// Host addresses: what the inventory accepts, and comparing addresses written differently.
import { isIP, isIPv4 } from 'node:net';

// One DNS label: letters, digits and hyphens, not starting or ending with a hyphen, at most 63 characters.
const DNS_NAME =
  /^(?=.{1,253}\.?$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/** Why `address` is not an IPv4 address, an IPv6 address or a DNS name; undefined when it is one of them. */
export function addressProblem(address: string): string | undefined {
  if (isIP(address) !== 0) return undefined;
  if (address.startsWith('[') && address.endsWith(']'))
    return `write IPv6 addresses without brackets: ${address.slice(1, -1)}`;
  // All-numeric dotted names ("10.0.1.300") are mistyped IPv4 addresses, never DNS names.
  if (/^[0-9.]+$/.test(address)) return `'${address}' is not a valid IPv4 address`;
  if (DNS_NAME.test(address)) return undefined;
  return `expected an IPv4 or IPv6 address or a DNS name, got '${address}'`;
}

/** A comparable form: lowercase, no trailing dot, canonical IPv6, IPv4-mapped IPv6 as plain IPv4. */
export function normalizeAddress(address: string): string {
  let text = address.trim().toLowerCase();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  if (text.endsWith('.')) text = text.slice(0, -1);
  if (text.startsWith('::ffff:') && isIPv4(text.slice(7))) return text.slice(7);
  if (isIP(text) === 6 && !text.includes('%')) {
    // The WHATWG URL parser prints IPv6 in RFC 5952 form (zeros compressed), so equal addresses compare equal.
    return new URL(`http://[${text}]/`).hostname.slice(1, -1);
  }
  return text;
}
