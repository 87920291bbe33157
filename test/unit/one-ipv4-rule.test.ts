import { GatewayConfigSchema } from "../../contract/gatewayDocument";
import { isIpv4, parseCidr } from "../../contract/netmath";
import { l2vpnClientSchema, normalizeL2VpnClient } from "../../contract/schemas/l2vpn";
import {
  normalizeSubinterfaceOrgNetwork,
  subinterfaceOrgNetworkSchema,
} from "../../contract/schemas/subinterfaceOrgNetwork";
import { checkWithSchema } from "../../contract/validation";
import { gatewayDoc, sampleNetworks } from "../support/gateway-config";

/**
 * One IPv4 rule for SDK, provider and agent (contract/netmath): a leading zero is octal to
 * some tools (010.0.0.1 = 8.0.0.1 for inet_aton), so every schema refuses it alike, where the
 * first release accepted it in resource inputs and refused it in the gateway document.
 */
describe("one IPv4 rule everywhere", () => {
  const octal = "010.0.0.1";

  it("is refused by the validator and inside a CIDR", () => {
    expect(isIpv4(octal)).toBe(false);
    expect(isIpv4("10.0.0.1")).toBe(true);
    expect(parseCidr(`${octal}/24`)).toBeUndefined();
  });

  it("is refused in a vCD network's DNS servers", () => {
    const r = checkWithSchema(
      subinterfaceOrgNetworkSchema,
      { vdc: "v", edgeGateway: "e", name: "n", gatewayCidr: "10.20.0.1/24", dnsServers: [octal] },
      normalizeSubinterfaceOrgNetwork,
    );
    expect(r.failures.map((f) => f.property)).toEqual(["dnsServers[0]"]);
  });

  it("is refused as an L2VPN server address", () => {
    const r = checkWithSchema(
      l2vpnClientSchema,
      { edge: { nsxEdge: "edge-1" }, serverAddress: octal, user: "u", password: "Passw0rd-123" },
      normalizeL2VpnClient,
    );
    expect(r.failures.map((f) => f.property)).toContain("serverAddress");
  });

  it("is refused in the gateway document the agent applies", () => {
    const doc = gatewayDoc({
      site: "a",
      mtu: 1500,
      localId: "a.example",
      peerId: "b.example",
      networks: sampleNetworks(),
    });
    doc.underlay.vtepLocal = octal;
    const r = GatewayConfigSchema.safeParse(doc);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join("."))).toContain("underlay.vtepLocal");
  });
});
