import type * as pulumi from "@pulumi/pulumi";
import { edgeLaneDependencies, joinEdgeLane, OPERATIONS_PER_EDGE } from "../../sdk/components/edgeLanes";

/** Which earlier network each new one on an edge waits for, across the stretches of a program. */
describe("edge lanes", () => {
  const fake = (name: string) => ({ name }) as unknown as pulumi.Resource;
  const register = (edge: string, name: string) => {
    const waitsFor = edgeLaneDependencies(edge).map((r) => (r as unknown as { name: string }).name);
    joinEdgeLane(edge, fake(name));
    return waitsFor;
  };

  it("lets the first OPERATIONS_PER_EDGE networks of an edge start at once, then chains each to the one that many before it", () => {
    expect(OPERATIONS_PER_EDGE).toBe(2);
    expect(register("p/s/vdc/edge-a", "a0")).toEqual([]);
    expect(register("p/s/vdc/edge-a", "a1")).toEqual([]);
    expect(register("p/s/vdc/edge-a", "a2")).toEqual(["a0"]);
    expect(register("p/s/vdc/edge-a", "a3")).toEqual(["a1"]);
    expect(register("p/s/vdc/edge-a", "a4")).toEqual(["a2"]);
  });

  it("keeps edges apart: another edge's networks never wait for this one's", () => {
    expect(register("p/s/vdc/edge-b", "b0")).toEqual([]);
    expect(register("p/s/vdc/edge-b", "b1")).toEqual([]);
    expect(register("p/s/vdc/edge-a", "a5")).toEqual(["a3"]);
    expect(register("p/s/vdc/edge-b", "b2")).toEqual(["b0"]);
  });
});
