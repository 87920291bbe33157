// <vnic>, <vnics> and <subInterface> request bodies → inputs for core/nsx/vnic-model.ts.
// Read-only elements (label, portgroupName, logicalSwitchName, parentVnicIndex, macAddress, …)
// are accepted and ignored, so a document read with GET can be written back as is.
import { NSX_CODE, nsxBad } from "../core/nsx/errors";
import type { SubInterfaceInput, VnicInput } from "../core/nsx/vnic-model";
import type { VnicType } from "../core/world";
import { addressGroup, bool, int, parseNsxBody, text } from "./nsx-values";
import { child, children, type XNode } from "./xml";

const TYPES: VnicType[] = ["uplink", "internal", "trunk"];

export function subInterfaceInput(n: XNode): SubInterfaceInput {
  const groups = children(child(n, "addressGroups"), "addressGroup");
  if (groups.length > 1) throw nsxBad("A sub-interface has at most one address group.", NSX_CODE.vnic);
  const logicalSwitchId = text(n, "logicalSwitchId");
  return {
    index: int(n, "index"),
    name: text(n, "name"),
    tunnelId: int(n, "tunnelId"),
    vlanId: int(n, "vlanId"),
    logicalSwitchId: logicalSwitchId || undefined,
    mtu: int(n, "mtu"),
    isConnected: bool(n, "isConnected"),
    enableSendRedirects: bool(n, "enableSendRedirects"),
    addressGroup: groups[0] ? addressGroup(groups[0]) : undefined,
  };
}

export function vnicInput(n: XNode): VnicInput {
  const type = text(n, "type");
  if (type !== undefined && !TYPES.includes(type as VnicType))
    throw nsxBad(`Invalid vnic type '${type}': use uplink, internal or trunk.`, NSX_CODE.vnic);
  const portgroupId = text(n, "portgroupId");
  return {
    index: int(n, "index"),
    name: text(n, "name"),
    type: type as VnicType | undefined,
    mtu: int(n, "mtu"),
    isConnected: bool(n, "isConnected"),
    portgroupId: portgroupId || undefined,
    addressGroups: children(child(n, "addressGroups"), "addressGroup").map(addressGroup),
    enableProxyArp: bool(n, "enableProxyArp"),
    enableSendRedirects: bool(n, "enableSendRedirects"),
    subInterfaces: children(child(n, "subInterfaces"), "subInterface").map(subInterfaceInput),
  };
}

export const parseVnicBody = (body: string): VnicInput => vnicInput(parseNsxBody(body, "vnic"));
export const parseVnicsBody = (body: string): VnicInput[] =>
  children(parseNsxBody(body, "vnics"), "vnic").map(vnicInput);
export const parseSubInterfaceBody = (body: string): SubInterfaceInput =>
  subInterfaceInput(parseNsxBody(body, "subInterface"));
