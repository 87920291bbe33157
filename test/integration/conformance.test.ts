// Runs the Go conformance suite (test/conformance: VMware's go-vcloud-director driving the
// simulator like an outside user) once per simulated vCD release and reports each Go test as a
// jest test, so its results count in `npm test`. `scripts/setup` downloads its Go modules;
// here the Go command runs offline (GOPROXY=off) against the committed go.sum.
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startSimulator, type RunningSim } from "../../sim";
import { VCD_MODES, type VcdMode } from "../../sim/core/versions";

jest.setTimeout(600_000);

const SUITE = join(__dirname, "..", "conformance");

/** Every top-level `func TestX(t *testing.T)` of the suite, read from its sources. */
const GO_TESTS = readdirSync(SUITE)
  .filter((f) => f.endsWith("_test.go"))
  .flatMap((f) =>
    [...readFileSync(join(SUITE, f), "utf8").matchAll(/^func (Test\w+)\(t \*testing\.T\)/gm)].map(
      (m) => m[1]!,
    ),
  )
  .sort();

interface GoEvent {
  Action: string;
  Test?: string;
  Output?: string;
}

interface GoRun {
  /** Final action (pass / fail / skip) of each test and subtest, by name. */
  results: Map<string, string>;
  /** Output lines of each test, for the failure message. */
  output: Map<string, string[]>;
  stderr: string;
}

function runGoSuite(sim: RunningSim, mode: VcdMode): Promise<GoRun> {
  return new Promise((resolve) => {
    execFile(
      "go",
      ["test", "-json", "-count=1", "./..."],
      {
        cwd: SUITE,
        env: {
          ...process.env,
          L2S_SIM_URL: sim.url,
          L2S_SIM_MODE: mode,
          GOFLAGS: "-mod=mod",
          GOTOOLCHAIN: "local",
          GOPROXY: "off",
        },
        maxBuffer: 64 * 1024 * 1024,
      },
      (_err, stdout, stderr) => {
        // A failing Go test exits 1; the per-test events below say which, so the exit code is not used.
        const results = new Map<string, string>();
        const output = new Map<string, string[]>();
        for (const line of stdout.split("\n")) {
          if (!line.startsWith("{")) continue;
          const e = JSON.parse(line) as GoEvent;
          if (!e.Test) continue;
          if (e.Action === "output") output.set(e.Test, [...(output.get(e.Test) ?? []), e.Output ?? ""]);
          if (e.Action === "pass" || e.Action === "fail" || e.Action === "skip")
            results.set(e.Test, e.Action);
        }
        resolve({ results, output, stderr });
      },
    );
  });
}

it("the suite has Go tests to run", () => {
  expect(GO_TESTS.length).toBeGreaterThanOrEqual(8);
});

describe.each(VCD_MODES.map((m) => [m]))("go-vcloud-director against the simulator in %s mode", (mode) => {
  let sim: RunningSim;
  let run: GoRun;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, vcdVersion: mode, taskMs: 0 });
    run = await runGoSuite(sim, mode);
  });
  afterAll(async () => {
    await sim?.close();
  });

  it.each(GO_TESTS.map((t) => [t]))("%s passes", (name) => {
    const action = run.results.get(name);
    const detail = (run.output.get(name) ?? []).join("") || run.stderr;
    expect({ test: name, action, detail: action === "pass" ? "" : detail }).toEqual({
      test: name,
      action: "pass",
      detail: "",
    });
  });

  it("no subtest failed", () => {
    const failed = [...run.results].filter(([, a]) => a === "fail").map(([t]) => t);
    expect(failed).toEqual([]);
  });
});
