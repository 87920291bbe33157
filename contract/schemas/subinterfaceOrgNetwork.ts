import { z } from "zod";
import { inSubnet, isIpv4, isUsableHost, parseCidr, rangeContains, rangesOverlap, toInt } from "../netmath";

/**
 * The one schema of SubinterfaceOrgNetwork inputs. It drives the SDK's argument types,
 * the provider's `check()` (every issue with its property path and the fix) and the
 * normalisation that keeps `pulumi preview --diff` quiet about cosmetic differences.
 * No Node-only imports: the SDK validates with it at preview time.
 */
const NAME = /^[A-Za-z0-9][A-Za-z0-9 ._()-]{0,126}[A-Za-z0-9._()-]?$/;
const DNS_SUFFIX =
  /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

const ipv4 = (what: string) =>
  z
    .string({ required_error: `${what} is required` })
    .trim()
    .refine(isIpv4, { message: `${what} must be an IPv4 address such as 10.1.1.10` });

export const ipPoolSchema = z.object({
  start: ipv4("start"),
  end: ipv4("end"),
});

export const subinterfaceOrgNetworkSchema = z
  .object({
    vdc: z.string().trim().min(1, "vdc is required: the name or URN of the Org VDC that owns the network"),
    edgeGateway: z
      .string()
      .trim()
      .min(1, "edgeGateway is required: the name or URN of the NSX-v edge gateway to attach the network to"),
    name: z
      .string()
      .trim()
      .regex(
        NAME,
        "name must be 1-128 characters: letters, digits, space and . _ ( ) -, starting with a letter or digit (vCD network name rules)",
      ),
    description: z.string().max(256, "description must be at most 256 characters").optional(),
    gatewayCidr: z
      .string()
      .trim()
      .refine((v) => parseCidr(v) !== undefined, {
        message: 'gatewayCidr must be the gateway address with its prefix, e.g. "10.1.1.1/24"',
      }),
    dnsServers: z
      .array(ipv4("each DNS server"))
      .max(2, "dnsServers takes at most 2 addresses (vCD has Dns1 and Dns2)")
      .optional(),
    // "" means "none": normalised inputs must parse again (read → diff → update).
    dnsSuffix: z.preprocess(
      (v) => (v === "" ? undefined : v),
      z
        .string()
        .trim()
        .regex(DNS_SUFFIX, 'dnsSuffix must be a DNS domain such as "corp.example.com"')
        .optional(),
    ),
    staticIpPools: z.array(ipPoolSchema).max(64, "staticIpPools takes at most 64 ranges").optional(),
    shared: z.boolean().optional(),
    adopt: z.boolean().optional(),
    /** Set by the SDK: `<project>/<stack>/<resource name>`, the ownership mark (provider/common/ownership). */
    owner: z.string().max(200, "owner must be at most 200 characters").optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    const cidr = parseCidr(v.gatewayCidr);
    if (!cidr) return;
    if (cidr.prefixLength > 30) {
      ctx.addIssue({
        code: "custom",
        path: ["gatewayCidr"],
        message: "gatewayCidr prefix must be /30 or shorter to leave room for hosts",
      });
      return;
    }
    if (!isUsableHost(cidr.address, cidr)) {
      ctx.addIssue({
        code: "custom",
        path: ["gatewayCidr"],
        message: `gatewayCidr ${v.gatewayCidr}: the gateway must be a host address inside ${cidr.networkAddress}/${cidr.prefixLength}, not its network or broadcast address`,
      });
    }
    const pools = v.staticIpPools ?? [];
    pools.forEach((p, i) => {
      if (!isIpv4(p.start) || !isIpv4(p.end)) return;
      for (const [field, ip] of [
        ["start", p.start],
        ["end", p.end],
      ] as const) {
        if (!isUsableHost(ip, cidr)) {
          ctx.addIssue({
            code: "custom",
            path: ["staticIpPools", i, field],
            message: `staticIpPools[${i}].${field} ${ip} is outside the subnet ${cidr.networkAddress}/${cidr.prefixLength} (or is its network/broadcast address); pick a host address inside it`,
          });
        }
      }
      if (toInt(p.start) > toInt(p.end)) {
        ctx.addIssue({
          code: "custom",
          path: ["staticIpPools", i],
          message: `staticIpPools[${i}] starts after it ends (${p.start} > ${p.end}); swap start and end`,
        });
      } else if (inSubnet(cidr.address, cidr) && rangeContains(p, cidr.address)) {
        ctx.addIssue({
          code: "custom",
          path: ["staticIpPools", i],
          message: `staticIpPools[${i}] (${p.start}-${p.end}) contains the gateway ${cidr.address}; start the pool after it`,
        });
      }
      pools.slice(0, i).forEach((q, j) => {
        if (isIpv4(q.start) && isIpv4(q.end) && rangesOverlap(p, q)) {
          ctx.addIssue({
            code: "custom",
            path: ["staticIpPools", i],
            message: `staticIpPools[${i}] (${p.start}-${p.end}) overlaps staticIpPools[${j}] (${q.start}-${q.end}); make the ranges disjoint`,
          });
        }
      });
    });
  });

export type SubinterfaceOrgNetworkInputs = z.infer<typeof subinterfaceOrgNetworkSchema>;

/** Inputs after defaults and canonical ordering; what diff compares and state stores. */
export interface NormalizedSubinterfaceOrgNetwork {
  vdc: string;
  edgeGateway: string;
  name: string;
  description: string;
  gatewayCidr: string;
  dnsServers: string[];
  dnsSuffix: string;
  staticIpPools: { start: string; end: string }[];
  shared: boolean;
  adopt: boolean;
  owner: string;
}

export function normalizeSubinterfaceOrgNetwork(
  v: SubinterfaceOrgNetworkInputs,
): NormalizedSubinterfaceOrgNetwork {
  return {
    vdc: v.vdc,
    edgeGateway: v.edgeGateway,
    name: v.name,
    description: v.description ?? "",
    gatewayCidr: v.gatewayCidr,
    dnsServers: v.dnsServers ?? [],
    dnsSuffix: v.dnsSuffix?.toLowerCase() ?? "",
    staticIpPools: [...(v.staticIpPools ?? [])].sort((a, b) => toInt(a.start) - toInt(b.start)),
    shared: v.shared ?? false,
    adopt: v.adopt ?? false,
    owner: v.owner ?? "",
  };
}
