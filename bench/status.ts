/**
 * Status benchmark (not a test): 200 concurrent `GET /v1/status` (and a mixed status/metrics
 * burst) against one configured gateway agent, with the shared live-state read turned off
 * ("before": `--status-cache-ms 0`, every request runs its own ip/nft/swanctl/bridge reads)
 * and on ("after": the default single-flight read reused for 1 s). Both agents serve the same
 * gateway namespace and state. A third, in-process agent whose live reads cost nothing gives the
 * HTTPS floor (TLS + HTTP + JSON on this host as loaded right now). Rounds are interleaved and
 * repeated; medians, min–max, failures, agent CPU per burst and the ratio are printed side by
 * side. Goal: p99 < 1 s with the cache.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/status.js        (root; BENCH_ROUNDS=3, BENCH_CONCURRENCY=200)
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import {
  ADDR,
  AgentProc,
  Lab,
  buildAgent,
  call,
  skipReason,
  startAgent,
  stopAgent,
  waitFor,
} from "../test/datapath/lab";
import { Agent } from "../gateway/agent/agent";
import { startApi } from "../gateway/agent/api";
import type { ExecResult, Executor } from "../gateway/agent/exec";
import { ensureTlsIdentity } from "../gateway/agent/tls";

const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 3);
const CONCURRENCY = Number(process.env["BENCH_CONCURRENCY"] ?? 200);

/** CPU seconds of a process and its reaped children (the ip/nft/swanctl it ran): load-independent cost. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid ?? 0}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime, stime, cutime, cstime are fields 14-17 (11-14 after the command name).
    return [11, 12, 13, 14].reduce((t, i) => t + Number(f[i]), 0) / 100;
  } catch {
    return NaN;
  }
}

function percentile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
}
const median = (xs: number[]) => percentile(xs, 0.5);

function gatewayDoc(side: "A" | "B", psk: string): unknown {
  const me = side === "A";
  return {
    apiVersion: "l2stretch.gateway/v1",
    identity: { name: `gw${side}`, site: side },
    underlay: {
      localAddress: me ? ADDR.gwA : ADDR.gwB,
      peerAddress: me ? ADDR.gwB : ADDR.gwA,
      vtepLocal: me ? ADDR.vtepA : ADDR.vtepB,
      vtepPeer: me ? ADDR.vtepB : ADDR.vtepA,
    },
    transport: {
      type: "ipsec",
      localId: `gw${side}`,
      peerId: me ? "gwB" : "gwA",
      auth: { method: "psk", psk },
    },
    networks: [
      { name: "blue", vni: 100, attachment: { type: "interface", interface: "eth1" }, gatewayIp: ADDR.gw },
      { name: "green", vni: 200, attachment: { type: "interface", interface: "eth2" } },
    ],
  };
}

/**
 * Fires `n` requests at once; returns each answered one's latency in ms and how many failed
 * (reset or not 200): an overloaded agent drops connections, which is part of the result.
 */
async function burst(
  agent: { port: number },
  token: string,
  n: number,
  mixed: boolean,
): Promise<{ lat: number[]; failed: number }> {
  const one = async (i: number): Promise<number | undefined> => {
    const t0 = performance.now();
    try {
      const r = await call(agent.port, "GET", mixed && i % 2 === 1 ? "/metrics" : "/v1/status", { token });
      return r.status === 200 ? performance.now() - t0 : undefined;
    } catch {
      return undefined;
    }
  };
  const all = await Promise.all(Array.from({ length: n }, (_, i) => one(i)));
  const lat = all.filter((x): x is number => x !== undefined);
  return { lat, failed: n - lat.length };
}

/** Answers every live-state command instantly with "nothing there": no process is started. */
const instantExecutor: Executor = {
  where: "nowhere",
  async run(argv: string[]): Promise<ExecResult> {
    const cmd = argv.join(" ");
    if (cmd.startsWith("ip -j")) return { code: 0, stdout: "[]", stderr: "" };
    if (cmd.startsWith("nft -j")) return { code: 0, stdout: '{"nftables":[]}', stderr: "" };
    return { code: 1, stdout: "", stderr: "not run" };
  },
  spawnDaemon(): number {
    throw new Error("the floor agent starts no daemon");
  },
};

/**
 * The HTTPS floor: an agent in this process whose live reads cost nothing, so its latency is
 * TLS, HTTP and JSON alone (and it shares this process's CPU with the client: an upper bound).
 */
async function startFloorAgent(dir: string, token: string): Promise<{ port: number; close: () => void }> {
  const agent = new Agent({ stateDir: dir, executor: instantExecutor });
  const tls = await ensureTlsIdentity(path.join(dir, "tls"), "l2stretch-floor");
  const { server, port } = await startApi({ agent, tls, token, host: "127.0.0.1", port: 0 });
  return { port, close: () => server.close() };
}

