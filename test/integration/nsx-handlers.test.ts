import { startSimulator, type RunningSim } from "../../sim";
import { configure, handler } from "../../provider/registry";
import { NsxEdgeClient } from "../../provider/nsxv/client";
import { nsxDirectTransport } from "../../provider/nsxv/directTransport";
import { NsxExecutor } from "../../provider/nsxv/executor";
import { readL2VpnStatus } from "../../provider/functions/l2vpnStatus";
import type { ConfigSource } from "../../provider/config";

/** EdgeTrunkInterface, L2VpnServer and L2VpnClient handlers against the simulator. */
jest.setTimeout(180_000);

const trunkH = handler("EdgeTrunkInterface");
const serverH = handler("L2VpnServer");
const clientH = handler("L2VpnClient");

let simValues: Record<string, string> = {};
const configSource = (): ConfigSource => ({ get: (k) => simValues[k] });

function useSim(sim: RunningSim): void {
  const values: Record<string, string> = (simValues = {
    "l2stretch:vcdUrl": sim.url,
    "l2stretch:org": "acme",
    "l2stretch:user": "alice",
    "l2stretch:password": "Alice-Secret-1",
    "l2stretch:nsxUrl": sim.url,
    "l2stretch:nsxUser": "admin",
    "l2stretch:nsxPassword": "Nsx-Admin-Secret-1",
    "l2stretch:retryDeadlineSeconds": "90",
  });
  configure({ get: (k) => values[k] });
}

async function checked(h: ReturnType<typeof handler>, news: Record<string, unknown>) {
  const r = await h.check({}, news);
  expect(r.failures).toEqual([]);
  return r.inputs;
}

const trunk = (i: number, extra: Record<string, unknown> = {}) => ({
  edge: { nsxEdge: "edge-onprem-1" },
  name: `trunk-${i}`,
  portgroupId: `dvportgroup-30${i}`,
  mtu: 1600,
  subInterfaces: [
    { name: `net-${i}`, tunnelId: 100 + i, vlanId: 200 + i, addresses: [`10.${50 + i}.0.2/24`] },
  ],
  ...extra,
});

const server = (extra: Record<string, unknown> = {}) => ({
  edge: { nsxEdge: "edge-onprem-1" },
  listenerIp: "198.51.100.20",
  sites: [{ name: "branch", user: "branch-user", stretchedSubInterfaceIndexes: [10] }],
  sitePasswords: { branch: "Branch-Passw0rd-1" },
  ...extra,
});

async function edgeClient(sim: RunningSim, name: string): Promise<NsxEdgeClient> {
  return new NsxEdgeClient(
    await nsxDirectTransport(
      new NsxExecutor({ url: sim.url, user: "admin", password: "Nsx-Admin-Secret-1" }),
      name,
    ),
  );
}

/**
 * Ten resources on edge-onprem-1 at once: eight trunks in allocated slots, one adopting the
 * hand-made trunk in slot 9, and the L2VPN server stretching that trunk's existing
 * sub-interface. Returns what each create returned, server first.
 */
async function tenAtOnce(sim: RunningSim) {
  const edge = await edgeClient(sim, "edge-onprem-1");
  const manual = await edge.updateVnic(9, (cur) => ({
    ...cur,
    name: "hand-made",
    type: "trunk",
    mtu: 1600,
    isConnected: true,
    portgroupId: "dvportgroup-309",
    subInterfaces: [
      {
        name: "existing",
        tunnelId: 999,
        vlanId: 999,
        mtu: 1500,
        isConnected: true,
        enableSendRedirects: false,
        addressGroups: [],
      },
    ],
  }));
  const existingIndex = manual.subInterfaces[0]!.index!;
  const adoptInputs = {
    ...trunk(9, { vnicIndex: 9, adopt: true, name: "hand-made", portgroupId: "dvportgroup-309" }),
    subInterfaces: [{ name: "adopted-net", tunnelId: 998, vlanId: 998 }],
  };
  const [srv, ...trunks] = await Promise.all([
    (async () =>
      serverH.create(
        await checked(
          serverH,
          server({
            sites: [{ name: "branch", user: "branch-user", stretchedSubInterfaceIndexes: [existingIndex] }],
          }),
        ),
      ))(),
    ...Array.from({ length: 8 }, async (_, i) => trunkH.create(await checked(trunkH, trunk(i)))),
    (async () => trunkH.create(await checked(trunkH, adoptInputs)))(),
  ]);
  return { edge, srv: srv!, trunks: trunks.map((t) => t!) };
}

