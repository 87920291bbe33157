/**
 * Status and metrics share one live-state read: concurrent requests never queue behind one
 * another's `ip`/`nft`/`swanctl` calls, and an apply is seen by the next request.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Agent } from "../../gateway/agent/agent";
import type { ExecResult, Executor } from "../../gateway/agent/exec";
import { SingleFlight } from "../../gateway/agent/singleFlight";

/** Counts live-state reads; each read takes `delayMs`, like a slow swanctl behind a busy charon. */
class SlowExecutor implements Executor {
  readonly where = "fake";
  reads = 0;
  constructor(private readonly delayMs: number) {}
  async run(argv: string[]): Promise<ExecResult> {
    const cmd = argv.join(" ");
    if (cmd.startsWith("ip -j -d -s link show")) this.reads++;
    await new Promise((r) => setTimeout(r, this.delayMs));
    if (cmd.startsWith("ip -j")) return { code: 0, stdout: "[]", stderr: "" };
    if (cmd.startsWith("nft -j")) return { code: 0, stdout: '{"nftables":[]}', stderr: "" };
    return { code: 1, stdout: "", stderr: "no socket" };
  }
  spawnDaemon(): number {
    throw new Error("not in unit tests");
  }
}

describe("SingleFlight", () => {
  test("concurrent callers share one read; the result is reused within the TTL, then read again", async () => {
    let now = 0;
    let reads = 0;
    const sf = new SingleFlight(
      async () => {
        reads++;
        await new Promise((r) => setTimeout(r, 5));
        return reads;
      },
      1000,
      () => now,
    );
    expect(await Promise.all([sf.get(), sf.get(), sf.get()])).toEqual([1, 1, 1]);
    now = 999;
    expect(await sf.get()).toBe(1);
    now = 1000;
    expect(await sf.get()).toBe(2);
    sf.invalidate();
    expect(await sf.get()).toBe(3);
  });

  test("a read started before invalidate() is not cached", async () => {
    let reads = 0;
    const sf = new SingleFlight(async () => ++reads, 60_000);
    const stale = sf.get();
    sf.invalidate();
    expect(await stale).toBe(1);
    expect(await sf.get()).toBe(2);
  });

  test("ttl 0 turns sharing off (every caller reads)", async () => {
    let reads = 0;
    const sf = new SingleFlight(async () => ++reads, 0);
    await Promise.all([sf.get(), sf.get()]);
    expect(reads).toBe(2);
  });

  test("a failed read is not cached", async () => {
    let reads = 0;
    const sf = new SingleFlight(async () => {
      if (++reads === 1) throw new Error("swanctl timed out");
      return reads;
    }, 60_000);
    await expect(sf.get()).rejects.toThrow("swanctl timed out");
    expect(await sf.get()).toBe(2);
  });
});

describe("Agent status and metrics", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "l2s-status-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("50 concurrent status and 50 metrics requests cost one live-state read", async () => {
    const ex = new SlowExecutor(20);
    const agent = new Agent({ stateDir: dir, executor: ex });
    const calls = [
      ...Array.from({ length: 50 }, () => agent.status()),
      ...Array.from({ length: 50 }, () => agent.metrics()),
    ];
    await Promise.all(calls);
    expect(ex.reads).toBe(1);
  });

  test("without the cache (statusCacheMs 0) every request reads: the behaviour the cache replaces", async () => {
    const ex = new SlowExecutor(1);
    const agent = new Agent({ stateDir: dir, executor: ex, statusCacheMs: 0 });
    await Promise.all(Array.from({ length: 10 }, () => agent.status()));
    expect(ex.reads).toBe(10);
  });
});