async function main(): Promise<void> {
  const why = skipReason();
  if (why) {
    process.stdout.write(`bench:status cannot run here: ${why}\n`);
    return;
  }
  const lab = new Lab();
  const agents: AgentProc[] = [];
  const closers: (() => void)[] = [];
  try {
    lab.build();
    const mainJs = buildAgent(lab.dir);
    const token = randomBytes(24).toString("hex");
    const tokenFile = path.join(lab.dir, "token");
    fs.writeFileSync(tokenFile, token, { mode: 0o600 });
    const psk = randomBytes(33).toString("base64");
    const stateA = path.join(lab.dir, "state-A");
    const [a, b] = await Promise.all([
      startAgent(lab, mainJs, stateA, tokenFile, lab.ns.gwA),
      startAgent(lab, mainJs, path.join(lab.dir, "state-B"), tokenFile, lab.ns.gwB),
    ]);
    agents.push(a, b);
    for (const [agent, side] of [
      [a, "A"],
      [b, "B"],
    ] as const) {
      const r = await call(agent.port, "PUT", "/v1/config", {
        token,
        body: JSON.stringify(gatewayDoc(side, psk)),
      });
      if (r.status !== 200) throw new Error(`PUT failed: ${r.status} ${r.body}`);
    }
    await waitFor(
      "tunnel up",
      async () =>
        ((await call(a.port, "GET", "/v1/status", { token })).json() as { tunnel: { up: boolean } }).tunnel
          .up,
      60_000,
      500,
    );
    // A second agent on the same gateway and state, reading live state for every request.
    const uncached = await startAgent(lab, mainJs, stateA, tokenFile, lab.ns.gwA, ["--status-cache-ms", "0"]);
    agents.push(uncached);
    const floorDir = path.join(lab.dir, "floor");
    fs.mkdirSync(floorDir, { recursive: true });
    const floor = await startFloorAgent(floorDir, token);
    closers.push(floor.close);
    const modes: [string, { port: number; proc?: AgentProc["proc"] }][] = [
      ["before (no shared read)", uncached],
      ["after (single-flight, 1 s)", a],
      ["HTTPS floor (no live reads, in-process)", floor],
    ];
    const lines: string[] = [];
    for (const mixed of [false, true]) {
      const p50: Record<string, number[]> = {};
      const p99: Record<string, number[]> = {};
      const fails: Record<string, number[]> = {};
      const cpu: Record<string, number[]> = {};
      for (let round = 0; round < ROUNDS; round++) {
        for (const [name, agent] of round % 2 === 0 ? modes : [...modes].reverse()) {
          const cpu0 = cpuSeconds(agent.proc?.pid);
          const { lat, failed } = await burst(agent, token, CONCURRENCY, mixed);
          (cpu[name] ??= []).push(cpuSeconds(agent.proc?.pid) - cpu0);
          // Failed requests count as the slowest: a p99 must not improve by dropping requests.
          const all = [...lat, ...new Array<number>(failed).fill(Number.POSITIVE_INFINITY)];
          (p50[name] ??= []).push(percentile(all, 0.5));
          (p99[name] ??= []).push(percentile(all, 0.99));
          (fails[name] ??= []).push(failed);
          process.stderr.write(
            `${mixed ? "mixed" : "status"} round ${round + 1} ${name}: p50 ${percentile(all, 0.5).toFixed(0)} ms, p99 ${percentile(all, 0.99).toFixed(0)} ms, failed ${failed}\n`,
          );
        }
      }
      const what = mixed ? `${CONCURRENCY / 2} status + ${CONCURRENCY / 2} metrics` : `${CONCURRENCY} status`;
      for (const [name] of modes) {
        const xs = p99[name] as number[];
        lines.push(
          `| ${what} | ${name} | ${median(p50[name] as number[]).toFixed(0)} | ${median(xs).toFixed(0)} | ${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)} | ${(fails[name] as number[]).join("/")} | ${Number.isFinite(median(cpu[name] as number[])) ? median(cpu[name] as number[]).toFixed(1) : "-"} |`,
        );
      }
      const ratio = median(p99[modes[0][0]] as number[]) / median(p99[modes[1][0]] as number[]);
      lines.push(`| ${what} | ratio before/after (p99) | | ${ratio.toFixed(1)}x | | | |`);
    }
    process.stdout.write(
      [
        `| burst | agent | p50 ms (median of ${ROUNDS}) | p99 ms (median) | p99 min–max | failed per round | agent CPU s per burst (median) |`,
        `|---|---|---|---|---|---|---|`,
        ...lines,
      ].join("\n") +
        `\n(goal: p99 < 1000 ms with the shared read; ${os.cpus().length} CPUs shared with the lab; ` +
        `load average ${os
          .loadavg()
          .map((x) => x.toFixed(1))
          .join(" ")})\n`,
    );
  } finally {
    for (const close of closers) close();
    for (const ag of agents) await stopAgent(ag);
    lab.teardown();
    lab.removeDir();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${String(e)}\n`);
  process.exit(1);
});
