import {
  GatewayConfigInput,
  GatewayConfigSchema,
  formatIssues,
  sitePortName,
} from "../../contract/gatewayDocument";
import { gatewayDoc, sampleNetworks } from "../support/gateway-config";
import { computeBudget } from "../../contract/mtu";
import { isIpv4, isIPv6 } from "../../contract/netmath";

export function sampleConfig(): GatewayConfigInput {
  return gatewayDoc({
    site: "site-a",
    mtu: 1500,
    localId: "gwA.example.net",
    peerId: "gwB.example.net",
    networks: sampleNetworks(),
  });
}

function issuePaths(input: unknown): string[] {
  const r = GatewayConfigSchema.safeParse(input);
  if (r.success) return [];
  return formatIssues(r.error).map((i) => i.path);
}

describe("gateway config schema", () => {
  test("a good document parses and gets defaults", () => {
    const cfg = GatewayConfigSchema.parse(sampleConfig());
    expect(cfg.transport.backend).toBe("kernel-libipsec");
    expect(cfg.transport.ikeProposals).toEqual(["aes128gcm16-prfsha256-x25519"]);
    expect(cfg.transport.espProposals).toEqual(["aes128gcm16-x25519"]);
    expect(cfg.transport.dpdDelaySeconds).toBe(2);
  });

  test.each<[string, (c: GatewayConfigInput) => void, string]>([
    ["VNI 0", (c) => ((c.networks[0] as { vni: number }).vni = 0), "networks.0.vni"],
    ["VNI above 24 bits", (c) => ((c.networks[1] as { vni: number }).vni = 16777216), "networks.1.vni"],
    ["bad underlay address", (c) => (c.underlay.localAddress = "203.0.113.256"), "underlay.localAddress"],
    ["leading-zero address", (c) => (c.underlay.peerAddress = "198.051.100.2"), "underlay.peerAddress"],
    [
      "weak ESP proposal",
      (c) => (c.transport.espProposals = ["3des-sha1" as never]),
      "transport.espProposals.0",
    ],
    ["short PSK", (c) => (c.transport.auth = { method: "psk", psk: "short" }), "transport.auth.psk"],
    ["duplicate VNI", (c) => ((c.networks[1] as { vni: number }).vni = 100), "networks.1.vni"],
    ["duplicate name", (c) => ((c.networks[1] as { name: string }).name = "blue"), "networks.1.name"],
    [
      "VLAN 4095",
      (c) =>
        ((c.networks[1] as { attachment: unknown }).attachment = {
          type: "vlan",
          trunk: "eth2",
          vlanId: 4095,
        }),
      "networks.1.attachment.vlanId",
    ],
    [
      "interface name too long",
      (c) =>
        ((c.networks[0] as { attachment: unknown }).attachment = {
          type: "interface",
          interface: "a-very-long-interface",
        }),
      "networks.0.attachment.interface",
    ],
    [
      "inner MTU over budget",
      (c) => ((c.networks[0] as { innerMtu?: number }).innerMtu = 1351),
      "networks.0.innerMtu",
    ],
    ["VTEP equals underlay", (c) => (c.underlay.vtepPeer = c.underlay.peerAddress), "underlay.vtepPeer"],
    ["unknown field", (c) => ((c as unknown as Record<string, unknown>)["extra"] = 1), ""],
    [
      "bad gateway IP",
      (c) => ((c.networks[0] as { gatewayIp?: string }).gatewayIp = "192.168.10"),
      "networks.0.gatewayIp",
    ],
    [
      "bad IPv6 gateway",
      (c) => ((c.networks[0] as { gatewayIpv6?: string }).gatewayIpv6 = "fe80:::1"),
      "networks.0.gatewayIpv6",
    ],
    ["wrong apiVersion", (c) => ((c as { apiVersion: string }).apiVersion = "v0"), "apiVersion"],
  ])("rejects %s, naming the field", (_label, mutate, path) => {
    const c = sampleConfig();
    mutate(c);
    expect(issuePaths(c)).toContain(path);
  });

  test("the inner MTU may equal the budget exactly", () => {
    const c = sampleConfig();
    (c.networks[0] as { innerMtu?: number }).innerMtu = 1350;
    expect(issuePaths(c)).toEqual([]);
  });

  test("x509 auth needs PEM blocks", () => {
    const c = sampleConfig();
    c.transport.auth = {
      method: "x509",
      certificate: "nope",
      privateKey: "-----BEGIN PRIVATE KEY-----\n",
      caCertificate: "-----BEGIN CERTIFICATE-----\n",
    };
    expect(issuePaths(c)).toEqual(["transport.auth.certificate"]);
  });

  test("address helpers", () => {
    expect(isIpv4("192.0.2.1")).toBe(true);
    expect(isIpv4("192.0.2")).toBe(false);
    expect(isIPv6("2001:db8::1")).toBe(true);
    expect(isIPv6("::")).toBe(true);
    expect(isIPv6("2001:db8::1::2")).toBe(false);
    expect(isIPv6("1:2:3:4:5:6:7:8")).toBe(true);
    expect(isIPv6("1:2:3:4:5:6:7:8:9")).toBe(false);
  });

  test("site port names stay within 15 bytes", () => {
    expect(sitePortName({ attachment: { type: "vlan", trunk: "eth2", vlanId: 20 } })).toBe("eth2.20");
    expect(sitePortName({ attachment: { type: "vlan", trunk: "enp129s0f1np1", vlanId: 4094 } })).toBe(
      "enp129s0f1.4094",
    );
  });
});

