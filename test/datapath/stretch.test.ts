/**
 * Two sites in network namespaces, two agents (one per gateway namespace) configured over
 * HTTPS, and the data path checked end to end, including faults. See lab.ts for the topology.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { GatewayConfigInput } from "../../contract/gatewayDocument";
import {
  ADDR,
  AgentProc,
  Lab,
  PingMonitor,
  buildAgent,
  call,
  skipReason,
  sleep,
  startAgent,
  stopAgent,
  waitFor,
  labGatewayConfig,
} from "./lab";
import { computeBudget } from "../../contract/mtu";
import { DEFAULT_DATAPATH_SCHEDULING, ThreadScheduling, threadScheduling } from "../../gateway/agent/tuning";

const reason = skipReason();
if (reason) {
  console.warn(`datapath tests SKIPPED: ${reason}`);
}
const describeIf = reason ? describe.skip : describe;

const PSK = randomBytes(33).toString("base64");

function gatewayConfig(side: "A" | "B"): GatewayConfigInput {
  return labGatewayConfig(side, PSK, [
    { name: "blue", vni: 100, attachment: { type: "interface", interface: "eth1" }, gatewayIp: ADDR.gw },
    { name: "green", vni: 200, attachment: { type: "interface", interface: "eth2" } },
  ]);
}

const budget = computeBudget({ underlayMtu: 1500, transport: { type: "ipsec", backend: "kernel-libipsec" } });

describeIf("encrypted L2 stretch between two namespaced sites", () => {
  const lab = reason ? (undefined as unknown as Lab) : new Lab();
  const token = randomBytes(24).toString("hex");
  let mainJs = "";
  let tokenFile = "";
  const agents: Record<"A" | "B", AgentProc | undefined> = { A: undefined, B: undefined };
  const stateDir = (s: "A" | "B") => path.join(lab.dir, `state-${s}`);
  const put = (s: "A" | "B", body: unknown) =>
    call((agents[s] as AgentProc).port, "PUT", "/v1/config", {
      token,
      body: JSON.stringify(body),
      fingerprint: agents[s]?.fingerprint256,
    });
  const status = async (s: "A" | "B") => {
    const r = await call((agents[s] as AgentProc).port, "GET", "/v1/status", {
      token,
      fingerprint: agents[s]?.fingerprint256,
    });
    return r.json() as {
      tunnel: { up: boolean; charonRestarts: number };
      networks: { name: string; remoteMacs: string[] }[];
      leakGuardDrops: number;
      pathMtu: { value: number } | null;
    };
  };
  const pingOk = (ns: string, dst: string, extra: string[] = []) =>
    lab.nsx(ns, ["ping", "-n", "-c", "1", "-W", "1", ...extra, dst]).code === 0;
  const charonPid = (s: "A" | "B") =>
    Number(fs.readFileSync(path.join(stateDir(s), "charon/charon.pid"), "utf8"));

  beforeAll(async () => {
    lab.build();
    mainJs = buildAgent(lab.dir);
    tokenFile = path.join(lab.dir, "token");
    fs.writeFileSync(tokenFile, token, { mode: 0o600 });
    [agents.A, agents.B] = await Promise.all([
      startAgent(lab, mainJs, stateDir("A"), tokenFile, lab.ns.gwA),
      startAgent(lab, mainJs, stateDir("B"), tokenFile, lab.ns.gwB),
    ]);
    const [ra, rb] = await Promise.all([put("A", gatewayConfig("A")), put("B", gatewayConfig("B"))]);
    for (const r of [ra, rb])
      if (r.status !== 200) throw new Error(`PUT /v1/config failed: ${r.status} ${r.body}`);
    await waitFor(
      "tunnel up on both sides",
      async () => (await status("A")).tunnel.up && (await status("B")).tunnel.up,
      30_000,
      200,
    );
    await waitFor("first ping across", () => pingOk(lab.ns.vmA, ADDR.b), 30_000, 200);
  }, 180_000);

  afterAll(async () => {
    if (!lab) return;
    if (process.env["L2STRETCH_KEEP_LAB"]) {
      // Debugging aid: leave everything running and say where it is.

      console.log(`lab kept: ${JSON.stringify(lab.ns)} dir ${lab.dir}`);
      return;
    }
    for (const s of ["A", "B"] as const) if (agents[s]) await stopAgent(agents[s] as AgentProc);
    lab.teardown();
    lab.removeDir();
  }, 60_000);

  describe("agent API", () => {
    test("no token and a wrong token are refused with 401", async () => {
      const port = (agents.A as AgentProc).port;
      expect((await call(port, "GET", "/v1/status")).status).toBe(401);
      expect((await call(port, "GET", "/v1/config", { token: "wrong-token-wrong-token" })).status).toBe(401);
      expect((await call(port, "PUT", "/v1/config", { token: token + "x", body: "{}" })).status).toBe(401);
      expect((await call(port, "GET", "/metrics")).status).toBe(401);
    });

    test("malformed JSON is a 400 with the reason", async () => {
      const r = await call((agents.A as AgentProc).port, "PUT", "/v1/config", {
        token,
        body: '{"apiVersion": ',
      });
      expect(r.status).toBe(400);
      expect((r.json() as { error: string }).error).toMatch(/malformed JSON/);
    });

    test("a body over 1 MiB is refused with 413", async () => {
      const big = JSON.stringify({ pad: "x".repeat(1024 * 1024 + 10) });
      const r = await call((agents.A as AgentProc).port, "PUT", "/v1/config", { token, body: big });
      expect(r.status).toBe(413);
    });

    test("GET /v1/config returns the live document with secrets redacted; /metrics is Prometheus text", async () => {
      const r = await call((agents.A as AgentProc).port, "GET", "/v1/config", {
        token,
        fingerprint: agents.A?.fingerprint256,
      });
      expect(r.status).toBe(200);
      const doc = r.json() as { config: { transport: { auth: { psk: string } } }; digest: string };
      expect(doc.config.transport.auth.psk).toMatch(/^sha256:/);
      expect(r.body).not.toContain(PSK);
      const m = await call((agents.A as AgentProc).port, "GET", "/metrics", { token });
      expect(m.status).toBe(200);
      expect(m.body).toMatch(/^l2stretch_tunnel_up 1$/m);
      expect(m.body).toMatch(/# TYPE l2stretch_network_bytes counter/);
    });
  });

  /** Every thread of the daemon runs SCHED_RR (policy 2) at the agent's default priority. */
  const expectTuned = (threads: ThreadScheduling[]) => {
    expect(threads.length).toBeGreaterThan(1);
    const off = threads.filter(
      (t) => t.policy !== 2 || t.rtPriority !== DEFAULT_DATAPATH_SCHEDULING.priority,
    );
    expect(off).toEqual([]);
  };

  describe("data path", () => {
    test("the agent runs every charon thread SCHED_RR (data-path tuning), and itself one step above", () => {
      for (const s of ["A", "B"] as const) {
        expectTuned(threadScheduling(charonPid(s)));
        const agent = threadScheduling((agents[s] as AgentProc).proc.pid as number);
        expect(agent.length).toBeGreaterThan(1);
        expect(
          agent.filter((t) => t.policy !== 2 || t.rtPriority !== DEFAULT_DATAPATH_SCHEDULING.priority + 10),
        ).toEqual([]);
      }
    });

    test("ARP resolves across and ping passes", () => {
      lab.nsx(lab.ns.vmA, ["ip", "neigh", "flush", "dev", "eth0"]);
      const out = lab.nsx(lab.ns.vmA, ["ping", "-n", "-c", "3", "-i", "0.2", "-W", "2", ADDR.b]);
      expect(out.code).toBe(0);
      const neigh = lab.nmust(lab.ns.vmA, ["ip", "-j", "neigh", "show", ADDR.b]);
      const entry = (JSON.parse(neigh) as { lladdr?: string }[])[0];
      expect(entry?.lladdr).toBe(lab.mac(lab.ns.vmB, "eth0"));
    });

    test("the bridges learn the remote MACs on the tunnel port", async () => {
      const macB = lab.mac(lab.ns.vmB, "eth0");
      const macA = lab.mac(lab.ns.vmA, "eth0");
      // A status reading may be up to the agent's status cache (1 s) old: wait for one after the pings.
      const learned = async (s: "A" | "B", mac: string) =>
        (await status(s)).networks.find((n) => n.name === "blue")?.remoteMacs.includes(mac) === true;
      await waitFor("gateway A's status to list B's MAC", () => learned("A", macB), 15_000, 300);
      await waitFor("gateway B's status to list A's MAC", () => learned("B", macA), 15_000, 300);
      const fdb = lab.nmust(lab.ns.gwA, ["bridge", "fdb", "show", "br", "l2br100"]);
      expect(fdb).toContain(`${macB} dev l2vx100`);
      // Two HTTPS status calls: on a loaded host they can take more than jest's default 5 s.
    }, 30_000);

    test("a bounded TCP transfer passes (MSS clamped, VMs left at MTU 1500)", () => {
      const server = lab.bg(["ip", "netns", "exec", lab.ns.vmB, "iperf3", "-s", "-1", "-p", "5201"]);
      try {
        const r = waitForSync(() =>
          lab.nsx(lab.ns.vmA, ["timeout", "40", "iperf3", "-c", ADDR.b, "-p", "5201", "-n", "16M", "-J"], {
            timeoutMs: 45_000,
          }),
        );
        expect(r.code).toBe(0);
        const j = JSON.parse(r.stdout) as {
          end: { sum_sent: { bytes: number }; sum_received: { bytes: number; bits_per_second: number } };
        };
        // The sender's total is exact with -n; the receiver's summary may close before the last segments.
        expect(j.end.sum_sent.bytes).toBeGreaterThanOrEqual(16 * 1024 * 1024);
        expect(j.end.sum_received.bytes).toBeGreaterThan(0);

        console.log(
          `TCP 16 MiB siteA->siteB: ${(j.end.sum_received.bits_per_second / 1e6).toFixed(0)} Mbit/s`,
        );
      } finally {
        server.kill("SIGKILL");
      }
    });

    test(`DF ping at the computed inner MTU (${budget.innerMtu}) passes and one byte more fails`, async () => {
      const ok = budget.innerMtu - 28;
      // Retry once: the very first large packet may race a fresh ARP/FDB entry.
      const pass =
        pingOk(lab.ns.vmA, ADDR.b, ["-M", "do", "-s", String(ok)]) ||
        pingOk(lab.ns.vmA, ADDR.b, ["-M", "do", "-s", String(ok)]);
      expect(pass).toBe(true);
      expect(pingOk(lab.ns.vmA, ADDR.b, ["-M", "do", "-s", String(ok + 1)])).toBe(false);
      const s = await waitFor("path MTU measurement", async () => (await status("A")).pathMtu, 30_000, 500);
      expect(s?.value).toBe(budget.tunnelMtu);
    });

    test(`a TCP SYN's MSS is clamped to ${budget.mss} (tcpdump)`, async () => {
      const dump = lab.bg([
        "ip",
        "netns",
        "exec",
        lab.ns.vmB,
        "tcpdump",
        "-ni",
        "eth0",
        "-l",
        "-v",
        "-c",
        "1",
        "tcp[tcpflags] & tcp-syn != 0 and tcp[tcpflags] & tcp-ack == 0 and tcp dst port 5202",
      ]);
      let out = "";
      let err = "";
      dump.stdout?.on("data", (b: Buffer) => (out += b.toString()));
      dump.stderr?.on("data", (b: Buffer) => (err += b.toString()));
      try {
        await waitFor("tcpdump to listen", () => err.includes("listening on"), 10_000, 50);
        // VM A offers 1460 (MTU 1500); the gateway must rewrite it on the way across.
        lab.nsx(lab.ns.vmA, ["timeout", "3", "bash", "-c", `exec 3<>/dev/tcp/${ADDR.b}/5202`]);
        await waitFor("the SYN to be captured", () => /mss \d+/.test(out), 10_000, 50);
        expect(/mss (\d+)/.exec(out)?.[1]).toBe(String(budget.mss));
      } finally {
        dump.kill("SIGKILL");
      }
    });

    test("the site gateway IP is answered locally on each side (ARP not carried across)", () => {
      for (const [vm, rt] of [
        [lab.ns.vmA, lab.ns.rtA],
        [lab.ns.vmB, lab.ns.rtB],
      ] as const) {
        lab.nsx(vm, ["ip", "neigh", "flush", "dev", "eth0"]);
        expect(pingOk(vm, ADDR.gw)).toBe(true);
        const entry = (
          JSON.parse(lab.nmust(vm, ["ip", "-j", "neigh", "show", ADDR.gw])) as { lladdr?: string }[]
        )[0];
        expect(entry?.lladdr).toBe(lab.mac(rt, "br0"));
      }
      // And the other site's router never saw an ARP request for it from across the stretch:
      // its neighbour table has no entry for the remote VM.
      const farNeigh = lab.nsx(lab.ns.rtB, ["ip", "-j", "neigh", "show", ADDR.a]).stdout;
      expect(JSON.parse(farNeigh || "[]")).toEqual([]);
    });

    test("two networks with different VNIs stay isolated", () => {
      expect(pingOk(lab.ns.vmA2, ADDR.b2) || pingOk(lab.ns.vmA2, ADDR.b2)).toBe(true);
      // Same IP subnet, different VNI: blue must not reach green.
      lab.nsx(lab.ns.vmA, ["ip", "neigh", "flush", "dev", "eth0"]);
      expect(pingOk(lab.ns.vmA, ADDR.b2)).toBe(false);
      expect(pingOk(lab.ns.vmA2, ADDR.b)).toBe(false);
    });
  });

  describe("faults", () => {
    for (const side of ["B", "A"] as const) {
      test(`kill -9 of the IKE daemon on gw${side}: traffic resumes without operator action`, async () => {
        const mon = new PingMonitor(lab, lab.ns.vmA, ADDR.b);
        try {
          await mon.replyAfter(Date.now(), 10_000);
          const before = (await status(side)).tunnel;
          const killedAt = Date.now();
          process.kill(charonPid(side), "SIGKILL");
          await mon.replyAfter(killedAt + 500, 60_000);
          const resumedAt = Date.now();
          await sleep(1000);
          const gap = mon.gapMs(killedAt - 1000);

          console.log(
            `RESTART GAP gw${side} charon SIGKILL: longest gap between ping replies ${(gap / 1000).toFixed(2)} s (resumed ${((resumedAt - killedAt) / 1000).toFixed(2)} s after the kill)`,
          );
          expect(gap).toBeLessThan(30_000);
          expect((await status(side)).tunnel.charonRestarts).toBeGreaterThan(before.charonRestarts);
        } finally {
          mon.stop();
        }
      }, 90_000);
    }

    test("a charon restarted by the supervisor gets the data-path tuning again", () => {
      for (const s of ["A", "B"] as const) expectTuned(threadScheduling(charonPid(s)));
    });

    test("tunnel down: 0 clear-text VXLAN packets on the WAN, even with the blackhole route removed", async () => {
      const agentA = agents.A as AgentProc;
      // Freeze gwA's agent so its supervisor does not restart charon during the window.
      process.kill(agentA.proc.pid as number, "SIGSTOP");
      const countVxlan = async (seconds: number): Promise<number> => {
        const dump = lab.bg([
          "ip",
          "netns",
          "exec",
          lab.ns.wan,
          "tcpdump",
          "-ni",
          "a0",
          "-l",
          "udp port 4789",
        ]);
        let out = "";
        let err = "";
        dump.stdout?.on("data", (b: Buffer) => (out += b.toString()));
        dump.stderr?.on("data", (b: Buffer) => (err += b.toString()));
        await waitFor("tcpdump to listen", () => err.includes("listening on"), 10_000, 50);
        const traffic = lab.bg([
          "ip",
          "netns",
          "exec",
          lab.ns.vmA,
          "ping",
          "-n",
          "-i",
          "0.1",
          "-c",
          String(seconds * 10),
          "-w",
          String(seconds),
          ADDR.b,
        ]);
        await new Promise((r) => traffic.once("exit", r));
        dump.kill("SIGINT");
        await new Promise((r) => dump.once("exit", r));
        return out.split("\n").filter((l) => l.includes("4789")).length;
      };
      try {
        const pid = charonPid("A");
        process.kill(pid, "SIGKILL");
        await waitFor(
          "ipsec0 to disappear",
          () => lab.nsx(lab.ns.gwA, ["ip", "link", "show", "ipsec0"]).code !== 0,
          10_000,
        );
        const withBlackhole = await countVxlan(2);
        // Someone deletes the fail-closed route and routes the VTEP to the WAN: nft still drops.
        lab.nmust(lab.ns.gwA, ["ip", "route", "del", "blackhole", `${ADDR.vtepB}/32`]);
        lab.nmust(lab.ns.gwA, ["ip", "route", "add", `${ADDR.vtepB}/32`, "via", ADDR.wanA]);
        const withRouteToWan = await countVxlan(2);
        const guard = lab.nmust(lab.ns.gwA, ["nft", "list", "chain", "inet", "l2stretch", "stretch_out"]);

        console.log(
          `LEAK TEST: clear-text VXLAN on the WAN with charon dead: ${withBlackhole} (blackhole route), ${withRouteToWan} (route to WAN, nft guard only)`,
        );
        expect(withBlackhole).toBe(0);
        expect(withRouteToWan).toBe(0);
        expect(/counter packets (\d+)/.exec(guard)?.[1]).not.toBe("0");
        lab.nmust(lab.ns.gwA, ["ip", "route", "del", `${ADDR.vtepB}/32`]);
      } finally {
        process.kill(agentA.proc.pid as number, "SIGCONT");
      }
      // The agent restarts charon; a re-PUT of the same config repairs the removed route.
      const r = await put("A", gatewayConfig("A"));
      expect(r.status).toBe(200);
      expect(
        (r.json() as { apply: { actions: { action: string }[] } }).apply.actions.map((a) => a.action),
      ).toContain("fail-closed-route");
      await waitFor("traffic back after the leak test", () => pingOk(lab.ns.vmA, ADDR.b), 60_000, 200);
    }, 120_000);

    test("agent restart: no interruption for unchanged networks, and nothing is re-applied", async () => {
      const mon = new PingMonitor(lab, lab.ns.vmA, ADDR.b);
      try {
        await mon.replyAfter(Date.now(), 10_000);
        const t0 = Date.now();
        await stopAgent(agents.A as AgentProc);
        agents.A = await startAgent(lab, mainJs, stateDir("A"), tokenFile, lab.ns.gwA);
        await waitFor(
          "startup convergence log",
          () => /startup convergence/.test((agents.A as AgentProc).stderr()),
          30_000,
        );
        expect((agents.A as AgentProc).stderr()).toMatch(/startup convergence: ok \(0 actions/);
        const r = await put("A", gatewayConfig("A"));
        expect((r.json() as { result: string }).result).toBe("unchanged");
        await sleep(1000);
        const gap = mon.gapMs(t0);

        console.log(`AGENT RESTART: longest gap between ping replies ${gap} ms`);
        expect(gap).toBeLessThan(500);
      } finally {
        mon.stop();
      }
    }, 90_000);

    test("a bad config is rejected with the field named, and the old one keeps running", async () => {
      const before = await call((agents.B as AgentProc).port, "GET", "/v1/config", { token });
      const bad = gatewayConfig("B");
      (bad.networks[1] as { vni: number }).vni = 0;
      const r = await put("B", bad);
      expect(r.status).toBe(400);
      const body = r.json() as { issues: { path: string }[] };
      expect(body.issues.map((i) => i.path)).toContain("networks.1.vni");
      const missing = gatewayConfig("B");
      (missing.networks[1] as { attachment: { type: "interface"; interface: string } }).attachment = {
        type: "interface",
        interface: "eth9",
      };
      const r2 = await put("B", missing);
      expect(r2.status).toBe(422);
      expect((r2.json() as { issues: { path: string }[] }).issues.map((i) => i.path)).toContain(
        "networks.1.attachment.interface",
      );
      const after = await call((agents.B as AgentProc).port, "GET", "/v1/config", { token });
      expect((after.json() as { digest: string }).digest).toBe((before.json() as { digest: string }).digest);
      expect(pingOk(lab.ns.vmA, ADDR.b) || pingOk(lab.ns.vmA, ADDR.b)).toBe(true);
      expect(pingOk(lab.ns.vmA2, ADDR.b2) || pingOk(lab.ns.vmA2, ADDR.b2)).toBe(true);
    }, 60_000);
  });
});

/** Runs fn up to 3 times until it exits 0 (iperf3's one-off server may need a moment to bind). */
function waitForSync<T extends { code: number }>(fn: () => T): T {
  let r = fn();
  for (let i = 0; i < 2 && r.code !== 0; i++) {
    spawnSleep(300);
    r = fn();
  }
  return r;
}

function spawnSleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
