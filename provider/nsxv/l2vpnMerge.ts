import { buildXml } from "../vcd/xml";
import type { XEl, XmlDoc } from "../vcd/xmlDoc";
import {
  assertOneRole,
  assertWritable,
  clientNode,
  nsxObjectId,
  peerSiteNode,
  readL2Vpn,
  readPeerSite,
  serverNode,
} from "./l2vpnXml";
import type {
  L2VpnClientConfig,
  L2VpnConfig,
  L2VpnPeerSite,
  L2VpnProxySetting,
  L2VpnServerConfig,
} from "./types";

/**
 * Applies a changed L2VpnConfig to the `<l2Vpn>` document NSX returned, for the PUT of
 * `updateL2Vpn`. The PUT replaces the whole configuration, so elements we do not model — on
 * the config, the server, each peer site, the client — go back as read. Only fields whose
 * typed value changed are touched; peer sites are matched by name (unique per server), kept
 * ones edited in place, new ones appended. Passwords are only ever set, never removed: a
 * site read without one keeps whatever the document has.
 */

const L2VPN_ORDER = ["version", "enabled", "logging", "l2VpnSites"];
const LOGGING_ORDER = ["enable", "logLevel"];
const SERVER_ORDER = ["listenerIp", "listenerPort", "encryptionAlgorithm", "serverCertificate", "peerSites"];
const PEER_SITE_ORDER = ["name", "description", "l2VpnUser", "vnics", "egressOptimization", "enabled"];
const USER_ORDER = ["userId", "password"];
const CLIENT_ORDER = ["configuration", "proxySetting", "l2VpnUser"];
const CLIENT_CONFIG_ORDER = [
  "serverAddress",
  "serverPort",
  "vnic",
  "encryptionAlgorithm",
  "caCertificate",
  "egressOptimization",
];
const PROXY_ORDER = ["type", "address", "port", "userName", "password"];

/**
 * The PUT body: the config as read with `next` merged in, or undefined when nothing changes.
 * Refuses (ConfigError, nothing sent) a body NSX would reject: both roles, or a user whose
 * password the GET withheld (NSX before 6.3.5).
 *
 * The read-only `<version>` is dropped: NSX rejects a PUT whose version is stale, and GOVCD
 * and NSX's own rebuild scripts strip it. Lost updates are prevented by the edge lock and
 * the GET right before every PUT instead.
 */
export function l2VpnPutBody(doc: XmlDoc, current: L2VpnConfig, next: L2VpnConfig): string | undefined {
  assertOneRole(next);
  doc.root.removeAll("version");
  const before = doc.toString();
  mergeL2Vpn(doc.root, current, next);
  const xml = doc.toString();
  if (xml === before) return undefined;
  assertWritable(readL2Vpn({ l2Vpn: doc.root.plain() }));
  return xml;
}

/** Edits `root` (an `<l2Vpn>`) from `current` (its typed reading) to `next`. */
function mergeL2Vpn(root: XEl, current: L2VpnConfig, next: L2VpnConfig): void {
  if (current.enabled !== next.enabled) root.set("enabled", next.enabled, L2VPN_ORDER);
  const [have, want] = [current.logging, next.logging];
  if (have.enable !== want.enable || have.logLevel !== want.logLevel) {
    const logging = root.ensure("logging", L2VPN_ORDER);
    if (have.enable !== want.enable) logging.set("enable", want.enable, LOGGING_ORDER);
    if (have.logLevel !== want.logLevel) logging.set("logLevel", want.logLevel, LOGGING_ORDER);
  }
  mergeSite(root, current, next);
}

function mergeSite(root: XEl, current: L2VpnConfig, next: L2VpnConfig): void {
  const sites = root.child("l2VpnSites");
  const site = sites?.child("l2VpnSite");
  const server = site?.child("server");
  const client = site?.child("client");
  if (next.server && current.server && server) {
    mergeServer(server.child("configuration") ?? server, current.server, next.server);
    return;
  }
  if (next.client && current.client && client) {
    mergeClient(client, current.client, next.client);
    return;
  }
  if (!next.server && !next.client) {
    if (site) sites!.remove(site);
    return;
  }
  // A new role (or the first site): nothing of a previous site applies to it.
  const tree = next.server
    ? { server: { configuration: serverNode(next.server) } }
    : { client: clientNode(next.client!) };
  const list = root.ensure("l2VpnSites", L2VPN_ORDER);
  if (site) list.remove(site);
  list.insert(list.fragment(buildXml("l2VpnSite", tree)), ["l2VpnSite"]);
}

