/** Turns the collected samples into the benchmark's table, ratios and guard figures. */
import { fmt, fmtSpread, percentile, spread } from "./stats";

export interface Sample {
  repeat: number;
  load: string;
  mbits1: number;
  mbits4: number;
  rtt1: number[];
  rtt4: number[];
  pingSent: number;
  /** CPU seconds per GB carried, over both TCP runs, per gateway daemon. */
  cpuPerGbA: number;
  cpuPerGbB: number;
  flood?: { mbits: number; api: number[]; exec: number[]; rtt: number[] };
}

export interface ScenarioResult {
  key: string;
  label: string;
  note: string;
  samples: Sample[];
  apiIdle: number[];
}

const p = (xs: number[], q: number, d = 1) => fmt(percentile(xs, q), d);

export function renderTable(results: ScenarioResult[]): string {
  const rows = results.map((r) => {
    const s = r.samples;
    const rtt1 = s.flatMap((x) => x.rtt1);
    const rtt4 = s.flatMap((x) => x.rtt4);
    const sent = s.reduce((a, x) => a + 2 * x.pingSent, 0);
    const loss = sent ? (100 * (sent - rtt1.length - rtt4.length)) / sent : NaN;
    const cpu = (f: (x: Sample) => number) => fmtSpread(spread(s.map(f)), 1);
    return `| ${r.label} | ${fmtSpread(spread(s.map((x) => x.mbits1)))} | ${fmtSpread(spread(s.map((x) => x.mbits4)))} | ${p(rtt1, 0.5, 2)} / ${p(rtt1, 0.99)} | ${p(rtt4, 0.5, 2)} / ${p(rtt4, 0.99)} | ${fmt(loss, 1)} | ${cpu((x) => x.cpuPerGbA)} / ${cpu((x) => x.cpuPerGbB)} | ${r.note} |`;
  });
  return [
    "| scenario | 1 stream Mbit/s median [min–max] | 4 streams Mbit/s | ping p50 / p99 ms, 1 stream | ping p50 / p99 ms, 4 streams | ping loss % | daemon CPU-s/GB gwA / gwB | note |",
    "|---|---|---|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}

function medianOf(r: ScenarioResult, f: (x: Sample) => number): number {
  return spread(r.samples.map(f)).median;
}

/** Ratios of every row to the chosen references (medians of the throughput columns). */
export function renderRatios(results: ScenarioResult[], refs: { key: string; name: string }[]): string {
  const present = refs.filter((ref) => results.some((r) => r.key === ref.key));
  if (present.length === 0) return "";
  const head = `| scenario | ${present.map((x) => `÷ ${x.name} (1 / 4 streams)`).join(" | ")} |`;
  const rows = results.map((r) => {
    const cells = present.map((ref) => {
      const b = results.find((x) => x.key === ref.key) as ScenarioResult;
      const q = (f: (x: Sample) => number) => fmt(medianOf(r, f) / medianOf(b, f), 2);
      return `${q((x) => x.mbits1)}× / ${q((x) => x.mbits4)}×`;
    });
    return `| ${r.label} | ${cells.join(" | ")} |`;
  });
  return [head, `|---|${present.map(() => "---|").join("")}`, ...rows].join("\n");
}

export function renderGuard(results: ScenarioResult[]): string {
  const rows = results
    .filter((r) => r.samples.some((s) => s.flood))
    .map((r) => {
      const f = r.samples.flatMap((s) => (s.flood ? [s.flood] : []));
      const api = f.flatMap((x) => x.api);
      const exec = f.flatMap((x) => x.exec);
      const rtt = f.flatMap((x) => x.rtt);
      const failed = api.filter((x) => !Number.isFinite(x)).length;
      return `| ${r.label} | ${p(r.apiIdle, 0.5)} / ${p(r.apiIdle, 0.99)} | ${p(api, 0.5)} / ${p(api, 0.99)} (${api.length} calls, ${failed} failed) | ${p(exec, 0.5)} / ${p(exec, 0.99)} | ${p(rtt, 0.5, 2)} / ${p(rtt, 0.99)} | ${fmtSpread(spread(f.map((x) => x.mbits)))} |`;
    });
  if (rows.length === 0) return "";
  return [
    "| under a UDP flood (iperf3 -u -b 0) | agent API p50 / p99 ms idle | agent API p50 / p99 ms, flood | new process in gwA p50 / p99 ms | ping p50 / p99 ms | flood delivered Mbit/s |",
    "|---|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}
