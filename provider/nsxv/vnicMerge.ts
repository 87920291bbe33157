import { buildXml } from "../vcd/xml";
import type { XEl, XmlDoc } from "../vcd/xmlDoc";
import type { AddressGroup, NsxSubInterface, NsxVnic } from "./types";
import { addressGroupsNode, readAddressGroups, readSubInterface, subInterfaceXml } from "./vnicXml";

/**
 * Applies a changed NsxVnic to the `<vnic>` document NSX returned, for the PUT of
 * `updateVnic`. A vNIC PUT replaces the whole interface, so whatever we do not model —
 * macAddress, fenceParameter, in/outShapingPolicy, enableBridgeMode, read-only labels,
 * elements of newer NSX releases — must go back as read, on the vNIC and on every
 * sub-interface. Only fields whose typed value changed are touched; sub-interfaces are
 * matched by the index NSX gave them, kept ones are edited in place, new ones appended.
 */

/** The PUT body: the vnic as read with `next` merged in, or undefined when nothing changes. */
export function vnicPutBody(doc: XmlDoc, current: NsxVnic, next: NsxVnic): string | undefined {
  const before = doc.toString();
  mergeVnic(doc.root, current, next);
  const xml = doc.toString();
  return xml === before ? undefined : xml;
}

/** The same for one sub-interface document (NSX 6.4 `vnics/{p}/subinterfaces/{i}`). */
export function subInterfacePutBody(
  doc: XmlDoc,
  current: NsxSubInterface,
  next: NsxSubInterface,
): string | undefined {
  const before = doc.toString();
  mergeSubInterface(doc.root, current, next);
  const xml = doc.toString();
  return xml === before ? undefined : xml;
}

/** Element order of a vnic (NSX 6.4 schema, reference §7.2). */
const VNIC_ORDER = [
  "label",
  "name",
  "addressGroups",
  "mtu",
  "type",
  "isConnected",
  "index",
  "portgroupId",
  "portgroupName",
  "macAddress",
  "fenceParameter",
  "enableProxyArp",
  "enableSendRedirects",
  "enableBridgeMode",
  "inShapingPolicy",
  "outShapingPolicy",
  "subInterfaces",
] as const;

/** Element order of a subInterface (reference §7.3). */
const SUB_INTERFACE_ORDER = [
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
] as const;

const ADDRESS_GROUP_ORDER = ["primaryAddress", "secondaryAddresses", "subnetMask", "subnetPrefixLength"];

/** Edits `el` (a `<vnic>`) from `current` (its typed reading) to `next`. */
function mergeVnic(el: XEl, current: NsxVnic, next: NsxVnic): void {
  el.setChanged(
    [
      ["name", current.name, next.name],
      ["mtu", current.mtu, next.mtu],
      ["type", current.type, next.type],
      ["isConnected", current.isConnected, next.isConnected],
      ["index", current.index, next.index],
      ["portgroupId", current.portgroupId, next.portgroupId],
      ["enableProxyArp", current.enableProxyArp, next.enableProxyArp],
      ["enableSendRedirects", current.enableSendRedirects, next.enableSendRedirects],
    ],
    VNIC_ORDER,
  );
  if (!sameGroups(current.addressGroups, next.addressGroups)) {
    mergeAddressGroups(el.ensure("addressGroups", VNIC_ORDER), next.addressGroups);
  }
  const list = el.child("subInterfaces");
  if (list) mergeSubInterfaces(list, next.subInterfaces);
  else if (next.subInterfaces.length || (next.type === "trunk" && current.type !== "trunk")) {
    // A new trunk always carries the list, empty or not (PUT replaces it; absent is ambiguous).
    mergeSubInterfaces(el.insert(el.newChild("subInterfaces"), VNIC_ORDER), next.subInterfaces);
  }
}

/** Sub-interfaces are matched by index (NSX's own key); new ones are appended. */
function mergeSubInterfaces(list: XEl, next: NsxSubInterface[]): void {
  list.mergeChildren(
    "subInterface",
    next,
    (e) => readSubInterface(e.plain()),
    (have, want) => want.index !== undefined && have.index === want.index,
    mergeSubInterface,
    subInterfaceXml,
  );
}

/** Edits `el` (a `<subInterface>`) from `current` to `next`. */
function mergeSubInterface(el: XEl, current: NsxSubInterface, next: NsxSubInterface): void {
  // Exactly one backing is written: a VLAN id wins over a logical switch (as subInterfaceNode).
  const switchOf = (s: NsxSubInterface) => (s.vlanId === undefined ? s.logicalSwitchId : undefined);
  el.setChanged(
    [
      ["isConnected", current.isConnected, next.isConnected],
      ["name", current.name, next.name],
      ["index", current.index, next.index],
      ["tunnelId", current.tunnelId, next.tunnelId],
      ["vlanId", current.vlanId, next.vlanId],
      ["enableSendRedirects", current.enableSendRedirects, next.enableSendRedirects],
      ["mtu", current.mtu, next.mtu],
    ],
    SUB_INTERFACE_ORDER,
  );
  if (switchOf(current) !== switchOf(next)) {
    el.setOrRemove("logicalSwitchId", switchOf(next), SUB_INTERFACE_ORDER);
    // Read-only and derived from the switch id: stale once the backing changes.
    el.removeAll("logicalSwitchName");
  }
  if (!sameGroups(current.addressGroups, next.addressGroups)) {
    if (next.addressGroups.length === 0) el.removeAll("addressGroups");
    else mergeAddressGroups(el.ensure("addressGroups", SUB_INTERFACE_ORDER), next.addressGroups);
  }
}

/**
 * Address groups matched by primary address: a kept group keeps its element; its prefix
 * is written as subnetPrefixLength (a subnetMask would win over it in NSX, so a stale one is
 * dropped) and its secondaries replaced only when they changed.
 */
function mergeAddressGroups(list: XEl, next: AddressGroup[]): void {
  list.mergeChildren(
    "addressGroup",
    next,
    groupOf,
    (have, want) => have.primaryAddress === want.primaryAddress,
    mergeAddressGroup,
    (want) => {
      const node = addressGroupsNode([want])["addressGroup"] as unknown[];
      return buildXml("addressGroup", node[0] as Record<string, unknown>);
    },
  );
}

function mergeAddressGroup(el: XEl, have: AddressGroup, want: AddressGroup): void {
  if (have.prefixLength !== want.prefixLength) {
    el.removeAll("subnetMask");
    el.set("subnetPrefixLength", want.prefixLength, ADDRESS_GROUP_ORDER);
  }
  const wantSecondary = want.secondaryAddresses ?? [];
  if ((have.secondaryAddresses ?? []).join() !== wantSecondary.join()) {
    el.removeAll("secondaryAddresses");
    if (wantSecondary.length) {
      const xml = buildXml("secondaryAddresses", { ipAddress: wantSecondary });
      el.insert(el.fragment(xml), ADDRESS_GROUP_ORDER);
    }
  }
}

function groupOf(el: XEl): AddressGroup {
  return readAddressGroups({ addressGroups: { addressGroup: [el.plain()] } })[0]!;
}

function sameGroups(a: AddressGroup[], b: AddressGroup[]): boolean {
  const key = (gs: AddressGroup[]) =>
    JSON.stringify(gs.map((g) => [g.primaryAddress, g.prefixLength, g.secondaryAddresses ?? []]));
  return key(a) === key(b);
}
