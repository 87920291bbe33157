import type { TunnelStatus } from "../../contract/outputs";
import { ConfigError } from "../common/errors";
import type { L2VpnSiteStats, NsxVnic } from "../nsxv/types";
import { subInterfacesByTunnel, type EdgeHandle } from "./edgeAccess";

/**
 * What the L2VPN server and client handlers share: turning stretched tunnel IDs into the
 * sub-interface indexes NSX wants (and back, for refresh), and the status summary.
 */
export interface Stretch {
  stretchedTunnelIds: number[];
  stretchedSubInterfaceIndexes: number[];
}

/** Indexes NSX must list for this stretch; fails naming a tunnel ID no trunk carries. */
export function stretchedIndexes(s: Stretch, vnics: NsxVnic[], edge: EdgeHandle, what: string): number[] {
  const byTunnel = subInterfacesByTunnel(vnics);
  const fromTunnels = s.stretchedTunnelIds.map((t) => {
    const index = byTunnel.get(t);
    if (index === undefined) {
      throw new ConfigError(
        `${what}: tunnel ID ${t} is not a sub-interface of edge ${edge.label}; create the SubinterfaceOrgNetwork or ` +
          "EdgeTrunkInterface that carries it first (pass it in dependsOn, or use its tunnelId output)",
      );
    }
    return index;
  });
  return [...new Set([...fromTunnels, ...s.stretchedSubInterfaceIndexes])].sort((a, b) => a - b);
}

/** The inverse for refresh: indexes NSX reports, split back into the form the program used. */
export function liveStretch(indexes: number[], previous: Stretch, vnics: NsxVnic[]): Stretch {
  const byTunnel = subInterfacesByTunnel(vnics);
  const tunnelOf = new Map([...byTunnel].map(([t, i]) => [i, t]));
  const byIndex = new Set(previous.stretchedSubInterfaceIndexes);
  return {
    stretchedSubInterfaceIndexes: indexes
      .filter((i) => byIndex.has(i) || tunnelOf.get(i) === undefined)
      .sort((a, b) => a - b),
    stretchedTunnelIds: indexes
      .filter((i) => !byIndex.has(i) && tunnelOf.get(i) !== undefined)
      .map((i) => tunnelOf.get(i)!)
      .sort((a, b) => a - b),
  };
}

export function tunnelStatus(s: L2VpnSiteStats | undefined): TunnelStatus {
  if (!s)
    return { status: "down", failureMessage: "no statistics reported for this site", txBytes: 0, rxBytes: 0 };
  return {
    status: s.tunnelStatus,
    ...(s.failureMessage ? { failureMessage: s.failureMessage } : {}),
    ...(s.establishedDate ? { establishedDate: s.establishedDate } : {}),
    txBytes: s.txBytesFromLocalSubnet,
    rxBytes: s.rxBytesOnLocalSubnet,
  };
}
