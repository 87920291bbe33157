// The simulator's view of IPv4: thin wrappers over the project's shared helpers
// (provider/common/netmath, built on ip-address) so there is one IPv4 implementation. What this
// file adds is the simulator's error style: invalid input becomes a 400 SimError.
import {
  cidrOf,
  cidrsOverlap,
  firstUsableHost,
  inSubnet,
  isIpv4,
  isUsableHost,
  netmaskToPrefix,
  prefixToNetmask,
  toInt,
  type Ipv4Cidr,
} from "../../contract/netmath";
import { badRequest } from "./errors";

export { inSubnet, isIpv4, isUsableHost, toInt, type Ipv4Cidr };

export const prefixToMask = (prefix: number): string => prefixToNetmask(prefix);

/** Returns the prefix length for a contiguous netmask, undefined for an invalid one. */
export const maskToPrefix = (mask: string): number | undefined => netmaskToPrefix(mask);

/** The subnet an interface address lives in; 400 when address or prefix is invalid. */
export function subnetOf(ip: string, prefix: number): Ipv4Cidr {
  const c = isIpv4(ip) ? cidrOf(ip, prefix) : undefined;
  if (!c) throw badRequest(`Invalid IP address ${ip}/${prefix}.`);
  return c;
}

export const subnetsOverlap = (a: Ipv4Cidr, b: Ipv4Cidr): boolean => cidrsOverlap(a, b);

/** First usable host of a subnet (used to invent the uplink's default gateway). */
export function firstHost(ip: string, prefix: number): string {
  return firstUsableHost(subnetOf(ip, prefix));
}
