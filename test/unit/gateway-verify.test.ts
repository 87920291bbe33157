/**
 * The agent's verify step: every unsafe site port is refused (422) with the document field and
 * the reason, before anything touches the machine.
 */
import { GatewayConfigSchema, NetworkConfig } from "../../contract/gatewayDocument";
import { LiveLink, LiveState, parseAddressesByLink, parseRoutes } from "../../gateway/agent/live";
import { verify } from "../../gateway/agent/verify";
import { DocNetwork, gatewayDoc, onInterface, onVlan } from "../support/gateway-config";

function link(name: string, extra: Partial<LiveLink> = {}): [string, LiveLink] {
  return [name, { name, kind: undefined, mtu: 1500, up: true, master: undefined, ...extra }];
}

/**
 * A gateway as the lab builds it: wan0 holds the underlay address and the default route, mgmt0
 * a management address, eth1..eth3 are free site NICs, blue (VNI 100) already runs on eth1.
 */
function gateway(): LiveState {
  return {
    links: new Map([
      link("lo", { linkType: "loopback" }),
      link("wan0"),
      link("mgmt0"),
      link("eth1", { master: "l2br100" }),
      link("eth2"),
      link("eth3"),
      link("eth4"),
      link("eth4.7", { kind: "vlan", vlan: { id: 7, link: "eth4" } }),
      link("l2br100", { kind: "bridge" }),
      link("l2vx100", { kind: "vxlan", master: "l2br100" }),
      link("br0", { kind: "bridge" }),
    ]),
    loAddresses: ["127.0.0.1/8", "192.0.2.1/32"],
    addresses: new Map([
      ["lo", ["192.0.2.1/32"]],
      ["wan0", ["203.0.113.1/24"]],
      ["mgmt0", ["10.9.0.5/24"]],
      ["eth4.7", ["10.7.0.5/24"]],
    ]),
    routes: [
      { dst: "default", dev: "wan0", table: "main" },
      { dst: "203.0.113.0/24", dev: "wan0", table: "main" },
      { dst: "10.9.0.0/24", dev: "mgmt0", table: "main" },
      { dst: "10.50.0.0/16", dev: "eth3", table: "main" },
    ],
    blackholes: [],
    nft: [],
    sas: undefined,
  };
}

const check = (networks: DocNetwork[], live = gateway()) =>
  verify(GatewayConfigSchema.parse(gatewayDoc({ networks })), live);

describe("verify refuses unsafe site ports, naming the field", () => {
  test("a well-formed document on free NICs passes (and blue keeps its own port)", () => {
    expect(check([onInterface("blue", 100, "eth1"), onInterface("green", 200, "eth2")])).toEqual([]);
  });

  test("the NIC holding the underlay address", () => {
    expect(check([onInterface("blue", 100, "wan0")])).toEqual([
      {
        path: "networks.0.attachment.interface",
        message:
          'network "blue": wan0 carries the underlay address 203.0.113.1 (underlay.localAddress); bridging it would send the site\'s frames there unencrypted',
      },
    ]);
  });

  test("a management NIC (address), a routed NIC, and a NIC whose VLAN holds an address", () => {
    const issues = check([
      onInterface("blue", 100, "mgmt0"),
      onInterface("green", 200, "eth3"),
      onInterface("red", 300, "eth4"),
    ]);
    expect(issues.map((i) => i.path)).toEqual([
      "networks.0.attachment.interface",
      "networks.1.attachment.interface",
      "networks.2.attachment.interface",
    ]);
    expect(issues[0]?.message).toMatch(/mgmt0 carries the management address 10\.9\.0\.5\/24/);
    expect(issues[1]?.message).toMatch(/eth3 carries the route 10\.50\.0\.0\/16/);
    expect(issues[2]?.message).toMatch(
      /eth4 carries the management address 10\.7\.0\.5\/24 \(through its VLAN sub-interface eth4\.7\)/,
    );
  });

  test("a VLAN on the underlay NIC is refused; a VLAN beside management on a trunk is allowed", () => {
    expect(check([onVlan("blue", 100, "wan0", 20)])[0]).toMatchObject({
      path: "networks.0.attachment.trunk",
      message: expect.stringMatching(/wan0 carries the underlay address/) as unknown,
    });
    expect(check([onVlan("blue", 100, "eth4", 20)])).toEqual([]);
  });

  test("the loopback is a 422 issue, not a failed apply", () => {
    expect(check([onInterface("blue", 100, "lo")])).toEqual([
      {
        path: "networks.0.attachment.interface",
        message:
          'network "blue": lo is the loopback interface; a site port must be a NIC or VLAN facing the site',
      },
    ]);
  });

  test("a port used by another network: the trunk of its VLAN, a stretch device, a foreign bridge", () => {
    expect(check([onInterface("blue", 100, "eth1"), onVlan("green", 200, "eth1", 30)])).toContainEqual({
      path: "networks.1.attachment.trunk",
      message:
        'network "green": trunk eth1 is the site port of network "blue"; it cannot also be a VLAN trunk',
    });
    expect(check([onInterface("blue", 100, "l2vx100")])[0]?.message).toMatch(/device of the stretch itself/);
    const foreign = gateway();
    (foreign.links.get("eth2") as LiveLink).master = "br0";
    expect(check([onInterface("green", 200, "eth2")], foreign)[0]?.message).toBe(
      'network "green": eth2 is already a port of br0, which l2stretch does not manage',
    );
  });

  test("the same port twice: refused by the schema already (400 at preview), and by verify", () => {
    const doc = gatewayDoc({
      networks: [onInterface("green", 200, "eth2"), onInterface("red", 300, "eth2")],
    });
    const parsed = GatewayConfigSchema.safeParse(doc);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join("."))).toEqual(["networks.1.attachment"]);
    // verify does not rely on the schema having run: a document built in code is checked too.
    const cfg = GatewayConfigSchema.parse(gatewayDoc({ networks: [onInterface("green", 200, "eth2")] }));
    cfg.networks.push({ ...(cfg.networks[0] as NetworkConfig), name: "red", vni: 300 });
    expect(verify(cfg, gateway())).toEqual([
      {
        path: "networks.1.attachment.interface",
        message:
          'network "red": site port eth2 is already the site port of network "green"; each network needs its own port',
      },
    ]);
  });

  test("moving a port and changing a VNI are not refused: the old bridge gives the port up", () => {
    // blue moves eth1 -> eth2 while green takes eth1 over.
    expect(check([onInterface("blue", 100, "eth2"), onInterface("green", 200, "eth1")])).toEqual([]);
    // VNI 100 -> 101 on the same port (eth1 is still in l2br100, which this document removes).
    expect(check([onInterface("blue", 101, "eth1")])).toEqual([]);
  });
});

