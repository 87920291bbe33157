import type { StretchNetworkArgs } from "l2stretch";

/**
 * The landing zone's plan, shared by both stacks: each tenant's edge pair and its stretched
 * networks. Both stacks check the same whole plan; each builds only its own site.
 */
export interface TenantNetwork {
  /** Second octet of the network's /24 (10.<octet>.0.0/24); also picks its VLAN. */
  octet: number;
  /** DNS server handed out by the cloud network. */
  dns?: string;
  /** On-prem VLAN; default 100 + octet. */
  vlanId?: number;
}

export interface Tenant {
  cloudEdge: string;
  onpremEdge: string;
  /** The cloud edge's uplink address the on-prem client dials. */
  listenerIp: string;
  /** The on-prem trunk's distributed port group. */
  portgroupId: string;
  networks: Record<string, TenantNetwork>;
}

/** Two tenants of the simulator's `acme` org, each on its own edge pair. */
export const DEFAULT_TENANTS: Record<string, Tenant> = {
  blue: {
    cloudEdge: "edge-cloud-1",
    onpremEdge: "edge-onprem-1",
    listenerIp: "192.0.2.10",
    portgroupId: "dvportgroup-300",
    networks: { web: { octet: 10 }, app: { octet: 20 }, db: { octet: 30 } },
  },
  green: {
    cloudEdge: "edge-cloud-2",
    onpremEdge: "edge-onprem-2",
    listenerIp: "192.0.2.11",
    portgroupId: "dvportgroup-301",
    networks: { erp: { octet: 110 }, crm: { octet: 120 } },
  },
};

/** A tenant's networks as the stretch takes them: the same subnet at both sites. */
export function stretchNetworks(tenant: Tenant): StretchNetworkArgs[] {
  return Object.entries(tenant.networks).map(([name, n]) => ({
    name,
    cidr: `10.${n.octet}.0.0/24`,
    gatewayIp: `10.${n.octet}.0.1`,
    dnsServers: n.dns ? [n.dns] : undefined,
    staticIpPools: [{ start: `10.${n.octet}.0.100`, end: `10.${n.octet}.0.199` }],
    // The cloud router answers for the gateway at both ends, so on-prem VMs do not hairpin.
    egressOptimization: true,
    siteB: { vlanId: n.vlanId ?? 100 + n.octet, address: `10.${n.octet}.0.2/24` },
  }));
}
