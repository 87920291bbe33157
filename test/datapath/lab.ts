/**
 * Two-site lab in network namespaces for the data-path tests and the benchmark.
 *
 *   siteA-vm  (blue) ─┐                                              ┌─ siteB-vm  (blue)
 *   siteA-vm2 (green)─┼ eth1/eth2 [gwA] wan0 ── wan router ── wan0 [gwB] eth1/eth2 ┼─ siteB-vm2 (green)
 *   siteA-rt  (blue) ─┘  203.0.113.1     203.0.113.254 / 198.51.100.254   198.51.100.2 └─ siteB-rt (blue)
 *
 * Every name carries a per-run suffix, only documentation/private ranges are used, and every
 * address lives inside a namespace created here. Nothing is sent outside those namespaces.
 */
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as https from "node:https";
import { randomBytes } from "node:crypto";
import type { GatewayConfigInput } from "../../contract/gatewayDocument";

/** The repository root: the nearest package.json upwards (works from test/ and from dist/). */
export const REPO = ((): string => {
  let d = __dirname;
  while (!fs.existsSync(path.join(d, "package.json")) || path.basename(d) === "dist") {
    const up = path.dirname(d);
    // Compiled somewhere outside the repository: fall back to the working directory.
    if (up === d) return process.cwd();
    d = up;
  }
  return d;
})();

