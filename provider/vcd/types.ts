/** Domain shapes of vCD objects as the rest of l2stretch sees them (no XML here). */
export interface IpRange {
  start: string;
  end: string;
}

/** What we write into an Org VDC network. */
export interface OrgNetworkSpec {
  name: string;
  description?: string;
  gateway: string;
  netmask: string;
  dns1?: string;
  dns2?: string;
  dnsSuffix?: string;
  ipRanges: IpRange[];
  shared: boolean;
  /** Attach to the edge as a subinterface of its trunk vNIC (the only mode that can be stretched). */
  subInterface: boolean;
  edgeGatewayHref: string;
}

/** What vCD reports for an Org VDC network (GET never carries the edge gateway). */
export interface OrgNetwork extends Omit<OrgNetworkSpec, "edgeGatewayHref"> {
  uuid: string;
  id: string;
  href: string;
  /** 0 creating, 1 ready, -1 error. */
  status: number;
  fenceMode: string;
}

export interface EntityRef {
  uuid: string;
  name: string;
  href: string;
}

export interface EdgeGatewayRef extends EntityRef {
  nsxBacked: boolean;
  /** NSX's id of the edge (edge-N), when vCD shows the gateway's backing. */
  nsxEdgeId?: string;
  /** Key of the edge's write lock, shared by every path to this edge (common/edgeIdentity.ts). */
  lockKey: string;
}

export interface EdgeInterface {
  name: string;
  type: string;
  index: number;
  networkId?: string;
  tunnelId?: number;
}

export interface SubInterface {
  name: string;
  index: number;
  tunnelId?: number;
  logicalSwitchName?: string;
  logicalSwitchId?: string;
}

export interface Vnic {
  index: number;
  name: string;
  type: string;
  isConnected: boolean;
  subInterfaces: SubInterface[];
}
