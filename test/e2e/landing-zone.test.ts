import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startSimulator, type RunningSim } from "../../sim";
import { DEFAULT_TENANTS, type Tenant } from "../../examples/landing-zone/tenants";
import { landingZoneArgs, simVendorEnv } from "../support/landingZone";
import { ExampleStack, planOf, previewThenDestroy, previewThenUp, stepOf } from "../support/stack";

/**
 * examples/landing-zone with the real Pulumi CLI: two tenants' VxlanStretches, a "cloud"
 * stack (vCD networks + L2VPN servers) and an "onprem" stack (trunks + clients) that takes the
 * tunnel IDs through a stack reference. Every change is previewed first and its plan asserted,
 * cloud stack then on-prem stack, as a pipeline would run them.
 */
jest.setTimeout(900_000);

const SECRETS = { vcd: "Alice-Secret-1", nsx: "Nsx-Admin-Secret-1", site: "Landing-Zone-Site-9" };
type Tenants = Record<string, Tenant>;

describe("landing zone: two stacks joined by a stack reference", () => {
  let sim: RunningSim;
  let cloud: ExampleStack;
  let onprem: ExampleStack;
  let startedAs: string;
  let ids: Record<string, Record<string, number>>;

  /**
   * What a landing zone may change in the simulator: edges (vNICs, L2VPN), networks and
   * certificates. Revision counters (the edges' version numbers) count writes and move on.
   */
  const world = () => {
    const w = sim.world();
    const content = {
      edges: w.edges,
      networks: w.networks,
      onprem: w.nsx.edges,
      certificates: w.nsx.certificates,
    };
    return JSON.stringify(content, (key, value: unknown) => (/Revisions?$/.test(key) ? undefined : value));
  };
  const args = (role: "cloud" | "onprem", tenants: Tenants) => landingZoneArgs(role, tenants, SECRETS);
  const withBlue = (networks: Tenant["networks"]): Tenants => ({
    ...DEFAULT_TENANTS,
    blue: { ...DEFAULT_TENANTS.blue!, networks },
  });

  /** An on-prem change that only grows or shrinks blue's lists: its trunk by `entry`, its client. */
  const onpremListsChange = async (tenants: Tenants, entry: string) => {
    const o = await previewThenUp(onprem, args("onprem", tenants));
    expect(o.plan).toEqual({
      create: [],
      update: ["blue-l2vpn-client", "blue-siteB-trunk"],
      replace: [],
      delete: [],
    });
    expect(stepOf(o.preview, "blue-siteB-trunk").detailedDiff).toEqual([entry]);
  };

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "l2s-lz-"));
    sim = await startSimulator({ port: 0, stateFile: path.join(dir, "world.json"), taskMs: 100 });
    startedAs = world();
    const env = simVendorEnv(sim);
    cloud = new ExampleStack("landing-zone", "cloud", env);
    // One backend and one project folder for both stacks, as a team's repository has.
    const shared = ["PULUMI_HOME", "PULUMI_BACKEND_URL", "L2STRETCH_WORK_DIR"] as const;
    onprem = new ExampleStack("landing-zone", "onprem", {
      ...env,
      ...Object.fromEntries(shared.map((k) => [k, cloud.env[k]!])),
    });
  });
  afterAll(async () => sim?.close());

  it("brings both sites up: the cloud stack first, then on-prem with the cloud's tunnel IDs", async () => {
    const c = await previewThenUp(cloud, args("cloud", DEFAULT_TENANTS));
    expect(c.plan).toEqual({
      create: [
        "blue",
        "blue-app",
        "blue-db",
        "blue-l2vpn-server",
        "blue-web",
        "green",
        "green-crm",
        "green-erp",
        "green-l2vpn-server",
      ],
      update: [],
      replace: [],
      delete: [],
    });
    ids = outputsOf(c.up)["tunnelIds"] as Record<string, Record<string, number>>;
    expect(Object.keys(ids.blue!).sort()).toEqual(["app", "db", "web"]);
    expect(new Set(Object.values(ids.blue!)).size).toBe(3);

    const o = await previewThenUp(onprem, args("onprem", DEFAULT_TENANTS));
    expect(o.plan).toEqual({
      create: [
        "blue",
        "blue-l2vpn-client",
        "blue-siteB-trunk",
        "green",
        "green-l2vpn-client",
        "green-siteB-trunk",
      ],
      update: [],
      replace: [],
      delete: [],
    });
    expect(outputsOf(o.up)["tunnelIds"]).toEqual(ids);
    expect(outputsOf(o.up)["status"]).toEqual({ blue: "up", green: "up" });
    const onpremNetworks = outputsOf(o.up)["networks"] as Record<
      string,
      Record<string, { subInterfaceIndexes: { siteB?: number } }>
    >;
    expect(Object.values(onpremNetworks.blue!).every((n) => (n.subInterfaceIndexes.siteB ?? 0) >= 10)).toBe(
      true,
    );
  });

  it("previews no change on either stack", async () => {
    for (const [stack, role] of [
      [cloud, "cloud"],
      [onprem, "onprem"],
    ] as const) {
      const p = await stack.ok("preview", "--diff", "--expect-no-changes", ...args(role, DEFAULT_TENANTS));
      expect(planOf(p)).toEqual({ create: [], update: [], replace: [], delete: [] });
    }
  });

  it("refuses a bad plan at preview, naming every problem, and changes nothing", async () => {
    // A tired operator copies a line: the new network reuses app's subnet and web's VLAN.
    const tenants = withBlue({ ...DEFAULT_TENANTS.blue!.networks, copy: { octet: 20, vlanId: 110 } });
    const r = await onprem.run("preview", "--diff", ...args("onprem", tenants));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('VxlanStretch "blue": 2 problems in the plan');
    expect(r.stderr).toContain("networks[3].cidr: 10.20.0.0/24 overlaps networks[1].cidr 10.20.0.0/24");
    expect(r.stderr).toContain("networks[3].siteB: VLAN 110 is also networks[0].siteB");
    const c = await cloud.run("up", ...args("cloud", tenants));
    expect(c.code).not.toBe(0);
    const p = await cloud.ok("preview", "--diff", "--expect-no-changes", ...args("cloud", DEFAULT_TENANTS));
    expect(planOf(p)).toEqual({ create: [], update: [], replace: [], delete: [] });
  });

  it("adds a network: one create and the updates that list it, nobody renumbered", async () => {
    const tenants = withBlue({ ...DEFAULT_TENANTS.blue!.networks, cache: { octet: 40 } });
    const c = await previewThenUp(cloud, args("cloud", tenants));
    expect(c.plan).toEqual({
      create: ["blue-cache"],
      update: ["blue-l2vpn-server"],
      replace: [],
      delete: [],
    });
    const after = outputsOf(c.up)["tunnelIds"] as Record<string, Record<string, number>>;
    expect(after.blue).toMatchObject(ids.blue!);
    expect(after.green).toEqual(ids.green);

    await onpremListsChange(tenants, "+subInterfaces.cache");
    ids = after;
  });

  it("changes one network: only that network's child is updated", async () => {
    const tenants = withBlue({
      ...DEFAULT_TENANTS.blue!.networks,
      app: { octet: 20, dns: "10.20.0.53" },
      cache: { octet: 40 },
    });
    const c = await previewThenUp(cloud, args("cloud", tenants));
    expect(c.plan).toEqual({ create: [], update: ["blue-app"], replace: [], delete: [] });
    expect(stepOf(c.preview, "blue-app").detailedDiff).toEqual(["~dnsServers"]);
    const o = await onprem.ok("preview", "--diff", "--expect-no-changes", ...args("onprem", tenants));
    expect(planOf(o)).toEqual({ create: [], update: [], replace: [], delete: [] });
  });

  it("removes the middle network: one delete, the lists shrink, the rest keep their IDs", async () => {
    const tenants = withBlue({ web: { octet: 10 }, db: { octet: 30 }, cache: { octet: 40 } });
    // On-prem first: its sub-interface and client stop using the tunnel before vCD drops it.
    await onpremListsChange(tenants, "-subInterfaces.app");
    const c = await previewThenUp(cloud, args("cloud", tenants));
    expect(c.plan).toEqual({ create: [], update: ["blue-l2vpn-server"], replace: [], delete: ["blue-app"] });
    const { app: _gone, ...kept } = ids.blue!;
    expect((outputsOf(c.up)["tunnelIds"] as typeof ids).blue).toEqual(kept);
  });

  it("destroys both stacks and leaves the simulator as it started", async () => {
    const tenants = withBlue({ web: { octet: 10 }, db: { octet: 30 }, cache: { octet: 40 } });
    const o = await previewThenDestroyWith(onprem, args("onprem", tenants));
    expect(o.sort()).toEqual([
      "blue",
      "blue-l2vpn-client",
      "blue-siteB-trunk",
      "green",
      "green-l2vpn-client",
      "green-siteB-trunk",
    ]);
    await previewThenDestroyWith(cloud, args("cloud", tenants));
    expect(world()).toEqual(startedAs);
    expect(cloud.transcript + onprem.transcript).not.toContain(SECRETS.site);
  });
});

function outputsOf(json: Record<string, unknown>): Record<string, unknown> {
  return (json["outputs"] ?? {}) as Record<string, unknown>;
}

/** Sets the step's config with a no-change preview, then destroys; returns what was deleted. */
async function previewThenDestroyWith(stack: ExampleStack, config: string[]): Promise<string[]> {
  await stack.ok("preview", "--expect-no-changes", ...config);
  return (await previewThenDestroy(stack)).deleted;
}
