import { startSimulator, type RunningSim } from "../../sim";
import { handler, configure } from "../../provider/registry";
import { PartialFailure } from "../../provider/runtime";
import { VcdExecutor } from "../../provider/vcd/executor";
import { findEdgeGateway, findVdc } from "../../provider/vcd/inventory";
import { createNetwork, findNetworkByName, getNetwork } from "../../provider/vcd/networks";
import { queryRecords } from "../../provider/vcd/query";

/** Every handler method of SubinterfaceOrgNetwork, as the dynamic provider calls them. */
jest.setTimeout(90_000);

const h = handler("SubinterfaceOrgNetwork");

function useSim(sim: RunningSim, extra: Record<string, string> = {}): void {
  const values: Record<string, string> = {
    "l2stretch:vcdUrl": sim.url,
    "l2stretch:org": "acme",
    "l2stretch:user": "alice",
    "l2stretch:password": "Alice-Secret-1",
    "l2stretch:retryDeadlineSeconds": "60",
    ...extra,
  };
  configure({ get: (k) => values[k] });
}

const inputs = (name: string, octet: number, extra: Record<string, unknown> = {}) => ({
  vdc: "acme-vdc",
  edgeGateway: "edge-cloud-1",
  name,
  gatewayCidr: `10.${octet}.0.1/24`,
  dnsServers: [`10.${octet}.0.53`],
  staticIpPools: [{ start: `10.${octet}.0.100`, end: `10.${octet}.0.199` }],
  ...extra,
});

async function checked(news: Record<string, unknown>) {
  const r = await h.check({}, news);
  expect(r.failures).toEqual([]);
  return r.inputs;
}

