/**
 * Control-plane benchmark (not a test): a landing zone of N stretched networks on two NSX-v
 * edge pairs, driven through the real Pulumi CLI against the simulator with vendor latency.
 * For each N it times preview, up, a no-change preview, a no-change up, a one-network update,
 * adding one network, refresh and destroy, and from the simulator's request log prints the requests and
 * edge writes per changed resource and `up` against its lower bound (writes on the busiest
 * edge × their cost).
 *
 *   npm run bench:control                      # N = 10, 50, 100; 100 ms per request, 2 s tasks
 *   BENCH_N=10 BENCH_REPEAT=3 npm run bench:control
 *   BENCH_LATENCY_MS=100 BENCH_TASK_MS=2000    # simulated vendor cost
 *   BENCH_PROGRAM=handWired                    # the landing zone without VxlanStretch
 */
import { startSimulator, type RequestLogEntry, type RunningSim } from "../sim";
import { changedResources, phaseLoad, type PhaseLoad, type VendorCost } from "./control/measure";
import { BenchStack } from "./control/stackRunner";

const NS = (process.env["BENCH_N"] ?? "10,50,100").split(",").map(Number);
const REPEAT = Number(process.env["BENCH_REPEAT"] ?? 1);
const COST: VendorCost = {
  latencyMs: Number(process.env["BENCH_LATENCY_MS"] ?? 100),
  taskMs: Number(process.env["BENCH_TASK_MS"] ?? 2000),
};

const SECRETS = { vcd: "Alice-Secret-1", nsx: "Nsx-Admin-Secret-1", site: "Site-Passw0rd-42" };

interface Phase {
  name: string;
  ms: number;
  changed: number;
  busy: number;
  load: PhaseLoad;
}

async function phase(
  sim: RunningSim,
  name: string,
  run: () => Promise<{ ms: number; json: Record<string, unknown> }>,
): Promise<Phase> {
  const from = sim.requests().length;
  const busy0 = sim.stats().busyRejections;
  const r = await run();
  const entries: RequestLogEntry[] = sim.requests().slice(from);
  const p = {
    name,
    ms: r.ms,
    changed: changedResources(r.json),
    busy: sim.stats().busyRejections - busy0,
    load: phaseLoad(entries, COST),
  };
  process.stderr.write(`  ${name}: ${(p.ms / 1000).toFixed(1)} s, ${p.load.requests} requests\n`);
  return p;
}

async function landingZone(n: number): Promise<Phase[]> {
  const sim = await startSimulator({ port: 0, latencyMs: COST.latencyMs, taskMs: COST.taskMs });
  try {
    const stack = new BenchStack({
      VCD_URL: sim.url,
      VCD_ORG: "acme",
      VCD_USER: "alice",
      NSX_URL: sim.url,
      NSX_USER: "admin",
    });
    const cfg = (extra: Record<string, string | number> = {}) =>
      Object.entries({ networks: n, changedNetwork: -1, extraNetworks: 0, ...extra }).flatMap(([k, v]) => [
        "--config",
        `${k}=${v}`,
      ]);
    const secrets = [
      "--secret",
      `l2stretch:password=${SECRETS.vcd}`,
      "--secret",
      `l2stretch:nsxPassword=${SECRETS.nsx}`,
      "--secret",
      `sitePassword=${SECRETS.site}`,
    ];
    return [
      await phase(sim, "preview", () => stack.run("preview", ...cfg(), ...secrets)),
      await phase(sim, "up", () => stack.run("up")),
      await phase(sim, "no-change preview", () => stack.run("preview", "--expect-no-changes")),
      // What every `up` pays with nothing to do: the baseline of the one-network update below.
      await phase(sim, "no-change up", () => stack.run("up", "--expect-no-changes")),
      await phase(sim, "one-network update", () => stack.run("up", ...cfg({ changedNetwork: 0 }))),
      await phase(sim, "add-one", () => stack.run("up", ...cfg({ changedNetwork: 0, extraNetworks: 1 }))),
      await phase(sim, "refresh", () => stack.run("refresh")),
      await phase(sim, "destroy", () => stack.run("destroy")),
    ];
  } finally {
    await sim.close();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
}

const sec = (ms: number) => (ms / 1000).toFixed(1);

function report(n: number, runs: Phase[][]): void {
  const names = runs[0]!.map((p) => p.name);
  const rows = names.map((name, i) => {
    const ps = runs.map((r) => r[i]!);
    const p = ps[0]!;
    const ms = ps.map((x) => x.ms);
    const per = (v: number) => (p.changed ? (v / p.changed).toFixed(1) : "-");
    const edges = Object.entries(p.load.writesByEdge)
      .sort()
      .map(([e, w]) => `${e}:${w}`)
      .join(" ");
    return [
      name,
      `${sec(median(ms))}${ps.length > 1 ? ` (${sec(Math.min(...ms))}–${sec(Math.max(...ms))})` : ""}`,
      sec(p.load.vendorSpanMs),
      String(p.changed),
      String(p.load.requests),
      per(p.load.requests),
      per(p.load.writes),
      String(p.busy),
      `${(p.load.bytes / 1e6).toFixed(2)}`,
      edges || "-",
    ];
  });
  const header = [
    "phase",
    "wall s",
    "vendor s",
    "changed",
    "requests",
    "req/chg",
    "writes/chg",
    "busy",
    "MB",
    "writes per edge",
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  const up = runs.map((r) => r[1]!);
  const lb = up[0]!.load.lowerBoundMs;
  console.log(
    `\nN = ${n} networks, program ${process.env["BENCH_PROGRAM"] ?? "stretch"} (${COST.latencyMs} ms per request, ${COST.taskMs} ms vCD tasks, ${runs.length} run(s), median wall time)`,
  );
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  const wall = median(up.map((p) => p.ms));
  const span = median(up.map((p) => p.load.vendorSpanMs));
  console.log(
    `up: lower bound ${sec(lb)} s (busiest edge's writes × cost); wall/bound ${(wall / lb).toFixed(2)}×, vendor span/bound ${(span / lb).toFixed(2)}×`,
  );
  const byName = (name: string) => runs.map((r) => r.find((p) => p.name === name)!);
  const change = byName("one-network update");
  const idle = byName("no-change up");
  const cost = change[0]!.load.lowerBoundMs;
  const changeWall = median(change.map((p) => p.ms));
  // Run by run: the same run's no-change up is the command's own cost around the change.
  const added = median(change.map((p, i) => p.ms - idle[i]!.ms));
  console.log(
    `one-network update: its write costs ${sec(cost)} s; wall ${sec(changeWall)} s = ${(changeWall / cost).toFixed(2)}× the write; ` +
      `over a no-change up ${sec(added)} s = ${(added / cost).toFixed(2)}× the write`,
  );
}

async function main(): Promise<void> {
  for (const n of NS) {
    const runs: Phase[][] = [];
    for (let i = 0; i < REPEAT; i++) {
      process.stderr.write(`N=${n} run ${i + 1}/${REPEAT}\n`);
      runs.push(await landingZone(n));
    }
    report(n, runs);
  }
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
