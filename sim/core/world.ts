// The simulated world: everything that must survive a restart of the simulator lives here and is
// plain JSON (no Maps, no class instances) so the state file is a direct dump of this object.

/**
 * An element the simulator stores without interpreting it (vCD's VCloudExtension, NSX's
 * macAddress or shaping policies, fields of newer releases): kept as written and returned by
 * GET, the way the real servers keep settings this simulator does not model. Plain JSON (the
 * parsed form of sim/xml/xml.ts) so it survives the state file.
 */
export interface OpaqueElement {
  name: string;
  /** Namespace URI, when the element has one. */
  ns?: string;
  attrs: Record<string, string>;
  children: OpaqueElement[];
  text: string;
}

export interface User {
  id: string;
  name: string;
  password: string;
}

export interface Org {
  id: string;
  name: string;
  fullName: string;
  /** The System org holds provider users who see every tenant's objects. */
  isSystem: boolean;
  users: User[];
}

export interface Vdc {
  id: string;
  name: string;
  orgId: string;
}

export interface AddressGroup {
  primaryAddress: string;
  prefixLength: number;
  secondaryAddresses?: string[];
}

/**
 * A trunk sub-interface. Backed by exactly one of vlanId / logicalSwitchId. Those made by vCD for
 * an Org VDC network carry networkId (and logicalSwitchId = the network UUID); those written
 * through the NSX API have no networkId.
 */
export interface SubInterface {
  index: number;
  tunnelId: number;
  name: string;
  vlanId?: number;
  logicalSwitchId?: string;
  logicalSwitchName?: string;
  mtu: number;
  enableSendRedirects: boolean;
  isConnected: boolean;
  networkId?: string;
  /** NSX allows one address group per sub-interface; absent = no address. */
  addressGroup?: AddressGroup;
  /** Elements of the sub-interface the simulator does not interpret. */
  extras?: OpaqueElement[];
}

export type VnicType = "uplink" | "internal" | "trunk";

/** A used vnic slot (0-9). Unused slots are not stored; they are rendered as defaults. */
export interface Vnic {
  index: number;
  name: string;
  type: VnicType;
  mtu: number;
  isConnected: boolean;
  portgroupId: string;
  portgroupName: string;
  addressGroups: AddressGroup[];
  enableProxyArp: boolean;
  enableSendRedirects: boolean;
  /** Uplink: id of the external network; internal: the Org VDC network id. */
  networkId?: string;
  networkName?: string;
  /** Set on the one trunk vCD builds for subinterface Org VDC networks. */
  vcdTrunk?: boolean;
  subInterfaces: SubInterface[];
  /** macAddress, fenceParameter, shaping policies, … as last written through NSX. */
  extras?: OpaqueElement[];
}

export interface Edge {
  id: string;
  /** NSX Manager's id (edge-N); how /api/4.0 addresses the edge. */
  nsxId: string;
  name: string;
  /** The owning VDC; "" for an edge that exists only in NSX Manager (never in world.edges). */
  vdcId: string;
  /** Default gateway of the uplink subnet, shown in GatewayInterface/SubnetParticipation. */
  uplinkGateway: string;
  vnics: Vnic[];
  /** Bumped whenever the vnic document changes. */
  vnicsRevision: number;
  /** Revision of each vnic slot 0-9 (lost-update detection per `vnics/{i}` document). */
  vnicRevisions: number[];
  l2vpn?: L2Vpn;
  /** Revision of the l2vpn/config document; rendered as its `<version>`. */
  l2vpnRevision: number;
}

export interface L2VpnUser {
  userId: string;
  password: string;
}

export interface L2VpnPeerSite {
  name: string;
  description: string;
  user: L2VpnUser;
  /** Stretched sub-interface indexes (10 and up) on this edge. */
  vnics: number[];
  egressGateways: string[];
  enabled: boolean;
  extras?: OpaqueElement[];
}

export interface L2VpnServer {
  listenerIp: string;
  listenerPort: number;
  encryptionAlgorithm: string;
  /** Bare truststore id (certificate-N); absent = the edge's built-in self-signed one. */
  serverCertificate?: string;
  peerSites: L2VpnPeerSite[];
  /** Elements of `<configuration>` the simulator does not interpret. */
  extras?: OpaqueElement[];
}

export interface L2VpnProxy {
  type: "http" | "https";
  address: string;
  port: number;
  userName?: string;
  password?: string;
}

export interface L2VpnClient {
  serverAddress: string;
  serverPort: number;
  vnics: number[];
  encryptionAlgorithm: string;
  caCertificate?: string;
  egressGateways: string[];
  user: L2VpnUser;
  proxy?: L2VpnProxy;
  /** Elements of `<configuration>` the simulator does not interpret. */
  extras?: OpaqueElement[];
}

