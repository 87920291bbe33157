import type { L2VpnConfig, L2VpnPeerSite, NsxSubInterface, NsxVnic } from "./types";

/**
 * Idempotent edits for `updateVnic` / `updateL2Vpn` mutations. Each touches only the item it
 * is given (matched by its natural key) and leaves everything else — other owners'
 * sub-interfaces and peer sites, including their passwords — exactly as read.
 */

/**
 * Inserts or replaces the sub-interface with the same tunnel id (tunnel ids are unique per
 * edge). The index NSX assigned earlier is kept so the sub-interface is not renumbered.
 */
export function upsertSubInterface(vnic: NsxVnic, sub: NsxSubInterface): NsxVnic {
  const i = vnic.subInterfaces.findIndex((s) => s.tunnelId === sub.tunnelId);
  const merged = { ...sub, index: sub.index ?? (i >= 0 ? vnic.subInterfaces[i]!.index : undefined) };
  const subInterfaces = [...vnic.subInterfaces];
  if (i >= 0) subInterfaces[i] = merged;
  else subInterfaces.push(merged);
  return { ...vnic, subInterfaces };
}

export function removeSubInterface(vnic: NsxVnic, tunnelId: number): NsxVnic {
  return { ...vnic, subInterfaces: vnic.subInterfaces.filter((s) => s.tunnelId !== tunnelId) };
}

/**
 * Inserts or replaces the peer site with the same name on a server config. Returns the
 * config unchanged when the edge is not an L2VPN server: the caller decides how a server
 * config comes into being (listener, cipher, certificate).
 */
export function upsertPeerSite(config: L2VpnConfig, site: L2VpnPeerSite): L2VpnConfig {
  if (!config.server) return config;
  const sites = config.server.peerSites.filter((s) => s.name !== site.name);
  const at = config.server.peerSites.findIndex((s) => s.name === site.name);
  sites.splice(at >= 0 ? at : sites.length, 0, site);
  return { ...config, server: { ...config.server, peerSites: sites } };
}

/**
 * Removes a peer site; returns null (delete the config) when it was the last one, because
 * NSX refuses a server without peer sites.
 */
export function removePeerSite(config: L2VpnConfig, name: string): L2VpnConfig | null {
  if (!config.server) return config;
  const sites = config.server.peerSites.filter((s) => s.name !== name);
  if (sites.length === 0) return null;
  return { ...config, server: { ...config.server, peerSites: sites } };
}