describe("SubinterfaceOrgNetwork handler", () => {
  let sim: RunningSim;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, taskMs: 100 });
    useSim(sim);
  });
  afterAll(async () => sim.close());

  it("fails the preview on a VDC or edge gateway that does not exist, naming the ones that do", async () => {
    const edge = await h.check({}, inputs("typo", 77, { edgeGateway: "edge-cloud-9" }));
    expect(edge.failures).toEqual([
      { property: "", reason: expect.stringMatching(/^edgeGateway: .*edge-cloud-9.*edge-cloud-1/) },
    ]);
    const vdc = await h.check({}, inputs("typo", 77, { vdc: "acme-vcd" }));
    expect(vdc.failures).toEqual([{ property: "", reason: expect.stringMatching(/^vdc: .*acme-vcd/) }]);
  });

  it("fails the preview of a network whose subnet overlaps another on the edge, but not its own update", async () => {
    const first = await h.create(await checked(inputs("lz-web", 78)));
    try {
      // A rename in the program is a new network next to the old one: vCD would refuse it.
      const renamed = await h.check({}, inputs("lz-www", 78));
      expect(renamed.failures).toEqual([
        {
          property: "",
          reason: expect.stringMatching(/^gatewayCidr: 10\.78\.0\.1\/24 overlaps network lz-web .*aliases/),
        },
      ]);
      const within = await h.check(
        {},
        inputs("lz-www", 78, { gatewayCidr: "10.78.0.129/25", staticIpPools: [] }),
      );
      expect(within.failures).toHaveLength(1);
      // The network itself (same name) is no clash: a DNS change still previews cleanly.
      expect((await h.check({}, inputs("lz-web", 78, { dnsServers: ["10.78.0.54"] }))).failures).toEqual([]);
      expect((await h.check({}, inputs("lz-app", 79))).failures).toEqual([]);
    } finally {
      await h.delete(first.id, first.outs);
    }
  });

  it("runs check → create → read → diff → update → read → delete", async () => {
    const created = await h.create(await checked(inputs("life", 11)));
    expect(created.id).toMatch(/^urn:vcloud:network:/);
    expect(created.outs).toMatchObject({
      tunnelId: 1,
      subInterfaceIndex: 10,
      edgeGatewayName: "edge-cloud-1",
      tunnelIdSource: "vdcNetworks",
    });

    const read = await h.read(created.id, created.outs);
    expect(read.id).toBe(created.id);
    expect(read.inputs).toMatchObject({ gatewayCidr: "10.11.0.1/24", dnsServers: ["10.11.0.53"] });
    expect((await h.diff(created.id, read.props!, await checked(inputs("life", 11)))).changes).toBe(false);

    const news = await checked(
      inputs("life", 11, { dnsServers: ["10.11.0.54"], description: "now documented" }),
    );
    const d = await h.diff(created.id, created.outs, news);
    expect(d).toMatchObject({ changes: true, replaces: [] });
    const updated = await h.update(created.id, created.outs, news);
    expect(updated.outs).toMatchObject({ dnsServers: ["10.11.0.54"], tunnelId: 1 });
    const reread = await h.read(created.id, updated.outs);
    expect(reread.inputs).toMatchObject({ dnsServers: ["10.11.0.54"], description: "now documented" });

    await h.delete(created.id, updated.outs);
    await h.delete(created.id, updated.outs); // idempotent
    expect((await h.read(created.id, updated.outs)).id).toBe("");
  });

  it("refresh reports drift made behind Pulumi's back", async () => {
    const created = await h.create(await checked(inputs("drifty", 12)));
    const exec = new VcdExecutor({ url: sim.url, org: "acme", user: "alice", password: "Alice-Secret-1" });
    const vdc = await findVdc(exec, "acme-vdc");
    const edge = await findEdgeGateway(exec, vdc, "edge-cloud-1");
    const live = (await getNetwork(exec, String(created.outs["href"])))!;
    const { updateNetwork } = await import("../../provider/vcd/networks");
    await updateNetwork(exec, live.uuid, {
      ...live,
      dns2: "10.12.0.99",
      ipRanges: [],
      edgeGatewayHref: edge.href,
    });
    const read = await h.read(created.id, created.outs);
    expect(read.inputs).toMatchObject({ dnsServers: ["10.12.0.53", "10.12.0.99"], staticIpPools: [] });
    const d = await h.diff(created.id, read.props!, await checked(inputs("drifty", 12)));
    expect(d).toMatchObject({ changes: true, replaces: [] });
    await h.delete(created.id, created.outs);
  });

  it("refuses a duplicate name without adopt, and adopts a matching network with adopt: true", async () => {
    const exec = new VcdExecutor({ url: sim.url, org: "acme", user: "alice", password: "Alice-Secret-1" });
    const vdc = await findVdc(exec, "acme-vdc");
    const edge = await findEdgeGateway(exec, vdc, "edge-cloud-1");
    const existing = await createNetwork(exec, vdc, {
      name: "made-in-ui",
      gateway: "10.13.0.1",
      netmask: "255.255.255.0",
      ipRanges: [],
      shared: false,
      subInterface: true,
      edgeGatewayHref: edge.href,
    });
    await expect(h.create(await checked(inputs("made-in-ui", 13)))).rejects.toThrow(
      /already exists in VDC "acme-vdc".*set adopt: true/,
    );
    await expect(h.create(await checked(inputs("made-in-ui", 14, { adopt: true })))).rejects.toThrow(
      /cannot adopt network "made-in-ui": its gateway is 10\.13\.0\.1\/24, not 10\.14\.0\.1\/24/,
    );
    const adopted = await h.create(await checked(inputs("made-in-ui", 13, { adopt: true })));
    expect(adopted.id).toBe(existing.id);
    expect((await getNetwork(exec, existing.href))!.dns1).toBe("10.13.0.53"); // converged to the program
    await h.delete(adopted.id, adopted.outs);
    expect(await findNetworkByName(exec, vdc, "made-in-ui")).toBeUndefined();
  });

  it("takes over the network an interrupted create of the same resource made, and only that one", async () => {
    const exec = new VcdExecutor({ url: sim.url, org: "acme", user: "alice", password: "Alice-Secret-1" });
    const vdc = await findVdc(exec, "acme-vdc");
    const owner = "proj/dev/resumed";
    // The first create reached vCD, but Pulumi never recorded it (the `up` was killed).
    const first = await h.create(await checked(inputs("resumed", 15, { owner, description: "app tier" })));
    const live = (await getNetwork(exec, String(first.outs["href"])))!;
    expect(live.description).toBe("app tier [l2stretch:proj/dev/resumed]");
    // Another stack's resource with the same network name is still refused.
    await expect(
      h.create(await checked(inputs("resumed", 15, { owner: "proj/prod/resumed" }))),
    ).rejects.toThrow(/already exists in VDC "acme-vdc".*set adopt: true/);
    // The next `up` runs the same create: it finds its own mark and converges, no adopt.
    const again = await h.create(await checked(inputs("resumed", 15, { owner, description: "app tier" })));
    expect(again.id).toBe(first.id);
    expect(again.outs["description"]).toBe("app tier");
    // Refresh shows the user's description, not the mark.
    const read = await h.read(again.id, again.outs);
    expect(read.inputs?.["description"]).toBe("app tier");
    await h.delete(again.id, again.outs);
    expect(await findNetworkByName(exec, vdc, "resumed")).toBeUndefined();
  });

  it("creates ten networks on one edge in parallel: all converge, tunnel IDs unique, no lost updates", async () => {
    const before = sim.stats().lostUpdates;
    const results = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => h.create(await checked(inputs(`par-${i}`, 100 + i)))),
    );
    expect(new Set(results.map((r) => r.outs["tunnelId"])).size).toBe(10);
    expect(sim.stats().lostUpdates).toBe(before);
    await Promise.all(results.map((r) => h.delete(r.id, r.outs)));
    const exec = new VcdExecutor({ url: sim.url, org: "acme", user: "alice", password: "Alice-Secret-1" });
    expect(await queryRecords(exec, "orgVdcNetwork")).toEqual([]);
  });

  it("explains a missing configuration key at the first call", async () => {
    configure({ get: () => undefined });
    const saved = { ...process.env };
    delete process.env["VCD_URL"];
    try {
      // Said at preview already, as a check failure…
      expect((await h.check({}, inputs("noconf", 15))).failures).toEqual([
        { property: "", reason: expect.stringMatching(/l2stretch:vcdUrl is not set/) },
      ]);
      // …and by create, should it ever be called without a check.
      await expect(h.create(inputs("noconf", 15))).rejects.toThrow(/l2stretch:vcdUrl is not set/);
    } finally {
      process.env = saved;
      useSim(sim);
    }
  });
});

