/**
 * What the stretches of one program put on each NSX-v edge, so a stretch's plan check can
 * count an edge's capacity (sub-interfaces, trunk vNICs) and its one L2VPN service across
 * every stretch that shares the edge, not just its own networks. Keyed by stretch name:
 * Pulumi refuses two resources with one name, and a test that builds the same stretch again
 * replaces its entry instead of counting it twice.
 */
export interface EdgeUse {
  subInterfaces: number;
  trunks: number;
  l2vpn: boolean;
}

const uses = new Map<string, Map<string, EdgeUse>>();

export function recordEdgeUse(edge: string, stretch: string, use: EdgeUse): void {
  const byStretch = uses.get(edge) ?? new Map<string, EdgeUse>();
  byStretch.set(stretch, use);
  uses.set(edge, byStretch);
}

/** The sum of what stretches other than `stretch` put on `edge`. */
export function edgeUseByOthers(
  edge: string,
  stretch: string,
): { subInterfaces: number; trunks: number; l2vpnBy?: string } {
  let subInterfaces = 0;
  let trunks = 0;
  let l2vpnBy: string | undefined;
  for (const [name, use] of uses.get(edge) ?? []) {
    if (name === stretch) continue;
    subInterfaces += use.subInterfaces;
    trunks += use.trunks;
    if (use.l2vpn) l2vpnBy ??= name;
  }
  return { subInterfaces, trunks, l2vpnBy };
}
