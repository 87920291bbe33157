/**
 * Gateways behind NAT, in network namespaces (lab.ts + natLab.ts), with a 1400-byte WAN MTU:
 *  (a) gwA behind a masquerading NAT initiates; gwB has a public address and only responds,
 *      to a peer it knows by identity alone (`peerAddress: "any"`);
 *  (b) both behind NATs; gwB is reached through a port-forward of UDP 4501 on its NAT
 *      (`peerIkePort: 4501` on gwA), and again only responds.
 * Each proves ARP across, the DF budget to the byte, TCP across, no outer fragments on the WAN,
 * the reported path MTU, and that the responder never sends an IKE_SA_INIT, even after its
 * IKE daemon was killed.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { GatewayConfigInput } from "../../contract/gatewayDocument";
import { computeBudget } from "../../contract/mtu";
import { ADDR, AgentProc, Lab, buildAgent, call, skipReason, startAgent, stopAgent, waitFor } from "./lab";
import { Capture, PRIVATE, PUBLIC, Side, putBehindNat, setWanMtu } from "./natLab";

const reason = skipReason();
if (reason) console.warn(`datapath NAT tests SKIPPED: ${reason}`);
const describeIf = reason ? describe.skip : describe;

const WAN_MTU = 1400;
const budget = computeBudget({
  underlayMtu: WAN_MTU,
  transport: { type: "ipsec", backend: "kernel-libipsec" },
});
const PSK = randomBytes(33).toString("base64");

interface NatCase {
  title: string;
  /** Public UDP port of gwB's NAT forwarded to gwB:4500; undefined = gwB has a public address. */
  forwardB?: number;
}

const CASES: NatCase[] = [
  { title: "(a) gwA behind a masquerading NAT, gwB responder-only with a public address" },
  { title: "(b) both behind NAT, gwB responder-only behind a port-forward of UDP 4501", forwardB: 4501 },
];

function natConfig(side: Side, c: NatCase): GatewayConfigInput {
  const a = side === "A";
  return {
    apiVersion: "l2stretch.gateway/v1",
    identity: { name: `gw${side}`, site: `site-${side.toLowerCase()}` },
    underlay: a
      ? {
          localAddress: PRIVATE.A.gw,
          peerAddress: PUBLIC.B,
          peerIkePort: c.forwardB ?? 500,
          mtu: WAN_MTU,
          vtepLocal: ADDR.vtepA,
          vtepPeer: ADDR.vtepB,
        }
      : {
          localAddress: c.forwardB === undefined ? PUBLIC.B : PRIVATE.B.gw,
          peerAddress: "any",
          mtu: WAN_MTU,
          vtepLocal: ADDR.vtepB,
          vtepPeer: ADDR.vtepA,
        },
    transport: {
      type: "ipsec",
      backend: "kernel-libipsec",
      localId: `gw${side}.example.net`,
      peerId: `gw${a ? "B" : "A"}.example.net`,
      auth: { method: "psk", psk: PSK },
      role: a ? "initiator" : "responder",
      dpdDelaySeconds: 2,
      natKeepaliveSeconds: 10,
    },
    networks: [
      { name: "blue", vni: 100, attachment: { type: "interface", interface: "eth1" }, gatewayIp: ADDR.gw },
    ],
  };
}

/**
 * IKE_SA_INIT requests (exchange type 34, response flag clear): on port 500 the IKE header
 * starts right after the UDP header, on any other port after the 4-byte non-ESP marker.
 */
const IKE_SA_INIT_REQUESTS =
  "(udp port 500 and udp[26] = 34 and (udp[27] & 0x20) = 0) or " +
  "(udp and not udp port 500 and udp[8:4] = 0 and udp[30] = 34 and (udp[31] & 0x20) = 0)";
/** IPv4 fragments: more-fragments flag or a non-zero offset. */
const FRAGMENTS = "ip[6:2] & 0x3fff != 0";

/** The agent is compiled once for both cases (it is the slowest part of a case's setup). */
let agentBuild: { dir: string; mainJs: string } | undefined;
function agentMainJs(): string {
  if (!agentBuild) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "l2stretch-nat-agent-"));
    agentBuild = { dir, mainJs: buildAgent(dir) };
  }
  return agentBuild.mainJs;
}
afterAll(() => {
  if (agentBuild) fs.rmSync(agentBuild.dir, { recursive: true, force: true });
});