/** Why namespace tests cannot run here, or undefined when they can. */
export function skipReason(): string | undefined {
  if (process.platform !== "linux") return "not Linux";
  if (typeof process.getuid === "function" && process.getuid() !== 0)
    return "needs root to create network namespaces";
  const need = ["ip", "bridge", "nft", "swanctl", "tcpdump", "iperf3", "ping", "openssl"];
  for (const b of need) {
    if (spawnSync("sh", ["-c", `command -v ${b}`]).status !== 0) return `missing binary: ${b}`;
  }
  if (!fs.existsSync("/usr/sbin/charon-systemd"))
    return "missing /usr/sbin/charon-systemd (strongswan charon-systemd)";
  const probe = `l2probe-${randomBytes(3).toString("hex")}`;
  const r = spawnSync("ip", ["netns", "add", probe]);
  if (r.status !== 0) return `cannot create network namespaces: ${r.stderr.toString().trim()}`;
  spawnSync("ip", ["netns", "del", probe]);
  return undefined;
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function sh(argv: string[], opts: { input?: string; timeoutMs?: number } = {}): Run {
  const r = spawnSync(argv[0] as string, argv.slice(1), {
    input: opts.input,
    timeout: opts.timeoutMs ?? 30_000,
    encoding: "utf8",
  });
  return { code: r.status ?? 128, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

export function must(argv: string[], opts: { input?: string; timeoutMs?: number } = {}): string {
  const r = sh(argv, opts);
  if (r.code !== 0) throw new Error(`${argv.join(" ")} -> ${r.code}: ${r.stderr || r.stdout}`);
  return r.stdout;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `fn` until it returns a truthy value or the deadline passes. */
export async function waitFor<T>(
  what: string,
  fn: () => T | Promise<T>,
  timeoutMs: number,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ""}`,
      );
    await sleep(everyMs);
  }
}

export const ADDR = {
  a: "192.168.10.25",
  b: "192.168.10.100",
  a2: "192.168.10.125",
  b2: "192.168.10.200",
  gw: "192.168.10.1",
  gwA: "203.0.113.1",
  wanA: "203.0.113.254",
  gwB: "198.51.100.2",
  wanB: "198.51.100.254",
  vtepA: "192.0.2.1",
  vtepB: "192.0.2.2",
};

export class Lab {
  readonly id = randomBytes(3).toString("hex");
  readonly ns = {
    vmA: `l2t${this.id}-vmA`,
    vmA2: `l2t${this.id}-vmA2`,
    rtA: `l2t${this.id}-rtA`,
    gwA: `l2t${this.id}-gwA`,
    wan: `l2t${this.id}-wan`,
    gwB: `l2t${this.id}-gwB`,
    vmB: `l2t${this.id}-vmB`,
    vmB2: `l2t${this.id}-vmB2`,
    rtB: `l2t${this.id}-rtB`,
  };
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "l2stretch-lab-"));
  private readonly procs = new Set<ChildProcess>();
  private readonly created: string[] = [];

  nsx(ns: string, argv: string[], opts: { input?: string; timeoutMs?: number } = {}): Run {
    return sh(["ip", "netns", "exec", ns, ...argv], opts);
  }
  nmust(ns: string, argv: string[]): string {
    return must(["ip", "netns", "exec", ns, ...argv]);
  }

  /** Creates a namespace (lo up) that teardown() removes. */
  addNs(name: string): void {
    must(["ip", "netns", "add", name]);
    this.created.push(name);
    this.nmust(name, ["ip", "link", "set", "lo", "up"]);
  }

  /** veth between two namespaces, each end named as given. */
  veth(nsA: string, ifA: string, nsB: string, ifB: string): void {
    must(["ip", "link", "add", ifA, "netns", nsA, "type", "veth", "peer", "name", ifB, "netns", nsB]);
  }

  build(): void {
    for (const n of Object.values(this.ns)) this.addNs(n);
    const { ns } = this;
    const host = (n: string, ifc: string, addr: string, gw?: string) => {
      this.nmust(n, ["ip", "addr", "add", `${addr}/24`, "dev", ifc]);
      this.nmust(n, ["ip", "link", "set", ifc, "up"]);
      // Real frames of at most MTU size, as a NIC on a wire (veth GSO would hide MTU bugs).
      this.nsx(n, ["ethtool", "-K", ifc, "tso", "off", "gso", "off"]);
      if (gw) this.nmust(n, ["ip", "route", "add", "default", "via", gw]);
    };
    for (const [vm, vm2, rt, gw] of [
      [ns.vmA, ns.vmA2, ns.rtA, ns.gwA],
      [ns.vmB, ns.vmB2, ns.rtB, ns.gwB],
    ] as const) {
      // The site "switch" lives in the router namespace: rt has br0 with the VM and the
      // gateway's site interface, and holds the site's gateway IP .1 itself.
      this.veth(vm, "eth0", rt, "p-vm");
      this.veth(gw, "eth1", rt, "p-gw");
      this.nmust(rt, ["ip", "link", "add", "br0", "type", "bridge"]);
      for (const p of ["p-vm", "p-gw"]) {
        this.nmust(rt, ["ip", "link", "set", p, "master", "br0"]);
        this.nmust(rt, ["ip", "link", "set", p, "up"]);
      }
      this.nmust(rt, ["ip", "addr", "add", `${ADDR.gw}/24`, "dev", "br0"]);
      this.nmust(rt, ["ip", "link", "set", "br0", "up"]);
      this.nmust(gw, ["ip", "link", "set", "eth1", "up"]);
      // Green network: a second VM straight on the gateway's eth2.
      this.veth(vm2, "eth0", gw, "eth2");
      this.nmust(gw, ["ip", "link", "set", "eth2", "up"]);
      this.nmust(gw, ["sysctl", "-qw", "net.ipv4.ip_forward=0"]);
    }
    host(ns.vmA, "eth0", ADDR.a, ADDR.gw);
    host(ns.vmB, "eth0", ADDR.b, ADDR.gw);
    host(ns.vmA2, "eth0", ADDR.a2);
    host(ns.vmB2, "eth0", ADDR.b2);
    // WAN: a real routed hop between two documentation networks.
    this.veth(ns.gwA, "wan0", ns.wan, "a0");
    this.veth(ns.gwB, "wan0", ns.wan, "b0");
    this.nmust(ns.gwA, ["ip", "addr", "add", `${ADDR.gwA}/24`, "dev", "wan0"]);
    this.nmust(ns.gwB, ["ip", "addr", "add", `${ADDR.gwB}/24`, "dev", "wan0"]);
    this.nmust(ns.wan, ["ip", "addr", "add", `${ADDR.wanA}/24`, "dev", "a0"]);
    this.nmust(ns.wan, ["ip", "addr", "add", `${ADDR.wanB}/24`, "dev", "b0"]);
    for (const [n, i] of [
      [ns.wan, "a0"],
      [ns.wan, "b0"],
      [ns.gwA, "wan0"],
      [ns.gwB, "wan0"],
    ] as const)
      this.nmust(n, ["ip", "link", "set", i, "up"]);
    this.nmust(ns.wan, ["sysctl", "-qw", "net.ipv4.ip_forward=1"]);
    this.nmust(ns.gwA, ["ip", "route", "add", "default", "via", ADDR.wanA]);
    this.nmust(ns.gwB, ["ip", "route", "add", "default", "via", ADDR.wanB]);
  }

  mac(ns: string, ifc: string): string {
    const j = JSON.parse(this.nmust(ns, ["ip", "-j", "link", "show", ifc])) as { address: string }[];
    return (j[0] as { address: string }).address;
  }

  /** Starts a background process and remembers it for teardown. */
  bg(argv: string[], opts: { env?: NodeJS.ProcessEnv } = {}): ChildProcess {
    const p = spawn(argv[0] as string, argv.slice(1), {
      stdio: ["ignore", "pipe", "pipe"],
      env: opts.env ?? process.env,
    });
    this.procs.add(p);
    p.on("exit", () => this.procs.delete(p));
    return p;
  }

  /** Kills everything we started, every process left in our namespaces, and the namespaces. */
  teardown(): void {
    for (const p of this.procs)
      if (p.pid)
        try {
          process.kill(p.pid, "SIGKILL");
        } catch {
          /* gone */
        }
    for (const n of this.created) {
      // Daemons started by the agents (charon) run inside these namespaces: kill them by pid.
      const pids = sh(["ip", "netns", "pids", n]).stdout.split(/\s+/).filter(Boolean).map(Number);
      for (const pid of pids)
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          /* gone */
        }
    }
    for (const n of this.created.reverse()) sh(["ip", "netns", "del", n]);
    this.created.length = 0;
  }

  removeDir(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Compiles the agent once per test run into a temp dir (node runs it as plain CommonJS). */
export function buildAgent(outDir: string): string {
  const tsconfig = path.join(outDir, "tsconfig.agent.json");
  fs.writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: path.join(REPO, "tsconfig.json"),
      compilerOptions: {
        outDir: path.join(outDir, "dist"),
        rootDir: REPO,
        noEmit: false,
        declaration: false,
        sourceMap: false,
        incremental: false,
        typeRoots: [path.join(REPO, "node_modules/@types")],
        types: ["node"],
      },
      include: [],
      files: [path.join(REPO, "gateway/agent/main.ts")],
    }),
  );
  must([path.join(REPO, "node_modules/.bin/tsc"), "-p", tsconfig], { timeoutMs: 120_000 });
  return path.join(outDir, "dist/gateway/agent/main.js");
}

export interface AgentProc {
  proc: ChildProcess;
  port: number;
  fingerprint256: string;
  stderr: () => string;
}

export async function startAgent(
  lab: Lab,
  mainJs: string,
  stateDir: string,
  tokenFile: string,
  netns: string,
  extraArgs: string[] = [],
): Promise<AgentProc> {
  const proc = lab.bg(
    [
      "node",
      mainJs,
      "--state-dir",
      stateDir,
      "--listen",
      "127.0.0.1:0",
      "--token-file",
      tokenFile,
      "--netns",
      netns,
      ...extraArgs,
    ],
    {
      env: { ...process.env, NODE_PATH: path.join(REPO, "node_modules") },
    },
  );
  let out = "";
  let err = "";
  proc.stdout?.on("data", (b: Buffer) => (out += b.toString()));
  proc.stderr?.on("data", (b: Buffer) => (err += b.toString()));
  const line = await waitFor(
    "agent to listen",
    () => {
      if (proc.exitCode !== null) throw new Error(`agent exited ${proc.exitCode}: ${err}`);
      return out.split("\n").find((l) => l.includes('"listening"'));
    },
    60_000,
    50,
  );
  const info = JSON.parse(line as string) as { port: number; fingerprint256: string };
  return { proc, port: info.port, fingerprint256: info.fingerprint256, stderr: () => err };
}

export async function stopAgent(a: AgentProc): Promise<void> {
  if (a.proc.exitCode !== null) return;
  const done = new Promise((r) => a.proc.once("exit", r));
  a.proc.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([done, new Promise((r) => (timer = setTimeout(r, 5000)))]);
  clearTimeout(timer);
  if (a.proc.exitCode === null) a.proc.kill("SIGKILL");
}

export interface HttpResult {
  status: number;
  body: string;
  json: () => unknown;
  fingerprint256: string | undefined;
}

/** HTTPS call that pins the agent's certificate by fingerprint instead of trusting a CA. */
export function call(
  port: number,
  method: string,
  urlPath: string,
  opts: { token?: string; body?: string | Buffer; fingerprint?: string } = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    if (opts.token !== undefined) headers["authorization"] = `Bearer ${opts.token}`;
    if (opts.body !== undefined) {
      headers["content-type"] = "application/json";
      headers["content-length"] = Buffer.byteLength(opts.body);
    }
    const req = https.request(
      {
        host: "127.0.0.1",
        port,
        method,
        path: urlPath,
        headers,
        rejectUnauthorized: false,
        timeout: 120_000,
        agent: false,
      },
      (res) => {
        const cert = (res.socket as import("node:tls").TLSSocket).getPeerCertificate?.();
        const fp = cert?.fingerprint256;
        if (opts.fingerprint && fp !== opts.fingerprint) {
          res.destroy();
          reject(new Error(`certificate fingerprint ${fp} does not match the pinned ${opts.fingerprint}`));
          return;
        }
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const body = Buffer.concat(chunks).toString();
          resolve({
            status: res.statusCode ?? 0,
            body,
            json: () => JSON.parse(body) as unknown,
            fingerprint256: fp,
          });
        });
      },
    );
    req.on("error", reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/** Continuous ping (10/s) with timestamps; `gap()` is the longest interval between replies. */
export class PingMonitor {
  private out = "";
  readonly proc: ChildProcess;
  constructor(lab: Lab, ns: string, target: string) {
    this.proc = lab.bg(["ip", "netns", "exec", ns, "ping", "-D", "-n", "-i", "0.1", "-W", "1", target]);
    this.proc.stdout?.on("data", (b: Buffer) => (this.out += b.toString()));
  }
  replies(): number[] {
    return [...this.out.matchAll(/^\[(\d+\.\d+)\] \d+ bytes from/gm)].map((m) => Number(m[1]) * 1000);
  }
  /** Resolves once a reply newer than `afterMs` (epoch ms) arrived. */
  async replyAfter(afterMs: number, timeoutMs: number): Promise<void> {
    await waitFor("a ping reply", () => this.replies().some((t) => t > afterMs), timeoutMs, 100);
  }
  stop(): void {
    this.proc.kill("SIGINT");
  }
  /** Longest gap between consecutive replies within [fromMs, toMs]. */
  gapMs(fromMs = 0, toMs = Number.MAX_SAFE_INTEGER): number {
    const t = this.replies().filter((x) => x >= fromMs && x <= toMs);
    let g = 0;
    for (let i = 1; i < t.length; i++) g = Math.max(g, (t[i] as number) - (t[i - 1] as number));
    return g;
  }
}

/**
 * The gateway document of one lab site (A or B) facing the other: underlay, VTEPs and IKEv2
 * with the given PSK over the lab's WAN, carrying `networks`.
 */
export function labGatewayConfig(
  side: "A" | "B",
  psk: string,
  networks: GatewayConfigInput["networks"],
): GatewayConfigInput {
  const me = side === "A";
  return {
    apiVersion: "l2stretch.gateway/v1",
    identity: { name: `gw${side}`, site: `site-${side.toLowerCase()}` },
    underlay: {
      localAddress: me ? ADDR.gwA : ADDR.gwB,
      peerAddress: me ? ADDR.gwB : ADDR.gwA,
      mtu: 1500,
      vtepLocal: me ? ADDR.vtepA : ADDR.vtepB,
      vtepPeer: me ? ADDR.vtepB : ADDR.vtepA,
    },
    transport: {
      type: "ipsec",
      backend: "kernel-libipsec",
      localId: `gw${side}.example.net`,
      peerId: `gw${me ? "B" : "A"}.example.net`,
      auth: { method: "psk", psk },
      dpdDelaySeconds: 2,
    },
    networks,
  };
}