function mergeServer(cfg: XEl, current: L2VpnServerConfig, next: L2VpnServerConfig): void {
  cfg.setChanged(
    [
      ["listenerIp", current.listenerIp, next.listenerIp],
      ["listenerPort", current.listenerPort, next.listenerPort],
      ["encryptionAlgorithm", current.encryptionAlgorithm, next.encryptionAlgorithm],
      ["serverCertificate", nsxObjectId(current.serverCertificate), nsxObjectId(next.serverCertificate)],
    ],
    SERVER_ORDER,
  );
  const list = next.peerSites.length ? cfg.ensure("peerSites", SERVER_ORDER) : cfg.child("peerSites");
  // Peer sites are matched by name, the key users and NSX's statistics agree on.
  list?.mergeChildren(
    "peerSite",
    next.peerSites,
    (e) => readPeerSite(e.plain()),
    (have, want) => have.name === want.name,
    mergePeerSite,
    (want) => buildXml("peerSite", peerSiteNode(want)),
  );
}

function mergePeerSite(el: XEl, current: L2VpnPeerSite, next: L2VpnPeerSite): void {
  if (current.description !== next.description)
    el.setOrRemove("description", next.description, PEER_SITE_ORDER);
  mergeUser(el, PEER_SITE_ORDER, current, next);
  if (current.vnics.join() !== next.vnics.join())
    setList(el.ensure("vnics", PEER_SITE_ORDER), "index", next.vnics.map(String), ["index"]);
  mergeEgress(el, PEER_SITE_ORDER, current.egressOptimizationIps, next.egressOptimizationIps);
  if (current.enabled !== next.enabled) el.set("enabled", next.enabled, PEER_SITE_ORDER);
}

function mergeClient(el: XEl, current: L2VpnClientConfig, next: L2VpnClientConfig): void {
  const cfg = el.ensure("configuration", CLIENT_ORDER);
  cfg.setChanged(
    [
      ["serverAddress", current.serverAddress, next.serverAddress],
      ["serverPort", current.serverPort, next.serverPort],
      ["encryptionAlgorithm", current.encryptionAlgorithm, next.encryptionAlgorithm],
      ["caCertificate", nsxObjectId(current.caCertificate), nsxObjectId(next.caCertificate)],
    ],
    CLIENT_CONFIG_ORDER,
  );
  if (current.vnics.join() !== next.vnics.join())
    setList(cfg, "vnic", next.vnics.map(String), CLIENT_CONFIG_ORDER);
  mergeEgress(cfg, CLIENT_CONFIG_ORDER, current.egressOptimizationIps, next.egressOptimizationIps);
  mergeProxy(el, current.proxy, next.proxy);
  mergeUser(el, CLIENT_ORDER, current, next);
}

function mergeProxy(
  el: XEl,
  current: L2VpnProxySetting | undefined,
  next: L2VpnProxySetting | undefined,
): void {
  if (!next) {
    if (current) el.removeAll("proxySetting");
    return;
  }
  const scalars = [
    ["type", current?.type, next.type],
    ["address", current?.address, next.address],
    ["port", current?.port, next.port],
    ["userName", current?.userName, next.userName],
  ] as const;
  const passwordChanged = next.password !== undefined && next.password !== current?.password;
  if (!passwordChanged && scalars.every(([, have, want]) => have === want)) return;
  const proxy = el.ensure("proxySetting", CLIENT_ORDER);
  proxy.setChanged(scalars, PROXY_ORDER);
  if (passwordChanged) proxy.set("password", next.password!, PROXY_ORDER);
}

/** `<l2VpnUser>` of a peer site or a client: the user id, and the password when one is given. */
function mergeUser(
  parent: XEl,
  order: readonly string[],
  current: { userId: string; password?: string },
  next: { userId: string; password?: string },
): void {
  const passwordChanged = next.password !== undefined && next.password !== current.password;
  if (current.userId === next.userId && !passwordChanged) return;
  const user = parent.ensure("l2VpnUser", order);
  if (current.userId !== next.userId) user.set("userId", next.userId, USER_ORDER);
  if (passwordChanged) user.set("password", next.password!, USER_ORDER);
}

function mergeEgress(parent: XEl, order: readonly string[], current: string[], next: string[]): void {
  if (current.join() === next.join()) return;
  if (next.length === 0) parent.removeAll("egressOptimization");
  else setList(parent.ensure("egressOptimization", order), "gatewayIpAddress", next, ["gatewayIpAddress"]);
}

/** Replaces every `<item>` child of `parent` by one per value, in schema order. */
function setList(parent: XEl, item: string, values: string[], order: readonly string[]): void {
  parent.removeAll(item);
  for (const v of values) {
    const el = parent.newChild(item);
    el.setText(v);
    parent.insert(el, order);
  }
}