/** An edge is either an L2VPN server or a client (exactly one of the two is set). */
export interface L2Vpn {
  enabled: boolean;
  logging: { enable: boolean; logLevel: string };
  server?: L2VpnServer;
  client?: L2VpnClient;
  /** Elements of `<l2Vpn>` the simulator does not interpret. */
  extras?: OpaqueElement[];
}

export interface IpRange {
  start: string;
  end: string;
}

/** How a routed network attaches to its edge. Distributed interfaces are not simulated. */
export type InterfaceType = "subinterface" | "internal";

/** The user-settable part of an Org VDC network, shared by the XML and the JSON API. */
export interface NetworkSpec {
  name: string;
  description: string;
  gateway: string;
  prefixLength: number;
  dns1: string;
  dns2: string;
  dnsSuffix: string;
  ipRanges: IpRange[];
  isShared: boolean;
  guestVlanAllowed: boolean;
  retainNetInfo: boolean;
  interfaceType: InterfaceType;
  /**
   * VCloudExtension elements as last written through the XML API (a PUT without them removes
   * them); absent from CloudAPI writes, which leave them alone.
   */
  vcloudExtensions?: OpaqueElement[];
}

export interface Network extends NetworkSpec {
  id: string;
  vdcId: string;
  edgeId: string;
  /** 0 = being created, 1 = ready (vCD's status attribute). */
  status: 0 | 1;
  revision: number;
}

export type TaskStatus = "queued" | "preRunning" | "running" | "success" | "error" | "aborted";

export type TaskAction = { kind: "create" } | { kind: "update"; spec: NetworkSpec } | { kind: "delete" };

export interface TaskError {
  majorErrorCode: number;
  minorErrorCode: string;
  message: string;
}

export interface Task {
  id: string;
  operationName: "orgVdcNetworkCreate" | "orgVdcNetworkUpdate" | "orgVdcNetworkDelete";
  operation: string;
  /** Only terminal states are stored; "running" means "look at the clock" (see tasks.ts). */
  status: "running" | "success" | "error" | "aborted";
  startMs: number;
  durationMs: number;
  endMs?: number;
  cancelRequested: boolean;
  ownerId: string;
  ownerName: string;
  orgId: string;
  userId: string;
  userName: string;
  edgeId: string;
  action: TaskAction;
  error?: TaskError;
  /** Session that asked for the change; it has "seen" the revision the change produces. */
  sessionId?: string;
}

export type CertificateType = "certificate_ca" | "certificate_signed" | "certificate_self_signed";

export interface Certificate {
  /** certificate-N (the vCD proxy shows `{gatewayUuid}:certificate-N`). */
  id: string;
  /** nsxId of the edge whose truststore holds it. */
  scope: string;
  name: string;
  description: string;
  type: CertificateType;
  pem: string;
  hasPrivateKey: boolean;
  notBefore: string;
  notAfter: string;
  daysValid?: number;
}

export interface Csr {
  id: string;
  scope: string;
  /** NSX keeps a CSR's name and description and shows them on the certificate it self-signs. */
  name?: string;
  description?: string;
  commonName: string;
  algorithm: string;
  keySize: number;
  pem: string;
}

export type JobModule = "vnics" | "l2vpn" | "truststore";

/** An NSX edge job (`?async=true`); like tasks, a running job's phase comes from the clock. */
export interface EdgeJob {
  id: string;
  /** Edge.id (uuid) of the edge the job changes. */
  edgeId: string;
  module: JobModule;
  operation: string;
  startMs: number;
  durationMs: number;
  error?: { code: number; message: string };
  /** What the synchronous call would have returned in Location (e.g. the new sub-interface). */
  resultLocation?: string;
}

export interface NsxUser {
  name: string;
  password: string;
}

/** When a server peer site's tunnel came up (key `${serverNsxId}/${siteName}`). */
export type TunnelsUp = Record<string, number>;

/** What only NSX Manager knows: its users, edges outside vCD, truststore, jobs, live tunnels. */
export interface NsxWorld {
  users: NsxUser[];
  /** Standalone edges known only to NSX Manager (e.g. on-prem L2VPN clients). */
  edges: Edge[];
  certificates: Certificate[];
  csrs: Csr[];
  jobs: EdgeJob[];
  tunnelsUp: TunnelsUp;
  nextCertificate: number;
  nextCsr: number;
  nextJob: number;
}

export const WORLD_FORMAT_VERSION = 2;

export interface World {
  formatVersion: typeof WORLD_FORMAT_VERSION;
  orgs: Org[];
  vdcs: Vdc[];
  /** Edges managed by vCD (each is also an NSX edge). */
  edges: Edge[];
  networks: Network[];
  tasks: Task[];
  /** Counter for generated dvportgroup-N ids (trunk port groups). */
  nextPortgroup: number;
  nsx: NsxWorld;
}
