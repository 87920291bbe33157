import { ConfigError } from "../common/errors";
import { buildXml, type XmlNode } from "../vcd/xml";
import type {
  L2VpnClientConfig,
  L2VpnConfig,
  L2VpnPeerSite,
  L2VpnProxySetting,
  L2VpnServerConfig,
} from "./types";
import { bool, child, children, compact, num, str, strs } from "./xmlNodes";

/**
 * The `<l2Vpn>` document both ways. On read, `<version>` is ignored (it is read-only and a
 * stale one makes NSX reject the PUT) and passwords are kept only when NSX sent them
 * (showSensitiveData=true). On write, every user's password must be present, because NSX
 * rejects a PUT that lacks one — we fail before sending instead of after.
 */

/**
 * NSX's own id of a truststore object. The vCD proxy lists certificates as
 * `{gatewayUuid}:certificate-N`, but inside an L2VPN document the value is an NSX object
 * reference, and the edge reports it back as bare `certificate-N`; writing the bare form
 * keeps read-back equal to what was written on both access paths.
 */
export function nsxObjectId(id: string): string;
export function nsxObjectId(id: string | undefined): string | undefined;
export function nsxObjectId(id: string | undefined): string | undefined {
  return id === undefined ? undefined : id.slice(id.lastIndexOf(":") + 1);
}

const DEFAULT_LOGGING = { enable: false, logLevel: "info" };

export function readL2Vpn(xml: XmlNode | undefined): L2VpnConfig {
  const r = child(xml, "l2Vpn") ?? {};
  const site = children(child(r, "l2VpnSites"), "l2VpnSite")[0];
  const serverNode = child(site, "server");
  const clientNode = child(site, "client");
  const logging = child(r, "logging");
  return {
    enabled: bool(r, "enabled", true),
    logging: logging
      ? { enable: bool(logging, "enable", false), logLevel: str(logging, "logLevel") ?? "info" }
      : { ...DEFAULT_LOGGING },
    ...(serverNode ? { server: readServer(child(serverNode, "configuration") ?? serverNode) } : {}),
    ...(clientNode ? { client: readClient(clientNode) } : {}),
  };
}

function readServer(c: XmlNode): L2VpnServerConfig {
  return {
    listenerIp: str(c, "listenerIp") ?? "",
    listenerPort: num(c, "listenerPort") ?? 443,
    encryptionAlgorithm: str(c, "encryptionAlgorithm") ?? "",
    serverCertificate: str(c, "serverCertificate"),
    peerSites: children(child(c, "peerSites"), "peerSite").map(readPeerSite),
  };
}

export function readPeerSite(p: XmlNode): L2VpnPeerSite {
  const user = child(p, "l2VpnUser");
  const site: L2VpnPeerSite = {
    name: str(p, "name") ?? "",
    userId: str(user, "userId") ?? "",
    vnics: strs(child(p, "vnics"), "index").map(Number),
    egressOptimizationIps: strs(child(p, "egressOptimization"), "gatewayIpAddress"),
    enabled: bool(p, "enabled", true),
  };
  // Optional members stay absent (not undefined) so configs compare and log cleanly.
  const description = str(p, "description");
  const password = str(user, "password");
  if (description !== undefined) site.description = description;
  if (password !== undefined) site.password = password;
  return site;
}

function readClient(n: XmlNode): L2VpnClientConfig {
  const c = child(n, "configuration") ?? {};
  const user = child(n, "l2VpnUser");
  const proxy = child(n, "proxySetting");
  return {
    serverAddress: str(c, "serverAddress") ?? "",
    serverPort: num(c, "serverPort") ?? 443,
    vnics: strs(c, "vnic").map(Number),
    encryptionAlgorithm: str(c, "encryptionAlgorithm") ?? "",
    caCertificate: str(c, "caCertificate"),
    egressOptimizationIps: strs(child(c, "egressOptimization"), "gatewayIpAddress"),
    userId: str(user, "userId") ?? "",
    password: str(user, "password"),
    proxy: proxy ? readProxy(proxy) : undefined,
  };
}

