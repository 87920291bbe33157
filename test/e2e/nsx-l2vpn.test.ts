import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startSimulator, type RunningSim } from "../../sim";
import { NsxEdgeClient } from "../../provider/nsxv/client";
import { nsxDirectTransport } from "../../provider/nsxv/directTransport";
import { NsxExecutor } from "../../provider/nsxv/executor";
import { changes, ExampleStack } from "../support/stack";

/**
 * examples/nsx-l2vpn with the real Pulumi CLI: the cloud edge (through vCD) serves L2VPN,
 * the on-prem edge (through NSX Manager) gets a trunk with matching tunnel IDs and the client.
 */
jest.setTimeout(300_000);

const SECRETS = { vcd: "Alice-Secret-1", nsx: "Nsx-Admin-Secret-1", site: "Site-Passw0rd-42" };

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
    stack = new ExampleStack("nsx-l2vpn", "e2e", {
      VCD_URL: sim.url,
      VCD_ORG: "acme",
      VCD_USER: "alice",
      NSX_URL: sim.url,
      NSX_USER: "admin",
    });
  });
  afterAll(async () => sim?.close());

  it("brings the stretch up on both edges", async () => {
    const r = await stack.ok(
      "up",
      "--secret",
      `l2stretch:password=${SECRETS.vcd}`,
      "--secret",
      `l2stretch:nsxPassword=${SECRETS.nsx}`,
      "--secret",
      `l2stretch-nsx-l2vpn:sitePassword=${SECRETS.site}`,
    );
    const out = r["outputs"] as Record<string, unknown>;
    expect(out["tunnelIds"]).toEqual({ "stretched-1": 1 });
    expect(out["clientTunnel"]).toBe("up");
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

  it("previews no changes, and refresh sees the server side come up", async () => {
    await stack.ok("refresh");
    expect((await stack.run("preview", "--expect-no-changes")).code).toBe(0);
    const exported = (await stack.ok("export")) as {
      deployment: { resources: { type: string; outputs?: Record<string, unknown> }[] };
    };
    const server = exported.deployment.resources.find((r) => r.type.endsWith("l2stretch:L2VpnServer"));
    expect(server?.outputs?.["siteStatus"]).toMatchObject({ onprem: { status: "up" } });
  });

  it("sees a deleted sub-interface on refresh and repairs it on up", async () => {
    await edges["edge-onprem-1"]!.updateVnic(
      (await edges["edge-onprem-1"]!.getVnics()).find((v) => v.type === "trunk")!.index,
      (cur) => ({ ...cur, subInterfaces: [] }),
    );
    const refreshed = await stack.ok("refresh");
    expect(changes(refreshed)["update"]).toBeGreaterThanOrEqual(1);
    expect((await stack.run("preview", "--expect-no-changes")).code).not.toBe(0);
    const r = await stack.ok("up");
    expect((r["outputs"] as Record<string, unknown>)["clientTunnel"]).toBe("up");
    const trunk = (await edges["edge-onprem-1"]!.getVnics()).find((v) => v.type === "trunk");
    expect(trunk?.subInterfaces.map((s) => s.tunnelId)).toEqual([1]);
  });

  it("adds a second stretched network on both sides in place", async () => {
    const r = await stack.ok("up", "--config", "l2stretch-nsx-l2vpn:networks=2");
    expect(changes(r)).toMatchObject({ create: 1 });
    expect(changes(r)["replace"]).toBeUndefined();
    const out = r["outputs"] as Record<string, unknown>;
    expect(out["tunnelIds"]).toEqual({ "stretched-1": 1, "stretched-2": 2 });
    expect(out["clientTunnel"]).toBe("up");
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
    await stack.ok("destroy");
    for (const name of Object.keys(edges)) expect(await snapshot(name)).toBe(before[name]);
    expect(sim.stats().lostUpdates).toBe(0);
  });
});
