/**
 * One identity per NSX-v edge, however a resource reaches it: a vCD edge gateway (network
 * writes through vCD, NSX writes through vCD's `/network` proxy) or NSX Manager directly.
 * All three paths change the same edge, which takes one configuration change at a time, so
 * they must queue on the same process-wide lock (common/lock.ts) rather than meet as
 * BUSY_ENTITY answers and retries.
 *
 * The identity is NSX's edge id (edge-N) whenever it is known: NSX Manager addresses edges by
 * it and vCD names it as the gateway's backing (`GatewayBackingRef/gatewayId`). Without it a
 * vCD gateway falls back to a key of its own (vCD host + gateway UUID), which still
 * serialises every vCD and proxy write to that gateway. Two NSX Managers may both have an
 * edge-5: they then share a key, which only serialises more than needed, never less.
 */
export interface EdgeIdentitySource {
  /** NSX's edge id (edge-N), when known. */
  nsxEdgeId?: string;
  /** The vCD edge gateway: host of the vCD and the gateway UUID. */
  vcd?: { host: string; gatewayUuid: string };
}

export function edgeLockKey(edge: EdgeIdentitySource): string {
  if (edge.nsxEdgeId) return `nsx-edge:${edge.nsxEdgeId}`;
  if (edge.vcd) return `nsx-edge:vcd:${edge.vcd.host}/${edge.vcd.gatewayUuid.toLowerCase()}`;
  throw new Error("an edge needs its NSX id or its vCD gateway to be locked");
}
