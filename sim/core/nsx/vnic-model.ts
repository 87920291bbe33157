// Turning a vnic / sub-interface document written through the NSX API into the stored form:
// NSX's defaults, sub-interface index allocation, and carrying over what vCD owns (a sub-interface
// made for an Org VDC network keeps its network link when a PUT keeps it). Pure; validation of the
// result is vnic-rules.ts.
import { FIRST_SUBINTERFACE_INDEX, MAX_SUBINTERFACE_INDEX } from "../vnics";
import type { AddressGroup, Edge, OpaqueElement, SubInterface, Vnic, VnicType } from "../world";
import { NSX_CODE, nsxBad } from "./errors";

export interface SubInterfaceInput {
  index?: number;
  name?: string;
  tunnelId?: number;
  vlanId?: number;
  logicalSwitchId?: string;
  mtu?: number;
  isConnected?: boolean;
  enableSendRedirects?: boolean;
  addressGroup?: AddressGroup;
  /** Elements not interpreted here, stored as written. */
  extras?: OpaqueElement[];
}

export interface VnicInput {
  index?: number;
  name?: string;
  type?: VnicType;
  mtu?: number;
  isConnected?: boolean;
  portgroupId?: string;
  addressGroups: AddressGroup[];
  enableProxyArp?: boolean;
  enableSendRedirects?: boolean;
  /** undefined = element absent (keeps nothing: NSX replaces the whole vnic). */
  subInterfaces: SubInterfaceInput[];
  /** Elements not interpreted here (macAddress, shaping policies, …), stored as written. */
  extras?: OpaqueElement[];
}

/** Sub-interface indexes already used on the edge, except those of vnic `except`. */
export function usedSubInterfaceIndexes(vnics: Vnic[], except?: number): Set<number> {
  return new Set(vnics.filter((v) => v.index !== except).flatMap((v) => v.subInterfaces.map((s) => s.index)));
}

function allocator(used: Set<number>): () => number {
  return () => {
    for (let i = FIRST_SUBINTERFACE_INDEX; i <= MAX_SUBINTERFACE_INDEX; i++) {
      if (!used.has(i)) {
        used.add(i);
        return i;
      }
    }
    throw nsxBad("No free sub-interface index is left on this edge.", NSX_CODE.vnic);
  };
}

/**
 * Builds one sub-interface. `owned` is the existing sub-interface with the same index that vCD
 * created for a network: its network link is kept and a missing tunnelId is taken from it (the
 * vCD 9.0.0.0 proxy omits tunnelId on read, so a read-modify-write through it has none).
 */
export function buildSubInterface(
  input: SubInterfaceInput,
  index: number,
  owned?: SubInterface,
): SubInterface {
  const tunnelId = input.tunnelId ?? owned?.tunnelId;
  const name = input.name ?? owned?.name;
  if (name === undefined || name.trim() === "")
    throw nsxBad(`Sub-interface ${index}: name is required.`, NSX_CODE.vnic);
  if (tunnelId === undefined) throw nsxBad(`Sub-interface ${name}: tunnelId is required.`, NSX_CODE.vnic);
  const logicalSwitchId =
    input.logicalSwitchId ?? (input.vlanId === undefined ? owned?.logicalSwitchId : undefined);
  return {
    index,
    tunnelId,
    name,
    vlanId: input.vlanId,
    logicalSwitchId,
    logicalSwitchName:
      logicalSwitchId === undefined
        ? undefined
        : logicalSwitchId === owned?.logicalSwitchId
          ? owned.logicalSwitchName
          : logicalSwitchId,
    mtu: input.mtu ?? 1500,
    isConnected: input.isConnected ?? false,
    enableSendRedirects: input.enableSendRedirects ?? true,
    networkId: owned?.networkId,
    addressGroup: input.addressGroup,
    extras: input.extras,
  };
}

/**
 * The vnic a PUT (or patch entry) for slot `index` produces. Sub-interfaces without an index get
 * the lowest free one (≥ 10) on the edge; ones with an index keep it.
 */
export function buildVnic(edge: Pick<Edge, "vnics">, index: number, input: VnicInput): Vnic {
  const old = edge.vnics.find((v) => v.index === index);
  const used = usedSubInterfaceIndexes(edge.vnics, index);
  for (const s of input.subInterfaces) if (s.index !== undefined) used.add(s.index);
  const next = allocator(used);
  const subInterfaces = input.subInterfaces.map((s) => {
    const i = s.index ?? next();
    const owned = old?.subInterfaces.find((o) => o.index === i && o.networkId !== undefined);
    return buildSubInterface(s, i, owned);
  });
  subInterfaces.sort((a, b) => a.index - b.index);
  const portgroupId = input.portgroupId ?? "";
  return {
    index,
    name: input.name ?? `vnic${index}`,
    type: input.type ?? "internal",
    mtu: input.mtu ?? 1500,
    isConnected: input.isConnected ?? false,
    portgroupId,
    // Read-only in NSX: kept while the port group stays, otherwise shown as its id.
    portgroupName: old && old.portgroupId === portgroupId ? old.portgroupName : portgroupId,
    addressGroups: input.addressGroups,
    enableProxyArp: input.enableProxyArp ?? false,
    enableSendRedirects: input.enableSendRedirects ?? true,
    vcdTrunk: old?.vcdTrunk,
    subInterfaces,
    extras: input.extras,
  };
}
