import type { IpRange, OrgNetwork, OrgNetworkSpec } from "./types";
import { asArray, buildXml, text, type XmlNode } from "./xml";
import type { XEl, XmlDoc } from "./xmlDoc";

/**
 * Applies an OrgNetworkSpec to the OrgVdcNetwork document vCD returned, for the PUT of an
 * update. Only what a SubinterfaceOrgNetwork owns changes — the name, Description, the first
 * IpScope's gateway, netmask, DNS and static pools, IsShared and the SubInterface flag — and
 * only where it differs from what was read. Everything else (GuestVlanAllowed,
 * RetainNetInfoAcrossDeployments, VCloudExtension, elements of newer API versions, attributes,
 * prefixes, order) goes back as read, because a PUT replaces the whole network and vCD resets
 * what is missing. New elements go where vCD's validating parser expects them.
 */

/** OrgVdcNetworkType's sequence (with its EntityType/ResourceType bases). */
const NETWORK_ORDER = [
  "VCloudExtension",
  "Link",
  "Description",
  "Tasks",
  "Configuration",
  "EdgeGateway",
  "ServiceConfig",
  "IsShared",
] as const;

const CONFIGURATION_ORDER = [
  "BackwardCompatibilityMode",
  "IpScopes",
  "ParentNetwork",
  "FenceMode",
  "RetainNetInfoAcrossDeployments",
  "Features",
  "SyslogServerSettings",
  "RouterInfo",
  "SubInterface",
  "DistributedInterface",
  "GuestVlanAllowed",
] as const;

const IP_SCOPE_ORDER = [
  "IsInherited",
  "Gateway",
  "Netmask",
  "SubnetPrefixLength",
  "Dns1",
  "Dns2",
  "DnsSuffix",
  "IsEnabled",
  "IpRanges",
  "AllocatedIpAddresses",
  "SubAllocations",
] as const;

const EDGE_GATEWAY_MIME = "application/vnd.vmware.admin.edgeGateway+xml";

/**
 * The PUT body: the document as read with `spec` merged in, or undefined when the network
 * already says what `spec` says. `current` is the typed reading of the same document.
 */
export function orgNetworkPutBody(
  doc: XmlDoc,
  current: OrgNetwork,
  spec: OrgNetworkSpec,
): string | undefined {
  const before = doc.toString();
  mergeOrgNetwork(doc.root, current, spec);
  if (doc.toString() === before) return undefined;
  // GET never carries the edge gateway, but a routed network's PUT must (reference §10.1).
  if (!doc.root.child("EdgeGateway")) {
    const edge = buildXml("EdgeGateway", { "@_href": spec.edgeGatewayHref, "@_type": EDGE_GATEWAY_MIME });
    doc.root.insert(doc.root.fragment(edge), NETWORK_ORDER);
  }
  return doc.toString();
}

function mergeOrgNetwork(root: XEl, current: OrgNetwork, spec: OrgNetworkSpec): void {
  if (spec.name !== current.name) root.setAttr("name", spec.name);
  const description = spec.description || undefined;
  if (description !== current.description) root.setOrRemove("Description", description, NETWORK_ORDER);

  const config = root.ensure("Configuration", NETWORK_ORDER);
  const scope = config.ensure("IpScopes", CONFIGURATION_ORDER).ensure("IpScope", ["IpScope"]);
  if (spec.gateway !== current.gateway) scope.set("Gateway", spec.gateway, IP_SCOPE_ORDER);
  if (spec.netmask !== current.netmask) {
    scope.set("Netmask", spec.netmask, IP_SCOPE_ORDER);
    // Optional and derived from the netmask: dropping it beats sending a contradiction.
    scope.removeAll("SubnetPrefixLength");
  }
  for (const [el, want, have] of [
    ["Dns1", spec.dns1, current.dns1],
    ["Dns2", spec.dns2, current.dns2],
    ["DnsSuffix", spec.dnsSuffix, current.dnsSuffix],
  ] as const) {
    if ((want || undefined) !== have) scope.setOrRemove(el, want || undefined, IP_SCOPE_ORDER);
  }
  if (!sameRanges(spec.ipRanges, current.ipRanges)) mergeIpRanges(scope, spec.ipRanges);

  if (spec.subInterface !== current.subInterface)
    config.set("SubInterface", spec.subInterface, CONFIGURATION_ORDER);
  if (spec.shared !== current.shared) root.set("IsShared", spec.shared, NETWORK_ORDER);
}

function sameRanges(a: IpRange[], b: IpRange[]): boolean {
  return a.length === b.length && a.every((r, i) => r.start === b[i]!.start && r.end === b[i]!.end);
}

/**
 * Makes the static pools `ranges`: an IpRange that stays keeps its element (and anything in
 * it we do not know), gone ones are removed, new ones appended. vCD's schema wants at least
 * one IpRange inside IpRanges, so no pools means no IpRanges element.
 */
function mergeIpRanges(scope: XEl, ranges: IpRange[]): void {
  if (ranges.length === 0) {
    scope.removeAll("IpRanges");
    return;
  }
  const list = scope.ensure("IpRanges", IP_SCOPE_ORDER);
  const wanted = ranges.map((r) => `${r.start}-${r.end}`);
  const kept = new Set<string>();
  for (const el of list.children("IpRange")) {
    const key = rangeKey(el.plain());
    if (wanted.includes(key) && !kept.has(key)) kept.add(key);
    else list.remove(el);
  }
  for (const r of ranges) {
    if (kept.has(`${r.start}-${r.end}`)) continue;
    const xml = buildXml("IpRange", { StartAddress: r.start, EndAddress: r.end });
    list.insert(list.fragment(xml), ["IpRange"]);
  }
}

function rangeKey(n: XmlNode): string {
  const first = (v: unknown) => text(asArray(v as unknown[])[0]) ?? "";
  return `${first(n["StartAddress"])}-${first(n["EndAddress"])}`;
}
