import { ApiError } from "../common/errors";
import { sharedReads } from "../common/sharedReads";
import { getVdcNetworks, getVnics } from "./edges";
import type { VcdExecutor } from "./executor";

/**
 * The tunnelId lookup: which L2VPN tunnel ID did vCD give a subinterface Org VDC network?
 * vCD's network objects do not say; only the edge does. We ask `vdcNetworks` first (the
 * mapping endpoint vCD 9.0+ keeps correct), then the trunk vNIC's sub-interfaces, and if
 * neither carries the ID we stop with the reason instead of returning nothing. The edge's views
 * are shared by the networks of one command while this process does not write (a refresh of
 * a hundred networks downloads each edge's vdcNetworks once; see common/sharedReads.ts).
 */
export interface TunnelInfo {
  tunnelId: number;
  /** Sub-interface index on the edge (10 and up): what NSX L2VPN sites list as stretched vnics. */
  subInterfaceIndex: number;
  source: "vdcNetworks" | "vnics";
}

export const TUNNEL_ID_MISSING_HINT =
  "vCD 9.0.0.0 omits the tunnelId of subinterface networks from the edge's vdcNetworks and vnics views " +
  "(a known vCD 9.0 bug). Upgrade vCD to 9.0.0.1 or later (9.1+ recommended) or set the tunnel ID on the " +
  "peer by hand from the NSX Manager UI; l2stretch will not guess it";

export async function lookupTunnelId(
  exec: VcdExecutor,
  edge: { uuid: string; name: string },
  network: { uuid: string; name: string },
): Promise<TunnelInfo> {
  const reads = sharedReads(exec);
  const interfaces = await reads.get(`vdcNetworks:${edge.uuid}`, () => getVdcNetworks(exec, edge.uuid));
  const entry =
    interfaces.find(
      (i) =>
        i.type === "subinterface" && i.networkId !== undefined && i.networkId.toLowerCase() === network.uuid,
    ) ?? interfaces.find((i) => i.type === "subinterface" && i.name === network.name);
  if (entry?.tunnelId !== undefined) {
    return { tunnelId: entry.tunnelId, subInterfaceIndex: entry.index, source: "vdcNetworks" };
  }
  const vnics = await reads.get(`vnics:${edge.uuid}`, () => getVnics(exec, edge.uuid));
  const trunk = vnics.filter((v) => v.type === "trunk");
  const sub = trunk
    .flatMap((v) => v.subInterfaces)
    .find(
      (s) =>
        (entry && s.index === entry.index) ||
        s.logicalSwitchName === network.name ||
        (s.logicalSwitchId !== undefined && s.logicalSwitchId.toLowerCase() === network.uuid),
    );
  if (sub?.tunnelId !== undefined)
    return { tunnelId: sub.tunnelId, subInterfaceIndex: sub.index, source: "vnics" };
  if (!entry && !sub) {
    throw new ApiError(
      "NOT_FOUND",
      `network "${network.name}" is not a subinterface of edge gateway "${edge.name}": neither its vdcNetworks nor its ` +
        "trunk vNIC list it. Create the network with SubInterface=true (SubinterfaceOrgNetwork does) or convert it.",
    );
  }
  throw new ApiError(
    "UNSUPPORTED",
    `edge gateway "${edge.name}" lists network "${network.name}" as sub-interface ${entry?.index ?? sub?.index} but without a tunnelId. ${TUNNEL_ID_MISSING_HINT}.`,
  );
}
