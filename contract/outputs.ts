/**
 * Shapes of resource outputs that the provider computes and the SDK declares: one
 * definition, so a program's types and the state the provider writes cannot drift.
 */

/** An L2VPN tunnel as the edge reports it. */
export interface TunnelStatus {
  status: "up" | "down";
  /** Why the tunnel is down, as the edge reports it. */
  failureMessage?: string;
  establishedDate?: number;
  txBytes: number;
  rxBytes: number;
  /** When this status was read (ISO 8601): status is a reading, not a setting. */
  observedAt?: string;
}

/** A live reading of an edge's L2VPN: per site on a server, the one tunnel on a client. */
export interface L2VpnStatusReading {
  role: "server" | "client" | "none";
  /** Keyed by peer site name on a server; a client's one tunnel is keyed "server". */
  tunnels: Record<string, TunnelStatus>;
  observedAt: string;
}
