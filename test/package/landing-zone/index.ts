import * as pulumi from "@pulumi/pulumi";
import {
  EdgeTrunkInterface,
  getL2VpnStatus,
  L2VpnClient,
  L2VpnServer,
  SubinterfaceOrgNetwork,
  type SubInterfaceArgs,
} from "l2stretch";

/**
 * A user's own landing zone, as the package test installs it in a project outside the
 * repository: stretched networks named in stack config (`networks: web,app,db`), each a
 * subinterface network in the cloud whose tunnel ID feeds the on-prem trunk, the L2VPN
 * server's site and the client. Subnets derive from the name's position in `subnets`, so
 * removing a network keeps every other network's addresses.
 */
const cfg = new pulumi.Config();
const names = cfg.require("networks").split(",").filter(Boolean);
const octets = cfg.requireObject<Record<string, number>>("subnets");
const dns = cfg.getObject<Record<string, string>>("dns") ?? {};
const vlans = cfg.getObject<Record<string, number>>("vlans") ?? {};
const cloudEdge = { vdc: "acme-vdc", edgeGateway: cfg.get("cloudEdge") ?? "edge-cloud-1" };
const onpremEdge = { nsxEdge: "edge-onprem-1" };
const password = cfg.requireSecret("sitePassword");

const networks = names.map((name) => {
  const octet = octets[name];
  if (octet === undefined) throw new Error(`subnets has no entry for network ${name}`);
  const network = new SubinterfaceOrgNetwork(name, {
    vdc: cloudEdge.vdc,
    edgeGateway: cloudEdge.edgeGateway,
    gatewayCidr: `10.${octet}.0.1/24`,
    dnsServers: dns[name] ? [dns[name]] : [],
  });
  return { name, octet, network };
});

const server = new L2VpnServer("cloud-l2vpn", {
  edge: cloudEdge,
  listenerIp: "192.0.2.10",
  serverCertificate: { selfSigned: { validityDays: 30 } },
  sites: [
    {
      name: "onprem",
      user: "onprem-site",
      password,
      stretchedTunnelIds: networks.map((n) => n.network.tunnelId),
    },
  ],
});

const subInterfaces: SubInterfaceArgs[] = networks.map((n) => ({
  name: n.name,
  tunnelId: n.network.tunnelId,
  vlanId: vlans[n.name] ?? 100 + n.octet,
  addresses: [`10.${n.octet}.0.2/24`],
}));
const trunk = new EdgeTrunkInterface("onprem-trunk", {
  edge: onpremEdge,
  portgroupId: "dvportgroup-300",
  mtu: 1600,
  subInterfaces,
});

const client = new L2VpnClient(
  "onprem-l2vpn",
  {
    edge: onpremEdge,
    serverAddress: "192.0.2.10",
    user: "onprem-site",
    password,
    stretchedTunnelIds: networks.map((n) => n.network.tunnelId),
  },
  { dependsOn: [trunk, server] },
);

const status = pulumi.all([server.id, client.id]).apply(() => getL2VpnStatus({ edge: cloudEdge }));

export const tunnelIds = Object.fromEntries(networks.map((n) => [n.name, n.network.tunnelId]));
export const subInterfaceIndexes = trunk.subInterfaceIndexes;
export const onpremTunnel: pulumi.Output<string> = status.apply(
  (s) => s.tunnels["onprem"]?.status ?? "absent",
);