describe("SubinterfaceOrgNetwork handler under faults", () => {
  it("converges at a 20% error rate with busy edges", async () => {
    const sim = await startSimulator({ port: 0, taskMs: 50, errorRate: 0.2, busyMs: 100 });
    try {
      useSim(sim);
      const results = await Promise.all(
        Array.from({ length: 4 }, async (_, i) => h.create(await checked(inputs(`faulty-${i}`, 120 + i)))),
      );
      expect(results.map((r) => r.outs["tunnelId"]).sort()).toEqual([1, 2, 3, 4]);
      const updated = await h.update(
        results[0]!.id,
        results[0]!.outs,
        await checked(inputs("faulty-0", 120, { dnsServers: ["10.120.0.9"] })),
      );
      expect(updated.outs["dnsServers"]).toEqual(["10.120.0.9"]);
      await Promise.all(results.map((r) => h.delete(r.id, r.outs)));
      expect(sim.stats().faultsInjected).toBeGreaterThan(0);
      const exec = new VcdExecutor({ url: sim.url, org: "acme", user: "alice", password: "Alice-Secret-1" });
      expect(await queryRecords(exec, "orgVdcNetwork")).toEqual([]);
    } finally {
      await sim.close();
    }
  });

  it("keeps the network in state as a partial failure when vCD 9.0.0.0 hides the tunnel ID", async () => {
    const sim = await startSimulator({ port: 0, vcdVersion: "9.0.0.0", taskMs: 50 });
    try {
      useSim(sim);
      const err = (await h
        .create(await checked(inputs("old", 130)))
        .catch((e: unknown) => e)) as PartialFailure;
      expect(err).toBeInstanceOf(PartialFailure);
      expect(err.id).toMatch(/^urn:vcloud:network:/);
      expect(err.properties).toMatchObject({ name: "old", edgeGatewayName: "edge-cloud-1" });
      expect(err.message).toMatch(/vCD 9\.0 bug.*Upgrade vCD/);
      await h.delete(err.id, err.properties);
    } finally {
      await sim.close();
    }
  });
});
