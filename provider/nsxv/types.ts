/**
 * Domain shapes of NSX-v edge objects as l2stretch sees them (no XML here). The client in
 * this folder maps them to and from NSX's XML; handlers only ever see these.
 */
export interface AddressGroup {
  primaryAddress: string;
  prefixLength: number;
  secondaryAddresses?: string[];
}

export interface NsxSubInterface {
  /** Assigned by NSX (10 and up); absent on a sub-interface not yet written. */
  index?: number;
  name: string;
  /** 1–4093; must equal the peer site's tunnel ID for the same stretched network. */
  tunnelId: number;
  /** VLAN backing (0–4094) — exactly one of vlanId / logicalSwitchId. */
  vlanId?: number;
  /** Network backing: virtualwire-N or dvportgroup-N. */
  logicalSwitchId?: string;
  logicalSwitchName?: string;
  mtu: number;
  isConnected: boolean;
  enableSendRedirects: boolean;
  addressGroups: AddressGroup[];
}

export type VnicType = "uplink" | "internal" | "trunk";

export interface NsxVnic {
  index: number;
  label?: string;
  name: string;
  type: VnicType;
  mtu: number;
  isConnected: boolean;
  portgroupId?: string;
  portgroupName?: string;
  addressGroups: AddressGroup[];
  enableProxyArp: boolean;
  enableSendRedirects: boolean;
  subInterfaces: NsxSubInterface[];
}

export interface L2VpnPeerSite {
  name: string;
  description?: string;
  userId: string;
  /** Present only when read with showSensitiveData=true, or when about to be written. */
  password?: string;
  /** Stretched sub-interface indexes (10 and up) on this edge. */
  vnics: number[];
  egressOptimizationIps: string[];
  enabled: boolean;
}

export interface L2VpnServerConfig {
  listenerIp: string;
  listenerPort: number;
  encryptionAlgorithm: string;
  /** certificate-N (direct) or as the proxy reports it; absent = the edge's default self-signed one. */
  serverCertificate?: string;
  peerSites: L2VpnPeerSite[];
}

export interface L2VpnProxySetting {
  type: "http" | "https";
  address: string;
  port: number;
  userName?: string;
  password?: string;
}

export interface L2VpnClientConfig {
  serverAddress: string;
  serverPort: number;
  /** Stretched sub-interface indexes on this edge. */
  vnics: number[];
  encryptionAlgorithm: string;
  caCertificate?: string;
  egressOptimizationIps: string[];
  userId: string;
  password?: string;
  proxy?: L2VpnProxySetting;
}

export interface L2VpnConfig {
  enabled: boolean;
  logging: { enable: boolean; logLevel: string };
  /** The edge is either an L2VPN server or a client, never both. */
  server?: L2VpnServerConfig;
  client?: L2VpnClientConfig;
}

export interface L2VpnSiteStats {
  name: string;
  tunnelStatus: "up" | "down";
  establishedDate?: number;
  failureMessage?: string;
  txBytesFromLocalSubnet: number;
  rxBytesOnLocalSubnet: number;
  droppedTxPackets: number;
  droppedRxPackets: number;
  encryptionAlgorithm?: string;
}

export interface L2VpnStatus {
  timeStamp: number;
  serverStatus?: string;
  sites: L2VpnSiteStats[];
}

export interface TrustCertificate {
  /** certificate-N (NSX) or <gatewayUuid>:certificate-N (vCD proxy). */
  objectId: string;
  name?: string;
  description?: string;
  certificateType?: string;
  pemEncoding?: string;
  daysValid?: number;
}

/** An NSX edge job (`?async=true` writes); the vCD proxy reports COMPLETED where NSX says SUCCESS. */
export type EdgeJobStatus = "QUEUED" | "RUNNING" | "SUCCESS" | "COMPLETED" | "FAILED" | "ROLLBACK" | string;

export interface EdgeJob {
  jobId: string;
  status: EdgeJobStatus;
  message?: string;
  edgeId?: string;
  errorCode?: string;
}

/** One row of `GET /api/4.0/edges` (NSX Manager direct). */
export interface NsxEdgeSummary {
  objectId: string;
  name: string;
}

/** Subject and key of a certificate signing request made on the edge. */
export interface CsrRequest {
  commonName: string;
  /** Further subject attributes (O, OU, C, …) in the order given. */
  attributes?: { key: string; value: string }[];
  algorithm?: "RSA" | "DSA";
  keySize?: number;
  name?: string;
  description?: string;
}

export interface Csr {
  objectId: string;
  name?: string;
  description?: string;
  pemEncoding?: string;
}
