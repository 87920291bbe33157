import type { Network } from "../../sim/core/world";

/** An Org VDC network as the sim's world holds it: a /24 sub-interface network, nothing optional set. */
export function simNetwork(
  o: Pick<Network, "id" | "name" | "vdcId" | "edgeId" | "status" | "gateway"> & Partial<Network>,
): Network {
  return {
    revision: 1,
    description: "",
    prefixLength: 24,
    dns1: "",
    dns2: "",
    dnsSuffix: "",
    ipRanges: [],
    isShared: false,
    guestVlanAllowed: false,
    retainNetInfo: false,
    interfaceType: "subinterface",
    ...o,
  };
}
