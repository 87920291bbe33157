import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startSimulator, type RunningSim } from "../../sim";
import { VcdExecutor } from "../../provider/vcd/executor";
import { getVdcNetworks } from "../../provider/vcd/edges";
import { findEdgeGateway, findVdc } from "../../provider/vcd/inventory";
import { findNetworkByName, getNetwork, updateNetwork } from "../../provider/vcd/networks";
import { queryRecords } from "../../provider/vcd/query";
import {
  changes,
  diagnosticsOf,
  ExampleStack,
  planOf,
  previewThenDestroy,
  previewThenUp,
  stepOf,
  stepsOf,
} from "../support/stack";

/**
 * The foundation flow with the real Pulumi CLI over examples/vcd-subinterface:
 * preview → up → no-change preview → drift → refresh → repair → update → replace → destroy.
 * Every change runs a real `preview --diff` first, as an interactive `pulumi up` does, and
 * the test asserts its plan before `up` applies it.
 */
jest.setTimeout(240_000);

const PASSWORD = "Alice-Secret-1";

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe("SubinterfaceOrgNetwork through the Pulumi CLI", () => {
  let sim: RunningSim;
  let stack: ExampleStack;
  let admin: VcdExecutor;

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "l2s-sim-"));
    sim = await startSimulator({ port: 0, stateFile: path.join(dir, "world.json"), taskMs: 200 });
    // URL, org and user from the environment; the password only as an encrypted stack secret.
    stack = new ExampleStack("vcd-subinterface", "e2e", {
      VCD_URL: sim.url,
      VCD_ORG: "acme",
      VCD_USER: "alice",
    });
    admin = new VcdExecutor({
      url: sim.url,
      org: "System",
      user: "administrator",
      password: "Admin-Secret-1",
    });
  });

  afterAll(async () => {
    await admin?.logout();
    await sim?.close();
  });

  const network = async () => {
    const vdc = await findVdc(admin, "acme-vdc");
    const rec = await findNetworkByName(admin, vdc, "stretched-app");
    return rec ? { rec, net: (await getNetwork(admin, rec.href))! } : undefined;
  };

  const NOTHING = { create: [], update: [], replace: [], delete: [] };

  it("previews the create, with the password kept as a secret", async () => {
    const r = await stack.ok("preview", "--diff", "--secret", `l2stretch:password=${PASSWORD}`);
    expect(changes(r)).toMatchObject({ create: 2 }); // the stack and the network
    expect(planOf(r)).toEqual({ ...NOTHING, create: ["stretched-app"] });
    expect(diagnosticsOf(r)).toEqual([]);
    expect(await network()).toBeUndefined();
  });

  it("creates the network and reports its tunnel ID", async () => {
    const { up } = await previewThenUp(stack);
    expect(planOf(up)).toEqual({ ...NOTHING, create: ["stretched-app"] });
    const outputs = up["outputs"] as Record<string, unknown>;
    expect(outputs["tunnelId"]).toBe(1);
    expect(outputs["subInterfaceIndex"]).toBe(10);
    expect(outputs["lookedUpTunnelId"]).toBe(1);
    expect(outputs["edgeGateway"]).toBe("edge-cloud-1");
    const live = await network();
    expect(live?.net).toMatchObject({ subInterface: true, gateway: "10.20.0.1", dns1: "10.20.0.53" });
    expect(live?.rec.connectedTo).toBe("edge-cloud-1");
  });

  it("previews no changes right after up", async () => {
    const r = await stack.run("preview", "--diff", "--expect-no-changes");
    expect(r.code).toBe(0);
    expect(planOf(r.json ?? {})).toEqual(NOTHING);
  });

  it("sees drift on refresh and repairs it on up", async () => {
    const live = (await network())!;
    const edge = await findEdgeGateway(admin, await findVdc(admin, "acme-vdc"), "edge-cloud-1");
    // Someone edits the network in the vCD UI.
    await updateNetwork(admin, live.net.uuid, {
      ...live.net,
      dns1: "192.0.2.99",
      edgeGatewayHref: edge.href,
    });
    const refreshed = await stack.ok("refresh");
    expect(changes(refreshed)).toMatchObject({ update: 1 });
    // The program still wants 10.20.0.53: the repair is an in-place update of DNS only.
    const { preview } = await previewThenUp(stack);
    expect(planOf(preview)).toEqual({ ...NOTHING, update: ["stretched-app"] });
    expect(stepOf(preview, "stretched-app").detailedDiff).toEqual(["~dnsServers"]);
    expect((await network())!.net.dns1).toBe("10.20.0.53");
    expect((await stack.run("preview", "--diff", "--expect-no-changes")).code).toBe(0);
  });

  it("updates DNS in place, keeping the network and its tunnel", async () => {
    const before = (await network())!.net.id;
    const { preview, up: r } = await previewThenUp(stack, [
      "--config",
      "l2stretch-vcd-subinterface:dnsServer=10.20.0.54",
    ]);
    expect(planOf(preview)).toEqual({ ...NOTHING, update: ["stretched-app"] });
    expect(stepOf(preview, "stretched-app").detailedDiff).toEqual(["~dnsServers"]);
    expect(changes(r)).toMatchObject({ update: 1 });
    expect(changes(r)["replace"]).toBeUndefined();
    const after = (await network())!.net;
    expect(after.id).toBe(before);
    expect(after.dns1).toBe("10.20.0.54");
  });

  it("replaces the network when the edge gateway changes", async () => {
    const before = (await network())!.net.id;
    const { preview, up: r } = await previewThenUp(
      stack,
      ["--config", "l2stretch-vcd-subinterface:edgeGateway=edge-cloud-2"],
      { replace: ["stretched-app"] },
    );
    expect(planOf(preview)).toEqual({ ...NOTHING, replace: ["stretched-app"] });
    const replace = stepsOf(preview).find((s) => s.op === "replace");
    expect(replace).toMatchObject({ name: "stretched-app", replaceKeys: ["edgeGateway"] });
    expect(replace?.detailedDiff).toEqual(["~edgeGateway"]);
    expect(changes(r)).toMatchObject({ replace: 1 });
    const outputs = r["outputs"] as Record<string, unknown>;
    expect(outputs["edgeGateway"]).toBe("edge-cloud-2");
    expect(outputs["tunnelId"]).toBe(1);
    const after = (await network())!;
    expect(after.net.id).not.toBe(before);
    expect(after.rec.connectedTo).toBe("edge-cloud-2");
    const vdc = await findVdc(admin, "acme-vdc");
    const oldEdge = await findEdgeGateway(admin, vdc, "edge-cloud-1");
    expect((await getVdcNetworks(admin, oldEdge.uuid)).filter((i) => i.type === "subinterface")).toEqual([]);
  });

  it("never stores or prints the password in clear", async () => {
    const exported = JSON.stringify(await stack.ok("export"));
    expect(exported).not.toContain(PASSWORD);
    expect(exported).toContain("ciphertext");
    expect(stack.transcript).toContain("stretched-app");
    expect(stack.transcript).not.toContain(PASSWORD);
    for (const file of filesUnder(stack.backendDir)) {
      expect(readFileSync(file, "utf8")).not.toContain(PASSWORD);
    }
  });

  it("destroys everything it made, leaving the simulator empty", async () => {
    const { destroy: r, deleted } = await previewThenDestroy(stack);
    expect(deleted).toEqual(["stretched-app"]);
    expect(changes(r)).toMatchObject({ delete: 2 });
    expect(await queryRecords(admin, "orgVdcNetwork")).toEqual([]);
    const vdc = await findVdc(admin, "acme-vdc");
    for (const name of ["edge-cloud-1", "edge-cloud-2"]) {
      const edge = await findEdgeGateway(admin, vdc, name);
      expect((await getVdcNetworks(admin, edge.uuid)).filter((i) => i.type === "subinterface")).toEqual([]);
    }
  });
});

