// Live L2VPN tunnel status, computed from the world as a real pair of edges would negotiate it:
// a server peer site is up when a client edge points at the server's listener (address + port)
// with that site's user and password, the same cipher, both sides enabled, and the same set of
// tunnel ids on the stretched sub-interfaces. Otherwise it is down with the first mismatch as
// failureMessage. Pure: no clock, no storage (see l2vpn-stats.ts for those).
import type { Edge, L2VpnClient, L2VpnPeerSite, L2VpnServer } from "../world";
import { findSubInterface } from "./vnic-ops";

export type TunnelStatus = { up: true } | { up: false; failureMessage: string };

interface ServerEdge {
  edge: Edge;
  server: L2VpnServer;
}
interface ClientEdge {
  edge: Edge;
  client: L2VpnClient;
}

const down = (failureMessage: string): TunnelStatus => ({ up: false, failureMessage });

/** Tunnel ids of the stretched sub-interface indexes, and the indexes that no longer exist. */
export function stretchedTunnelIds(edge: Edge, indexes: number[]): { ids: number[]; missing: number[] } {
  const ids: number[] = [];
  const missing: number[] = [];
  for (const i of indexes) {
    const found = findSubInterface(edge, i);
    if (found) ids.push(found.sub.tunnelId);
    else missing.push(i);
  }
  return { ids: [...new Set(ids)].sort((a, b) => a - b), missing };
}

function compareTunnels(local: number[], peer: number[]): TunnelStatus {
  const onlyLocal = local.find((t) => !peer.includes(t));
  if (onlyLocal !== undefined) return down(`tunnel id ${onlyLocal} not stretched on the peer`);
  const onlyPeer = peer.find((t) => !local.includes(t));
  if (onlyPeer !== undefined) return down(`tunnel id ${onlyPeer} not stretched on this edge`);
  return { up: true };
}

/**
 * One server site against one client that presents this site's user. `from` decides which side
 * "this edge" is in the tunnel-id message.
 */
export function evaluatePair(
  s: ServerEdge,
  site: L2VpnPeerSite,
  c: ClientEdge,
  from: "server" | "client",
): TunnelStatus {
  if (!s.edge.l2vpn?.enabled) return down(`L2 VPN service is disabled on server edge ${s.edge.nsxId}`);
  if (!site.enabled) return down(`peer site ${site.name} is disabled`);
  if (!c.edge.l2vpn?.enabled) return down(`L2 VPN service is disabled on client edge ${c.edge.nsxId}`);
  if (c.client.user.userId !== site.user.userId || c.client.user.password !== site.user.password)
    return down(`authentication failed for user ${c.client.user.userId}`);
  if (c.client.encryptionAlgorithm !== s.server.encryptionAlgorithm)
    return down(
      `cipher mismatch: server uses ${s.server.encryptionAlgorithm}, client offers ${c.client.encryptionAlgorithm}`,
    );
  const srv = stretchedTunnelIds(s.edge, site.vnics);
  const cli = stretchedTunnelIds(c.edge, c.client.vnics);
  if (srv.missing.length)
    return down(`stretched sub-interface ${srv.missing[0]} does not exist on edge ${s.edge.nsxId}`);
  if (cli.missing.length)
    return down(`stretched sub-interface ${cli.missing[0]} does not exist on edge ${c.edge.nsxId}`);
  return from === "server" ? compareTunnels(srv.ids, cli.ids) : compareTunnels(cli.ids, srv.ids);
}

function servers(edges: Edge[]): ServerEdge[] {
  return edges.flatMap((edge) => (edge.l2vpn?.server ? [{ edge, server: edge.l2vpn.server }] : []));
}

function clients(edges: Edge[]): ClientEdge[] {
  return edges.flatMap((edge) => (edge.l2vpn?.client ? [{ edge, client: edge.l2vpn.client }] : []));
}

const pointsAt = (c: ClientEdge, s: ServerEdge): boolean =>
  c.edge !== s.edge &&
  c.client.serverAddress === s.server.listenerIp &&
  c.client.serverPort === s.server.listenerPort;

/** Status of one peer site of a server edge, looking for its client among `edges`. */
export function serverSiteStatus(
  edges: Edge[],
  s: ServerEdge,
  site: L2VpnPeerSite,
): { status: TunnelStatus; client?: Edge } {
  const connecting = clients(edges).filter((c) => pointsAt(c, s));
  const mine = connecting.filter((c) => c.client.user.userId === site.user.userId);
  if (mine.length > 0) {
    const results = mine.map((c) => ({ status: evaluatePair(s, site, c, "server"), client: c.edge }));
    return results.find((r) => r.status.up) ?? results[0]!;
  }
  const stranger = connecting.find(
    (c) => !s.server.peerSites.some((p) => p.user.userId === c.client.user.userId),
  );
  if (stranger)
    return {
      status: down(`authentication failed for user ${stranger.client.user.userId}`),
      client: stranger.edge,
    };
  return { status: down("no client connected") };
}

/** A client edge's one tunnel: the server it points at and the site its user belongs to. */
export function clientStatus(
  edges: Edge[],
  c: ClientEdge,
): { name: string; status: TunnelStatus; server?: Edge; site?: L2VpnPeerSite } {
  const target = servers(edges).filter((s) => pointsAt(c, s));
  const fallback = `${c.client.serverAddress}:${c.client.serverPort}`;
  if (target.length === 0)
    return { name: fallback, status: down(`no L2 VPN server listening on ${fallback}`) };
  for (const s of target) {
    const site = s.server.peerSites.find((p) => p.user.userId === c.client.user.userId);
    if (site) return { name: site.name, status: evaluatePair(s, site, c, "client"), server: s.edge, site };
  }
  return {
    name: fallback,
    status: down(`authentication failed for user ${c.client.user.userId}`),
    server: target[0]!.edge,
  };
}

export { servers as l2vpnServers, clients as l2vpnClients };
