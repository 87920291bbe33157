import { decideFault, mulberry32 } from "../../sim/core/prng";

describe("sim fault PRNG", () => {
  it("is deterministic for a seed and differs between seeds", () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const sa = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(sa);
    expect(Array.from({ length: 5 }, c)).not.toEqual(sa);
    expect(sa.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it("never injects at rate 0 and always at rate 1; reset wins over error", () => {
    const rng = mulberry32(7);
    for (let i = 0; i < 100; i++) expect(decideFault(rng, { errorRate: 0, resetRate: 0 })).toBe("none");
    for (let i = 0; i < 100; i++) expect(decideFault(rng, { errorRate: 1, resetRate: 0 })).toBe("error");
    for (let i = 0; i < 100; i++) expect(decideFault(rng, { errorRate: 1, resetRate: 1 })).toBe("reset");
  });

  it("injects close to the requested rate and reproduces the same decisions from the same seed", () => {
    const run = () => {
      const rng = mulberry32(1234);
      return Array.from({ length: 2000 }, () => decideFault(rng, { errorRate: 0.2, resetRate: 0.05 }));
    };
    const d = run();
    expect(run()).toEqual(d);
    const errors = d.filter((x) => x === "error").length / d.length;
    const resets = d.filter((x) => x === "reset").length / d.length;
    expect(errors).toBeGreaterThan(0.15);
    expect(errors).toBeLessThan(0.25);
    expect(resets).toBeGreaterThan(0.03);
    expect(resets).toBeLessThan(0.08);
  });
});
