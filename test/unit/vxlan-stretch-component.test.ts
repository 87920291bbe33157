import * as pulumi from "@pulumi/pulumi";
import { StretchPlanError, VxlanStretch, type VxlanStretchArgs } from "../../sdk";
import { derivedId, VNI_RANGE } from "../../contract/stretchIds";
// Internal to @pulumi/pulumi: lets a test wait until every registration has been answered.
const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };

/**
 * The component with Pulumi's mocks (preview mode, so no child has an ID yet and nothing is
 * read live): exact children, names, parents, type tokens and the inputs each child gets.
 */
interface Child {
  type: string;
  name: string;
  parent?: string;
  inputs: Record<string, unknown>;
}

const VCD_TUNNEL_IDS: Record<string, number> = { web: 1, app: 2, db: 3, cache: 4 };

async function run(
  stack: string,
  build: () => VxlanStretch,
): Promise<{ stretch: VxlanStretch; children: Child[] }> {
  const children = new Map<string, Child>();
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const inputs = { ...args.inputs } as Record<string, unknown>;
        delete inputs.__provider;
        const state: Record<string, unknown> = { ...inputs };
        const type = args.type;
        if (type.endsWith(":SubinterfaceOrgNetwork")) {
          // vCD assigns tunnel IDs; the mock stands in for it by network name.
          state.tunnelId = VCD_TUNNEL_IDS[String(inputs.name)];
          state.subInterfaceIndex = 9 + VCD_TUNNEL_IDS[String(inputs.name)]!;
        }
        if (type.endsWith(":EdgeTrunkInterface")) {
          const subs = Object.keys(inputs.subInterfaces as Record<string, unknown>);
          state.subInterfaceIndexes = Object.fromEntries(subs.map((s, i) => [s, 10 + i]));
        }
        const existing = children.get(args.name);
        children.set(args.name, { type, name: args.name, parent: existing?.parent, inputs });
        return { id: "", state };
      },
      call: () => ({}),
    },
    "l2stretch-test",
    stack,
    true,
  );
  const stretch = build();
  // Every child passed through the stretch's transformation: wait until each is registered.
  const parents = new Map<string, string>();
  const resources = captured.splice(0).map((t) => (parents.set(t.name, t.parent), t.resource));
  await Promise.all(resources.map((r) => promiseOf(r.urn)));
  await promiseOf(stretch.urn);
  // Drain the component's own output registration before the next test swaps the mocks.
  await settings.waitForRPCs();
  return {
    stretch,
    children: [...children.values()]
      .filter((c) => parents.has(c.name))
      .map((c) => ({ ...c, parent: parents.get(c.name) }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

const captured: { name: string; parent: string; resource: pulumi.Resource }[] = [];
const capture: pulumi.ResourceTransformation = (a) => {
  captured.push({
    name: a.name,
    parent: (a.opts.parent as unknown as { __name?: string })?.__name ?? "",
    resource: a.resource,
  });
  return undefined;
};

function promiseOf<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply((v) => (resolve(v), v)));
}

const cloudToOnprem = (networks: string[]): VxlanStretchArgs => ({
  siteA: { vdc: "acme-vdc", edgeGateway: "edge-cloud-1" },
  siteB: { nsxEdge: "edge-onprem-1", trunk: { portgroupId: "dvportgroup-300" } },
  l2vpn: { listenerIp: "192.0.2.10", password: pulumi.secret("Site-Secret-1") },
  networks: networks.map((name) => {
    const octet = { web: 10, app: 20, db: 30, cache: 40 }[name]!;
    return {
      name,
      cidr: `10.${octet}.0.0/24`,
      gatewayIp: `10.${octet}.0.1`,
      egressOptimization: name === "web",
      siteB: { vlanId: 100 + octet, address: `10.${octet}.0.2/24` },
    };
  }),
});

describe("VxlanStretch (Pulumi mocks)", () => {
  it("builds a vCD ↔ NSX-v stretch from subinterface networks, a trunk and an L2VPN server/client", async () => {
    const { stretch, children } = await run(
      "vcd-nsx",
      () => new VxlanStretch("t1", cloudToOnprem(["web", "app"]), { transformations: [capture] }),
    );
    expect(children.map((c) => [c.name, c.type, c.parent])).toEqual([
      ["t1", "l2stretch:index:VxlanStretch", ""],
      ["t1-app", "pulumi-nodejs:dynamic/l2stretch:SubinterfaceOrgNetwork", "t1"],
      ["t1-l2vpn-client", "pulumi-nodejs:dynamic/l2stretch:L2VpnClient", "t1"],
      ["t1-l2vpn-server", "pulumi-nodejs:dynamic/l2stretch:L2VpnServer", "t1"],
      ["t1-siteB-trunk", "pulumi-nodejs:dynamic/l2stretch:EdgeTrunkInterface", "t1"],
      ["t1-web", "pulumi-nodejs:dynamic/l2stretch:SubinterfaceOrgNetwork", "t1"],
    ]);
    const byName = Object.fromEntries(children.map((c) => [c.name, c.inputs]));
    expect(byName["t1-web"]).toMatchObject({
      vdc: "acme-vdc",
      edgeGateway: "edge-cloud-1",
      name: "web",
      gatewayCidr: "10.10.0.1/24",
    });
    expect(byName["t1-siteB-trunk"]).toMatchObject({
      edge: { nsxEdge: "edge-onprem-1" },
      portgroupId: "dvportgroup-300",
      mtu: 1600,
      name: "t1",
      subInterfaces: {
        web: { tunnelId: 1, vlanId: 110, addresses: ["10.10.0.2/24"] },
        app: { tunnelId: 2, vlanId: 120, addresses: ["10.20.0.2/24"] },
      },
    });
    expect(byName["t1-l2vpn-server"]).toMatchObject({
      edge: { vdc: "acme-vdc", edgeGateway: "edge-cloud-1" },
      listenerIp: "192.0.2.10",
      sites: { t1: { user: "t1", stretchedTunnelIds: [1, 2], egressOptimizationGatewayIps: ["10.10.0.1"] } },
    });
    expect(byName["t1-l2vpn-client"]).toMatchObject({
      edge: { nsxEdge: "edge-onprem-1" },
      serverAddress: "192.0.2.10",
      user: "t1",
      stretchedTunnelIds: [1, 2],
      egressOptimizationGatewayIps: ["10.10.0.1"],
    });
    expect(await promiseOf(stretch.networks)).toEqual({
      // The mock trunk numbers sub-interfaces in key order; the mock vCD by tunnel ID.
      web: { tunnelId: 1, innerMtu: 1500, mss: 1460, subInterfaceIndexes: { siteA: 10, siteB: 11 } },
      app: { tunnelId: 2, innerMtu: 1500, mss: 1460, subInterfaceIndexes: { siteA: 11, siteB: 10 } },
    });
  });

  it("adding a network leaves every other child's inputs as they were", async () => {
    const before = await run(
      "stable-1",
      () => new VxlanStretch("t2", cloudToOnprem(["web", "app", "db"]), { transformations: [capture] }),
    );
    const after = await run(
      "stable-2",
      () =>
        new VxlanStretch("t2", cloudToOnprem(["web", "cache", "app", "db"]), { transformations: [capture] }),
    );
    // The two runs are two mock stacks, so the ownership mark (…/<stack>/<name>) differs by design.
    const inputs = (r: { children: Child[] }, n: string) => {
      const { owner: _stackMark, ...rest } = r.children.find((c) => c.name === n)!.inputs;
      return rest;
    };
    for (const n of ["t2-web", "t2-app", "t2-db"]) expect(inputs(after, n)).toEqual(inputs(before, n));
    const trunkBefore = inputs(before, "t2-siteB-trunk").subInterfaces as Record<string, unknown>;
    const trunkAfter = inputs(after, "t2-siteB-trunk").subInterfaces as Record<string, unknown>;
    expect(trunkAfter).toMatchObject(trunkBefore);
    expect(Object.keys(trunkAfter).sort()).toEqual(["app", "cache", "db", "web"]);
  });

  it("builds a gateway pair as one GatewayConfig per site with VNIs derived from names", async () => {
    const { children, stretch } = await run(
      "gw",
      () =>
        new VxlanStretch(
          "t3",
          {
            siteA: {
              gateway: {
                endpoint: "https://10.0.0.5:8443",
                token: "token-a-0123456789abcdef",
                fingerprint: "AA".repeat(32),
              },
              underlay: { address: "203.0.113.1", vtepAddress: "192.0.2.1" },
            },
            siteB: {
              gateway: {
                endpoint: "https://10.0.1.5:8443",
                token: "token-b-0123456789abcdef",
                fingerprint: "BB".repeat(32),
              },
              underlay: { address: "198.51.100.2", vtepAddress: "192.0.2.2", mtu: 1400 },
            },
            ipsec: { psk: pulumi.secret("x".repeat(40)) },
            networks: [
              {
                name: "blue",
                cidr: "192.168.10.0/24",
                gatewayIp: "192.168.10.1",
                egressOptimization: true,
                siteA: { interface: "eth1" },
                siteB: { trunk: "eth2", vlanId: 10 },
              },
            ],
          },
          { transformations: [capture] },
        ),
    );
    expect(children.map((c) => [c.name, c.type, c.parent])).toEqual([
      ["t3", "l2stretch:index:VxlanStretch", ""],
      ["t3-siteA", "pulumi-nodejs:dynamic/l2stretch:GatewayConfig", "t3"],
      ["t3-siteB", "pulumi-nodejs:dynamic/l2stretch:GatewayConfig", "t3"],
    ]);
    const vni = derivedId("vni", "blue", VNI_RANGE);
    const a = children[1]!.inputs;
    expect(a).toMatchObject({
      endpoint: "https://10.0.0.5:8443",
      config: {
        underlay: {
          localAddress: "203.0.113.1",
          peerAddress: "198.51.100.2",
          mtu: 1500,
          vtepLocal: "192.0.2.1",
          vtepPeer: "192.0.2.2",
        },
        transport: { type: "ipsec", localId: "t3.siteA", peerId: "t3.siteB" },
        networks: {
          blue: { vni, attachment: { type: "interface", interface: "eth1" }, gatewayIp: "192.168.10.1" },
        },
      },
    });
    expect(children[2]!.inputs).toMatchObject({
      config: { networks: { blue: { vni, attachment: { type: "vlan", trunk: "eth2", vlanId: 10 } } } },
    });
    // The PSK never sits in the readable document; the smaller underlay sets the inner MTU.
    expect(JSON.stringify(a.config)).not.toContain("x".repeat(40));
    expect(await promiseOf(stretch.vnis)).toEqual({ blue: vni });
    expect(await promiseOf(stretch.innerMtu)).toBeLessThan(1350);
  });

  it("joins a gateway behind a NAT with a dynamic address to one behind a port-forward", async () => {
    const gateway = (ep: string) => ({ endpoint: ep, token: "t".repeat(24), fingerprint: "CC".repeat(32) });
    const { children } = await run(
      "nat",
      () =>
        new VxlanStretch(
          "t7",
          {
            siteA: {
              gateway: gateway("https://10.0.0.5:8443"),
              underlay: { address: "10.1.0.2", dynamicAddress: true, vtepAddress: "192.0.2.1" },
            },
            siteB: {
              gateway: gateway("https://10.0.1.5:8443"),
              underlay: {
                address: "10.2.0.2",
                publicAddress: "198.51.100.7",
                ikePort: 4501,
                vtepAddress: "192.0.2.2",
              },
            },
            ipsec: { psk: pulumi.secret("y".repeat(40)) },
            networks: [
              {
                name: "blue",
                cidr: "192.168.10.0/24",
                gatewayIp: "192.168.10.1",
                siteA: { interface: "eth1" },
                siteB: { interface: "eth1" },
              },
            ],
          },
          { transformations: [capture] },
        ),
    );
    const config = (n: string) =>
      children.find((c) => c.name === n)!.inputs.config as Record<string, Record<string, unknown>>;
    // A dials B's port-forward; B only answers A, from wherever A's NAT puts it.
    expect(config("t7-siteA").underlay).toMatchObject({
      localAddress: "10.1.0.2",
      peerAddress: "198.51.100.7",
      peerIkePort: 4501,
    });
    expect(config("t7-siteA").transport!.role).toBeUndefined();
    expect(config("t7-siteB").underlay).toMatchObject({ localAddress: "10.2.0.2", peerAddress: "any" });
    expect(config("t7-siteB").transport).toMatchObject({ role: "responder" });
  });

  it("refuses a bad plan at construction with every problem, before any child exists", async () => {
    let error: unknown;
    await run("bad", () => {
      try {
        return new VxlanStretch("t4", {
          ...cloudToOnprem(["web"]),
          siteB: {
            gateway: { endpoint: "https://10.0.0.5:8443", token: "t".repeat(20) },
            underlay: { address: "203.0.113.1", vtepAddress: "192.0.2.1" },
          },
          networks: [{ name: "web", cidr: "10.10.0.0/24", gatewayIp: "10.11.0.1" }],
        });
      } catch (e) {
        error = e;
        return new VxlanStretch("t4-ok", cloudToOnprem(["web"]));
      }
    });
    expect(error).toBeInstanceOf(StretchPlanError);
    expect((error as StretchPlanError).problems.map((p) => p.path)).toEqual([
      "siteB",
      "networks[0].gatewayIp",
      "networks[0].siteB",
    ]);
    expect((error as Error).message).toMatch(/^VxlanStretch "t4": 3 problems in the plan\n {2}siteB: /);
  });

  it("counts two stretches of one program on one edge: the second L2VPN on the edge is refused", async () => {
    let error: unknown;
    await run("shared-edge", () => {
      const first = new VxlanStretch("t5", cloudToOnprem(["web"]));
      try {
        new VxlanStretch("t6", {
          ...cloudToOnprem(["app"]),
          siteB: { nsxEdge: "edge-onprem-9", trunk: { portgroupId: "dvportgroup-301" } },
        });
      } catch (e) {
        error = e;
      }
      return first;
    });
    expect((error as StretchPlanError).problems).toEqual([
      { path: "siteA", message: expect.stringMatching(/already runs the L2VPN of stretch "t5"/) },
    ]);
  });
});
