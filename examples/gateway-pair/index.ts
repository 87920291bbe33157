import * as pulumi from "@pulumi/pulumi";
import { VxlanStretch, type GatewaySiteArgs, type StretchNetworkArgs } from "l2stretch";

/**
 * Networks stretched between two reference gateways with one VxlanStretch: VNIs are derived
 * from the network names, the MTU budget is checked against both underlays, and each
 * gateway gets its GatewayConfig. The appliances' endpoints come from stack config, so the same
 * program drives real appliances, a GatewayAppliance's `endpoint` output, or the test agents:
 *
 *   pulumi config set endpointA https://10.0.0.5:8443
 *   pulumi config set fingerprintA AB:CD:…            # printed by the agent at start
 *   pulumi config set --secret tokenA …
 *   pulumi config set underlayA 203.0.113.1           # WAN address of gateway A
 *   (the same for B), pulumi config set --secret psk …  (≥ 32 characters)
 *   pulumi config set --path 'networks[0].name' blue … (default: blue on eth1)
 */
export const projectName = "l2stretch-gateway-pair";

/** One network on each gateway's eth1 (what the demo and the e2e lab wire up). */
export const DEFAULT_NETWORKS: StretchNetworkArgs[] = [
  {
    name: "blue",
    cidr: "192.168.10.0/24",
    gatewayIp: "192.168.10.1",
    egressOptimization: true,
    siteA: { interface: "eth1" },
    siteB: { interface: "eth1" },
  },
];

export async function program(): Promise<Record<string, unknown>> {
  const cfg = new pulumi.Config();
  const site = (s: "A" | "B", vtepAddress: string): GatewaySiteArgs => ({
    gateway: {
      endpoint: cfg.require(`endpoint${s}`),
      fingerprint: cfg.require(`fingerprint${s}`),
      token: cfg.requireSecret(`token${s}`),
    },
    underlay: {
      address: cfg.require(`underlay${s}`),
      mtu: cfg.getNumber(`underlayMtu${s}`) ?? 1500,
      vtepAddress: cfg.get(`vtep${s}`) ?? vtepAddress,
    },
  });
  const stretch = new VxlanStretch("pair", {
    siteA: site("A", "192.0.2.1"),
    siteB: site("B", "192.0.2.2"),
    ipsec: { psk: cfg.requireSecret("psk") },
    networks: cfg.getObject<StretchNetworkArgs[]>("networks") ?? DEFAULT_NETWORKS,
  });
  return {
    vnis: stretch.vnis,
    networks: stretch.networks,
    innerMtu: stretch.innerMtu,
    mss: stretch.mss,
    status: stretch.status,
  };
}
