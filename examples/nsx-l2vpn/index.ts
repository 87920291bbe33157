import * as pulumi from "@pulumi/pulumi";
import {
  EdgeTrunkInterface,
  getL2VpnStatus,
  L2VpnClient,
  L2VpnServer,
  SubinterfaceOrgNetwork,
} from "l2stretch";

/**
 * The vCD Extender "DC extension" and the NSX ESG L2VPN flow as code (seeds 000/001):
 * - cloud: subinterface Org VDC networks on a vCD edge (vCD puts them on its own trunk vNIC
 *   and assigns tunnel IDs) and the edge's L2VPN server with one peer site;
 * - on-prem: an NSX-v edge reached through NSX Manager, with a trunk vNIC whose
 *   sub-interfaces use the cloud's tunnel IDs, and the L2VPN client.
 * `networks` in stack config says how many networks to stretch (1 or more).
 */
export const projectName = "l2stretch-nsx-l2vpn";

export async function program(): Promise<Record<string, unknown>> {
  const cfg = new pulumi.Config();
  const count = cfg.getNumber("networks") ?? 1;
  const password = cfg.requireSecret("sitePassword");
  const cloudEdge = { vdc: "acme-vdc", edgeGateway: cfg.get("cloudEdge") ?? "edge-cloud-1" };
  const onpremEdge = { nsxEdge: cfg.get("onpremEdge") ?? "edge-onprem-1" };
  // An address of the cloud edge's uplink (the simulator's edge-cloud-1 has 192.0.2.10).
  const listenerIp = cfg.get("listenerIp") ?? "192.0.2.10";

  const networks = Array.from({ length: count }, (_, i) => {
    const octet = 30 + i;
    const name = `stretched-${i + 1}`;
    const net = new SubinterfaceOrgNetwork(name, {
      ...cloudEdge,
      gatewayCidr: `10.${octet}.0.1/24`,
      staticIpPools: [{ start: `10.${octet}.0.100`, end: `10.${octet}.0.199` }],
    });
    return { name, net, vlanId: 100 + i, octet };
  });

  const server = new L2VpnServer("cloud-l2vpn", {
    edge: cloudEdge,
    listenerIp,
    serverCertificate: { selfSigned: { validityDays: 365 } },
    sites: [
      {
        name: "onprem",
        user: "onprem-site",
        password,
        stretchedTunnelIds: networks.map((n) => n.net.tunnelId),
        // The cloud gateway answers locally at the cloud end.
        egressOptimizationGatewayIps: networks.map((n) => `10.${n.octet}.0.1`),
      },
    ],
  });

  const trunk = new EdgeTrunkInterface("onprem-trunk", {
    edge: onpremEdge,
    portgroupId: cfg.get("trunkPortgroup") ?? "dvportgroup-300",
    mtu: 1600,
    subInterfaces: networks.map((n) => ({
      name: n.name,
      tunnelId: n.net.tunnelId,
      vlanId: n.vlanId,
      // On-prem keeps its own gateway address on the same subnet; traffic to the cloud
      // gateway stays in the cloud (egress optimization above).
      addresses: [`10.${n.octet}.0.2/24`],
    })),
  });

  const client = new L2VpnClient(
    "onprem-l2vpn",
    {
      edge: onpremEdge,
      serverAddress: listenerIp,
      user: "onprem-site",
      password,
      stretchedTunnelIds: networks.map((n) => n.net.tunnelId),
      egressOptimizationGatewayIps: networks.map((n) => `10.${n.octet}.0.2`),
    },
    { dependsOn: [trunk, server] },
  );

  // Tunnel status is read live once both ends exist (resource outputs hold what the last
  // refresh saw, never a reading taken before the client connected).
  const cloudStatus = pulumi.all([server.id, client.id]).apply(() => getL2VpnStatus({ edge: cloudEdge }));
  const onpremStatus = pulumi.all([server.id, client.id]).apply(() => getL2VpnStatus({ edge: onpremEdge }));

  return {
    tunnelIds: Object.fromEntries(networks.map((n) => [n.name, n.net.tunnelId])),
    onpremSubInterfaces: trunk.subInterfaceIndexes,
    serverSiteStatus: cloudStatus.apply((s) => s.tunnels["onprem"]?.status ?? "absent"),
    serverFailure: cloudStatus.apply((s) => s.tunnels["onprem"]?.failureMessage ?? ""),
    clientTunnel: onpremStatus.apply((s) => s.tunnels["server"]?.status ?? "absent"),
    clientFailure: onpremStatus.apply((s) => s.tunnels["server"]?.failureMessage ?? ""),
  };
}
