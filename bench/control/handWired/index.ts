import * as pulumi from "@pulumi/pulumi";
import { EdgeTrunkInterface, L2VpnClient, L2VpnServer, SubinterfaceOrgNetwork } from "l2stretch";

/**
 * The control-plane benchmark's landing zone, wired by hand: `networks` stretched networks
 * spread over two edge pairs (cloud edge through vCD → on-prem edge through NSX Manager), each
 * pair with its L2VPN server, trunk and client, as in examples/nsx-l2vpn. Knobs for the
 * benchmark's changes: `changedNetwork` (index whose DNS server differs) and `extraNetworks`.
 * NSX takes at most 16 egress optimization gateways per site: the first 16 networks get one.
 */
const PAIRS = [
  { cloud: "edge-cloud-1", onprem: "edge-onprem-1", listenerIp: "192.0.2.10", portgroup: "dvportgroup-300" },
  { cloud: "edge-cloud-2", onprem: "edge-onprem-2", listenerIp: "192.0.2.11", portgroup: "dvportgroup-301" },
];

interface Stretched {
  name: string;
  net: SubinterfaceOrgNetwork;
  subnet: string;
  vlanId: number;
}

export async function program(): Promise<Record<string, unknown>> {
  const cfg = new pulumi.Config();
  const count = (cfg.getNumber("networks") ?? 10) + (cfg.getNumber("extraNetworks") ?? 0);
  const changed = cfg.getNumber("changedNetwork") ?? -1;
  const password = cfg.requireSecret("sitePassword");

  const perPair: Stretched[][] = PAIRS.map(() => []);
  for (let i = 0; i < count; i++) {
    const pair = i % PAIRS.length;
    const k = Math.floor(i / PAIRS.length);
    const subnet = `10.${40 + pair}.${k}`;
    const name = `net-${i}`;
    const net = new SubinterfaceOrgNetwork(name, {
      vdc: "acme-vdc",
      edgeGateway: PAIRS[pair]!.cloud,
      gatewayCidr: `${subnet}.1/24`,
      dnsServers: [i === changed ? `${subnet}.54` : `${subnet}.53`],
      staticIpPools: [{ start: `${subnet}.100`, end: `${subnet}.199` }],
    });
    perPair[pair]!.push({ name, net, subnet, vlanId: 100 + k });
  }

  const tunnelIds: Record<string, pulumi.Output<number>> = {};
  PAIRS.forEach((p, i) => {
    const nets = perPair[i]!;
    for (const n of nets) tunnelIds[n.name] = n.net.tunnelId;
    const cloudEdge = { vdc: "acme-vdc", edgeGateway: p.cloud };
    const onpremEdge = { nsxEdge: p.onprem };
    const user = `onprem-${i + 1}`;
    const server = new L2VpnServer(`cloud-l2vpn-${i + 1}`, {
      edge: cloudEdge,
      listenerIp: p.listenerIp,
      serverCertificate: { selfSigned: { validityDays: 365 } },
      sites: [
        {
          name: user,
          user,
          password,
          stretchedTunnelIds: nets.map((n) => n.net.tunnelId),
          egressOptimizationGatewayIps: nets.slice(0, 16).map((n) => `${n.subnet}.1`),
        },
      ],
    });
    const trunk = new EdgeTrunkInterface(`onprem-trunk-${i + 1}`, {
      edge: onpremEdge,
      portgroupId: p.portgroup,
      mtu: 1600,
      subInterfaces: nets.map((n) => ({
        name: n.name,
        tunnelId: n.net.tunnelId,
        vlanId: n.vlanId,
        addresses: [`${n.subnet}.2/24`],
      })),
    });
    new L2VpnClient(
      `onprem-l2vpn-${i + 1}`,
      {
        edge: onpremEdge,
        serverAddress: p.listenerIp,
        user,
        password,
        stretchedTunnelIds: nets.map((n) => n.net.tunnelId),
        egressOptimizationGatewayIps: nets.slice(0, 16).map((n) => `${n.subnet}.2`),
      },
      { dependsOn: [trunk, server] },
    );
  });
  return { tunnelIds };
}
