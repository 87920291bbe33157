import {
  edgeTrunkInterfaceSchema,
  normalizeEdgeTrunkInterface,
} from "../../contract/schemas/edgeTrunkInterface";
import {
  l2vpnClientSchema,
  l2vpnServerSchema,
  normalizeL2VpnClient,
  normalizeL2VpnServer,
} from "../../contract/schemas/l2vpn";
import { checkWithSchema } from "../../contract/validation";

const sub = (i: number, extra: Record<string, unknown> = {}) => ({
  name: `net-${i}`,
  tunnelId: i + 1,
  vlanId: 100 + i,
  addresses: [`10.${i}.0.1/24`],
  ...extra,
});

const trunk = (extra: Record<string, unknown> = {}) => ({
  edge: { nsxEdge: "edge-101" },
  name: "trunk-l2vpn",
  portgroupId: "dvportgroup-300",
  mtu: 1600,
  subInterfaces: [sub(0), sub(1)],
  ...extra,
});

const server = (extra: Record<string, unknown> = {}) => ({
  edge: { vdc: "acme-vdc", edgeGateway: "edge-cloud-1" },
  listenerIp: "192.0.2.10",
  sites: [{ name: "onprem", user: "onprem-user", stretchedTunnelIds: [1] }],
  sitePasswords: { onprem: "S3cret-Passw0rd!" },
  ...extra,
});

const client = (extra: Record<string, unknown> = {}) => ({
  edge: { nsxEdge: "edge-onprem-1" },
  serverAddress: "192.0.2.10",
  user: "onprem-user",
  password: "S3cret-Passw0rd!",
  stretchedTunnelIds: [1],
  ...extra,
});

const failuresOf = (schema: Parameters<typeof checkWithSchema>[0], v: Record<string, unknown>) =>
  checkWithSchema(schema, v, (x) => x).failures;

describe("EdgeTrunkInterface schema", () => {
  it("accepts a trunk and normalises sub-interfaces (MTU default, send-redirect off, sorted)", () => {
    const r = checkWithSchema(
      edgeTrunkInterfaceSchema,
      trunk({ subInterfaces: [sub(1), sub(0, { mtu: 1400 })] }),
      normalizeEdgeTrunkInterface,
    );
    expect(r.failures).toEqual([]);
    expect(r.value!.subInterfaces.map((s) => [s.tunnelId, s.mtu, s.enableSendRedirect])).toEqual([
      [1, 1400, false],
      [2, 1500, false],
    ]);
    expect(r.value!.isConnected).toBe(true);
  });

  const bad: [string, Record<string, unknown>, string, RegExp][] = [
    [
      "duplicate tunnel IDs",
      trunk({ subInterfaces: [sub(0), sub(1, { tunnelId: 1 })] }),
      "subInterfaces[1].tunnelId",
      /tunnelId 1 is already used by sub-interface net-0;/,
    ],
    [
      "VLAN 0",
      trunk({ subInterfaces: [sub(0, { vlanId: 0 })] }),
      "subInterfaces[0].vlanId",
      /1-4094.*0 is untagged/,
    ],
    [
      "VLAN 4095",
      trunk({ subInterfaces: [sub(0, { vlanId: 4095 })] }),
      "subInterfaces[0].vlanId",
      /1-4094.*4095 reserved/,
    ],
    [
      "duplicate VLANs",
      trunk({ subInterfaces: [sub(0), sub(1, { vlanId: 100 })] }),
      "subInterfaces[1].vlanId",
      /already used/,
    ],
    [
      "both vlanId and logicalSwitchId",
      trunk({ subInterfaces: [sub(0, { logicalSwitchId: "virtualwire-7" })] }),
      "subInterfaces[0].logicalSwitchId",
      /exactly one of vlanId/,
    ],
    [
      "neither vlanId nor logicalSwitchId",
      trunk({ subInterfaces: [{ name: "x", tunnelId: 3 }] }),
      "subInterfaces[0].vlanId",
      /exactly one of vlanId/,
    ],
    [
      "tunnel ID 4094",
      trunk({ subInterfaces: [sub(0, { tunnelId: 4094 })] }),
      "subInterfaces[0].tunnelId",
      /1 to 4093/,
    ],
    [
      "201 sub-interfaces",
      trunk({
        subInterfaces: Array.from({ length: 201 }, (_, i) => sub(i, { vlanId: 1 + i, addresses: [] })),
      }),
      "subInterfaces",
      /at most 200 sub-interfaces/,
    ],
    [
      "overlapping addresses",
      trunk({ subInterfaces: [sub(0), sub(1, { addresses: ["10.0.0.129/25"] })] }),
      "subInterfaces[1].addresses[0]",
      /overlaps 10\.0\.0\.1\/24/,
    ],
    [
      "sub-interface MTU above the trunk",
      trunk({ subInterfaces: [sub(0, { mtu: 1700 })] }),
      "subInterfaces[0].mtu",
      /exceeds the trunk's mtu 1600/,
    ],
    [
      "logical switch as trunk port group",
      trunk({ portgroupId: "virtualwire-3" }),
      "portgroupId",
      /distributed port group/,
    ],
    ["vNIC index 10", trunk({ vnicIndex: 10 }), "vnicIndex", /0-9/],
    [
      "edge given both ways",
      trunk({ edge: { nsxEdge: "edge-1", vdc: "x" } }),
      "edge",
      /edge must be \{ vdc, edgeGateway \}/,
    ],
  ];
  it.each(bad)("rejects %s, naming the field", (_w, input, property, reason) => {
    const f = failuresOf(edgeTrunkInterfaceSchema, input).find((x) => x.property === property);
    expect(f?.reason).toMatch(reason);
  });
});

