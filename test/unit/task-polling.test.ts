import type { VcdExecutor } from "../../provider/vcd/executor";
import { waitForTask } from "../../provider/vcd/tasks";

/**
 * How waitForTask paces its polls: one starts every 100 ms, at once when the previous answer
 * took that long, never two at a time. Fake timers: the cadence is asserted, not measured.
 */
describe("vCD task polling", () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  /** A vCD whose every answer takes `latencyMs` and whose task ends `taskMs` after the start. */
  function fakeVcd(latencyMs: number, taskMs: number) {
    const starts: number[] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    const exec = {
      request: async () => {
        starts.push(Date.now());
        mostInFlight = Math.max(mostInFlight, ++inFlight);
        await new Promise((r) => setTimeout(r, latencyMs));
        inFlight--;
        const status = Date.now() >= taskMs ? "success" : "running";
        return {
          status: 200,
          headers: {},
          text: "",
          xml: { Task: { "@_href": "https://vcd/api/task/1", "@_status": status, "@_operationName": "op" } },
        };
      },
    } as unknown as VcdExecutor;
    return { exec, starts, mostInFlight: () => mostInFlight };
  }

  it("polls back to back when each answer takes the whole 100 ms, so an ended task is seen within one answer", async () => {
    const vcd = fakeVcd(100, 450);
    const done = waitForTask(vcd.exec, "https://vcd/api/task/1");
    await jest.advanceTimersByTimeAsync(1_000);
    await expect(done).resolves.toMatchObject({ status: "success" });
    expect(vcd.starts).toEqual([0, 100, 200, 300, 400]);
    expect(vcd.mostInFlight()).toBe(1);
  });

  it("keeps to one poll per 100 ms when answers are quick", async () => {
    const vcd = fakeVcd(10, 450);
    const done = waitForTask(vcd.exec, "https://vcd/api/task/1");
    await jest.advanceTimersByTimeAsync(1_000);
    await expect(done).resolves.toMatchObject({ status: "success" });
    expect(vcd.starts).toEqual([0, 100, 200, 300, 400, 500]);
  });
});
