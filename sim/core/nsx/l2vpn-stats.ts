// L2VPN statistics over time: remembers when each server peer site's tunnel came up (so
// establishedDate is stable and byte counters grow while it stays up) and builds the per-edge
// view GET l2vpn/config/statistics renders.
import type { Edge, World } from "../world";
import { nsxEdges } from "./edges";
import { clientStatus, l2vpnClients, l2vpnServers, serverSiteStatus, type TunnelStatus } from "./tunnels";

export interface SiteStats {
  name: string;
  status: TunnelStatus;
  /** Epoch seconds. */
  establishedDate?: number;
  txBytesFromLocalSubnet: number;
  rxBytesOnLocalSubnet: number;
  droppedTxPackets: number;
  droppedRxPackets: number;
  encryptionAlgorithm: string;
}

export interface StatsView {
  /** Epoch seconds. */
  timeStamp: number;
  serverStatus: "up" | "down";
  sites: SiteStats[];
}

/** Simulated traffic while a tunnel is up, bytes per second in each direction. */
const SERVER_TX_RATE = 12_500;
const SERVER_RX_RATE = 9_000;

export const tunnelKey = (serverNsxId: string, siteName: string): string => `${serverNsxId}/${siteName}`;

/**
 * Re-evaluates every server site; records the time a tunnel came up and forgets tunnels that
 * went down. Returns true when something changed (the caller persists).
 */
export function refreshTunnels(world: World, nowMs: number): boolean {
  const edges = nsxEdges(world);
  const up = new Set<string>();
  let changed = false;
  for (const s of l2vpnServers(edges)) {
    for (const site of s.server.peerSites) {
      if (!serverSiteStatus(edges, s, site).status.up) continue;
      const key = tunnelKey(s.edge.nsxId, site.name);
      up.add(key);
      if (world.nsx.tunnelsUp[key] === undefined) {
        world.nsx.tunnelsUp[key] = nowMs;
        changed = true;
      }
    }
  }
  for (const key of Object.keys(world.nsx.tunnelsUp)) {
    if (!up.has(key)) {
      delete world.nsx.tunnelsUp[key];
      changed = true;
    }
  }
  return changed;
}

function counters(world: World, key: string, status: TunnelStatus, nowMs: number, swap: boolean) {
  const since = status.up ? world.nsx.tunnelsUp[key] : undefined;
  const secs = since === undefined ? 0 : Math.max(0, nowMs - since) / 1000;
  const tx = Math.floor(secs * SERVER_TX_RATE);
  const rx = Math.floor(secs * SERVER_RX_RATE);
  return {
    establishedDate: since === undefined ? undefined : Math.floor(since / 1000),
    txBytesFromLocalSubnet: swap ? rx : tx,
    rxBytesOnLocalSubnet: swap ? tx : rx,
    droppedTxPackets: 0,
    droppedRxPackets: 0,
  };
}

/** The statistics document of one edge (call refreshTunnels first so up-times are current). */
export function l2vpnStats(world: World, edge: Edge, nowMs: number): StatsView {
  const edges = nsxEdges(world);
  const timeStamp = Math.floor(nowMs / 1000);
  const server = l2vpnServers([edge])[0];
  if (server) {
    const sites = server.server.peerSites.map((site) => {
      const { status } = serverSiteStatus(edges, server, site);
      const key = tunnelKey(edge.nsxId, site.name);
      return {
        name: site.name,
        status,
        encryptionAlgorithm: server.server.encryptionAlgorithm,
        ...counters(world, key, status, nowMs, false),
      };
    });
    return { timeStamp, serverStatus: edge.l2vpn?.enabled ? "up" : "down", sites };
  }
  const client = l2vpnClients([edge])[0];
  if (client) {
    const r = clientStatus(edges, client);
    const key = r.server ? tunnelKey(r.server.nsxId, r.name) : "";
    const site: SiteStats = {
      name: r.name,
      status: r.status,
      encryptionAlgorithm: client.client.encryptionAlgorithm,
      ...counters(world, key, r.status, nowMs, true),
    };
    return { timeStamp, serverStatus: r.status.up ? "up" : "down", sites: [site] };
  }
  return { timeStamp, serverStatus: "down", sites: [] };
}