describe("L2VpnServer schema", () => {
  it("accepts a server and fills NSX defaults", () => {
    const r = checkWithSchema(l2vpnServerSchema, server(), normalizeL2VpnServer);
    expect(r.failures).toEqual([]);
    expect(r.value).toMatchObject({
      listenerPort: 443,
      encryptionAlgorithm: "AES128-GCM-SHA256",
      enabled: true,
    });
  });

  const bad: [string, Record<string, unknown>, string, RegExp][] = [
    [
      "weak cipher",
      server({ encryptionAlgorithm: "RC4-MD5" }),
      "encryptionAlgorithm",
      /broken cryptography.*allowWeakCipher/,
    ],
    [
      "unknown cipher",
      server({ encryptionAlgorithm: "AES512" }),
      "encryptionAlgorithm",
      /must be one of AES128-GCM-SHA256/,
    ],
    [
      "empty password",
      server({ sitePasswords: { onprem: "" } }),
      "sitePasswords.onprem",
      /must not be empty/,
    ],
    ["missing password", server({ sitePasswords: {} }), "sites[0].password", /has no password/],
    ["no sites", server({ sites: [] }), "sites", /at least one site/],
    [
      "nothing stretched",
      server({ sites: [{ name: "onprem", user: "u" }] }),
      "sites[0].stretchedTunnelIds",
      /at least one stretched network/,
    ],
    ["listener IP not an address", server({ listenerIp: "192.0.2" }), "listenerIp", /IPv4 address/],
    ["port 0", server({ listenerPort: 0 }), "listenerPort", /1-65535/],
    [
      "duplicate site names",
      server({
        sites: [
          { name: "a", user: "u1", stretchedTunnelIds: [1] },
          { name: "a", user: "u2", stretchedTunnelIds: [2] },
        ],
        sitePasswords: { a: "x" },
      }),
      "sites[1].name",
      /used twice/,
    ],
  ];
  it.each(bad)("rejects %s, naming the field", (_w, input, property, reason) => {
    const f = failuresOf(l2vpnServerSchema, input).find((x) => x.property === property);
    expect(f?.reason).toMatch(reason);
  });

  it("allows a weak cipher only with the explicit opt-in", () => {
    expect(failuresOf(l2vpnServerSchema, server({ encryptionAlgorithm: "AES128-SHA" }))).toEqual([]);
    expect(
      failuresOf(l2vpnServerSchema, server({ encryptionAlgorithm: "DES-CBC3-SHA", allowWeakCipher: true })),
    ).toEqual([]);
  });
});

describe("L2VpnClient schema", () => {
  it("accepts a client", () => {
    const r = checkWithSchema(l2vpnClientSchema, client(), normalizeL2VpnClient);
    expect(r.failures).toEqual([]);
    expect(r.value).toMatchObject({ serverPort: 443, stretchedTunnelIds: [1] });
  });

  it.each([
    ["empty password", client({ password: "" }), "password", /must not be empty/],
    ["duplicate tunnel", client({ stretchedTunnelIds: [1, 1] }), "stretchedTunnelIds", /listed twice/],
    [
      "weak cipher",
      client({ encryptionAlgorithm: "NULL-MD5" }),
      "encryptionAlgorithm",
      /broken cryptography/,
    ],
    ["bad server address", client({ serverAddress: "vpn.example.com" }), "serverAddress", /IPv4 address/],
    ["bad user", client({ user: "a b" }), "user", /letters, digits/],
  ] as [string, Record<string, unknown>, string, RegExp][])(
    "rejects %s, naming the field",
    (_w, input, property, reason) => {
      const f = failuresOf(l2vpnClientSchema, input).find((x) => x.property === property);
      expect(f?.reason).toMatch(reason);
    },
  );
});
