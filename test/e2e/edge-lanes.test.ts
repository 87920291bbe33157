import { startSimulator, type RunningSim } from "../../sim";
import { DEFAULT_TENANTS, type Tenant, type TenantNetwork } from "../../examples/landing-zone/tenants";
import { landingZoneArgs, simVendorEnv } from "../support/landingZone";
import { ExampleStack, previewThenDestroy, previewThenUp } from "../support/stack";

/**
 * Two tenants on two edges with more networks each than the engine runs operations at once
 * (`--parallel`, 8 on this machine's default). Writes to one edge are serialised by its lock;
 * the engine must still write both edges side by side rather than fill its slots with one
 * edge's queued networks while the other edge idles.
 */
jest.setTimeout(600_000);

const PER_TENANT = 10;
const SECRETS = { vcd: "Alice-Secret-1", nsx: "Nsx-Admin-Secret-1", site: "Edge-Lanes-Site-7" };

function manyNetworks(first: number): Record<string, TenantNetwork> {
  return Object.fromEntries(
    Array.from({ length: PER_TENANT }, (_, i) => [`n${first + i}`, { octet: first + i }]),
  );
}

describe("network writes on two edges in one up", () => {
  let sim: RunningSim;
  let cloud: ExampleStack;
  let networksAtStart: number;
  const tenants: Record<string, Tenant> = {
    blue: { ...DEFAULT_TENANTS.blue!, networks: manyNetworks(10) },
    green: { ...DEFAULT_TENANTS.green!, networks: manyNetworks(110) },
  };
  const args = landingZoneArgs("cloud", tenants, SECRETS);
  /** The edge (edge-N) of each network create, in the order the simulator received them. */
  const networkCreates = () =>
    sim
      .requests()
      .filter((r) => r.method === "POST" && /\/api\/admin\/vdc\/[^/]+\/networks$/.test(r.path))
      .map((r) => r.edge);

  beforeAll(async () => {
    // Tasks long enough that a create waiting at a busy edge's lock is plainly waiting.
    sim = await startSimulator({ port: 0, taskMs: 400 });
    networksAtStart = sim.world().networks.length;
    cloud = new ExampleStack("landing-zone", "cloud", simVendorEnv(sim));
  });
  afterAll(async () => sim?.close());

  it("starts both edges' networks at once and writes each edge one network at a time", async () => {
    const r = await previewThenUp(cloud, args);
    expect(r.plan.create).toHaveLength(2 * PER_TENANT + 4);
    const edges = networkCreates();
    expect(edges).toHaveLength(2 * PER_TENANT);
    // Without a bound per edge, the first tenant's queued creates hold every engine slot and
    // the second edge's first write comes only after several of the first edge's.
    expect(new Set(edges.slice(0, 2)).size).toBe(2);
    expect(sim.stats().busyRejections).toBe(0);
  });

  it("destroys both edges' networks", async () => {
    await previewThenDestroy(cloud);
    expect(sim.world().networks).toHaveLength(networksAtStart);
  });
});
