// L2VPN configuration rules (reference §8): one server or one client per edge, the cipher list,
// listener on an uplink address, every user with a password, stretched indexes that are
// sub-interfaces of this edge, certificates from the edge's truststore, and the optimistic
// `<version>` check. Pure: returns the config to store or throws a 400 NSX error.
import { isIpv4 } from "../netmath";
import type {
  Certificate,
  Edge,
  L2Vpn,
  L2VpnClient,
  L2VpnPeerSite,
  L2VpnServer,
  OpaqueElement,
} from "../world";
import { uplinkAddresses } from "./edges";
import { NSX_CODE, nsxBad } from "./errors";
import { findSubInterface } from "./vnic-ops";

export const L2VPN_CIPHERS = [
  "RC4-MD5",
  "AES128-SHA",
  "AES256-SHA",
  "DES-CBC3-SHA",
  "AES128-GCM-SHA256",
  "NULL-MD5",
];
export const LOG_LEVELS = ["EMERGENCY", "ALERT", "CRITICAL", "ERROR", "WARNING", "NOTICE", "INFO", "DEBUG"];

/** A user as written: the password may be missing (which is an error, reported with the user). */
export interface UserInput {
  userId: string;
  password?: string;
}
export type PeerSiteInput = Omit<L2VpnPeerSite, "user"> & { user: UserInput };
export type ServerInput = Omit<L2VpnServer, "peerSites"> & { peerSites: PeerSiteInput[] };
export type ClientInput = Omit<L2VpnClient, "user"> & { user: UserInput };

export interface L2VpnInput {
  version?: number;
  enabled: boolean;
  logging: { enable: boolean; logLevel: string };
  server?: ServerInput;
  client?: ClientInput;
  /** Elements of `<l2Vpn>` not interpreted here, stored as written. */
  extras?: OpaqueElement[];
}

const bad = (msg: string) => nsxBad(msg, NSX_CODE.l2vpn);

/** Accepts `certificate-N` or the proxy's `{uuid}:certificate-N`; stores the bare id. */
export const bareCertificateId = (id: string): string => id.slice(id.lastIndexOf(":") + 1);

function checkPort(what: string, port: number): void {
  if (!(Number.isInteger(port) && port >= 1 && port <= 65535))
    throw bad(`${what} ${port} is not a valid port.`);
}

function checkCipher(c: string): void {
  if (!L2VPN_CIPHERS.includes(c))
    throw bad(
      `encryptionAlgorithm ${c || "(empty)"} is not supported; use one of ${L2VPN_CIPHERS.join(", ")}.`,
    );
}

function checkUser(where: string, u: UserInput): { userId: string; password: string } {
  if (!u.userId.trim()) throw bad(`${where}: l2VpnUser/userId is required.`);
  if (u.password === undefined || u.password === "")
    throw bad(
      `${where}: the password of user ${u.userId} is missing; GET with showSensitiveData=true and send it back.`,
    );
  return { userId: u.userId, password: u.password };
}

function checkStretched(edge: Edge, where: string, indexes: number[]): void {
  if (indexes.length === 0)
    throw bad(`${where}: at least one stretched sub-interface (vnics/index) is required.`);
  for (const i of indexes) {
    if (!findSubInterface(edge, i))
      throw bad(`${where}: ${i} is not a sub-interface index of edge ${edge.nsxId}.`);
  }
  if (new Set(indexes).size !== indexes.length) throw bad(`${where}: a sub-interface is listed twice.`);
}

function checkEgress(where: string, ips: string[]): void {
  for (const ip of ips)
    if (!isIpv4(ip)) throw bad(`${where}: egress optimization gateway ${ip} is not an IPv4 address.`);
}

function checkCertificate(
  edge: Edge,
  certs: Certificate[],
  id: string,
  what: string,
  needKey: boolean,
): string {
  const bare = bareCertificateId(id);
  const c = certs.find((x) => x.id === bare && x.scope === edge.nsxId);
  if (!c) throw bad(`${what} ${id} is not in the truststore of edge ${edge.nsxId}.`);
  if (needKey && !c.hasPrivateKey)
    throw bad(`${what} ${id} has no private key and cannot be a server certificate.`);
  return bare;
}

