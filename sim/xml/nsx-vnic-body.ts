// <vnic>, <vnics> and <subInterface> request bodies → inputs for core/nsx/vnic-model.ts.
// Read-only elements (label, portgroupName, logicalSwitchName, parentVnicIndex) are accepted
// and ignored, so a document read with GET can be written back as is. Elements the simulator
// does not interpret (macAddress, fenceParameter, in/outShapingPolicy, enableBridgeMode, fields
// of newer NSX releases) are stored as sent and shown by GET, as NSX keeps those settings; a
// PUT without them drops them, because a PUT replaces the whole vnic.
import { NSX_CODE, nsxBad } from "../core/nsx/errors";
import type { SubInterfaceInput, VnicInput } from "../core/nsx/vnic-model";
import type { VnicType } from "../core/world";
import { addressGroup, bool, int, parseNsxBody, text } from "./nsx-values";
import { child, children, otherChildren, type XNode } from "./xml";

const TYPES: VnicType[] = ["uplink", "internal", "trunk"];

const VNIC_ELEMENTS = new Set([
  "label",
  "name",
  "addressGroups",
  "mtu",
  "type",
  "isConnected",
  "index",
  "portgroupId",
  "portgroupName",
  "enableProxyArp",
  "enableSendRedirects",
  "subInterfaces",
]);

const SUB_INTERFACE_ELEMENTS = new Set([
  "isConnected",
  "label",
  "name",
  "index",
  "tunnelId",
  "vlanId",
  "logicalSwitchId",
  "logicalSwitchName",
  "enableSendRedirects",
  "mtu",
  "addressGroups",
  "parentVnicIndex",
]);

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
    extras: otherChildren(n, SUB_INTERFACE_ELEMENTS),
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
    extras: otherChildren(n, VNIC_ELEMENTS),
  };
}

export const parseVnicBody = (body: string): VnicInput => vnicInput(parseNsxBody(body, "vnic"));
export const parseVnicsBody = (body: string): VnicInput[] =>
  children(parseNsxBody(body, "vnics"), "vnic").map(vnicInput);
export const parseSubInterfaceBody = (body: string): SubInterfaceInput =>
  subInterfaceInput(parseNsxBody(body, "subInterface"));