async function expectTenPresent(edge: NsxEdgeClient): Promise<void> {
  const trunks = (await edge.getVnics()).filter((v) => v.type === "trunk");
  expect(trunks).toHaveLength(9);
  expect(trunks.flatMap((t) => t.subInterfaces.map((s) => s.tunnelId)).sort((a, b) => a - b)).toEqual([
    100, 101, 102, 103, 104, 105, 106, 107, 998, 999,
  ]);
  const cfg = await edge.getL2Vpn({ showSensitiveData: true });
  expect(cfg.server?.peerSites[0]?.password).toBe("Branch-Passw0rd-1");
}

async function removeTen(edge: NsxEdgeClient, r: Awaited<ReturnType<typeof tenAtOnce>>): Promise<void> {
  await Promise.all([
    ...r.trunks.map((t) => trunkH.delete(t.id, t.outs)),
    serverH.delete(r.srv.id, r.srv.outs),
  ]);
  // The adopted trunk keeps its hand-made sub-interface; everything else is gone.
  const left = (await edge.getVnics()).filter((v) => v.type === "trunk");
  expect(left.map((t) => [t.index, t.subInterfaces.map((s) => s.name)])).toEqual([[9, ["existing"]]]);
  expect((await edge.getL2Vpn()).server).toBeUndefined();
  await edge.updateVnic(9, () => null);
}

