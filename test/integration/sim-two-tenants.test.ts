// The two-tenant seed shipped with the package (sim/seeds/two-tenants.json, documented in the
// README's simulator section), started the way a user starts it: through the CLI's --seed flag.
// Everything is checked over plain HTTP, as each tenant's user sees it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunningSim } from "../../sim";
import { main } from "../../sim/cli";
import { childText, children } from "../../sim/xml/xml";
import { NsxSimClient, SimClient } from "../support/sim-client";

const SEED = join(__dirname, "..", "..", "sim", "seeds", "two-tenants.json");
const ACME = { user: "alice", org: "acme", password: "Alice-Secret-1" };
const GLOBEX = { user: "bob", org: "globex", password: "Bob-Secret-1" };
const PROVIDER = { user: "administrator", org: "System", password: "Admin-Secret-1" };

let dir: string;
let sim: RunningSim;
const stdout: string[] = [];
const stderr: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "l2s-sim-tenants-"));
  sim = await main(["--port", "0", "--state", join(dir, "world.json"), "--seed", SEED, "--task-ms", "10"], {
    stdout: (l) => stdout.push(l),
    stderr: (l) => stderr.push(l),
  });
});
afterAll(async () => {
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function login(who: { user: string; org: string; password: string }): Promise<SimClient> {
  const c = new SimClient(sim.url);
  const r = await c.login(who.user, who.org, who.password);
  expect(r.status).toBe(200);
  return c;
}

/** Records of a typed query, as name → record attributes. */
async function records(
  c: SimClient,
  type: string,
  element: string,
): Promise<Map<string, Record<string, string>>> {
  const r = await c.request("GET", `/api/query?type=${type}&format=records`);
  expect(r.status).toBe(200);
  return new Map(children(r.xml, element).map((x) => [x.attrs["name"]!, x.attrs]));
}

const uuidOf = (href: string): string => href.split("/").pop()!;

describe("sim: the two-tenant seed", () => {
  it("starts from --seed and lists both tenants' users, VDCs and edges", () => {
    expect(stdout[0]).toBe(`L2STRETCH_SIM_URL=${sim.url}`);
    const log = stderr.join("\n");
    expect(log).toMatch(/user alice@acme password Alice-Secret-1/);
    expect(log).toMatch(/user bob@globex password Bob-Secret-1/);
    expect(log).toMatch(/org acme vdc acme-vdc/);
    expect(log).toMatch(/org globex vdc globex-vdc/);
    expect(log).toMatch(/edge globex-edge-1 \(urn:vcloud:gateway:[0-9a-f-]+, NSX edge-20\)/);
    expect(log).toMatch(/nsx edge edge-103 globex-onprem/);
  });

  it("each tenant sees its own org, VDC and edge gateways, and nothing of the other", async () => {
    for (const [who, vdc, edges] of [
      [ACME, "acme-vdc", ["edge-cloud-1", "edge-cloud-2"]],
      [GLOBEX, "globex-vdc", ["globex-edge-1"]],
    ] as const) {
      const c = await login(who);
      const orgs = await c.request("GET", "/api/org");
      expect(children(orgs.xml, "Org").map((o) => o.attrs["name"])).toEqual([who.org]);
      expect([...(await records(c, "orgVdc", "OrgVdcRecord")).keys()]).toEqual([vdc]);
      const gateways = await records(c, "edgeGateway", "EdgeGatewayRecord");
      expect([...gateways.keys()].sort()).toEqual([...edges]);
      for (const g of gateways.values()) expect(g).toMatchObject({ orgName: who.org, orgVdcName: vdc });
    }
  });

  it("tenant A's user cannot read tenant B's VDC or edge, by query, by id or through the NSX proxy", async () => {
    const [alice, bob] = [await login(ACME), await login(GLOBEX)];
    const globexVdc = (await records(bob, "orgVdc", "OrgVdcRecord")).get("globex-vdc")!;
    const globexEdge = (await records(bob, "edgeGateway", "EdgeGatewayRecord")).get("globex-edge-1")!;

    const filtered = await alice.request(
      "GET",
      "/api/query?type=orgVdc&format=records&filter=name==globex-vdc",
    );
    expect(children(filtered.xml, "OrgVdcRecord")).toEqual([]);
    for (const path of [
      `/api/vdc/${uuidOf(globexVdc["href"]!)}`,
      `/api/admin/vdc/${uuidOf(globexVdc["href"]!)}`,
      `/api/admin/edgeGateway/${uuidOf(globexEdge["href"]!)}`,
      `/network/edges/${uuidOf(globexEdge["href"]!)}/vnics`,
    ]) {
      const r = await alice.request("GET", path);
      expect({ path, status: r.status }).toEqual({ path, status: 403 });
    }
    // The owner reads the same objects.
    expect((await bob.request("GET", `/api/vdc/${uuidOf(globexVdc["href"]!)}`)).status).toBe(200);
    expect((await bob.request("GET", `/network/edges/${uuidOf(globexEdge["href"]!)}/vnics`)).status).toBe(
      200,
    );

    // And the other way round.
    const acmeVdc = (await records(alice, "orgVdc", "OrgVdcRecord")).get("acme-vdc")!;
    expect((await bob.request("GET", `/api/vdc/${uuidOf(acmeVdc["href"]!)}`)).status).toBe(403);
  });

  it("the provider sees both tenants; NSX Manager has every edge with the seeded uplink", async () => {
    const admin = await login(PROVIDER);
    expect([...(await records(admin, "orgVdc", "OrgVdcRecord")).keys()].sort()).toEqual([
      "acme-vdc",
      "globex-vdc",
    ]);
    expect([...(await records(admin, "edgeGateway", "EdgeGatewayRecord")).keys()].sort()).toEqual([
      "edge-cloud-1",
      "edge-cloud-2",
      "globex-edge-1",
    ]);

    const nsx = new NsxSimClient(sim.url);
    const list = await nsx.request("GET", "/api/4.0/edges");
    expect(list.status).toBe(200);
    const summaries = children(children(list.xml, "edgePage")[0], "edgeSummary");
    expect(summaries.map((s) => `${childText(s, "id")} ${childText(s, "name")}`).sort()).toEqual([
      "edge-1 edge-cloud-1",
      "edge-101 edge-onprem-1",
      "edge-102 edge-onprem-2",
      "edge-103 globex-onprem",
      "edge-2 edge-cloud-2",
      "edge-20 globex-edge-1",
    ]);
    const vnics = await nsx.request("GET", "/api/4.0/edges/edge-20/vnics");
    const uplink = children(vnics.xml, "vnic").find((v) => childText(v, "index") === "0")!;
    expect(childText(uplink, "name")).toBe("globex-uplink");
    expect(childText(uplink, "portgroupId")).toBe("dvportgroup-20");
    const group = children(children(uplink, "addressGroups")[0], "addressGroup")[0];
    expect(childText(group, "primaryAddress")).toBe("203.0.113.10");
    expect(childText(group, "subnetPrefixLength")).toBe("24");
  });
});