describe("MTU/MSS budget", () => {
  test("kernel-libipsec on a 1500 underlay: the 1400-byte TUN caps it (measured: DF 1322)", () => {
    const b = computeBudget({ underlayMtu: 1500, transport: { type: "ipsec", backend: "kernel-libipsec" } });
    expect(b).toMatchObject({ innerMtu: 1350, mss: 1310, mssV6: 1290, overheadBytes: 150, tunnelMtu: 1400 });
    expect(b.innerMtu - 28).toBe(1322);
    expect(b.breakdown.reduce((s, x) => s + x.bytes, 0)).toBe(b.overheadBytes);
  });

  test("kernel ESP on a 1500 underlay: ESP-in-UDP AEAD leaves 1438 for the tunnel", () => {
    const b = computeBudget({ underlayMtu: 1500, transport: { type: "ipsec", backend: "kernel" } });
    expect(b).toMatchObject({ tunnelMtu: 1438, innerMtu: 1388, mss: 1348, overheadBytes: 112 });
    expect(b.breakdown.reduce((s, x) => s + x.bytes, 0)).toBe(b.overheadBytes);
  });

  test("ESP padding keeps the encrypted part 4-byte aligned", () => {
    for (const mtu of [1400, 1401, 1402, 1403, 9000]) {
      const b = computeBudget({ underlayMtu: mtu, transport: { type: "ipsec", backend: "kernel" } });
      expect((b.tunnelMtu + 2) % 4).toBe(0);
      expect(b.tunnelMtu + 62).toBeLessThanOrEqual(mtu);
      expect(b.breakdown.reduce((s, x) => s + x.bytes, 0)).toBe(b.overheadBytes);
    }
  });

  test("plain VXLAN costs 50 bytes (measured: DF 1422)", () => {
    const b = computeBudget({ underlayMtu: 1500, transport: { type: "none" } });
    expect(b).toMatchObject({ innerMtu: 1450, mss: 1410, overheadBytes: 50, tunnelMtu: 0 });
  });

  test("jumbo underlay with libipsec is still capped at 1350", () => {
    expect(computeBudget({ underlayMtu: 9000, transport: { type: "ipsec" } }).innerMtu).toBe(1350);
  });

  test("rejects nonsense", () => {
    expect(() => computeBudget({ underlayMtu: 100, transport: { type: "none" } })).toThrow(RangeError);
  });
});
