import * as pulumi from "@pulumi/pulumi";
import { GatewayConfig, type GatewayConfigInput } from "l2stretch";

/**
 * One subnet stretched between site A and site B by two reference gateways. Everything that
 * names the appliances comes from stack config, so the same program drives real appliances
 * or the e2e test's agents in network namespaces:
 *
 *   pulumi config set endpointA https://10.0.0.5:8443
 *   pulumi config set fingerprintA AB:CD:…            # printed by the agent at start
 *   pulumi config set --secret tokenA …
 *   pulumi config set underlayA 203.0.113.1           # WAN address of gateway A
 *   (the same for B), and pulumi config set --secret psk …  (≥ 32 characters)
 */
export const projectName = "l2stretch-gateway-stretch";

interface Side {
  name: "A" | "B";
  endpoint: string;
  fingerprint: string;
  token: pulumi.Output<string>;
  underlay: string;
  vtep: string;
}

export async function program(): Promise<Record<string, unknown>> {
  const cfg = new pulumi.Config();
  const side = (name: "A" | "B", vtep: string): Side => ({
    name,
    endpoint: cfg.require(`endpoint${name}`),
    fingerprint: cfg.require(`fingerprint${name}`),
    token: cfg.requireSecret(`token${name}`),
    underlay: cfg.require(`underlay${name}`),
    vtep: cfg.get(`vtep${name}`) ?? vtep,
  });
  const a = side("A", "192.0.2.1");
  const b = side("B", "192.0.2.2");
  const psk = cfg.requireSecret("psk");
  const network = {
    name: cfg.get("networkName") ?? "blue",
    vni: cfg.getNumber("vni") ?? 100,
    attachment: { type: "interface" as const, interface: cfg.get("siteInterface") ?? "eth1" },
    // Each site's router keeps answering for the gateway IP locally (egress optimisation).
    gatewayIp: cfg.get("gatewayIp") ?? "192.168.10.1",
  };

  const gateway = (me: Side, peer: Side) =>
    new GatewayConfig(`gateway-${me.name.toLowerCase()}`, {
      endpoint: me.endpoint,
      fingerprint: me.fingerprint,
      token: me.token,
      convergenceTimeoutSeconds: cfg.getNumber("convergenceTimeoutSeconds") ?? 120,
      config: psk.apply((key): GatewayConfigInput => ({
        apiVersion: "l2stretch.gateway/v1",
        identity: { name: `gw${me.name}`, site: `site-${me.name.toLowerCase()}` },
        underlay: {
          localAddress: me.underlay,
          peerAddress: peer.underlay,
          mtu: cfg.getNumber("underlayMtu") ?? 1500,
          vtepLocal: me.vtep,
          vtepPeer: peer.vtep,
        },
        transport: {
          type: "ipsec",
          backend: "kernel-libipsec",
          localId: `gw${me.name}.example.net`,
          peerId: `gw${peer.name}.example.net`,
          auth: { method: "psk", psk: key },
        },
        networks: [network],
      })),
    });

  // Both gateways are configured in parallel: each side's tunnel needs the other side.
  const gwA = gateway(a, b);
  const gwB = gateway(b, a);
  return {
    configDigestA: gwA.configDigest,
    configDigestB: gwB.configDigest,
    tunnelA: gwA.tunnel,
    tunnelB: gwB.tunnel,
    innerMtu: gwA.innerMtu,
    mss: gwA.mss,
    networksA: gwA.networkStatus,
    networksB: gwB.networkStatus,
  };
}
