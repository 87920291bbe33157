/**
 * What the benchmark measures while a scenario carries traffic: iperf3 throughput, ping RTTs,
 * the CPU time of each gateway's tunnel daemon, and the agent API's latency. Every probe is
 * bounded (a count or a timeout) and stops by itself.
 */
import * as fs from "node:fs";
import { LocalExecutor } from "../../gateway/agent/exec";
import { ADDR, Lab, call } from "../../test/datapath/lab";

export interface Throughput {
  mbits: number;
  bytes: number;
}

/** TCP (or UDP flood) siteA-vm → siteB-vm; the receiver's count. Zero when iperf3 failed. */
export async function iperf(
  lab: Lab,
  opts: { seconds: number; streams: number; udpFlood?: boolean },
): Promise<Throughput> {
  const argv = ["iperf3", "-c", ADDR.b, "-t", String(opts.seconds), "-P", String(opts.streams), "-J"];
  // UDP without a rate limit: the worst case for the daemon's queues and for the guard.
  if (opts.udpFlood) argv.push("-u", "-b", "0", "-l", "1200");
  const r = await new LocalExecutor(lab.ns.vmA).run(["timeout", String(opts.seconds + 20), ...argv], {
    timeoutMs: (opts.seconds + 30) * 1000,
  });
  try {
    const j = JSON.parse(r.stdout) as {
      end: {
        sum_received?: { bits_per_second: number; bytes: number };
        sum?: { bits_per_second: number; bytes: number };
      };
    };
    const s = j.end.sum_received ?? j.end.sum;
    if (!s) return { mbits: 0, bytes: 0 };
    return { mbits: s.bits_per_second / 1e6, bytes: s.bytes };
  } catch {
    return { mbits: 0, bytes: 0 };
  }
}

export interface PingResult {
  rtts: number[];
  sent: number;
}

/** `rate` pings per second for `seconds` from siteA-vm to siteB-vm (needs root below 5/s). */
export function startPing(lab: Lab, seconds: number, rate: number): () => Promise<PingResult> {
  const count = Math.round(seconds * rate);
  const p = lab.bg([
    "ip",
    "netns",
    "exec",
    lab.ns.vmA,
    "timeout",
    String(seconds + 10),
    "ping",
    "-n",
    "-i",
    String(1 / rate),
    "-W",
    "1",
    "-c",
    String(count),
    ADDR.b,
  ]);
  let out = "";
  p.stdout?.on("data", (b: Buffer) => (out += b.toString()));
  return async () => {
    if (p.exitCode === null && p.signalCode === null) await new Promise((r) => p.once("exit", r));
    return { rtts: [...out.matchAll(/time=([\d.]+) ms/g)].map((m) => Number(m[1])), sent: count };
  };
}

const HZ = 100; // USER_HZ, the unit of /proc/PID/stat times

/** CPU seconds (user + system, all threads) used so far by these processes. */
export function cpuSeconds(pids: readonly number[]): number {
  let ticks = 0;
  for (const p of pids) {
    try {
      const s = fs.readFileSync(`/proc/${p}/stat`, "utf8");
      const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      /* exited */
    }
  }
  return ticks / HZ;
}

export interface ApiTarget {
  port: number;
  token: string;
}

/**
 * Calls the agent API back to back (GET /v1/config, then GET /v1/status, each a fresh TLS
 * connection as a controller would make) until `stop` resolves; returns every latency in ms.
 */
export async function pollApi(api: ApiTarget, stopAt: number): Promise<number[]> {
  const lat: number[] = [];
  let i = 0;
  while (Date.now() < stopAt) {
    const urlPath = i++ % 2 ? "/v1/status" : "/v1/config";
    const t0 = process.hrtime.bigint();
    try {
      const r = await call(api.port, "GET", urlPath, { token: api.token });
      if (r.status !== 200) throw new Error(`status ${r.status}`);
      lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
    } catch {
      lat.push(Infinity);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return lat;
}

/** The 1-minute load average, recorded with every run because the machine is shared. */
export function loadAverage(): string {
  return fs.readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
}

/**
 * Runs a trivial program in the gateway's namespace back to back until `stopAt`: the time to
 * get a new normal-priority process scheduled, which is what an SSH login or a shell needs.
 */
export async function pollExec(ns: string, stopAt: number): Promise<number[]> {
  const ex = new LocalExecutor(ns);
  const lat: number[] = [];
  while (Date.now() < stopAt) {
    const t0 = process.hrtime.bigint();
    const r = await ex.run(["true"], { timeoutMs: 10_000 });
    lat.push(r.code === 0 ? Number(process.hrtime.bigint() - t0) / 1e6 : Infinity);
    await new Promise((res) => setTimeout(res, 100));
  }
  return lat;
}
