// Edges as NSX Manager sees them: the vCD-managed ones plus those only NSX knows about.
import type { Edge, World } from "../world";
import { nsxNotFound } from "./errors";

export function nsxEdges(world: World): Edge[] {
  return [...world.edges, ...world.nsx.edges];
}

export function edgeByNsxId(world: World, nsxId: string): Edge {
  const e = nsxEdges(world).find((x) => x.nsxId === nsxId);
  if (!e) throw nsxNotFound(`Edge ${nsxId} was not found.`);
  return e;
}

/** Name of the vCD network a vnic / sub-interface belongs to (for messages). */
export const networkNameIn =
  (world: World) =>
  (networkId: string): string =>
    world.networks.find((n) => n.id === networkId)?.name ?? networkId;

/** Every address of the edge's uplink vnics (where an L2VPN server may listen). */
export function uplinkAddresses(edge: Edge): string[] {
  return edge.vnics
    .filter((v) => v.type === "uplink")
    .flatMap((v) => v.addressGroups.flatMap((ag) => [ag.primaryAddress, ...(ag.secondaryAddresses ?? [])]));
}