for (const c of CASES) {
  describeIf(`NAT: ${c.title}; WAN MTU ${WAN_MTU}`, () => {
    const lab = reason ? (undefined as unknown as Lab) : new Lab();
    const token = randomBytes(24).toString("hex");
    const agents: Partial<Record<Side, AgentProc>> = {};
    let mainJs = "";
    let tokenFile = "";
    /** Everything on gwB's side of the WAN router, for the whole run. */
    let ikeInits: Capture;
    let fragments: Capture;
    const stateDir = (s: Side) => path.join(lab.dir, `state-${s}`);
    const agent = (s: Side) => agents[s] as AgentProc;
    const put = (s: Side) =>
      call(agent(s).port, "PUT", "/v1/config", {
        token,
        body: JSON.stringify(natConfig(s, c)),
        fingerprint: agent(s).fingerprint256,
      });
    const status = async (s: Side) =>
      (
        await call(agent(s).port, "GET", "/v1/status", { token, fingerprint: agent(s).fingerprint256 })
      ).json() as {
        tunnel: { up: boolean; charonRestarts: number };
        pathMtu: { value: number; underlayMtu: number; underlaySource: string } | null;
      };
    const pingOk = (ns: string, dst: string, extra: string[] = []) =>
      lab.nsx(ns, ["ping", "-n", "-c", "1", "-W", "2", ...extra, dst]).code === 0;
    const charonLog = (s: Side) => fs.readFileSync(path.join(stateDir(s), "charon/charon.log"), "utf8");

    beforeAll(async () => {
      lab.build();
      putBehindNat(lab, "A");
      if (c.forwardB !== undefined) putBehindNat(lab, "B", { forward: c.forwardB });
      setWanMtu(lab, WAN_MTU);
      ikeInits = new Capture(lab, lab.ns.wan, "b0", IKE_SA_INIT_REQUESTS);
      fragments = new Capture(lab, lab.ns.wan, "b0", FRAGMENTS);
      await Promise.all([ikeInits.listening(), fragments.listening()]);
      mainJs = agentMainJs();
      tokenFile = path.join(lab.dir, "token");
      fs.writeFileSync(tokenFile, token, { mode: 0o600 });
      [agents.A, agents.B] = await Promise.all([
        startAgent(lab, mainJs, stateDir("A"), tokenFile, lab.ns.gwA),
        startAgent(lab, mainJs, stateDir("B"), tokenFile, lab.ns.gwB),
      ]);
      // The responder first, so the initiator's first attempt finds it listening.
      for (const s of ["B", "A"] as const) {
        const r = await put(s);
        if (r.status !== 200) throw new Error(`PUT /v1/config on gw${s} failed: ${r.status} ${r.body}`);
      }
      await waitFor(
        "tunnel up on both sides",
        async () => (await status("A")).tunnel.up && (await status("B")).tunnel.up,
        60_000,
        200,
      );
      await waitFor("first ping across", () => pingOk(lab.ns.vmA, ADDR.b), 30_000, 200);
    }, 240_000);

    afterAll(async () => {
      if (!lab) return;
      if (process.env["L2STRETCH_KEEP_LAB"]) {
        // Debugging aid: leave everything running and say where it is.
        console.log(`lab kept: ${JSON.stringify(lab.ns)} dir ${lab.dir}`);
        return;
      }
      await ikeInits?.stop();
      await fragments?.stop();
      for (const s of ["A", "B"] as const) if (agents[s]) await stopAgent(agent(s));
      lab.teardown();
      lab.removeDir();
    }, 60_000);

    test("ARP resolves across the stretch", () => {
      lab.nsx(lab.ns.vmA, ["ip", "neigh", "flush", "dev", "eth0"]);
      expect(lab.nsx(lab.ns.vmA, ["ping", "-n", "-c", "3", "-i", "0.2", "-W", "2", ADDR.b]).code).toBe(0);
      const entry = (
        JSON.parse(lab.nmust(lab.ns.vmA, ["ip", "-j", "neigh", "show", ADDR.b])) as { lladdr?: string }[]
      )[0];
      expect(entry?.lladdr).toBe(lab.mac(lab.ns.vmB, "eth0"));
    });

    test(`DF ping at the budget (payload ${budget.innerMtu - 28}) passes, one byte more fails, and the outer packet is exactly ${WAN_MTU} bytes`, async () => {
      const atBudget = budget.innerMtu - 28;
      const full = new Capture(lab, lab.ns.wan, "b0", `udp and ip[2:2] = ${WAN_MTU}`);
      try {
        await full.listening();
        const pass =
          pingOk(lab.ns.vmA, ADDR.b, ["-M", "do", "-s", String(atBudget)]) ||
          pingOk(lab.ns.vmA, ADDR.b, ["-M", "do", "-s", String(atBudget)]);
        const over = pingOk(lab.ns.vmA, ADDR.b, ["-M", "do", "-s", String(atBudget + 1)]);
        await waitFor("the full-size packets on the WAN", () => full.lines().length >= 2, 5000, 50).catch(
          () => undefined,
        );
        console.log(
          `NAT ${c.title}: DF ${atBudget} ${pass ? "passes" : "FAILS"}, DF ${atBudget + 1} ${over ? "PASSES" : "fails"}; ${full.lines().length} outer packets of ${WAN_MTU} bytes on the WAN`,
        );
        expect(pass).toBe(true);
        expect(over).toBe(false);
        expect(full.lines().length).toBeGreaterThanOrEqual(2);
      } finally {
        await full.stop();
      }
    });

    test("TCP crosses (VMs at MTU 1500, MSS clamped) and DF-clear 1400-byte pings pass, without outer fragments", async () => {
      // Its own capture, stopped before counting: the transfer below blocks the event loop.
      const window = new Capture(lab, lab.ns.wan, "b0", FRAGMENTS);
      await window.listening();
      const server = lab.bg(["ip", "netns", "exec", lab.ns.vmB, "iperf3", "-s", "-1", "-p", "5201"]);
      try {
        let r = lab.nsx(
          lab.ns.vmA,
          ["timeout", "40", "iperf3", "-c", ADDR.b, "-p", "5201", "-n", "8M", "-J"],
          {
            timeoutMs: 45_000,
          },
        );
        for (let i = 0; i < 2 && r.code !== 0; i++) {
          // iperf3's one-off server may need a moment to bind.
          lab.nsx(lab.ns.vmA, ["sleep", "0.5"]);
          r = lab.nsx(lab.ns.vmA, ["timeout", "40", "iperf3", "-c", ADDR.b, "-p", "5201", "-n", "8M", "-J"], {
            timeoutMs: 45_000,
          });
        }
        expect(r.code).toBe(0);
        const j = JSON.parse(r.stdout) as { end: { sum_sent: { bytes: number } } };
        expect(j.end.sum_sent.bytes).toBeGreaterThanOrEqual(8 * 1024 * 1024);
      } finally {
        server.kill("SIGKILL");
      }
      // Larger than the inner MTU without DF: fragmented inside the stretch, never outside.
      const clear = lab.nsx(lab.ns.vmA, [
        "ping",
        "-n",
        "-c",
        "3",
        "-i",
        "0.2",
        "-W",
        "2",
        "-M",
        "dont",
        "-s",
        "1400",
        ADDR.b,
      ]);
      expect(clear.code).toBe(0);
      await window.stop();
      const seen = window.lines().length;
      console.log(`NAT ${c.title}: TCP 8 MiB + DF-clear 1400-byte pings: ${seen} outer fragments on the WAN`);
      expect(seen).toBe(0);
    }, 90_000);

    test(`both agents report a path MTU of ${budget.tunnelMtu}, the largest unfragmented tunnel packet`, async () => {
      for (const s of ["A", "B"] as const) {
        const p = await waitFor(`gw${s} path MTU`, async () => (await status(s)).pathMtu, 60_000, 500);
        console.log(`NAT ${c.title}: gw${s} pathMtu ${JSON.stringify(p)}`);
        expect(p?.value).toBe(budget.tunnelMtu);
        expect(p?.underlayMtu).toBe(WAN_MTU);
      }
    }, 130_000);

    test("the responder's IKE daemon killed: the initiator re-establishes, the responder never initiates", async () => {
      const before = (await status("B")).tunnel.charonRestarts;
      const pid = Number(fs.readFileSync(path.join(stateDir("B"), "charon/charon.pid"), "utf8"));
      const killedAt = Date.now();
      process.kill(pid, "SIGKILL");
      await waitFor(
        "gwB's charon restarted",
        async () => (await status("B")).tunnel.charonRestarts > before,
        30_000,
        200,
      );
      // gwA's DPD (2 s, then retransmits) notices and re-initiates through both NATs.
      await waitFor("traffic back", () => pingOk(lab.ns.vmA, ADDR.b), 90_000, 500);
      console.log(
        `NAT ${c.title}: gwB charon SIGKILL: traffic back ${((Date.now() - killedAt) / 1000).toFixed(1)} s later (gwA's DPD re-initiated)`,
      );
      expect((await status("B")).tunnel.up).toBe(true);
    }, 120_000);

    test("only gwA sent IKE_SA_INIT requests; gwB's charon never initiated, and no outer fragment was seen", async () => {
      await ikeInits.stop();
      await fragments.stop();
      const fromA = ikeInits.from(PUBLIC.A);
      const fromB = ikeInits.from(PUBLIC.B);
      const logB = charonLog("B");
      const initiatedB = logB.split("\n").filter((l) => /initiating IKE_SA/.test(l));
      const initiatedA = charonLog("A")
        .split("\n")
        .filter((l) => /initiating IKE_SA/.test(l));
      console.log(
        `NAT ${c.title}: IKE_SA_INIT requests on the WAN: ${fromA.length} from gwA's side, ${fromB.length} from gwB's side; ` +
          `"initiating IKE_SA" in charon logs: gwA ${initiatedA.length}, gwB ${initiatedB.length}; ` +
          `outer fragments over the whole run: ${fragments.lines().length}`,
      );
      expect(fromA.length).toBeGreaterThanOrEqual(2); // the first connection and the re-establishment
      if (c.forwardB !== undefined)
        expect(fromA.every((l) => l.includes(`> ${PUBLIC.B}.${c.forwardB}:`))).toBe(true);
      expect(fromB).toEqual([]);
      expect(initiatedB).toEqual([]);
      expect(logB).toMatch(/IKE_SA l2stretch\[\d+\] established/);
      expect(fragments.lines()).toEqual([]);
    });
  });
}
