import { startSimulator, type RunningSim } from "../../sim";
import { configure, handler } from "../../provider/registry";
import { openEdge } from "../../provider/handlers/edgeAccess";
import { vcdExecutor } from "../../provider/runtime";
import { findEdgeGateway, findVdc } from "../../provider/vcd/inventory";

/**
 * One NSX-v edge, three ways in: a subinterface network through vCD, a trunk through NSX
 * Manager and the L2VPN server through vCD's NSX proxy. They resolve to one identity and
 * queue on one lock inside the clients, so written all at once they never meet the edge busy:
 * the simulator counts no BUSY_ENTITY answer (none is injected: no faults, and a vCD task is
 * the only thing that keeps the edge busy) and no lost update, and every write is there after.
 */
jest.setTimeout(180_000);

let sim: RunningSim;

beforeAll(async () => {
  // Long enough tasks that an unserialised NSX write lands while the network task runs.
  sim = await startSimulator({ port: 0, taskMs: 5000 });
  const values: Record<string, string> = {
    "l2stretch:vcdUrl": sim.url,
    "l2stretch:org": "acme",
    "l2stretch:user": "alice",
    "l2stretch:password": "Alice-Secret-1",
    "l2stretch:nsxUrl": sim.url,
    "l2stretch:nsxUser": "admin",
    "l2stretch:nsxPassword": "Nsx-Admin-Secret-1",
    "l2stretch:retryDeadlineSeconds": "90",
  };
  configure({ get: (k) => values[k] });
});
afterAll(async () => sim?.close());

async function create(type: string, news: Record<string, unknown>) {
  const h = handler(type);
  const checked = await h.check({}, news);
  expect(checked.failures).toEqual([]);
  return h.create(checked.inputs);
}

const network = (name: string, octet: number) => ({
  vdc: "acme-vdc",
  edgeGateway: "edge-cloud-1",
  name,
  gatewayCidr: `10.${octet}.0.1/24`,
  staticIpPools: [{ start: `10.${octet}.0.100`, end: `10.${octet}.0.199` }],
});

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("the network task never started");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("one edge, one identity, one lock", () => {
  it("gives the vCD gateway, its proxy and NSX Manager's edge-N the same lock key", async () => {
    const exec = vcdExecutor();
    const gateway = await findEdgeGateway(exec, await findVdc(exec, "acme-vdc"), "edge-cloud-1");
    const viaProxy = await openEdge({ vdc: "acme-vdc", edgeGateway: "edge-cloud-1" });
    const direct = await openEdge({ nsxEdge: "edge-cloud-1" });
    expect(gateway.nsxEdgeId).toBe("edge-1");
    expect(new Set([gateway.lockKey, viaProxy.client.lockKey, direct.client.lockKey])).toEqual(
      new Set(["nsx-edge:edge-1"]),
    );
  });

  it("serialises a network create, a trunk write and an L2VPN write on one edge: 0 busy, 0 lost", async () => {
    const base = await create("SubinterfaceOrgNetwork", network("base", 61));
    const tunnelId = base.outs["tunnelId"] as number;
    expect(tunnelId).toEqual(expect.any(Number));
    const before = { ...sim.stats() };
    const from = sim.requests().length;

    // The NSX writes start while the network's vCD task runs on the edge: only the shared
    // lock (held by the create until its task ends) keeps them from meeting a busy edge.
    const edgeUuid = sim.world().edges.find((e) => e.nsxId === "edge-1")!.id;
    const creating = create("SubinterfaceOrgNetwork", network("parallel", 62));
    await until(() => sim.world().tasks.some((t) => t.edgeId === edgeUuid && t.status === "running"));
    const [net, trunk, server] = await Promise.all([
      creating,
      create("EdgeTrunkInterface", {
        edge: { nsxEdge: "edge-1" },
        name: "direct-trunk",
        portgroupId: "dvportgroup-361",
        mtu: 1600,
        subInterfaces: [{ name: "onprem-a", tunnelId: 900, vlanId: 361, addresses: ["10.63.0.2/24"] }],
      }),
      create("L2VpnServer", {
        edge: { vdc: "acme-vdc", edgeGateway: "edge-cloud-1" },
        listenerIp: "192.0.2.10",
        sites: [{ name: "branch", user: "branch-user", stretchedTunnelIds: [tunnelId] }],
        sitePasswords: { branch: "Branch-Passw0rd-1" },
      }),
    ]);

    const during = sim.requests().slice(from);
    const writes = during.filter((r) => r.method !== "GET" && r.edge === "edge-1");
    // Network create, trunk vNIC write, L2VPN write (at least): all on edge-1, none refused.
    expect(writes.length).toBeGreaterThanOrEqual(3);
    expect(writes.filter((r) => r.status >= 400)).toEqual([]);
    expect(sim.stats().busyRejections - before.busyRejections).toBe(0);
    expect(sim.stats().lostUpdates - before.lostUpdates).toBe(0);

    // Every write is there afterwards.
    expect(net.outs["tunnelId"]).toEqual(expect.any(Number));
    const edge = sim.world().edges.find((e) => e.nsxId === "edge-1")!;
    const subs = edge.vnics.flatMap((v) => v.subInterfaces);
    const networkIds = sim
      .world()
      .networks.filter((n) => ["base", "parallel"].includes(n.name))
      .map((n) => n.id)
      .sort();
    expect(networkIds).toHaveLength(2);
    expect(subs.flatMap((s) => (s.networkId ? [s.networkId] : [])).sort()).toEqual(networkIds);
    expect(subs.map((s) => s.name)).toContain("onprem-a");
    expect(trunk.outs["allocatedVnicIndex"]).toEqual(expect.any(Number));
    expect(edge.l2vpn?.server?.peerSites.map((s) => s.name)).toEqual(["branch"]);
    expect(server.id).toBeTruthy();
  });
});
