/**
 * The agent under operator mistakes, in namespaces: every unsafe site port is refused with 422
 * (or 400 by the schema), and even when the kernel is forced into the misconfiguration by hand,
 * the bridge leak guard keeps the site's frames off the WAN and the management wire (tcpdump
 * counts). Then the two legitimate changes that used to fail: moving a network to another port
 * (no stray port left) and changing a VNI (only that network is rebuilt), each with the other
 * network's traffic measured as the agent-restart test does. See lab.ts for the topology; gwB
 * additionally gets mgmt0 (a management NIC on 10.255.0.0/24) and eth3 (a spare site cable).
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

const reason = skipReason();
if (reason) console.warn(`datapath tests SKIPPED: ${reason}`);
const describeIf = reason ? describe.skip : describe;

const PSK = randomBytes(33).toString("base64");
type Side = "A" | "B";
type Net = GatewayConfigInput["networks"][number];

const blue = (port = "eth1"): Net => ({
  name: "blue",
  vni: 100,
  attachment: { type: "interface", interface: port },
  gatewayIp: ADDR.gw,
});
const green = (vni = 200): Net => ({
  name: "green",
  vni,
  attachment: { type: "interface", interface: "eth2" },
});

function gatewayConfig(side: Side, networks: Net[]): GatewayConfigInput {
  return labGatewayConfig(side, PSK, networks);
}

const MGMT = { gw: "10.255.0.2", peer: "10.255.0.1" };
/** The site's broadcast address: a broadcast ping floods every port of the site bridge. */
const SITE_BROADCAST = "192.168.10.255";

