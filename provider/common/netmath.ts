import { Address4 } from "ip-address";

/**
 * IPv4 arithmetic for validation, built on ip-address (no hand-rolled bit twiddling).
 */
export interface Ipv4Cidr {
  /** The address as written, e.g. the gateway in "10.1.1.1/24". */
  address: string;
  prefixLength: number;
  networkAddress: string;
  broadcastAddress: string;
  netmask: string;
}

export function isIpv4(value: string): boolean {
  return Address4.isValid(value) && !value.includes("/") && value.split(".").length === 4;
}

export function parseCidr(value: string): Ipv4Cidr | undefined {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(value.trim());
  if (!m || !isIpv4(m[1]!)) return undefined;
  const prefixLength = Number(m[2]);
  if (prefixLength < 1 || prefixLength > 32) return undefined;
  const a = new Address4(`${m[1]}/${prefixLength}`);
  return {
    address: m[1]!,
    prefixLength,
    networkAddress: a.startAddress().correctForm(),
    broadcastAddress: a.endAddress().correctForm(),
    netmask: prefixToNetmask(prefixLength),
  };
}

export function prefixToNetmask(prefixLength: number): string {
  const bits = prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
  return [24, 16, 8, 0].map((s) => (bits >>> s) & 0xff).join(".");
}

export function netmaskToPrefix(netmask: string): number | undefined {
  if (!isIpv4(netmask)) return undefined;
  const n = toInt(netmask);
  const prefix = 32 - Math.log2((~n >>> 0) + 1);
  return Number.isInteger(prefix) ? prefix : undefined;
}

export function toInt(ip: string): number {
  return ip.split(".").reduce((acc, octet) => ((acc << 8) | Number(octet)) >>> 0, 0);
}

export function inSubnet(ip: string, cidr: Ipv4Cidr): boolean {
  return (
    isIpv4(ip) && new Address4(ip).isInSubnet(new Address4(`${cidr.networkAddress}/${cidr.prefixLength}`))
  );
}

/** True for an address that hosts may use: not the network or broadcast address (for prefixes < 31). */
export function isUsableHost(ip: string, cidr: Ipv4Cidr): boolean {
  if (!inSubnet(ip, cidr)) return false;
  if (cidr.prefixLength >= 31) return true;
  return ip !== cidr.networkAddress && ip !== cidr.broadcastAddress;
}

export interface Ipv4Range {
  start: string;
  end: string;
}

export function rangesOverlap(a: Ipv4Range, b: Ipv4Range): boolean {
  return toInt(a.start) <= toInt(b.end) && toInt(b.start) <= toInt(a.end);
}

export function rangeContains(r: Ipv4Range, ip: string): boolean {
  const n = toInt(ip);
  return toInt(r.start) <= n && n <= toInt(r.end);
}

/** The CIDR of an address with a separate prefix length (as NSX and vCD store them). */
export function cidrOf(address: string, prefixLength: number): Ipv4Cidr | undefined {
  return parseCidr(`${address}/${prefixLength}`);
}

/** Two subnets overlap exactly when one contains the other's network address. */
export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return inSubnet(a.networkAddress, b) || inSubnet(b.networkAddress, a);
}

/** First address hosts may use: the network address itself for /31 and /32. */
export function firstUsableHost(cidr: Ipv4Cidr): string {
  const a = new Address4(`${cidr.networkAddress}/${cidr.prefixLength}`);
  return (cidr.prefixLength >= 31 ? a.startAddress() : a.startAddressExclusive()).correctForm();
}
