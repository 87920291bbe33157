// IPv4 arithmetic for validating network definitions (gateway in subnet, ranges in subnet, overlap).
import { badRequest } from "./errors";

export function parseIpv4(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip.trim());
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

export function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".");
}

export function prefixToMask(prefix: number): string {
  return formatIpv4(prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);
}

/** Returns the prefix length for a contiguous netmask, undefined for an invalid one. */
export function maskToPrefix(mask: string): number | undefined {
  const n = parseIpv4(mask);
  if (n === undefined) return undefined;
  const inverted = ~n >>> 0;
  // A valid mask's inverse is 2^k - 1, i.e. inverted & (inverted + 1) === 0.
  if ((inverted & (inverted + 1)) !== 0) return undefined;
  return 32 - Math.log2(inverted + 1);
}

export interface Subnet {
  network: number;
  prefix: number;
}

export function subnetOf(ip: string, prefix: number): Subnet {
  const n = parseIpv4(ip);
  if (n === undefined) throw badRequest(`Invalid IP address ${ip}.`);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { network: (n & mask) >>> 0, prefix };
}

export function inSubnet(ip: string, s: Subnet): boolean {
  const n = parseIpv4(ip);
  return n !== undefined && subnetOf(ip, s.prefix).network === s.network;
}

export function subnetsOverlap(a: Subnet, b: Subnet): boolean {
  const p = Math.min(a.prefix, b.prefix);
  const mask = p === 0 ? 0 : (0xffffffff << (32 - p)) >>> 0;
  return (a.network & mask) >>> 0 === (b.network & mask) >>> 0;
}

/** The usable host range; /31 and /32 have no network/broadcast addresses. */
export function hostBounds(s: Subnet): { first: number; last: number } {
  const size = 2 ** (32 - s.prefix);
  if (s.prefix >= 31) return { first: s.network, last: s.network + size - 1 };
  return { first: s.network + 1, last: s.network + size - 2 };
}

/** First usable host of a subnet (used to invent the uplink's default gateway). */
export function firstHost(ip: string, prefix: number): string {
  return formatIpv4(hostBounds(subnetOf(ip, prefix)).first);
}