describeIf("agent safety: unsafe site ports, leak guard, port moves and VNI changes", () => {
  const lab = reason ? (undefined as unknown as Lab) : new Lab();
  const token = randomBytes(24).toString("hex");
  let mainJs = "";
  let tokenFile = "";
  const agents: Record<Side, AgentProc | undefined> = { A: undefined, B: undefined };
  const nets: Record<Side, Net[]> = { A: [blue(), green()], B: [blue(), green()] };
  const stateDir = (s: Side) => path.join(lab.dir, `state-${s}`);
  const put = (s: Side, networks: Net[]) =>
    call((agents[s] as AgentProc).port, "PUT", "/v1/config", {
      token,
      body: JSON.stringify(gatewayConfig(s, networks)),
      fingerprint: agents[s]?.fingerprint256,
    });
  const status = async (s: Side) =>
    (
      await call((agents[s] as AgentProc).port, "GET", "/v1/status", {
        token,
        fingerprint: agents[s]?.fingerprint256,
      })
    ).json() as { tunnel: { up: boolean }; underlayGuardDrops: number; portGuardDrops: number };
  const pingOk = (ns: string, dst: string) =>
    lab.nsx(ns, ["ping", "-n", "-c", "1", "-W", "1", dst]).code === 0;
  const bridgePorts = (br: string) =>
    (JSON.parse(lab.nmust(lab.ns.gwB, ["ip", "-j", "link", "show", "master", br])) as { ifname: string }[])
      .map((l) => l.ifname)
      .sort();

  /**
   * Frames arriving on `ifc` in namespace `ns` that match `filter`, while site B's VM sends 20
   * broadcast pings (flooded to every port of gwB's blue bridge).
   */
  const framesDuringBroadcast = async (ns: string, ifc: string, filter: string): Promise<number> => {
    const dump = lab.bg([
      "ip",
      "netns",
      "exec",
      ns,
      "tcpdump",
      "-l",
      "-n",
      "-e",
      "-Q",
      "in",
      "-i",
      ifc,
      filter,
    ]);
    let out = "";
    let err = "";
    dump.stdout?.on("data", (b: Buffer) => (out += b.toString()));
    dump.stderr?.on("data", (b: Buffer) => (err += b.toString()));
    await waitFor("tcpdump to listen", () => err.includes("listening on"), 10_000, 50);
    lab.nsx(lab.ns.vmB, ["ping", "-n", "-b", "-c", "20", "-i", "0.1", "-W", "1", SITE_BROADCAST], {
      timeoutMs: 20_000,
    });
    await sleep(500);
    dump.kill("SIGINT");
    await new Promise((r) => dump.once("exit", r));
    return out.split("\n").filter((l) => l.trim().length > 0).length;
  };
  /** Site frames on the WAN: anything gwB's WAN router receives that gwB itself did not send. */
  const wanLeak = () =>
    framesDuringBroadcast(lab.ns.wan, "b0", `not ether src ${lab.mac(lab.ns.gwB, "wan0")}`);
  const mgmtLeak = () =>
    framesDuringBroadcast(lab.ns.wan, "m0", `not ether src ${lab.mac(lab.ns.gwB, "mgmt0")}`);

  const expect422 = async (networks: Net[], path: string, message: RegExp) => {
    const r = await put("B", networks);
    expect(r.status).toBe(422);
    const body = r.json() as { issues: { path: string; message: string }[] };
    expect(body.issues).toContainEqual({ path, message: expect.stringMatching(message) as unknown });
  };

  /** Puts gwB back to its last good config and waits for the stretch to carry blue again. */
  const restore = async () => {
    const r = await put("B", nets.B);
    if (r.status !== 200) throw new Error(`restore failed: ${r.status} ${r.body}`);
    await waitFor("blue across again", () => pingOk(lab.ns.vmA, ADDR.b), 60_000, 200);
  };

  beforeAll(async () => {
    lab.build();
    const { ns } = lab;
    lab.veth(ns.gwB, "mgmt0", ns.wan, "m0");
    lab.nmust(ns.gwB, ["ip", "addr", "add", `${MGMT.gw}/24`, "dev", "mgmt0"]);
    lab.nmust(ns.wan, ["ip", "addr", "add", `${MGMT.peer}/24`, "dev", "m0"]);
    lab.veth(ns.gwB, "eth3", ns.rtB, "p-gw3");
    for (const [n, i] of [
      [ns.gwB, "mgmt0"],
      [ns.wan, "m0"],
      [ns.gwB, "eth3"],
      [ns.rtB, "p-gw3"],
    ] as const)
      lab.nmust(n, ["ip", "link", "set", i, "up"]);
    mainJs = buildAgent(lab.dir);
    tokenFile = path.join(lab.dir, "token");
    fs.writeFileSync(tokenFile, token, { mode: 0o600 });
    [agents.A, agents.B] = await Promise.all([
      startAgent(lab, mainJs, stateDir("A"), tokenFile, ns.gwA),
      startAgent(lab, mainJs, stateDir("B"), tokenFile, ns.gwB),
    ]);
    for (const s of ["A", "B"] as const) {
      const r = await put(s, nets[s]);
      if (r.status !== 200) throw new Error(`PUT /v1/config failed: ${r.status} ${r.body}`);
    }
    await waitFor("blue across", () => pingOk(ns.vmA, ADDR.b), 60_000, 200);
    await waitFor("green across", () => pingOk(ns.vmA2, ADDR.b2), 30_000, 200);
  }, 240_000);

  afterAll(async () => {
    if (!lab) return;
    if (process.env["L2STRETCH_KEEP_LAB"]) {
      console.log(`lab kept: ${JSON.stringify(lab.ns)} dir ${lab.dir}`);
      return;
    }
    for (const s of ["A", "B"] as const) if (agents[s]) await stopAgent(agents[s] as AgentProc);
    lab.teardown();
    lab.removeDir();
  }, 60_000);

  describe("unsafe site ports: 422 from the agent, 0 site frames on the WAN even when forced", () => {
    test("the underlay NIC (wan0) as site port", async () => {
      await expect422(
        [blue("wan0"), green()],
        "networks.0.attachment.interface",
        /wan0 carries the underlay address 198\.51\.100\.2 \(underlay\.localAddress\)/,
      );
      // Forced by hand, as a wrong document applied by an agent without verify would do.
      lab.nmust(lab.ns.gwB, ["ip", "link", "set", "wan0", "master", "l2br100"]);
      try {
        const guarded = await wanLeak();
        const drops = (await status("B")).underlayGuardDrops;
        // Control: the same traffic without the bridge guard table does reach the WAN.
        lab.nmust(lab.ns.gwB, ["nft", "delete", "table", "bridge", "l2stretch"]);
        const unguarded = await wanLeak();
        console.log(
          `LEAK GUARD wan0 in l2br100: ${guarded} site frames on the WAN with the guard (${drops} dropped by it), ${unguarded} without it`,
        );
        expect(guarded).toBe(0);
        expect(drops).toBeGreaterThan(0);
        expect(unguarded).toBeGreaterThan(0);
      } finally {
        lab.nmust(lab.ns.gwB, ["ip", "link", "set", "wan0", "nomaster"]);
      }
      await restore();
    }, 120_000);

    test("a management NIC (mgmt0) as site port", async () => {
      await expect422(
        [blue("mgmt0"), green()],
        "networks.0.attachment.interface",
        /mgmt0 carries the management address 10\.255\.0\.2\/24/,
      );
      lab.nmust(lab.ns.gwB, ["ip", "link", "set", "mgmt0", "master", "l2br100"]);
      try {
        const onMgmt = await mgmtLeak();
        const onWan = await wanLeak();
        console.log(
          `LEAK GUARD mgmt0 in l2br100: ${onMgmt} site frames on the management wire, ${onWan} on the WAN`,
        );
        expect(onMgmt).toBe(0);
        expect(onWan).toBe(0);
      } finally {
        lab.nmust(lab.ns.gwB, ["ip", "link", "set", "mgmt0", "nomaster"]);
      }
      await restore();
    }, 120_000);

    test("the loopback (lo) as site port: 422, not a failed apply", async () => {
      await expect422(
        [blue("lo"), green()],
        "networks.0.attachment.interface",
        /lo is the loopback interface/,
      );
      // The kernel refuses it anyway; the agent must say so before trying.
      expect(lab.nsx(lab.ns.gwB, ["ip", "link", "set", "lo", "master", "l2br100"]).code).not.toBe(0);
      const onWan = await wanLeak();
      console.log(`LEAK GUARD lo refused: ${onWan} site frames on the WAN`);
      expect(onWan).toBe(0);
      expect(pingOk(lab.ns.vmA, ADDR.b) || pingOk(lab.ns.vmA, ADDR.b)).toBe(true);
    }, 60_000);

    test("a port used by another network, and the same port twice", async () => {
      await expect422(
        [blue(), { name: "green", vni: 200, attachment: { type: "vlan", trunk: "eth1", vlanId: 30 } }],
        "networks.1.attachment.trunk",
        /trunk eth1 is the site port of network "blue"/,
      );
      const twice = await put("B", [
        blue(),
        { ...green(), attachment: { type: "interface", interface: "eth1" } },
      ]);
      expect(twice.status).toBe(400);
      expect((twice.json() as { issues: { path: string }[] }).issues.map((i) => i.path)).toContain(
        "networks.1.attachment",
      );
      // Forced: green's port pushed into blue's bridge. Blue's frames must reach neither green's
      // VM nor the WAN.
      lab.nmust(lab.ns.gwB, ["ip", "link", "set", "eth2", "master", "l2br100"]);
      try {
        const atGreen = await framesDuringBroadcast(
          lab.ns.vmB2,
          "eth0",
          `ether src ${lab.mac(lab.ns.vmB, "eth0")}`,
        );
        const onWan = await wanLeak();
        const drops = (await status("B")).portGuardDrops;
        console.log(
          `PORT GUARD eth2 in l2br100: ${atGreen} blue frames at green's VM, ${onWan} on the WAN (${drops} dropped by the port guard)`,
        );
        expect(atGreen).toBe(0);
        expect(onWan).toBe(0);
        expect(drops).toBeGreaterThan(0);
      } finally {
        lab.nmust(lab.ns.gwB, ["ip", "link", "set", "eth2", "nomaster"]);
      }
      await restore();
      await waitFor("green across again", () => pingOk(lab.ns.vmA2, ADDR.b2), 30_000, 200);
    }, 120_000);
  });

  describe("legitimate changes", () => {
    test("moving blue from eth1 to eth3 detaches eth1 and leaves green's traffic untouched", async () => {
      // The site cable moves from eth1 to eth3 (on site B's switch).
      lab.nmust(lab.ns.rtB, ["ip", "link", "set", "p-gw", "nomaster"]);
      lab.nmust(lab.ns.rtB, ["ip", "link", "set", "p-gw3", "master", "br0"]);
      const mon = new PingMonitor(lab, lab.ns.vmA2, ADDR.b2);
      try {
        await mon.replyAfter(Date.now(), 10_000);
        const t0 = Date.now();
        nets.B = [blue("eth3"), green()];
        const r = await put("B", nets.B);
        expect(r.status).toBe(200);
        const actions = (r.json() as { apply: { actions: { action: string; description: string }[] } }).apply
          .actions;
        expect(actions.map((a) => a.action)).toContain("detach-ports");
        expect(actions.map((a) => a.action)).not.toContain("network/green");
        expect(bridgePorts("l2br100")).toEqual(["eth3", "l2vx100"]);
        await waitFor("blue across through eth3", () => pingOk(lab.ns.vmA, ADDR.b), 30_000, 200);
        await sleep(1000);
        const gap = mon.gapMs(t0);
        console.log(`PORT MOVE blue eth1->eth3: green's longest gap between ping replies ${gap} ms`);
        expect(gap).toBeLessThan(500);
      } finally {
        mon.stop();
      }
    }, 90_000);

    test("changing green's VNI 200 -> 201 rebuilds only green; blue's traffic is untouched", async () => {
      const mon = new PingMonitor(lab, lab.ns.vmA, ADDR.b);
      try {
        await mon.replyAfter(Date.now(), 10_000);
        const t0 = Date.now();
        for (const s of ["A", "B"] as const) {
          nets[s] = [nets[s][0] as Net, green(201)];
          const r = await put(s, nets[s]);
          expect(r.status).toBe(200);
          const actions = (r.json() as { apply: { actions: { action: string; description: string }[] } })
            .apply.actions;
          expect(actions.find((a) => a.action === "network/green")?.description).toMatch(
            /VNI 200 -> 201: rebuilt as l2br201/,
          );
          expect(actions.map((a) => a.action)).not.toContain("network/blue");
        }
        expect(lab.nsx(lab.ns.gwB, ["ip", "link", "show", "l2br200"]).code).not.toBe(0);
        expect(bridgePorts("l2br201")).toEqual(["eth2", "l2vx201"]);
        await waitFor("green across on VNI 201", () => pingOk(lab.ns.vmA2, ADDR.b2), 30_000, 200);
        await sleep(1000);
        const gap = mon.gapMs(t0);
        console.log(`VNI CHANGE green 200->201: blue's longest gap between ping replies ${gap} ms`);
        expect(gap).toBeLessThan(500);
      } finally {
        mon.stop();
      }
    }, 90_000);
  });
});
