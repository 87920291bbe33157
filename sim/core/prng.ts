// Seedable PRNG so fault injection is reproducible in tests (Math.random cannot be seeded).

export type Rng = () => number;

/** mulberry32: tiny, fast, good enough for fault dice. Returns floats in [0, 1). */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type FaultDecision = "none" | "reset" | "error";

/**
 * Decides the fate of one request. Two draws are always taken so that changing one rate does
 * not shift the sequence of decisions for the other.
 */
export function decideFault(rng: Rng, rates: { errorRate: number; resetRate: number }): FaultDecision {
  const resetDraw = rng();
  const errorDraw = rng();
  if (resetDraw < rates.resetRate) return "reset";
  if (errorDraw < rates.errorRate) return "error";
  return "none";
}
