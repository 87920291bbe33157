/**
 * examples/gateway-pair with the real Pulumi CLI: one VxlanStretch between two reference
 * gateways whose data paths run in the namespace lab of test/datapath. Each change is
 * previewed first and its plan asserted: up → no-change preview → add a network in the
 * middle → change one network → remove the middle one → destroy leaves both gateways bare.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { StretchNetworkArgs } from "../../sdk";
import {
  ADDR,
  Lab,
  buildAgent,
  skipReason,
  startAgent,
  stopAgent,
  waitFor,
  type AgentProc,
} from "../datapath/lab";
import { ExampleStack, planOf, previewThenDestroy, previewThenUp, stepOf } from "../support/stack";

jest.setTimeout(300_000);

const reason = skipReason();
if (reason) console.warn(`gateway-pair e2e SKIPPED: ${reason}`);
const describeIf = reason ? describe.skip : describe;

const TOKEN = { A: `tokA-${randomBytes(16).toString("hex")}`, B: `tokB-${randomBytes(16).toString("hex")}` };
const PSK = `psk-${randomBytes(24).toString("hex")}`;
const NOTHING = { create: [], update: [], replace: [], delete: [] };

const network = (name: string, port: string, octet: number, extra: Partial<StretchNetworkArgs> = {}) => ({
  name,
  cidr: `192.168.${octet}.0/24`,
  gatewayIp: `192.168.${octet}.1`,
  siteA: { interface: port },
  siteB: { interface: port },
  ...extra,
});
const BLUE = network("blue", "eth1", 10, { egressOptimization: true });
const GREEN = network("green", "eth2", 20);
const RED = network("red", "eth3", 30);

describeIf("VxlanStretch between two reference gateways through the Pulumi CLI", () => {
  const lab = reason ? (undefined as unknown as Lab) : new Lab();
  const agents: Partial<Record<"A" | "B", AgentProc>> = {};
  let stack: ExampleStack;
  let vnis: Record<string, number>;
  const gwNs = (s: "A" | "B") => (s === "A" ? lab.ns.gwA : lab.ns.gwB);
  const links = (s: "A" | "B") =>
    (JSON.parse(lab.nmust(gwNs(s), ["ip", "-j", "link", "show"])) as { ifname: string }[])
      .map((l) => l.ifname)
      .filter((n) => /^l2(br|vx)/.test(n))
      .sort();
  const ping = (from: string, to: string) =>
    lab.nsx(from, ["ping", "-n", "-c", "1", "-W", "1", to]).code === 0;

  const args = (networks: object[]) => {
    const a: string[] = ["--config", `networks=${JSON.stringify(networks)}`, "--secret", `psk=${PSK}`];
    for (const s of ["A", "B"] as const) {
      a.push("--config", `endpoint${s}=https://127.0.0.1:${agents[s]!.port}`);
      a.push("--config", `fingerprint${s}=${agents[s]!.fingerprint256}`);
      a.push("--secret", `token${s}=${TOKEN[s]}`);
    }
    a.push("--config", `underlayA=${ADDR.gwA}`, "--config", `underlayB=${ADDR.gwB}`);
    return a;
  };
  const outputs = (json: Record<string, unknown>) => (json["outputs"] ?? {}) as Record<string, unknown>;

  beforeAll(async () => {
    lab.build();
    // A third site port per gateway for the network added in the middle.
    for (const s of ["A", "B"] as const) {
      // (a veth with its peer left alone: this kernel has no dummy devices)
      lab.nmust(gwNs(s), ["ip", "link", "add", "eth3", "type", "veth", "peer", "name", "eth3-peer"]);
      lab.nmust(gwNs(s), ["ip", "link", "set", "eth3", "up"]);
    }
    const mainJs = buildAgent(lab.dir);
    for (const s of ["A", "B"] as const) {
      const tokenFile = path.join(lab.dir, `token-${s}`);
      fs.writeFileSync(tokenFile, TOKEN[s], { mode: 0o600 });
      agents[s] = await startAgent(lab, mainJs, path.join(lab.dir, `state-${s}`), tokenFile, gwNs(s));
    }
    stack = new ExampleStack("gateway-pair", "e2e", {});
  }, 180_000);

  afterAll(async () => {
    if (!lab) return;
    for (const s of ["A", "B"] as const) if (agents[s]) await stopAgent(agents[s]!);
    lab.teardown();
    lab.removeDir();
  }, 60_000);

  it("brings two networks up across the pair; ARP and ping cross on both", async () => {
    const { plan, up } = await previewThenUp(stack, args([BLUE, GREEN]));
    expect(plan).toEqual({ ...NOTHING, create: ["pair", "pair-siteA", "pair-siteB"] });
    vnis = outputs(up)["vnis"] as Record<string, number>;
    expect(Object.keys(vnis).sort()).toEqual(["blue", "green"]);
    expect(outputs(up)["status"]).toBe("up");
    expect(outputs(up)["innerMtu"]).toBe(1350);
    await waitFor("ping across blue", () => ping(lab.ns.vmA, ADDR.b), 30_000, 200);
    await waitFor("ping across green", () => ping(lab.ns.vmA2, ADDR.b2), 30_000, 200);
    expect(links("A")).toEqual(
      [`l2br${vnis.blue}`, `l2br${vnis.green}`, `l2vx${vnis.blue}`, `l2vx${vnis.green}`].sort(),
    );
  });

  it("previews no change", async () => {
    const p = await stack.ok("preview", "--diff", "--expect-no-changes", ...args([BLUE, GREEN]));
    expect(planOf(p)).toEqual(NOTHING);
  });

  it("adds a network in the middle: both gateways updated with just that network, no VNI moved", async () => {
    const { plan, preview, up } = await previewThenUp(stack, args([BLUE, RED, GREEN]));
    expect(plan).toEqual({ ...NOTHING, update: ["pair-siteA", "pair-siteB"] });
    expect(stepOf(preview, "pair-siteA").detailedDiff).toEqual(["+config.networks.red"]);
    expect(outputs(up)["vnis"]).toEqual({ ...vnis, red: expect.any(Number) });
    vnis = outputs(up)["vnis"] as Record<string, number>;
    expect(links("B")).toContain(`l2br${vnis.red}`);
    expect(ping(lab.ns.vmA2, ADDR.b2)).toBe(true);
  });

  it("changes one network: only that network's entry differs", async () => {
    const { plan, preview } = await previewThenUp(
      stack,
      args([BLUE, RED, { ...GREEN, egressOptimization: true }]),
    );
    expect(plan).toEqual({ ...NOTHING, update: ["pair-siteA", "pair-siteB"] });
    expect(stepOf(preview, "pair-siteB").detailedDiff).toEqual(["~config.networks.green"]);
  });

  it("removes the middle network: its devices go, the others keep carrying traffic", async () => {
    const { plan, preview } = await previewThenUp(
      stack,
      args([BLUE, { ...GREEN, egressOptimization: true }]),
    );
    expect(plan).toEqual({ ...NOTHING, update: ["pair-siteA", "pair-siteB"] });
    expect(stepOf(preview, "pair-siteA").detailedDiff).toEqual(["-config.networks.red"]);
    expect(links("A")).not.toContain(`l2br${vnis.red}`);
    await waitFor("ping across blue", () => ping(lab.ns.vmA, ADDR.b), 30_000, 200);
    await waitFor("ping across green", () => ping(lab.ns.vmA2, ADDR.b2), 30_000, 200);
  });

  it("destroys the stretch and leaves both gateways without stretch devices", async () => {
    await stack.ok("preview", "--expect-no-changes", ...args([BLUE, { ...GREEN, egressOptimization: true }]));
    const { deleted } = await previewThenDestroy(stack);
    expect(deleted).toEqual(["pair", "pair-siteA", "pair-siteB"]);
    expect(links("A")).toEqual([]);
    expect(links("B")).toEqual([]);
    expect(stack.transcript).not.toContain(PSK);
    expect(stack.transcript).not.toContain(TOKEN.A);
  });
});
