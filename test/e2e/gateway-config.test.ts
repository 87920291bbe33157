/**
 * GatewayConfig with the real Pulumi CLI over examples/gateway-stretch, against two agents
 * whose data paths run in the two-site namespace lab of test/datapath:
 * up → no-change preview → someone deletes the VXLAN device → refresh sees it → up repairs
 * it → destroy removes the stretch from both appliances. No token or PSK in clear anywhere.
 * Every change runs a real `preview --diff` first, as an interactive `pulumi up` does, and
 * the test asserts its plan before `up` applies it.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  ADDR,
  Lab,
  buildAgent,
  call,
  skipReason,
  startAgent,
  stopAgent,
  waitFor,
  type AgentProc,
} from "../datapath/lab";
import { changes, ExampleStack, planOf, previewThenDestroy, previewThenUp, stepOf } from "../support/stack";

jest.setTimeout(120_000);

const reason = skipReason();
if (reason) console.warn(`GatewayConfig e2e SKIPPED: ${reason}`);
const describeIf = reason ? describe.skip : describe;

const P = "l2stretch-gateway-stretch";
const TOKEN = { A: `tokA-${randomBytes(16).toString("hex")}`, B: `tokB-${randomBytes(16).toString("hex")}` };
const PSK = `psk-${randomBytes(24).toString("hex")}`;
const VXLAN = "l2vx100";
const NOTHING = { create: [], update: [], replace: [], delete: [] };

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return fs.statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describeIf("GatewayConfig through the Pulumi CLI against two namespaced gateways", () => {
  const lab = reason ? (undefined as unknown as Lab) : new Lab();
  const agents: Partial<Record<"A" | "B", AgentProc>> = {};
  let stack: ExampleStack;
  const t0 = Date.now();
  const timings: string[] = [];
  const timed = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    const s = Date.now();
    try {
      return await fn();
    } finally {
      timings.push(`${what} ${((Date.now() - s) / 1000).toFixed(1)} s`);
    }
  };
  const gwNs = (s: "A" | "B") => (s === "A" ? lab.ns.gwA : lab.ns.gwB);
  const hasLink = (s: "A" | "B", name: string) => lab.nsx(gwNs(s), ["ip", "link", "show", name]).code === 0;
  const pingAcross = () => lab.nsx(lab.ns.vmA, ["ping", "-n", "-c", "1", "-W", "1", ADDR.b]).code === 0;
  const agentCall = (s: "A" | "B", method: string, p: string) =>
    call(agents[s]!.port, method, p, { token: TOKEN[s], fingerprint: agents[s]!.fingerprint256 });

  beforeAll(async () => {
    lab.build();
    const mainJs = buildAgent(lab.dir);
    for (const s of ["A", "B"] as const) {
      const tokenFile = path.join(lab.dir, `token-${s}`);
      fs.writeFileSync(tokenFile, TOKEN[s], { mode: 0o600 });
      agents[s] = await startAgent(lab, mainJs, path.join(lab.dir, `state-${s}`), tokenFile, gwNs(s));
    }
    stack = new ExampleStack("gateway-stretch", "e2e", {});
    timings.push(`lab + agents ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }, 180_000);

  afterAll(async () => {
    if (!lab) return;
    for (const s of ["A", "B"] as const) if (agents[s]) await stopAgent(agents[s]!);
    lab.teardown();
    lab.removeDir();
    console.log(
      `GatewayConfig e2e timings: ${timings.join(", ")}; total ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
  }, 60_000);

  it("up configures both gateways and waits for the tunnel; traffic crosses", async () => {
    const args: string[] = [];
    for (const s of ["A", "B"] as const) {
      args.push("--config", `${P}:endpoint${s}=https://127.0.0.1:${agents[s]!.port}`);
      args.push("--config", `${P}:fingerprint${s}=${agents[s]!.fingerprint256}`);
      args.push("--secret", `${P}:token${s}=${TOKEN[s]}`);
    }
    args.push("--config", `${P}:underlayA=${ADDR.gwA}`, "--config", `${P}:underlayB=${ADDR.gwB}`);
    args.push("--secret", `${P}:psk=${PSK}`);
    const { up: r } = await timed("preview + up", () => previewThenUp(stack, args));
    expect(planOf(r)).toEqual({ ...NOTHING, create: ["gateway-a", "gateway-b"] });
    expect(changes(r)).toMatchObject({ create: 3 });
    const out = r["outputs"] as Record<string, unknown>;
    expect(out["tunnelA"]).toMatchObject({ up: true });
    expect(out["tunnelB"]).toMatchObject({ up: true });
    expect(out["innerMtu"]).toBe(1350);
    expect(out["mss"]).toBe(1310);
    expect(out["networksA"]).toMatchObject({ blue: { vni: 100, present: true, innerMtu: 1350 } });
    expect(out["configDigestA"]).toMatch(/^[0-9a-f]{64}$/);
    // Progress of the convergence wait reaches the user's terminal.
    expect(stack.transcript).toMatch(/GatewayConfig https:\/\/127\.0\.0\.1:\d+: converged in \d+ ms/);
    await waitFor("ping across the stretch", pingAcross, 30_000, 200);
    expect(hasLink("A", VXLAN) && hasLink("B", VXLAN)).toBe(true);
  });

  it("previews no changes right after up", async () => {
    const r = await timed("preview", () => stack.run("preview", "--diff", "--expect-no-changes"));
    if (r.code !== 0) throw new Error(r.stderr.slice(-3000));
    expect(planOf(r.json ?? {})).toEqual(NOTHING);
  });

  it("refresh sees a VXLAN device deleted behind its back, and up repairs it", async () => {
    // Settle live-only outputs (MACs learned by the first ping) so the next refresh shows only the drift.
    await timed("refresh (settle)", () => stack.ok("refresh"));
    lab.nmust(lab.ns.gwA, ["ip", "link", "del", VXLAN]);
    expect(hasLink("A", VXLAN)).toBe(false);
    const refreshed = await timed("refresh (drift)", () => stack.run("refresh"));
    if (refreshed.code !== 0) throw new Error(refreshed.stderr.slice(-3000));
    expect(changes(refreshed.json ?? {})).toMatchObject({ update: 1 });
    // The drift is gateway A's document (the network is gone), not just newly learned MACs.
    expect(refreshed.stderr).toMatch(/GatewayConfig gateway-a updated .*\[diff: ~config\]/);
    // The repair re-applies gateway A's document in place; gateway B is left alone.
    const { preview, up: repaired } = await timed("preview + up (repair)", () => previewThenUp(stack));
    expect(planOf(preview)).toEqual({ ...NOTHING, update: ["gateway-a"] });
    expect(stepOf(preview, "gateway-a").diffs).toEqual(["config"]);
    expect(changes(repaired)).toMatchObject({ update: 1 });
    expect(hasLink("A", VXLAN)).toBe(true);
    await waitFor("ping across after the repair", pingAcross, 30_000, 200);
    const again = await timed("preview (after repair)", () =>
      stack.run("preview", "--diff", "--expect-no-changes"),
    );
    if (again.code !== 0) throw new Error(again.stderr.slice(-3000));
  });

  it("never stores or prints the tokens or the PSK in clear", async () => {
    const exported = JSON.stringify(await stack.ok("export"));
    expect(exported).toContain("ciphertext");
    for (const secret of [TOKEN.A, TOKEN.B, PSK]) {
      expect(exported).not.toContain(secret);
      expect(stack.transcript).not.toContain(secret);
      for (const file of filesUnder(stack.backendDir))
        expect(fs.readFileSync(file, "utf8")).not.toContain(secret);
    }
    expect(stack.transcript).toContain("gateway-a");
  });

  it("destroy removes the stretch from both appliances", async () => {
    const { destroy: r, deleted } = await timed("preview + destroy", () => previewThenDestroy(stack));
    expect(deleted).toEqual(["gateway-a", "gateway-b"]);
    expect(changes(r)).toMatchObject({ delete: 3 });
    for (const s of ["A", "B"] as const) {
      expect((await agentCall(s, "GET", "/v1/config")).status).toBe(404);
      const links = lab.nmust(gwNs(s), ["ip", "-o", "link", "show"]);
      expect(links).not.toMatch(/l2(br|vx)\d+/);
      expect(lab.nmust(gwNs(s), ["nft", "list", "tables"])).not.toContain("l2stretch");
      const status = (await agentCall(s, "GET", "/v1/status")).json() as {
        configured: boolean;
        tunnel: { charonRunning: boolean };
      };
      expect(status).toMatchObject({ configured: false, tunnel: { charonRunning: false } });
    }
    expect(pingAcross()).toBe(false);
    for (const secret of [TOKEN.A, TOKEN.B, PSK]) expect(stack.transcript).not.toContain(secret);
  });
});
