import * as pulumi from "@pulumi/pulumi";
import { getSubinterfaceTunnelId, SubinterfaceOrgNetwork } from "l2stretch";

/**
 * A subinterface Org VDC network on a cloud edge and its L2VPN tunnel ID — the first half
 * of a vCD Extender "DC extension", as code. The values below come from stack config so
 * the e2e test can change them (DNS = in-place update, edge gateway = replacement).
 */
export const projectName = "l2stretch-vcd-subinterface";

export async function program(): Promise<Record<string, unknown>> {
  const cfg = new pulumi.Config();
  const vdc = cfg.get("vdc") ?? "acme-vdc";
  const network = new SubinterfaceOrgNetwork("stretched-app", {
    vdc,
    edgeGateway: cfg.get("edgeGateway") ?? "edge-cloud-1",
    name: cfg.get("networkName") ?? "stretched-app",
    description: "App tier stretched to the on-prem site",
    gatewayCidr: cfg.get("gatewayCidr") ?? "10.20.0.1/24",
    dnsServers: [cfg.get("dnsServer") ?? "10.20.0.53"],
    dnsSuffix: "app.example.com",
    staticIpPools: [{ start: "10.20.0.100", end: "10.20.0.199" }],
    adopt: cfg.getBoolean("adopt") ?? false,
  });
  // The same ID through the lookup function, as a program would for a network made elsewhere.
  const lookedUp = getSubinterfaceTunnelId({
    vdc,
    edgeGateway: network.edgeGatewayName,
    network: network.name,
  });
  return {
    networkId: network.networkId,
    networkName: network.name,
    edgeGateway: network.edgeGatewayName,
    tunnelId: network.tunnelId,
    subInterfaceIndex: network.subInterfaceIndex,
    lookedUpTunnelId: lookedUp.tunnelId,
  };
}
