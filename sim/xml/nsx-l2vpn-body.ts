// <l2Vpn> request bodies (reference §8.3/8.4) → L2VpnInput. Element order is not enforced (NSX's
// own GET and PUT examples order client elements differently); missing values get NSX defaults
// here and are judged by core/nsx/l2vpn.ts. Elements not interpreted here (of the config, the
// server or client configuration, a peer site) are stored as sent and shown by GET; a PUT
// without them drops them, because a PUT replaces the whole configuration.
import type { ClientInput, L2VpnInput, PeerSiteInput, ServerInput, UserInput } from "../core/nsx/l2vpn";
import { NSX_CODE, nsxBad } from "../core/nsx/errors";
import type { L2VpnProxy } from "../core/world";
import { bool, int, ints, parseNsxBody, text, texts } from "./nsx-values";
import { child, children, otherChildren, type XNode } from "./xml";

const L2VPN_ELEMENTS = new Set(["version", "enabled", "logging", "l2VpnSites"]);
const SERVER_ELEMENTS = new Set([
  "listenerIp",
  "listenerPort",
  "encryptionAlgorithm",
  "serverCertificate",
  "peerSites",
]);
const PEER_SITE_ELEMENTS = new Set([
  "name",
  "description",
  "l2VpnUser",
  "vnics",
  "egressOptimization",
  "enabled",
]);
const CLIENT_ELEMENTS = new Set([
  "serverAddress",
  "serverPort",
  "vnic",
  "encryptionAlgorithm",
  "caCertificate",
  "egressOptimization",
  "l2VpnUser",
  "proxySetting",
  "configuration",
]);

function user(n: XNode | undefined): UserInput {
  return { userId: text(n, "userId") ?? "", password: text(n, "password") };
}

function peerSite(n: XNode): PeerSiteInput {
  return {
    name: text(n, "name") ?? "",
    description: text(n, "description") ?? "",
    user: user(child(n, "l2VpnUser")),
    vnics: ints(child(n, "vnics"), "index"),
    egressGateways: texts(child(n, "egressOptimization"), "gatewayIpAddress"),
    enabled: bool(n, "enabled") ?? true,
    extras: otherChildren(n, PEER_SITE_ELEMENTS),
  };
}

function server(n: XNode): ServerInput {
  const c = child(n, "configuration") ?? n;
  return {
    listenerIp: text(c, "listenerIp") ?? "",
    listenerPort: int(c, "listenerPort") ?? 443,
    encryptionAlgorithm: text(c, "encryptionAlgorithm") ?? "",
    serverCertificate: text(c, "serverCertificate") || undefined,
    peerSites: children(child(c, "peerSites"), "peerSite").map(peerSite),
    extras: otherChildren(c, SERVER_ELEMENTS),
  };
}

function proxy(n: XNode | undefined): L2VpnProxy | undefined {
  if (!n) return undefined;
  const type = text(n, "type") ?? "https";
  if (type !== "http" && type !== "https")
    throw nsxBad(`proxySetting/type ${type} must be http or https.`, NSX_CODE.l2vpn);
  return {
    type,
    address: text(n, "address") ?? "",
    port: int(n, "port") ?? 443,
    userName: text(n, "userName") || undefined,
    password: text(n, "password") || undefined,
  };
}

function client(n: XNode): ClientInput {
  const c = child(n, "configuration") ?? n;
  return {
    serverAddress: text(c, "serverAddress") ?? "",
    serverPort: int(c, "serverPort") ?? 443,
    vnics: ints(c, "vnic"),
    encryptionAlgorithm: text(c, "encryptionAlgorithm") ?? "",
    caCertificate: text(c, "caCertificate") || undefined,
    egressGateways: texts(child(c, "egressOptimization"), "gatewayIpAddress"),
    // NSX puts l2VpnUser next to configuration; accept it inside too.
    user: user(child(n, "l2VpnUser") ?? child(c, "l2VpnUser")),
    proxy: proxy(child(n, "proxySetting")),
    extras: otherChildren(c, CLIENT_ELEMENTS),
  };
}

export function parseL2VpnBody(body: string): L2VpnInput {
  const root = parseNsxBody(body, "l2Vpn");
  const logging = child(root, "logging");
  const sites = children(child(root, "l2VpnSites"), "l2VpnSite");
  if (sites.length > 1)
    throw nsxBad("Only one l2VpnSite (a server or a client) is supported.", NSX_CODE.l2vpn);
  const site = sites[0];
  return {
    version: int(root, "version"),
    enabled: bool(root, "enabled") ?? true,
    logging: { enable: bool(logging, "enable") ?? false, logLevel: text(logging, "logLevel") || "info" },
    server: child(site, "server") ? server(child(site, "server")!) : undefined,
    client: child(site, "client") ? client(child(site, "client")!) : undefined,
    extras: otherChildren(root, L2VPN_ELEMENTS),
  };
}
