// Names and addresses of a lab's kernel objects, derived from a prefix and a lab id. Pure.
// Interface names are limited to 15 characters (IFNAMSIZ - 1), which bounds the prefix.

/** Every lab takes one /24 out of 10.213.0.0/16; the lab id is the third octet. */
export const LAB_NET_BASE = '10.213';
export const MAX_LAB_ID = 255;
/** The bridge (root namespace side) is .1; hosts are numbered from .10 on. */
export const FIRST_HOST_OCTET = 10;
export const LAST_HOST_OCTET = 254;

/** Letters and digits, dashes inside; at most 7 characters so "<prefix>-255-244" fits 15. */
const PREFIX_RE = /^[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*$/;
export const MAX_PREFIX_LENGTH = 7;

/** Host names become netns names, /etc/hostname and inventory keys: keep them DNS-label-like. */
const HOST_NAME_RE = /^[a-z0-9](?:[a-z0-9-]{0,40}[a-z0-9])?$/;

/** A reason the prefix is unusable, or undefined when it is fine. */
export function prefixProblem(prefix: string): string | undefined {
  if (!PREFIX_RE.test(prefix)) return `lab prefix "${prefix}" must be letters and digits (dashes inside)`;
  if (prefix.length > MAX_PREFIX_LENGTH)
    return `lab prefix "${prefix}" is longer than ${MAX_PREFIX_LENGTH} characters (interface names are limited to 15)`;
  return undefined;
}

export function hostNameProblem(name: string): string | undefined {
  if (!HOST_NAME_RE.test(name))
    return `lab host name "${name}" must be lower-case letters, digits and dashes`;
  return undefined;
}

export function bridgeName(prefix: string, labId: number): string {
  return `${prefix}-br${labId}`;
}

/** The root-namespace end of a host's veth pair; the other end is "eth0" inside the host. */
export function vethName(prefix: string, labId: number, hostIndex: number): string {
  return `${prefix}-${labId}-${hostIndex}`;
}

/** Network namespaces carry the lab id too, so two labs with one prefix can run side by side. */
export function netnsName(prefix: string, labId: number, host: string): string {
  return `${prefix}-${labId}-${host}`;
}

/** Matches every netns of every lab with this prefix (for cleanup after a crash). */
export function netnsPattern(prefix: string): RegExp {
  return new RegExp(`^${escapeRe(prefix)}-\\d{1,3}-[a-z0-9-]+$`);
}

export function bridgePattern(prefix: string): RegExp {
  return new RegExp(`^${escapeRe(prefix)}-br\\d{1,3}$`);
}

export function subnetOf(labId: number): string {
  return `${LAB_NET_BASE}.${labId}.0/24`;
}

export function gatewayOf(labId: number): string {
  return `${LAB_NET_BASE}.${labId}.1`;
}

export function hostAddress(labId: number, hostIndex: number): string {
  const octet = FIRST_HOST_OCTET + hostIndex;
  if (octet > LAST_HOST_OCTET)
    throw new RangeError(`a lab holds at most ${LAST_HOST_OCTET - FIRST_HOST_OCTET + 1} hosts`);
  return `${LAB_NET_BASE}.${labId}.${octet}`;
}

function escapeRe(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