describe("live-state parsers for verify", () => {
  test("addresses leave out link-local and host scope; routes leave out local, multicast and fe80::/64", () => {
    const addrs = parseAddressesByLink(
      JSON.stringify([
        {
          ifname: "lo",
          addr_info: [
            { local: "127.0.0.1", prefixlen: 8, scope: "host" },
            { local: "192.0.2.1", prefixlen: 32, scope: "global" },
          ],
        },
        { ifname: "eth1", addr_info: [{ local: "fe80::1", prefixlen: 64, scope: "link" }] },
        { ifname: "wan0", addr_info: [{ local: "203.0.113.1", prefixlen: 24, scope: "global" }] },
      ]),
    );
    expect([...addrs]).toEqual([
      ["lo", ["192.0.2.1/32"]],
      ["wan0", ["203.0.113.1/24"]],
    ]);
    const routes = parseRoutes(
      JSON.stringify([
        { dst: "default", gateway: "203.0.113.254", dev: "wan0" },
        { type: "blackhole", dst: "192.0.2.2" },
        { type: "local", dst: "203.0.113.1", dev: "wan0", table: "local" },
        { dst: "fe80::/64", dev: "eth1" },
        { type: "multicast", dst: "ff00::/8", dev: "eth1", table: "local" },
        { dst: "192.0.2.2", dev: "ipsec0", table: "220" },
      ]),
    );
    expect(routes).toEqual([
      { dst: "default", dev: "wan0", table: "main" },
      { dst: "192.0.2.2", dev: "ipsec0", table: "220" },
    ]);
  });
});

describe("IKE identities (schema)", () => {
  test.each([
    ["localId", "gwA\u0000evil"],
    ["peerId", "gwB\nleftid=x"],
    ["localId", "gw\u007fA"],
  ])("a control character in %s is refused, naming the field", (field, value) => {
    const doc = gatewayDoc();
    (doc.transport as Record<string, unknown>)[field] = value;
    const r = GatewayConfigSchema.safeParse(doc);
    expect(r.success).toBe(false);
    expect(r.error?.issues).toEqual([
      expect.objectContaining({
        path: ["transport", field],
        message: "must not contain control characters (such as NUL or a newline)",
      }),
    ]);
  });

  test("ordinary identities (FQDN, DN with spaces, e-mail) pass", () => {
    for (const id of ["gwA.example.net", "CN=gw A, O=Example", "ops@example.net"]) {
      expect(GatewayConfigSchema.safeParse(gatewayDoc({ localId: id })).success).toBe(true);
    }
  });
});
