import { edgeLockKey } from "../../provider/common/edgeIdentity";
import { withKeyLock } from "../../provider/common/lock";
import { SharedReads } from "../../provider/common/sharedReads";

/** Reads shared between resources until this process writes; one lock key per edge. */
describe("SharedReads", () => {
  it("shares one read between callers until a locked write finishes, then reads again", async () => {
    const reads = new SharedReads();
    let loads = 0;
    const load = async () => ++loads;
    expect(await Promise.all([reads.get("k", load), reads.get("k", load)])).toEqual([1, 1]);
    expect(await reads.get("k", load)).toBe(1);
    await withKeyLock("nsx-edge:edge-9", async () => undefined);
    expect(await reads.get("k", load)).toBe(2);
    expect(await reads.get("other", load)).toBe(3);
  });

  it("does not remember a failed read", async () => {
    const reads = new SharedReads();
    await expect(reads.get("k", () => Promise.reject(new Error("reset")))).rejects.toThrow("reset");
    expect(await reads.get("k", async () => "fresh")).toBe("fresh");
  });

  it("does not hand a read that started before a write to a caller after it", async () => {
    const reads = new SharedReads();
    let release!: () => void;
    const slow = reads.get("k", () => new Promise<string>((r) => (release = () => r("before"))));
    await withKeyLock("nsx-edge:edge-9", async () => undefined);
    const after = reads.get("k", async () => "after");
    release();
    expect(await slow).toBe("before");
    expect(await after).toBe("after");
  });
});

describe("edgeLockKey", () => {
  it("is NSX's edge id whenever it is known, whichever path reaches the edge", () => {
    const viaVcd = edgeLockKey({ nsxEdgeId: "edge-7", vcd: { host: "vcd.example.com", gatewayUuid: "A-B" } });
    expect(viaVcd).toBe(edgeLockKey({ nsxEdgeId: "edge-7" }));
  });

  it("falls back to the vCD gateway when NSX's id is not shown", () => {
    expect(edgeLockKey({ vcd: { host: "vcd.example.com", gatewayUuid: "AbC" } })).toBe(
      "nsx-edge:vcd:vcd.example.com/abc",
    );
    expect(() => edgeLockKey({})).toThrow();
  });
});