function server(edge: Edge, s: ServerInput, certs: Certificate[], enabled: boolean): L2VpnServer {
  if (!isIpv4(s.listenerIp)) throw bad(`listenerIp ${s.listenerIp || "(empty)"} is not an IPv4 address.`);
  const uplinks = uplinkAddresses(edge);
  if (!uplinks.includes(s.listenerIp))
    throw bad(
      `listenerIp ${s.listenerIp} is not an address of an uplink interface of edge ${edge.nsxId} (uplink addresses: ${uplinks.join(", ") || "none"}).`,
    );
  checkPort("listenerPort", s.listenerPort);
  checkCipher(s.encryptionAlgorithm);
  const names = new Set<string>();
  const stretched = new Set<number>();
  const peerSites = s.peerSites.map((p) => {
    const where = `peer site ${p.name || "(unnamed)"}`;
    if (!p.name.trim()) throw bad("Every peer site needs a name.");
    if (names.has(p.name)) throw bad(`Peer site name ${p.name} is used twice.`);
    names.add(p.name);
    checkStretched(edge, where, p.vnics);
    for (const i of p.vnics) {
      if (stretched.has(i))
        throw bad(`${where}: sub-interface ${i} is already stretched to another peer site.`);
      stretched.add(i);
    }
    checkEgress(where, p.egressGateways);
    return { ...p, user: checkUser(where, p.user) };
  });
  if (enabled && !peerSites.some((p) => p.enabled))
    throw bad("At least one enabled peer site is needed to enable the L2 VPN server.");
  return {
    listenerIp: s.listenerIp,
    listenerPort: s.listenerPort,
    encryptionAlgorithm: s.encryptionAlgorithm,
    serverCertificate:
      s.serverCertificate === undefined
        ? undefined
        : checkCertificate(edge, certs, s.serverCertificate, "serverCertificate", true),
    peerSites,
    extras: s.extras,
  };
}

function client(edge: Edge, c: ClientInput, certs: Certificate[]): L2VpnClient {
  if (!isIpv4(c.serverAddress))
    throw bad(`serverAddress ${c.serverAddress || "(empty)"} is not an IPv4 address.`);
  checkPort("serverPort", c.serverPort);
  checkCipher(c.encryptionAlgorithm);
  checkStretched(edge, "client", c.vnics);
  checkEgress("client", c.egressGateways);
  const user = checkUser("client", c.user);
  if (c.proxy) {
    checkPort("proxySetting/port", c.proxy.port);
    if (!c.proxy.address) throw bad("proxySetting/address is required.");
    if (c.proxy.userName && !c.proxy.password)
      throw bad(`proxySetting: the password of proxy user ${c.proxy.userName} is missing.`);
  }
  return {
    serverAddress: c.serverAddress,
    serverPort: c.serverPort,
    vnics: c.vnics,
    encryptionAlgorithm: c.encryptionAlgorithm,
    caCertificate:
      c.caCertificate === undefined
        ? undefined
        : checkCertificate(edge, certs, c.caCertificate, "caCertificate", false),
    egressGateways: c.egressGateways,
    user,
    proxy: c.proxy,
    extras: c.extras,
  };
}

/** Validates a full-replace PUT of l2vpn/config against the edge; returns what to store. */
export function planL2Vpn(edge: Edge, input: L2VpnInput, certs: Certificate[]): L2Vpn {
  if (input.version !== undefined && input.version !== edge.l2vpnRevision) {
    throw nsxBad(
      `The l2vpn configuration version ${input.version} used in this operation has an older version than the current ${edge.l2vpnRevision}. Fetch the latest copy of the object and retry.`,
      NSX_CODE.staleVersion,
    );
  }
  const level = input.logging.logLevel.toUpperCase();
  if (!LOG_LEVELS.includes(level))
    throw bad(`logLevel ${input.logging.logLevel} is not one of ${LOG_LEVELS.join(", ")}.`);
  if (input.server && input.client) throw bad("An edge is either an L2 VPN server or a client, not both.");
  if (!input.server && !input.client) throw bad("l2VpnSites must contain a server or a client site.");
  return {
    enabled: input.enabled,
    logging: input.logging,
    server: input.server ? server(edge, input.server, certs, input.enabled) : undefined,
    client: input.client ? client(edge, input.client, certs) : undefined,
    extras: input.extras,
  };
}

/** `POST l2vpn/config?enableService=true|false`. */
export function planEnable(edge: Edge, enable: boolean): L2Vpn {
  if (!edge.l2vpn) throw bad(`L2 VPN is not configured on edge ${edge.nsxId}.`);
  if (enable && edge.l2vpn.server && !edge.l2vpn.server.peerSites.some((p) => p.enabled))
    throw bad("At least one enabled peer site is needed to enable the L2 VPN server.");
  return { ...edge.l2vpn, enabled: enable };
}
