/**
 * Scheduling of the data-path daemon (charon with kernel-libipsec encrypts every packet in
 * userspace).
 *
 * Why real-time: measured on a 2-vCPU gateway, most of the encrypted stretch's loss against
 * OpenVPN and most of its latency under load came from charon being descheduled while the TUN
 * ring filled. SCHED_RR at a low priority on all of charon's threads doubled throughput and
 * cut ping p99 under load from ~25 ms to ~2 ms (figures in the README, `npm run bench:datapath`).
 *
 * The guard: the kernel's RT throttling (`kernel.sched_rt_runtime_us`, 950000 of 1000000 µs by
 * default) keeps ≥ 5 % of every CPU for normal tasks however hard the tunnel is flooded, so the
 * agent, SSH and the shell stay reachable. Where throttling is disabled (-1) nothing would bound
 * an RT flood, so the tuning is refused instead of applied. IKE runs inside charon, so it shares
 * the daemon's priority and stays responsive too.
 */
import * as fs from "node:fs";
import { Executor } from "./exec";

export type DatapathScheduling = { policy: "rr"; priority: number } | { policy: "off" };

/** Low RT priority: above every normal task, below the kernel's own RT threads (≥ 50). */
export const DEFAULT_DATAPATH_SCHEDULING = {
  policy: "rr",
  priority: 10,
} as const satisfies DatapathScheduling;

export const RT_RUNTIME_FILE = "/proc/sys/kernel/sched_rt_runtime_us";

/**
 * The agent's own scheduling: one step above the data path when that is real-time, so a flood
 * that keeps charon busy cannot delay the API (its short-lived helpers, ip/nft/swanctl,
 * inherit it). Left alone when the data path runs normally.
 */
export function controlPlaneScheduling(datapath: DatapathScheduling): DatapathScheduling | undefined {
  return datapath.policy === "rr"
    ? { policy: "rr", priority: Math.min(49, datapath.priority + 10) }
    : undefined;
}

/** Parses the agent's `--datapath-scheduling` value: `rr`, `rr:<1-49>` or `off`. */
export function parseDatapathScheduling(text: string): DatapathScheduling {
  if (text === "off") return { policy: "off" };
  const m = /^rr(?::(\d+))?$/.exec(text);
  const priority = m ? Number(m[1] ?? DEFAULT_DATAPATH_SCHEDULING.priority) : NaN;
  if (!m || !Number.isInteger(priority) || priority < 1 || priority > 49)
    throw new Error(`bad --datapath-scheduling ${text}: use rr, rr:<1-49> or off`);
  return { policy: "rr", priority };
}

/** chrt command that sets the policy on every thread of `pid` (off = back to SCHED_OTHER). */
export function schedulingArgv(pid: number, s: DatapathScheduling): string[] {
  return s.policy === "rr"
    ? ["chrt", "--all-tasks", "--rr", "--pid", String(s.priority), String(pid)]
    : ["chrt", "--all-tasks", "--other", "--pid", "0", String(pid)];
}

/** Why real-time scheduling must not be used on this host, or undefined when it may. */
export function rtGuardProblem(rtRuntimeFile = RT_RUNTIME_FILE): string | undefined {
  let runtime: number;
  try {
    runtime = Number(fs.readFileSync(rtRuntimeFile, "utf8").trim());
  } catch {
    return `cannot read ${rtRuntimeFile}`;
  }
  if (runtime < 0) return `RT throttling is disabled (${rtRuntimeFile} = -1): a flood could starve the agent`;
  return undefined;
}

export interface SchedulingOutcome {
  applied: DatapathScheduling;
  /** Set when the requested real-time policy was refused or failed (the daemon then runs normally). */
  problem?: string;
}

/**
 * Applies `wanted` to every thread of the daemon. Threads created later inherit the policy from
 * the thread that creates them, so applying it once the daemon is ready covers them too.
 */
export async function applyScheduling(
  ex: Executor,
  pid: number,
  wanted: DatapathScheduling,
  rtRuntimeFile = RT_RUNTIME_FILE,
): Promise<SchedulingOutcome> {
  const problem = wanted.policy === "rr" ? rtGuardProblem(rtRuntimeFile) : undefined;
  const target: DatapathScheduling = problem ? { policy: "off" } : wanted;
  const r = await ex.run(schedulingArgv(pid, target));
  if (r.code !== 0) {
    const why = `chrt failed: ${r.stderr.trim() || r.stdout.trim()}`;
    return { applied: { policy: "off" }, problem: problem ? `${problem}; ${why}` : why };
  }
  return problem ? { applied: target, problem } : { applied: target };
}

/** Parses `--datapath-cpus`: a CPU list as taskset takes it (`1`, `1-3`, `0,2`). */
export function parseCpuList(text: string): string {
  if (!/^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(text))
    throw new Error(`bad --datapath-cpus ${text}: use a list like 1 or 1-3`);
  return text;
}

/** taskset command that pins every thread of `pid` to `cpus`. */
export function placementArgv(pid: number, cpus: string): string[] {
  return ["taskset", "--all-tasks", "--cpu-list", "--pid", cpus, String(pid)];
}

/** Pins the daemon's threads; a failure is reported, not thrown (the tunnel still works). */
export async function applyPlacement(ex: Executor, pid: number, cpus: string): Promise<string | undefined> {
  const r = await ex.run(placementArgv(pid, cpus));
  return r.code === 0 ? undefined : `taskset failed: ${r.stderr.trim() || r.stdout.trim()}`;
}

export interface ThreadScheduling {
  tid: number;
  /** Linux policy number: 0 SCHED_OTHER, 1 SCHED_FIFO, 2 SCHED_RR. */
  policy: number;
  rtPriority: number;
}

/** The scheduling of every thread of `pid`, read from /proc (fields 40 and 41 of stat). */
export function threadScheduling(pid: number): ThreadScheduling[] {
  const out: ThreadScheduling[] = [];
  let tids: string[];
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const t of tids) {
    try {
      const s = fs.readFileSync(`/proc/${pid}/task/${t}/stat`, "utf8");
      // Fields after the parenthesised comm start at field 3, so field N is index N - 3.
      const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
      out.push({ tid: Number(t), rtPriority: Number(f[40 - 3]), policy: Number(f[41 - 3]) });
    } catch {
      /* thread exited */
    }
  }
  return out;
}