describe("NSX edge resource handlers", () => {
  let sim: RunningSim;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    useSim(sim);
  });
  afterAll(async () => sim.close());

  it("EdgeTrunkInterface: create allocates a free vNIC, update leaves foreign sub-interfaces alone, delete frees the slot", async () => {
    const created = await trunkH.create(await checked(trunkH, trunk(0)));
    const index = created.outs["allocatedVnicIndex"] as number;
    expect(index).toBeGreaterThan(0);
    expect(created.outs["tunnelIds"]).toEqual({ "net-0": 100 });

    // Someone adds a sub-interface by hand; our update must keep it.
    const edge = await edgeClient(sim, "edge-onprem-1");
    await edge.updateVnic(index, (cur) => ({
      ...cur,
      subInterfaces: [
        ...cur.subInterfaces,
        {
          name: "manual",
          tunnelId: 900,
          vlanId: 900,
          mtu: 1500,
          isConnected: true,
          enableSendRedirects: false,
          addressGroups: [],
        },
      ],
    }));
    const news = await checked(
      trunkH,
      trunk(0, {
        subInterfaces: [
          { name: "net-0", tunnelId: 100, vlanId: 200 },
          { name: "net-0b", tunnelId: 101, vlanId: 201 },
        ],
      }),
    );
    const d = await trunkH.diff(created.id, created.outs, news);
    expect(d).toMatchObject({ changes: true, replaces: [] });
    const updated = await trunkH.update(created.id, created.outs, news);
    expect(updated.outs["tunnelIds"]).toEqual({ "net-0": 100, "net-0b": 101 });
    const live = await edge.getVnic(index);
    expect(live.subInterfaces.map((s) => s.name).sort()).toEqual(["manual", "net-0", "net-0b"]);

    // refresh: drift in our sub-interfaces is reported, the foreign one is not ours to report.
    const read = await trunkH.read(created.id, updated.outs);
    // Keyed by name for Pulumi, so a removal diffs as a removal.
    expect(Object.keys(read.inputs!["subInterfaces"] as object)).toEqual(["net-0", "net-0b"]);

    await trunkH.delete(created.id, updated.outs);
    const after = await edge.getVnic(index);
    expect(after.subInterfaces.map((s) => s.name)).toEqual(["manual"]); // not ours alone: only ours removed
    await edge.updateVnic(index, () => null);
  });

  it("fails the preview of a trunk or client on an edge that does not exist", async () => {
    const t = await trunkH.check({}, trunk(1, { edge: { nsxEdge: "edge-onprem-9" } }));
    expect(t.failures).toEqual([
      {
        property: "",
        reason: expect.stringMatching(/edge-onprem-9.* not found .*edges there: .*edge-onprem-1/),
      },
    ]);
    const c = await clientH.check(
      {},
      {
        edge: { nsxEdge: "edge-onprem-9" },
        serverAddress: "198.51.100.21",
        user: "u",
        password: "Passw0rd-123",
        stretchedTunnelIds: [1],
      },
    );
    expect(c.failures).toEqual([
      {
        property: "",
        reason: expect.stringMatching(/edge-onprem-9.* not found .*edges there: .*edge-onprem-1/),
      },
    ]);
  });

  it("rejects a listener IP that is not on the edge's uplinks at check time", async () => {
    const r = await serverH.check({}, server({ listenerIp: "198.51.100.99" }));
    expect(r.failures).toEqual([
      {
        // The path leads the reason: the engine prints a property's value in its own notation.
        property: "",
        reason: expect.stringMatching(
          /^listenerIp: 198\.51\.100\.99 is not an address of an uplink.*198\.51\.100\.20/,
        ),
      },
    ]);
  });

  it("creates ten resources on one edge in parallel: all present, no lost update, passwords kept", async () => {
    const before = sim.stats().lostUpdates;
    const r = await tenAtOnce(sim);
    expect(new Set(r.trunks.map((t) => t.outs["allocatedVnicIndex"])).size).toBe(9);
    await expectTenPresent(r.edge);
    expect(sim.stats().lostUpdates).toBe(before);
    await removeTen(r.edge, r);
  });

  it("brings a server and client up, and reports a wrong password as down", async () => {
    const cloudTrunk = await trunkH.create(
      await checked(trunkH, { ...trunk(1), edge: { nsxEdge: "edge-onprem-2" } }),
    );
    const onprem = await trunkH.create(await checked(trunkH, trunk(1)));
    const srv = await serverH.create(
      await checked(
        serverH,
        server({
          edge: { nsxEdge: "edge-onprem-2" },
          listenerIp: "198.51.100.21",
          sites: [{ name: "branch", user: "branch-user", stretchedTunnelIds: [101] }],
        }),
      ),
    );
    const clientInputs = {
      edge: { nsxEdge: "edge-onprem-1" },
      serverAddress: "198.51.100.21",
      user: "branch-user",
      password: "Branch-Passw0rd-1",
      stretchedTunnelIds: [101],
    };
    const cli = await clientH.create(await checked(clientH, clientInputs));
    // Status is a reading: not kept from create (it could only be stale), set by refresh.
    expect(cli.outs["tunnel"]).toBeUndefined();
    expect(srv.outs["siteStatus"]).toBeUndefined();
    const cliRead = await clientH.read(cli.id, cli.outs);
    expect(cliRead.props!["tunnel"]).toMatchObject({ status: "up", observedAt: expect.any(String) });
    const srvRead = await serverH.read(srv.id, srv.outs);
    expect((srvRead.props!["siteStatus"] as Record<string, { status: string }>)["branch"]?.status).toBe("up");
    expect(await readL2VpnStatus(configSource(), { nsxEdge: "edge-onprem-2" })).toMatchObject({
      role: "server",
      tunnels: { branch: { status: "up" } },
    });

    const wrong = await checked(clientH, { ...clientInputs, password: "Wrong-Passw0rd-1" });
    const updated = await clientH.update(cli.id, cli.outs, wrong);
    expect(updated.outs["tunnel"]).toBeUndefined();
    expect((await clientH.read(cli.id, updated.outs)).props!["tunnel"]).toMatchObject({
      status: "down",
      failureMessage: expect.stringMatching(/authentication/i),
    });

    await clientH.delete(cli.id, updated.outs);
    await serverH.delete(srv.id, srv.outs);
    await trunkH.delete(onprem.id, onprem.outs);
    await trunkH.delete(cloudTrunk.id, cloudTrunk.outs);
  });
});

describe("NSX edge resource handlers under faults", () => {
  it("creates ten resources on one edge in parallel at 20% injected errors with busy edges: all converge, no lost update", async () => {
    const sim = await startSimulator({ port: 0, errorRate: 0.2, busyMs: 50 });
    try {
      useSim(sim);
      const r = await tenAtOnce(sim);
      await expectTenPresent(r.edge);
      expect(sim.stats().faultsInjected).toBeGreaterThan(0);
      expect(sim.stats().lostUpdates).toBe(0);
      await removeTen(r.edge, r);
    } finally {
      await sim.close();
    }
  });
});
