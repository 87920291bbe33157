// NSX-v vnic documents: /vnics (NSX's own view, on both access paths) and the vCD-specific
// /vdcNetworks. In 9.0.0.0 mode the vCD proxy omits tunnelId on sub-interfaces, reproducing that
// bug; NSX Manager itself always shows it.
import { prefixToMask } from "../core/netmath";
import { VNIC_COUNT } from "../core/vnics";
import type { AddressGroup, Edge, SubInterface, Vnic, World } from "../core/world";
import type { XmlTree } from "../xml/xml";
import { opaqueTrees } from "./opaque";

/** Stored vnic elements that NSX's schema puts before enableProxyArp; the rest follow enableSendRedirects. */
const EARLY_VNIC_ELEMENTS = new Set(["macAddress", "fenceParameter"]);

export interface NsxRenderOptions {
  /** false in 9.0.0.0 mode */
  includeTunnelId: boolean;
  /** vCD hides port group names from tenant users in vdcNetworks. */
  showPortgroupNames: boolean;
}

function addressGroupTree(ag: AddressGroup): XmlTree {
  return {
    primaryAddress: ag.primaryAddress,
    secondaryAddresses: ag.secondaryAddresses?.length ? { ipAddress: ag.secondaryAddresses } : undefined,
    subnetMask: prefixToMask(ag.prefixLength),
    subnetPrefixLength: ag.prefixLength,
  };
}

/** @param parentVnicIndex shown by the 6.4 single sub-interface GET. */
export function subInterfaceTree(s: SubInterface, o: NsxRenderOptions, parentVnicIndex?: number): XmlTree {
  return {
    isConnected: s.isConnected,
    label: `vNic_${s.index}`,
    name: s.name,
    index: s.index,
    tunnelId: o.includeTunnelId ? s.tunnelId : undefined,
    vlanId: s.vlanId,
    logicalSwitchId: s.logicalSwitchId,
    logicalSwitchName: s.logicalSwitchName,
    enableSendRedirects: s.enableSendRedirects,
    mtu: s.mtu,
    addressGroups: { addressGroup: s.addressGroup ? addressGroupTree(s.addressGroup) : undefined },
    ...opaqueTrees(s.extras),
    parentVnicIndex,
  };
}

function unusedVnic(index: number): Vnic {
  return {
    index,
    name: `vnic${index}`,
    type: "internal",
    mtu: 1500,
    isConnected: false,
    portgroupId: "",
    portgroupName: "",
    addressGroups: [],
    enableProxyArp: false,
    enableSendRedirects: true,
    subInterfaces: [],
  };
}

/** All 10 vnic slots, used or not, in index order. */
export function allVnics(edge: Edge): Vnic[] {
  return Array.from({ length: VNIC_COUNT }, (_, i) => edge.vnics.find((v) => v.index === i) ?? unusedVnic(i));
}

export function vnicTree(v: Vnic, o: NsxRenderOptions): XmlTree {
  return {
    label: `vNic_${v.index}`,
    name: v.name,
    addressGroups: { addressGroup: v.addressGroups.map(addressGroupTree) },
    mtu: v.mtu,
    type: v.type,
    isConnected: v.isConnected,
    index: v.index,
    portgroupId: v.portgroupId || undefined,
    portgroupName: v.portgroupName || undefined,
    ...opaqueTrees(v.extras?.filter((e) => EARLY_VNIC_ELEMENTS.has(e.name))),
    enableProxyArp: v.enableProxyArp,
    enableSendRedirects: v.enableSendRedirects,
    ...opaqueTrees(v.extras?.filter((e) => !EARLY_VNIC_ELEMENTS.has(e.name))),
    subInterfaces:
      v.type === "trunk" ? { subInterface: v.subInterfaces.map((s) => subInterfaceTree(s, o)) } : undefined,
  };
}

export function vnicsTree(edge: Edge, o: NsxRenderOptions): XmlTree {
  return { vnic: allVnics(edge).map((v) => vnicTree(v, o)) };
}

const NETWORK_ENTITY = "com.vmware.vcloud.entity.network";

export function vdcNetworksTree(world: World, edge: Edge, o: NsxRenderOptions): XmlTree {
  const entries: { index: number; tree: XmlTree }[] = [];
  for (const v of edge.vnics) {
    if (v.type === "uplink" || v.type === "internal") {
      entries.push({
        index: v.index,
        tree: {
          name: v.networkName ?? v.name,
          type: v.type,
          index: v.index,
          networkReference: { id: v.networkId ?? "", name: v.networkName ?? v.name, type: NETWORK_ENTITY },
          addressGroups: { addressGroup: v.addressGroups.map(addressGroupTree) },
          portgroupId: v.type === "internal" ? v.networkId : v.portgroupId,
          portgroupName: o.showPortgroupNames ? v.portgroupName : "",
          isConnected: v.isConnected,
        },
      });
    }
    for (const s of v.subInterfaces) {
      // Only sub-interfaces of Org VDC networks are vCD's; NSX-written ones are not listed.
      if (s.networkId === undefined || s.addressGroup === undefined) continue;
      const net = world.networks.find((n) => n.id === s.networkId);
      const name = net?.name ?? s.logicalSwitchName;
      entries.push({
        index: s.index,
        tree: {
          name,
          type: "subinterface",
          index: s.index,
          networkReference: { id: s.networkId, name, type: NETWORK_ENTITY },
          addressGroups: { addressGroup: addressGroupTree(s.addressGroup) },
          portgroupId: s.networkId,
          portgroupName: o.showPortgroupNames ? name : "",
          isConnected: s.isConnected,
          tunnelId: o.includeTunnelId ? s.tunnelId : undefined,
        },
      });
    }
  }
  entries.sort((a, b) => a.index - b.index);
  return { edgeInterface: entries.map((e) => e.tree) };
}
