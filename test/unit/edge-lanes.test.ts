import { laneDependencies, OPERATIONS_PER_EDGE } from "../../sdk/components/edgeLanes";

/** Which earlier network of a stretch each new one on its edge waits for during `up`. */
describe("edge lanes", () => {
  it("lets the first OPERATIONS_PER_EDGE networks start at once, then chains each to the one that many before it", () => {
    expect(OPERATIONS_PER_EDGE).toBe(2);
    const registered: string[] = [];
    const waits = ["n0", "n1", "n2", "n3", "n4"].map((name) => {
      const w = laneDependencies(registered);
      registered.push(name);
      return w;
    });
    expect(waits).toEqual([[], [], ["n0"], ["n1"], ["n2"]]);
  });
});
