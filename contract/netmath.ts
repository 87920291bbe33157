import { Address4 } from "ip-address";

/**
 * Address math for validation, shared by the SDK (at preview), the provider and the gateway
 * agent: one IPv4 validator, so "010.0.0.1" is refused everywhere alike. Subnet math is
 * built on ip-address.
 */
export interface Ipv4Cidr {
  /** The address as written, e.g. the gateway in "10.1.1.1/24". */
  address: string;
  prefixLength: number;
  networkAddress: string;
  broadcastAddress: string;
  netmask: string;
}

/** Dotted-quad IPv4 without leading zeros (leading zeros are octal to some tools). */
export function isIpv4(s: string): boolean {
  const parts = s.split(".");
  if (parts.length !== 4) return false;
  return parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

/** Parses an IPv6 address into 8 hextets, or returns undefined. Accepts `::` compression only. */
export function parseIPv6(s: string): number[] | undefined {
  if (!/^[0-9a-fA-F:]+$/.test(s) || s.length < 2) return undefined;
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const toGroups = (h: string): number[] | undefined => {
    if (h === "") return [];
    const gs = h.split(":");
    if (gs.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
    return gs.map((g) => parseInt(g, 16));
  };
  const head = toGroups(halves[0] ?? "");
  const tail = halves.length === 2 ? toGroups(halves[1] ?? "") : [];
  if (!head || !tail) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

export function isIPv6(s: string): boolean {
  return parseIPv6(s) !== undefined;
}

/**
 * Parsed CIDRs by their text. A provider checks each network against every other one on its
 * edge (N² comparisons for N networks), and ip-address parses slowly: at 100 networks the
 * parses alone took 0.6 s of CPU per preview. Results are frozen, so sharing them is safe.
 */
const parsedCidrs = new Map<string, Readonly<Ipv4Cidr> | undefined>();
const PARSED_CIDRS_KEPT = 4096;

export function parseCidr(value: string): Ipv4Cidr | undefined {
  if (parsedCidrs.has(value)) return parsedCidrs.get(value);
  if (parsedCidrs.size >= PARSED_CIDRS_KEPT) parsedCidrs.clear();
  const parsed = parseCidrText(value);
  parsedCidrs.set(value, parsed && Object.freeze(parsed));
  return parsed;
}

function parseCidrText(value: string): Ipv4Cidr | undefined {
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

/** The netmask of a prefix length as a 32-bit number. */
function maskOf(prefixLength: number): number {
  return prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
}

export function prefixToNetmask(prefixLength: number): string {
  const bits = maskOf(prefixLength);
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

/** The address's network part equals the subnet's (32-bit masks: no address objects per call). */
export function inSubnet(ip: string, cidr: Ipv4Cidr): boolean {
  if (!isIpv4(ip)) return false;
  return (toInt(ip) & maskOf(cidr.prefixLength)) >>> 0 === toInt(cidr.networkAddress);
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
