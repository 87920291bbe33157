/** Small statistics helpers for the benchmark (medians, spreads and percentiles of samples). */

/** Nearest-rank percentile, q in [0, 1]; NaN for no samples. */
export function percentile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const rank = Math.ceil(q * s.length) - 1;
  return s[Math.min(s.length - 1, Math.max(0, rank))] as number;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spread(xs: readonly number[]): Spread {
  const ok = xs.filter(Number.isFinite);
  return { median: median(ok), min: Math.min(...ok), max: Math.max(...ok) };
}

export function fmt(x: number, digits = 0): string {
  return Number.isFinite(x) ? x.toFixed(digits) : "-";
}

/** `median [min–max]`, the form every throughput cell of the table takes. */
export function fmtSpread(s: Spread, digits = 0): string {
  if (!Number.isFinite(s.median)) return "-";
  return `${fmt(s.median, digits)} [${fmt(s.min, digits)}–${fmt(s.max, digits)}]`;
}
