import { netmaskToPrefix } from "../../contract/netmath";
import { buildXml, type XmlNode } from "../vcd/xml";
import type { AddressGroup, NsxSubInterface, NsxVnic, VnicType } from "./types";
import { bool, child, children, compact, num, str, strs } from "./xmlNodes";

/**
 * vNIC, sub-interface and address-group documents both ways. Element order follows the NSX
 * 6.4 schema (NSX validates it); read-only elements (label, portgroupName,
 * logicalSwitchName, parentVnicIndex) are read but never written back.
 */

export function readAddressGroups(node: XmlNode | undefined): AddressGroup[] {
  return children(child(node, "addressGroups"), "addressGroup").map((g) => {
    const mask = str(g, "subnetMask");
    // NSX: when both are given the mask wins.
    const prefixLength =
      (mask !== undefined ? netmaskToPrefix(mask) : undefined) ?? num(g, "subnetPrefixLength") ?? 32;
    const secondary = strs(child(g, "secondaryAddresses"), "ipAddress");
    return {
      primaryAddress: str(g, "primaryAddress") ?? "",
      prefixLength,
      ...(secondary.length ? { secondaryAddresses: secondary } : {}),
    };
  });
}

/** Order: primaryAddress, secondaryAddresses, subnetPrefixLength. */
export function addressGroupsNode(groups: AddressGroup[]): XmlNode {
  return {
    addressGroup: groups.map((g) =>
      compact({
        primaryAddress: g.primaryAddress,
        secondaryAddresses: g.secondaryAddresses?.length ? { ipAddress: g.secondaryAddresses } : undefined,
        subnetPrefixLength: g.prefixLength,
      }),
    ),
  };
}

export function readSubInterface(s: XmlNode): NsxSubInterface {
  return {
    index: num(s, "index"),
    name: str(s, "name") ?? "",
    tunnelId: num(s, "tunnelId") ?? 0,
    vlanId: num(s, "vlanId"),
    logicalSwitchId: str(s, "logicalSwitchId"),
    logicalSwitchName: str(s, "logicalSwitchName"),
    mtu: num(s, "mtu") ?? 1500,
    isConnected: bool(s, "isConnected", false),
    enableSendRedirects: bool(s, "enableSendRedirects", true),
    addressGroups: readAddressGroups(s),
  };
}

/**
 * Order: isConnected, name, index (kept so NSX does not renumber it), tunnelId,
 * vlanId | logicalSwitchId, enableSendRedirects, mtu, addressGroups.
 */
export function subInterfaceNode(s: NsxSubInterface): XmlNode {
  return compact({
    isConnected: s.isConnected,
    name: s.name,
    index: s.index,
    tunnelId: s.tunnelId,
    vlanId: s.vlanId,
    logicalSwitchId: s.vlanId === undefined ? s.logicalSwitchId : undefined,
    enableSendRedirects: s.enableSendRedirects,
    mtu: s.mtu,
    addressGroups: s.addressGroups.length ? addressGroupsNode(s.addressGroups) : undefined,
  });
}

export function readVnic(v: XmlNode): NsxVnic {
  return {
    index: num(v, "index") ?? -1,
    label: str(v, "label"),
    name: str(v, "name") ?? "",
    type: (str(v, "type") ?? "internal") as VnicType,
    mtu: num(v, "mtu") ?? 1500,
    isConnected: bool(v, "isConnected", false),
    portgroupId: str(v, "portgroupId"),
    portgroupName: str(v, "portgroupName"),
    addressGroups: readAddressGroups(v),
    enableProxyArp: bool(v, "enableProxyArp", false),
    enableSendRedirects: bool(v, "enableSendRedirects", true),
    subInterfaces: children(child(v, "subInterfaces"), "subInterface").map(readSubInterface),
  };
}

/**
 * Order: name, addressGroups, mtu, type, isConnected, index, portgroupId, enableProxyArp,
 * enableSendRedirects, subInterfaces. A trunk always carries `<subInterfaces>` (empty when
 * it has none) because PUT replaces the list and an absent element would be ambiguous.
 */
export function vnicNode(v: NsxVnic): XmlNode {
  return compact({
    name: v.name,
    addressGroups: addressGroupsNode(v.addressGroups),
    mtu: v.mtu,
    type: v.type,
    isConnected: v.isConnected,
    index: v.index,
    portgroupId: v.portgroupId,
    enableProxyArp: v.enableProxyArp,
    enableSendRedirects: v.enableSendRedirects,
    subInterfaces:
      v.type === "trunk" || v.subInterfaces.length
        ? { subInterface: v.subInterfaces.map(subInterfaceNode) }
        : undefined,
  });
}

export function readVnics(xml: XmlNode | undefined): NsxVnic[] {
  return children(child(xml, "vnics"), "vnic").map(readVnic);
}

export const vnicXml = (v: NsxVnic): string => buildXml("vnic", vnicNode(v));
export const vnicsXml = (vs: NsxVnic[]): string => buildXml("vnics", { vnic: vs.map(vnicNode) });
export const subInterfaceXml = (s: NsxSubInterface): string => buildXml("subInterface", subInterfaceNode(s));
