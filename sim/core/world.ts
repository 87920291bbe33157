// The simulated world: everything that must survive a restart of the simulator lives here and is
// plain JSON (no Maps, no class instances) so the state file is a direct dump of this object.

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
}

export interface SubInterface {
  index: number;
  tunnelId: number;
  name: string;
  logicalSwitchId: string;
  logicalSwitchName: string;
  mtu: number;
  enableSendRedirects: boolean;
  isConnected: boolean;
  networkId: string;
  addressGroup: AddressGroup;
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
  subInterfaces: SubInterface[];
}

export interface Edge {
  id: string;
  name: string;
  vdcId: string;
  /** Default gateway of the uplink subnet, shown in GatewayInterface/SubnetParticipation. */
  uplinkGateway: string;
  vnics: Vnic[];
  /** Bumped whenever the vnic document changes (lost-update detection). */
  vnicsRevision: number;
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

export interface World {
  formatVersion: 1;
  orgs: Org[];
  vdcs: Vdc[];
  edges: Edge[];
  networks: Network[];
  tasks: Task[];
  /** Counter for generated dvportgroup-N ids (trunk port groups). */
  nextPortgroup: number;
}
