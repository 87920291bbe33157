import type { VcdExecutor } from "../../provider/vcd/executor";
import { waitForTask } from "../../provider/vcd/tasks";

/**
 * How waitForTask paces its polls: 100 ms after each answer until it knows how long the
 * operation takes; then from just before that, one every 100 ms (at once when the previous
 * answer took that long), never two at a time. Fake timers: the cadence is asserted, not measured.
 */
describe("vCD task polling", () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  /** A vCD whose every answer takes `latencyMs` and whose task ends `taskMs` after the start. */
  function fakeVcd(latencyMs: number, taskMs: number) {
    let endsAt = taskMs;
    const starts: number[] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    const exec = {
      request: async () => {
        starts.push(Date.now());
        mostInFlight = Math.max(mostInFlight, ++inFlight);
        await new Promise((r) => setTimeout(r, latencyMs));
        inFlight--;
        const status = Date.now() >= endsAt ? "success" : "running";
        return {
          status: 200,
          headers: {},
          text: "",
          xml: { Task: { "@_href": "https://vcd/api/task/1", "@_status": status, "@_operationName": "op" } },
        };
      },
    } as unknown as VcdExecutor;
    return { exec, starts, mostInFlight: () => mostInFlight, endAt: (ms: number) => (endsAt = ms) };
  }

  it("before a task of the operation has been seen to end, waits 100 ms after each answer", async () => {
    const vcd = fakeVcd(100, 450);
    const done = waitForTask(vcd.exec, "https://vcd/api/task/1");
    await jest.advanceTimersByTimeAsync(1_000);
    await expect(done).resolves.toMatchObject({ status: "success" });
    expect(vcd.starts).toEqual([0, 200, 400]);
  });

  /**
   * Polls a first task of the operation to its end (so the client learns its duration), then a
   * second one that ends `secondEndsAfter` ms after it starts at 1 000 ms; the second's poll starts.
   */
  async function secondTask(vcd: ReturnType<typeof fakeVcd>, secondEndsAfter: number): Promise<number[]> {
    const first = waitForTask(vcd.exec, "https://vcd/api/task/1");
    await jest.advanceTimersByTimeAsync(1_000);
    await first;
    vcd.starts.length = 0;
    vcd.endAt(1_000 + secondEndsAfter);
    const second = waitForTask(vcd.exec, {
      href: "https://vcd/api/task/2",
      status: "running",
      operationName: "op",
    });
    await jest.advanceTimersByTimeAsync(1_000);
    await expect(second).resolves.toMatchObject({ status: "success" });
    return [...vcd.starts];
  }

  it("once it knows the typical duration, looks just before it and then back to back when answers take 100 ms", async () => {
    const vcd = fakeVcd(100, 450);
    // The first ended at 500 ms: first look at 500 - 200 ms, then a poll as each answer arrives.
    expect(await secondTask(vcd, 450)).toEqual([1_300, 1_400]);
    expect(vcd.mostInFlight()).toBe(1);
  });

  it("keeps to one poll per 100 ms when answers are quick", async () => {
    const vcd = fakeVcd(10, 450);
    expect(await secondTask(vcd, 650)).toEqual([1_250, 1_350, 1_450, 1_550, 1_650]);
  });
});
