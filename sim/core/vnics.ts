// How vCD lays out an NSX-v edge's vnics for routed Org VDC networks (reference §7.4, §7.6):
// internal networks take a whole vnic (1-9); subinterface networks share ONE trunk vnic whose
// sub-interfaces get indexes from 10 and tunnel ids from 1, always the lowest free value.
// Pure functions over the Edge record so allocation can be unit tested without HTTP.
import { badRequest } from "./errors";
import type { Edge, Network, SubInterface, Vnic } from "./world";

export const VNIC_COUNT = 10;
export const FIRST_SUBINTERFACE_INDEX = 10;
export const MAX_SUBINTERFACE_INDEX = 4094;
export const MAX_TUNNEL_ID = 4093;
/** Practical per-edge limit on sub-interfaces (PowerNSX docs / vCD issue #321). */
export const MAX_SUBINTERFACES = 200;

function lowestFree(used: Iterable<number>, from: number, to: number): number | undefined {
  const set = new Set(used);
  for (let i = from; i <= to; i++) if (!set.has(i)) return i;
  return undefined;
}

export function firstFreeVnicIndex(edge: Edge): number | undefined {
  return lowestFree(
    edge.vnics.map((v) => v.index),
    0,
    VNIC_COUNT - 1,
  );
}

/** The trunk vCD built for this edge's subinterface networks (other trunks belong to NSX users). */
export function trunkOf(edge: Edge): Vnic | undefined {
  return edge.vnics.find((v) => v.type === "trunk" && v.vcdTrunk === true);
}

/** Records a change of vnic slot `index` (per-slot revision for lost updates, plus the edge's). */
export function bumpVnic(edge: Edge, index: number): void {
  edge.vnicRevisions[index] = (edge.vnicRevisions[index] ?? 1) + 1;
  edge.vnicsRevision++;
}

export function allSubInterfaces(edge: Edge): SubInterface[] {
  return edge.vnics.flatMap((v) => v.subInterfaces);
}

export function firstFreeSubInterfaceIndex(edge: Edge): number | undefined {
  return lowestFree(
    allSubInterfaces(edge).map((s) => s.index),
    FIRST_SUBINTERFACE_INDEX,
    MAX_SUBINTERFACE_INDEX,
  );
}

export function firstFreeTunnelId(edge: Edge): number | undefined {
  return lowestFree(
    allSubInterfaces(edge).map((s) => s.tunnelId),
    1,
    MAX_TUNNEL_ID,
  );
}

/** Throws the 400 vCD would give when the edge has no room for another network of this kind. */
export function assertCapacity(edge: Edge, kind: Network["interfaceType"]): void {
  const freeVnic = firstFreeVnicIndex(edge) !== undefined;
  if (kind === "internal" && !freeVnic) {
    throw badRequest(`Edge gateway ${edge.name} has no free interface (all ${VNIC_COUNT} vnics are in use).`);
  }
  if (kind === "subinterface") {
    if (!trunkOf(edge) && !freeVnic) {
      throw badRequest(`Edge gateway ${edge.name} has no free interface for a trunk.`);
    }
    if (allSubInterfaces(edge).length >= MAX_SUBINTERFACES) {
      throw badRequest(`Edge gateway ${edge.name} already has ${MAX_SUBINTERFACES} sub-interfaces.`);
    }
  }
}

/** Builds the trunk vnic vCD creates for a VDC's subinterface networks. */
function createTrunk(edge: Edge, index: number, portgroup: string): Vnic {
  return {
    index,
    name: `vdc${edge.vdcId}`,
    type: "trunk",
    mtu: 1600,
    isConnected: true,
    portgroupId: portgroup,
    portgroupName: `dvs.VCDVS-Trunk-Portgroup-vdc${edge.vdcId}`,
    addressGroups: [],
    enableProxyArp: false,
    enableSendRedirects: true,
    vcdTrunk: true,
    subInterfaces: [],
  };
}

/**
 * Attaches a network to the edge as vCD would on task success.
 * @param allocatePortgroup returns a fresh `dvportgroup-N` id (only called for a new trunk).
 */
export function attachNetwork(edge: Edge, net: Network, allocatePortgroup: () => string): void {
  assertCapacity(edge, net.interfaceType);
  const addressGroup = { primaryAddress: net.gateway, prefixLength: net.prefixLength };
  let touched: number;
  if (net.interfaceType === "internal") {
    touched = firstFreeVnicIndex(edge)!;
    edge.vnics.push({
      index: touched,
      name: net.name,
      type: "internal",
      mtu: 1500,
      isConnected: true,
      portgroupId: net.id,
      portgroupName: net.name,
      addressGroups: [addressGroup],
      enableProxyArp: false,
      enableSendRedirects: true,
      networkId: net.id,
      networkName: net.name,
      subInterfaces: [],
    });
  } else {
    let trunk = trunkOf(edge);
    if (!trunk) {
      trunk = createTrunk(edge, firstFreeVnicIndex(edge)!, allocatePortgroup());
      edge.vnics.push(trunk);
    }
    const index = firstFreeSubInterfaceIndex(edge);
    const tunnelId = firstFreeTunnelId(edge);
    if (index === undefined || tunnelId === undefined) {
      throw badRequest(`Edge gateway ${edge.name} has no free sub-interface index or tunnel id.`);
    }
    trunk.subInterfaces.push({
      index,
      tunnelId,
      name: `vnic${tunnelId}-subinterface`,
      logicalSwitchId: net.id,
      logicalSwitchName: net.name,
      mtu: 1500,
      enableSendRedirects: true,
      isConnected: true,
      networkId: net.id,
      addressGroup,
    });
    trunk.subInterfaces.sort((a, b) => a.index - b.index);
    touched = trunk.index;
  }
  edge.vnics.sort((a, b) => a.index - b.index);
  bumpVnic(edge, touched);
}

/** Removes a network's interface; an emptied trunk goes back to being an unused vnic. */
export function detachNetwork(edge: Edge, networkId: string): boolean {
  const touched = new Set<number>();
  for (const v of edge.vnics) {
    const before = v.subInterfaces.length;
    v.subInterfaces = v.subInterfaces.filter((s) => s.networkId !== networkId);
    if (v.subInterfaces.length !== before) touched.add(v.index);
  }
  const kept = edge.vnics.filter((v) => {
    const drop =
      (v.type === "internal" && v.networkId === networkId) ||
      (v.vcdTrunk === true && v.subInterfaces.length === 0);
    if (drop) touched.add(v.index);
    return !drop;
  });
  edge.vnics = kept;
  for (const i of touched) bumpVnic(edge, i);
  return touched.size > 0;
}

/** Refreshes name/addresses of an existing attachment after an update (no re-allocation). */
export function refreshAttachment(edge: Edge, net: Network): void {
  for (const v of edge.vnics) {
    let touched = false;
    if (v.type === "internal" && v.networkId === net.id) {
      v.name = net.name;
      v.portgroupName = net.name;
      v.networkName = net.name;
      touched = true;
    }
    for (const s of v.subInterfaces) {
      if (s.networkId !== net.id) continue;
      s.logicalSwitchName = net.name;
      touched = true;
    }
    if (touched) bumpVnic(edge, v.index);
  }
}