describe("bad input is rejected at preview, naming the field", () => {
  let sim: RunningSim;
  let stack: ExampleStack;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    stack = new ExampleStack("vcd-subinterface", "bad", {
      VCD_URL: sim.url,
      VCD_ORG: "acme",
      VCD_USER: "alice",
      VCD_PASSWORD: PASSWORD,
    });
  });
  afterAll(async () => sim?.close());

  // The last case is a pull request's `preview --diff`: the error must show there as well.
  it.each([
    [
      "l2stretch-vcd-subinterface:gatewayCidr=10.20.0.0/24",
      [],
      /gatewayCidr.*host address inside 10\.20\.0\.0\/24/,
    ],
    ["l2stretch-vcd-subinterface:dnsServer=10.20.0.300", [], /dnsServers\[0\].*IPv4 address/],
    ["l2stretch-vcd-subinterface:networkName=bad/name", [], /name.*vCD network name rules/],
    ["l2stretch-vcd-subinterface:dnsServer=10.20.0.300", ["--diff"], /dnsServers\[0\].*IPv4 address/],
  ])("%s, preview %j", async (config, flags, message) => {
    const r = await stack.run("preview", ...flags, "--config", config);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
    // The runner's JSON says so too, as an error diagnostic.
    expect(r.json).toMatchObject({ failed: true });
    expect(diagnosticsOf(r.json ?? {}).some((d) => d.severity === "error" && message.test(d.message))).toBe(
      true,
    );
    expect(
      await queryRecords(
        new VcdExecutor({ url: sim.url, org: "acme", user: "alice", password: PASSWORD }),
        "orgVdcNetwork",
      ),
    ).toEqual([]);
  });
});
