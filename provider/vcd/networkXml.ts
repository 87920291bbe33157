import { prefixToNetmask } from "../../contract/netmath";
import type { OrgNetwork, OrgNetworkSpec } from "./types";
import { asArray, buildXml, text, VCLOUD_NS, type XmlNode } from "./xml";
import { uuidOf } from "./ids";

/**
 * OrgVdcNetwork XML both ways. vCD validates request bodies against its schema, so the
 * element order below is the schema's order, not a matter of taste.
 */
export const ORG_VDC_NETWORK_MIME = "application/vnd.vmware.vcloud.orgVdcNetwork+xml";

export function orgNetworkToXml(spec: OrgNetworkSpec): string {
  const ipScope: XmlNode = {
    IsInherited: "false",
    Gateway: spec.gateway,
    Netmask: spec.netmask,
    ...(spec.dns1 ? { Dns1: spec.dns1 } : {}),
    ...(spec.dns2 ? { Dns2: spec.dns2 } : {}),
    ...(spec.dnsSuffix ? { DnsSuffix: spec.dnsSuffix } : {}),
    ...(spec.ipRanges.length
      ? { IpRanges: { IpRange: spec.ipRanges.map((r) => ({ StartAddress: r.start, EndAddress: r.end })) } }
      : {}),
  };
  return buildXml("OrgVdcNetwork", {
    "@_xmlns": VCLOUD_NS,
    "@_name": spec.name,
    ...(spec.description ? { Description: spec.description } : {}),
    Configuration: {
      IpScopes: { IpScope: ipScope },
      FenceMode: "natRouted",
      RetainNetInfoAcrossDeployments: "false",
      ...(spec.subInterface ? { SubInterface: "true" } : {}),
      GuestVlanAllowed: "false",
    },
    EdgeGateway: { "@_href": spec.edgeGatewayHref, "@_type": "application/vnd.vmware.admin.edgeGateway+xml" },
    IsShared: String(spec.shared),
  });
}

export function orgNetworkFromXml(node: XmlNode): OrgNetwork {
  const config = (node["Configuration"] ?? {}) as XmlNode;
  const scope = (asArray((config["IpScopes"] as XmlNode | undefined)?.["IpScope"] as XmlNode[])[0] ??
    {}) as XmlNode;
  const ranges = asArray((scope["IpRanges"] as XmlNode | undefined)?.["IpRange"] as XmlNode[]);
  const href = String(node["@_href"]);
  const netmask = text(scope["Netmask"]) ?? prefixToNetmask(Number(text(scope["SubnetPrefixLength"]) ?? 24));
  return {
    uuid: uuidOf(href),
    id: String(node["@_id"] ?? `urn:vcloud:network:${uuidOf(href)}`),
    href,
    name: String(node["@_name"]),
    description: text(node["Description"]) || undefined,
    status: Number(node["@_status"] ?? 1),
    fenceMode: text(config["FenceMode"]) ?? "",
    gateway: text(scope["Gateway"]) ?? "",
    netmask,
    dns1: text(scope["Dns1"]) || undefined,
    dns2: text(scope["Dns2"]) || undefined,
    dnsSuffix: text(scope["DnsSuffix"]) || undefined,
    ipRanges: ranges.map((r) => ({ start: text(r["StartAddress"]) ?? "", end: text(r["EndAddress"]) ?? "" })),
    shared: text(node["IsShared"]) === "true",
    subInterface: text(config["SubInterface"]) === "true",
  };
}