function readProxy(p: XmlNode): L2VpnProxySetting {
  return {
    type: (str(p, "type") ?? "https") === "http" ? "http" : "https",
    address: str(p, "address") ?? "",
    port: num(p, "port") ?? 443,
    userName: str(p, "userName"),
    password: str(p, "password"),
  };
}

/** Names of the users whose password is missing; a PUT must not be sent while any are. */
export function missingPasswords(config: L2VpnConfig): string[] {
  const out: string[] = [];
  for (const s of config.server?.peerSites ?? [])
    if (!s.password) out.push(`peer site "${s.name}" (user ${s.userId})`);
  if (config.client && !config.client.password) out.push(`client user ${config.client.userId}`);
  if (config.client?.proxy?.userName && !config.client.proxy.password)
    out.push(`proxy user ${config.client.proxy.userName}`);
  return out;
}

export function assertOneRole(config: L2VpnConfig): void {
  if (config.server && config.client) {
    throw new ConfigError("an NSX edge is either an L2VPN server or an L2VPN client, not both");
  }
}

/** Throws the ConfigError NSX's rejection would amount to: both roles, or a missing password. */
export function assertWritable(config: L2VpnConfig): void {
  assertOneRole(config);
  const missing = missingPasswords(config);
  if (missing.length) {
    throw new ConfigError(
      `refusing to write the L2VPN config without passwords for ${missing.join(", ")}: NSX rejects a PUT ` +
        "that lacks any user's password (read it with showSensitiveData=true, NSX 6.3.5+, or supply it)",
    );
  }
}

export function l2VpnNode(config: L2VpnConfig): XmlNode {
  assertWritable(config);
  const site = config.server
    ? { server: { configuration: serverNode(config.server) } }
    : config.client
      ? { client: clientNode(config.client) }
      : undefined;
  return compact({
    enabled: config.enabled,
    logging: { enable: config.logging.enable, logLevel: config.logging.logLevel },
    l2VpnSites: site ? { l2VpnSite: site } : undefined,
  });
}

/** Order: listenerIp, listenerPort, encryptionAlgorithm, serverCertificate, peerSites. */
export function serverNode(s: L2VpnServerConfig): XmlNode {
  return compact({
    listenerIp: s.listenerIp,
    listenerPort: s.listenerPort,
    encryptionAlgorithm: s.encryptionAlgorithm,
    serverCertificate: nsxObjectId(s.serverCertificate),
    peerSites: { peerSite: s.peerSites.map(peerSiteNode) },
  });
}

/** Order: name, description, l2VpnUser, vnics, egressOptimization, enabled. */
export function peerSiteNode(p: L2VpnPeerSite): XmlNode {
  return compact({
    name: p.name,
    description: p.description,
    l2VpnUser: { userId: p.userId, password: p.password },
    vnics: { index: p.vnics },
    egressOptimization: p.egressOptimizationIps.length
      ? { gatewayIpAddress: p.egressOptimizationIps }
      : undefined,
    enabled: p.enabled,
  });
}

/**
 * Order (NSX PUT example): configuration{serverAddress, serverPort, vnic*,
 * encryptionAlgorithm, caCertificate, egressOptimization}, proxySetting, l2VpnUser.
 */
export function clientNode(c: L2VpnClientConfig): XmlNode {
  return compact({
    configuration: compact({
      serverAddress: c.serverAddress,
      serverPort: c.serverPort,
      vnic: c.vnics,
      encryptionAlgorithm: c.encryptionAlgorithm,
      caCertificate: nsxObjectId(c.caCertificate),
      egressOptimization: c.egressOptimizationIps.length
        ? { gatewayIpAddress: c.egressOptimizationIps }
        : undefined,
    }),
    proxySetting: c.proxy
      ? compact({
          type: c.proxy.type,
          address: c.proxy.address,
          port: c.proxy.port,
          userName: c.proxy.userName,
          password: c.proxy.password,
        })
      : undefined,
    l2VpnUser: { userId: c.userId, password: c.password },
  });
}

export const l2VpnXml = (config: L2VpnConfig): string => buildXml("l2Vpn", l2VpnNode(config));
