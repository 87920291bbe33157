import type { ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startSimulator, type RunningSim, type World } from "../../sim";
import { changes, ExampleStack } from "../support/stack";
import { simVendorEnv } from "../support/landingZone";

/**
 * `kill -9` of the whole `pulumi up` process group, at several points of a ten-network
 * examples/nsx-l2vpn stack on a simulator with latency. After each kill the provider stops
 * writing (Pulumi runs it in a process group of its own: it must notice the engine is gone),
 * and after `pulumi cancel` (the file backend keeps the killed run's lock; that is the only
 * step) the next plain `pulumi up` — no refresh, no `adopt`, no edits — picks up where the
 * killed one stopped: the simulator then holds exactly the declared objects, with no second
 * network, trunk or certificate, and a preview shows no changes.
 */
jest.setTimeout(900_000);

const SECRETS = { vcd: "Alice-Secret-1", nsx: "Nsx-Admin-Secret-1", site: "Site-Passw0rd-42" };
const NETWORKS = 10;
const CONFIG = [
  "--config",
  `l2stretch-nsx-l2vpn:networks=${NETWORKS}`,
  "--secret",
  `l2stretch:password=${SECRETS.vcd}`,
  "--secret",
  `l2stretch:nsxPassword=${SECRETS.nsx}`,
  "--secret",
  `l2stretch-nsx-l2vpn:sitePassword=${SECRETS.site}`,
];

/** What the simulator holds of this stack, counted the way a duplicate would show. */
function census(w: World) {
  const cloud = w.edges.find((e) => e.name === "edge-cloud-1")!;
  const onprem = w.nsx.edges.find((e) => e.name === "edge-onprem-1")!;
  const trunks = onprem.vnics.filter((v) => v.type === "trunk");
  return {
    networks: w.networks.map((n) => n.name).sort(),
    cloudSubInterfaces: cloud.vnics.flatMap((v) => v.subInterfaces).length,
    l2vpnServer: cloud.l2vpn?.server ? 1 : 0,
    certificates: w.nsx.certificates.filter((c) => c.scope === cloud.nsxId).length,
    csrs: w.nsx.csrs.length,
    onpremTrunks: trunks.length,
    onpremSubInterfaces: trunks.flatMap((v) => v.subInterfaces).length,
    l2vpnClient: onprem.l2vpn?.client ? 1 : 0,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("an interrupted pulumi up heals on the next up", () => {
  let sim: RunningSim;
  let stack: ExampleStack;

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "l2s-kill-"));
    // Latency on every request and slow network tasks: kills land in the middle of writes.
    sim = await startSimulator({
      port: 0,
      stateFile: path.join(dir, "world.json"),
      taskMs: 300,
      latencyMs: 40,
    });
    stack = new ExampleStack("nsx-l2vpn", "kill", simVendorEnv(sim));
  });
  afterAll(async () => sim?.close());

  /** Starts `up`, waits until `reached(world)`, then SIGKILLs its whole process group. */
  async function killUpWhen(reached: (w: World) => boolean): Promise<{ killed: boolean }> {
    const up: ChildProcess = stack.start("up", "--json", ...CONFIG);
    const exited = new Promise<number | null>((r) => up.once("exit", (code) => r(code)));
    let done = false;
    void exited.then(() => (done = true));
    while (!done && !reached(sim.world())) await sleep(20);
    if (done) {
      const code = await exited;
      if (code !== 0) {
        const summary = stack.transcript
          .trim()
          .split("\n")
          .find((l) => l.startsWith('{"'));
        throw new Error(
          `up failed (${code}) before the kill point:\n${summary?.slice(0, 2000)}\n${stack.transcript.slice(-3000)}`,
        );
      }
      return { killed: false };
    }
    process.kill(-up.pid!, "SIGKILL");
    await exited;
    return { killed: true };
  }

  /** Requests the simulator gets from the (orphaned) provider after the kill has settled. */
  async function requestsAfterKill(): Promise<number> {
    await sleep(2_000); // the provider's last in-flight request finishes
    const settled = sim.stats().requests;
    await sleep(4_000);
    return sim.stats().requests - settled;
  }

  const points: [string, (w: World) => boolean][] = [
    ["3 networks created", (w) => w.networks.length >= 3],
    ["8 networks created", (w) => w.networks.length >= 8],
    ["the server certificate exists", (w) => w.nsx.certificates.length >= 1],
    ["the on-prem trunk exists", (w) => census(w).onpremTrunks >= 1],
    ["the L2VPN client is written", (w) => census(w).l2vpnClient === 1],
  ];

  it("kill -9 at each point, then one plain up converges to exactly the declared objects", async () => {
    const measured: Record<string, unknown>[] = [];
    for (const [point, reached] of points) {
      const { killed } = await killUpWhen(reached);
      const atKill = census(sim.world());
      const lateRequests = killed ? await requestsAfterKill() : 0;
      // The recovery the README documents: release the dead run's lock.
      if (killed) await stack.ok("cancel");
      measured.push({ point, killed, lateRequests, ...atKill, networks: atKill.networks.length });
      process.stderr.write(`after kill: ${JSON.stringify(measured.at(-1))}\n`);
      // The provider stopped writing once the engine was gone.
      expect({ point, lateRequests }).toEqual({ point, lateRequests: 0 });
    }
    // Each point after the first was reached by a plain `up` resuming the one killed before it.
    expect(measured.filter((m) => m["killed"]).length).toBeGreaterThanOrEqual(4);

    const up = await stack.ok("up", ...CONFIG);
    // Pulumi warns about the killed runs' pending creates and drops them; no error.
    const diagnostics = (up["diagnostics"] ?? []) as { severity: string; message: string }[];
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const final = census(sim.world());
    process.stderr.write(`interrupted up: ${JSON.stringify({ measured, final })}\n`);
    expect(final).toEqual({
      networks: Array.from({ length: NETWORKS }, (_, i) => `stretched-${i + 1}`).sort(),
      cloudSubInterfaces: NETWORKS,
      l2vpnServer: 1,
      certificates: 1,
      csrs: 0,
      onpremTrunks: 1,
      onpremSubInterfaces: NETWORKS,
      l2vpnClient: 1,
    });
    const outputs = up["outputs"] as Record<string, unknown>;
    expect(Object.keys(outputs["tunnelIds"] as object)).toHaveLength(NETWORKS);

    const preview = await stack.ok("preview", "--diff", ...CONFIG);
    expect(changes(preview)).toEqual({ same: NETWORKS + 4 });

    await stack.ok("destroy", ...CONFIG);
    expect(census(sim.world())).toMatchObject({
      networks: [],
      certificates: 0,
      csrs: 0,
      onpremTrunks: 0,
      l2vpnServer: 0,
      l2vpnClient: 0,
    });
    // Nothing secret reached a log on the way.
    for (const s of Object.values(SECRETS)) expect(stack.transcript).not.toContain(s);
  });
});
