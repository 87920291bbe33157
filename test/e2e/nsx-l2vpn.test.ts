import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startSimulator, type RunningSim } from "../../sim";
import { NsxEdgeClient } from "../../provider/nsxv/client";
import { nsxDirectTransport } from "../../provider/nsxv/directTransport";
import { NsxExecutor } from "../../provider/nsxv/executor";
import { changes, ExampleStack, planOf, previewThenDestroy, previewThenUp, stepOf } from "../support/stack";
import { simVendorEnv } from "../support/landingZone";

/**
 * examples/nsx-l2vpn with the real Pulumi CLI: the cloud edge (through vCD) serves L2VPN,
 * the on-prem edge (through NSX Manager) gets a trunk with matching tunnel IDs and the client.
 * Every change runs a real `preview --diff` first, as an interactive `pulumi up` does, and
 * the test asserts its plan (which resources, which named entries) before `up` applies it.
 */
jest.setTimeout(300_000);

const SECRETS = { vcd: "Alice-Secret-1", nsx: "Nsx-Admin-Secret-1", site: "Site-Passw0rd-42" };

interface ExportedResource {
  urn: string;
  type: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe("NSX-v L2VPN stretch through the Pulumi CLI", () => {
  let sim: RunningSim;
  let stack: ExampleStack;
  let nsx: NsxExecutor;
  const edges: Record<string, NsxEdgeClient> = {};
  const before: Record<string, string> = {};

  const snapshot = async (name: string) =>
    JSON.stringify({
      vnics: await edges[name]!.getVnics(),
      l2vpn: await edges[name]!.getL2Vpn({ showSensitiveData: true }),
    });

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "l2s-nsx-"));
    sim = await startSimulator({ port: 0, stateFile: path.join(dir, "world.json"), taskMs: 100 });
    nsx = new NsxExecutor({ url: sim.url, user: "admin", password: SECRETS.nsx });
    for (const name of ["edge-cloud-1", "edge-onprem-1"]) {
      edges[name] = new NsxEdgeClient(await nsxDirectTransport(nsx, name));
      before[name] = await snapshot(name);
    }
    stack = new ExampleStack("nsx-l2vpn", "e2e", simVendorEnv(sim));
  });
  afterAll(async () => sim?.close());

  /** The exported state's resource of one type (by its type name, e.g. "L2VpnServer"). */
  const exported = async (type: string): Promise<ExportedResource> => {
    const e = (await stack.ok("export")) as { deployment: { resources: ExportedResource[] } };
    const r = e.deployment.resources.find((x) => x.type.endsWith(`l2stretch:${type}`));
    if (!r) throw new Error(`no ${type} in the exported state`);
    return r;
  };
  const diffsOf = (json: Record<string, unknown>, names: string[]) =>
    Object.fromEntries(names.map((n) => [n, stepOf(json, n).detailedDiff]));

  it("previews the create, then brings the stretch up on both edges", async () => {
    const { up } = await previewThenUp(stack, [
      "--secret",
      `l2stretch:password=${SECRETS.vcd}`,
      "--secret",
      `l2stretch:nsxPassword=${SECRETS.nsx}`,
      "--secret",
      `l2stretch-nsx-l2vpn:sitePassword=${SECRETS.site}`,
    ]);
    expect(planOf(up)).toEqual({
      create: ["cloud-l2vpn", "onprem-l2vpn", "onprem-trunk", "stretched-1"],
      update: [],
      replace: [],
      delete: [],
    });
    const out = up["outputs"] as Record<string, unknown>;
    expect(out["tunnelIds"]).toEqual({ "stretched-1": 1 });
    expect(out["onpremSubInterfaces"]).toEqual({ "stretched-1": 10 });
    // Read live once both ends exist: both ends agree the tunnel is up, with no failure.
    expect(out).toMatchObject({
      serverSiteStatus: "up",
      serverFailure: "",
      clientTunnel: "up",
      clientFailure: "",
    });
    // Transient status is not stored by create: only a refresh records a reading.
    expect((await exported("L2VpnServer")).outputs?.["siteStatus"]).toBeUndefined();
    expect((await exported("L2VpnClient")).outputs?.["tunnel"]).toBeUndefined();
    const trunk = (await edges["edge-onprem-1"]!.getVnics()).find((v) => v.type === "trunk");
    expect(trunk?.subInterfaces.map((s) => [s.name, s.tunnelId, s.vlanId])).toEqual([
      ["stretched-1", 1, 100],
    ]);
    const server = (await edges["edge-cloud-1"]!.getL2Vpn({ showSensitiveData: true })).server;
    expect(server?.peerSites[0]).toMatchObject({
      name: "onprem",
      userId: "onprem-site",
      password: SECRETS.site,
      vnics: [10],
    });
  });

  it("previews no changes, and refresh records both ends' tunnel status with when it was read", async () => {
    const before = Date.now();
    await stack.ok("refresh");
    expect((await stack.run("preview", "--diff", "--expect-no-changes")).code).toBe(0);
    const server = await exported("L2VpnServer");
    expect(server.outputs?.["siteStatus"]).toEqual({
      onprem: expect.objectContaining({ status: "up", observedAt: expect.any(String) }),
    });
    const seen = (server.outputs?.["siteStatus"] as Record<string, { observedAt: string }>)["onprem"]!;
    expect(Date.parse(seen.observedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect((await exported("L2VpnClient")).outputs?.["tunnel"]).toMatchObject({
      status: "up",
      observedAt: expect.any(String),
    });
    // Named lists are stored keyed by name.
    expect(server.inputs?.["sites"]).toEqual({
      onprem: expect.objectContaining({ user: "onprem-site", stretchedTunnelIds: [1] }),
    });
    expect((await exported("EdgeTrunkInterface")).inputs?.["subInterfaces"]).toEqual({
      "stretched-1": expect.objectContaining({ tunnelId: 1, vlanId: 100 }),
    });
  });

  it("sees a deleted sub-interface on refresh and repairs it on up", async () => {
    await edges["edge-onprem-1"]!.updateVnic(
      (await edges["edge-onprem-1"]!.getVnics()).find((v) => v.type === "trunk")!.index,
      (cur) => ({ ...cur, subInterfaces: [] }),
    );
    const refreshed = await stack.ok("refresh");
    expect(changes(refreshed)["update"]).toBeGreaterThanOrEqual(1);
    // The repair puts back exactly the missing sub-interface, and the client's stretch of it
    // (the client lists sub-interfaces by index: refresh read the deleted one's index, which
    // no longer maps to a tunnel ID, as a raw index; the repair stretches tunnel ID 1 again).
    const { preview, up } = await previewThenUp(stack);
    expect(planOf(preview)).toEqual({
      create: [],
      update: ["onprem-l2vpn", "onprem-trunk"],
      replace: [],
      delete: [],
    });
    expect(diffsOf(preview, ["onprem-trunk", "onprem-l2vpn"])).toEqual({
      "onprem-trunk": ["+subInterfaces.stretched-1"],
      "onprem-l2vpn": ["~stretchedSubInterfaceIndexes", "~stretchedTunnelIds"],
    });
    expect((up["outputs"] as Record<string, unknown>)["clientTunnel"]).toBe("up");
    const trunk = (await edges["edge-onprem-1"]!.getVnics()).find((v) => v.type === "trunk");
    expect(trunk?.subInterfaces.map((s) => s.tunnelId)).toEqual([1]);
  });

  it("previews adding a second network (its tunnel ID still unknown) and adds it on both sides in place", async () => {
    const { preview, up } = await previewThenUp(stack, ["--config", "l2stretch-nsx-l2vpn:networks=2"]);
    expect(planOf(preview)).toEqual({
      create: ["stretched-2"],
      update: ["cloud-l2vpn", "onprem-l2vpn", "onprem-trunk"],
      replace: [],
      delete: [],
    });
    // A reviewer reads only what changes: the new entry by name, nothing about stretched-1
    // and no defaulted input shown as removed.
    const expected = {
      "onprem-trunk": ["+subInterfaces.stretched-2"],
      "cloud-l2vpn": ["~sites.onprem"],
      "onprem-l2vpn": ["~egressOptimizationGatewayIps", "~stretchedTunnelIds"],
    };
    expect(diffsOf(preview, Object.keys(expected))).toEqual(expected);
    expect(diffsOf(up, Object.keys(expected))).toEqual(expected);
    const out = up["outputs"] as Record<string, unknown>;
    expect(out["tunnelIds"]).toEqual({ "stretched-1": 1, "stretched-2": 2 });
    expect(out["onpremSubInterfaces"]).toEqual({ "stretched-1": 10, "stretched-2": 11 });
    expect(out).toMatchObject({ serverSiteStatus: "up", clientTunnel: "up" });
    const server = (await edges["edge-cloud-1"]!.getL2Vpn({ showSensitiveData: true })).server;
    expect(server?.peerSites[0]?.vnics).toEqual([10, 11]);
  });

  it("keeps every password out of state, exports and logs", async () => {
    const exported = JSON.stringify(await stack.ok("export"));
    for (const s of Object.values(SECRETS)) {
      expect(exported).not.toContain(s);
      expect(stack.transcript).not.toContain(s);
      for (const f of filesUnder(stack.backendDir)) expect(readFileSync(f, "utf8")).not.toContain(s);
    }
  });

  it("destroys the stretch, leaving both edges as they were, with no lost update", async () => {
    const { deleted } = await previewThenDestroy(stack);
    expect(deleted).toEqual(["cloud-l2vpn", "onprem-l2vpn", "onprem-trunk", "stretched-1", "stretched-2"]);
    for (const name of Object.keys(edges)) expect(await snapshot(name)).toBe(before[name]);
    expect(sim.stats().lostUpdates).toBe(0);
  });
});
