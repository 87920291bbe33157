import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ExecOptions, ExecResult, Executor } from "../../gateway/agent/exec";
import {
  DEFAULT_DATAPATH_SCHEDULING,
  applyScheduling,
  controlPlaneScheduling,
  parseCpuList,
  placementArgv,
  parseDatapathScheduling,
  rtGuardProblem,
  schedulingArgv,
  threadScheduling,
} from "../../gateway/agent/tuning";
import { espProbeArgv, kernelEspAvailable } from "../../gateway/agent/kernelEsp";

class RecordingExecutor implements Executor {
  readonly where = "fake";
  readonly calls: string[][] = [];
  constructor(private readonly code = 0) {}
  async run(argv: string[], _opts?: ExecOptions): Promise<ExecResult> {
    this.calls.push(argv);
    return { code: this.code, stdout: "", stderr: this.code ? "chrt: failed to set pid 1's policy" : "" };
  }
  spawnDaemon(): number {
    throw new Error("not used");
  }
}

function rtRuntimeFile(value: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "l2s-rt-"));
  const f = path.join(dir, "sched_rt_runtime_us");
  fs.writeFileSync(f, `${value}\n`);
  return f;
}

describe("data-path scheduling (gateway/agent/tuning.ts)", () => {
  test("the default is SCHED_RR at a low real-time priority", () => {
    expect(DEFAULT_DATAPATH_SCHEDULING).toEqual({ policy: "rr", priority: 10 });
  });

  test("--datapath-scheduling accepts rr, rr:N and off, and refuses the rest", () => {
    expect(parseDatapathScheduling("rr")).toEqual({ policy: "rr", priority: 10 });
    expect(parseDatapathScheduling("rr:20")).toEqual({ policy: "rr", priority: 20 });
    expect(parseDatapathScheduling("off")).toEqual({ policy: "off" });
    for (const bad of ["fifo", "rr:0", "rr:50", "rr:x", ""])
      expect(() => parseDatapathScheduling(bad)).toThrow(/--datapath-scheduling/);
  });

  test("chrt covers every thread of the daemon", () => {
    expect(schedulingArgv(42, { policy: "rr", priority: 10 })).toEqual([
      "chrt",
      "--all-tasks",
      "--rr",
      "--pid",
      "10",
      "42",
    ]);
    expect(schedulingArgv(42, { policy: "off" })).toEqual([
      "chrt",
      "--all-tasks",
      "--other",
      "--pid",
      "0",
      "42",
    ]);
  });

  test("the agent runs one real-time step above the data path, and normally when the data path does", () => {
    expect(controlPlaneScheduling({ policy: "rr", priority: 10 })).toEqual({ policy: "rr", priority: 20 });
    expect(controlPlaneScheduling({ policy: "rr", priority: 45 })).toEqual({ policy: "rr", priority: 49 });
    expect(controlPlaneScheduling({ policy: "off" })).toBeUndefined();
  });

  test("CPU placement pins every thread to a taskset list", () => {
    expect(parseCpuList("1")).toBe("1");
    expect(parseCpuList("0,2-3")).toBe("0,2-3");
    for (const bad of ["", "a", "1;reboot", "-1"]) expect(() => parseCpuList(bad)).toThrow(/--datapath-cpus/);
    expect(placementArgv(42, "1")).toEqual(["taskset", "--all-tasks", "--cpu-list", "--pid", "1", "42"]);
  });

  test("with RT throttling in place the real-time policy is applied", async () => {
    const ex = new RecordingExecutor();
    const r = await applyScheduling(ex, 42, { policy: "rr", priority: 10 }, rtRuntimeFile("950000"));
    expect(r).toEqual({ applied: { policy: "rr", priority: 10 } });
    expect(ex.calls).toEqual([schedulingArgv(42, { policy: "rr", priority: 10 })]);
  });

  test("without RT throttling (-1) the guard refuses real time and the daemon runs normally", async () => {
    const file = rtRuntimeFile("-1");
    expect(rtGuardProblem(file)).toMatch(/RT throttling is disabled/);
    const ex = new RecordingExecutor();
    const r = await applyScheduling(ex, 42, { policy: "rr", priority: 10 }, file);
    expect(r.applied).toEqual({ policy: "off" });
    expect(r.problem).toMatch(/starve the agent/);
    expect(ex.calls).toEqual([schedulingArgv(42, { policy: "off" })]);
  });

  test("a failing chrt is reported, not thrown", async () => {
    const r = await applyScheduling(
      new RecordingExecutor(1),
      42,
      DEFAULT_DATAPATH_SCHEDULING,
      rtRuntimeFile("950000"),
    );
    expect(r.applied).toEqual({ policy: "off" });
    expect(r.problem).toMatch(/chrt failed: chrt: failed/);
  });

  test("threadScheduling reads every thread's policy of a live process", () => {
    const mine = threadScheduling(process.pid);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.map((t) => t.tid)).toContain(process.pid);
    // Jest's worker runs under the normal policy.
    expect(mine.every((t) => t.policy === 0 && t.rtPriority === 0)).toBe(true);
    expect(threadScheduling(2 ** 22 + 12345)).toEqual([]);
  });
});

describe("kernel ESP detection (gateway/agent/kernelEsp.ts)", () => {
  test("a kernel that accepts the AES-GCM probe SA has ESP; the probe is removed again", async () => {
    const ex = new RecordingExecutor(0);
    expect(await kernelEspAvailable(ex)).toBe(true);
    expect(ex.calls).toEqual([espProbeArgv("add"), espProbeArgv("delete")]);
    expect(ex.calls[0]).toContain("rfc4106(gcm(aes))");
  });

  test("a kernel that refuses it (no CONFIG_INET_ESP) has none, and nothing is left to delete", async () => {
    const ex = new RecordingExecutor(2);
    expect(await kernelEspAvailable(ex)).toBe(false);
    expect(ex.calls).toEqual([espProbeArgv("add")]);
  });
});
