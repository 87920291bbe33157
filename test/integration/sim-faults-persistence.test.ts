import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSimulator } from "../../sim";
import { main, parseCliArgs, UsageError } from "../../sim/cli";
import { cloudEdge, NETWORK_MEDIA, networkBody, SimClient } from "../support/sim-client";
import { child, children } from "../../sim/xml/xml";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "l2s-sim-fp-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("sim: fault injection", () => {
  it("errorRate=1 answers 503 and applies nothing; /_sim stays reachable; resetRate=1 drops the connection", async () => {
    const sim = await startSimulator({ port: 0, taskMs: 10, faultSeed: 1 });
    try {
      const c = new SimClient(sim.url);
      await c.login("alice", "acme", "Alice-Secret-1");
      const edge = await cloudEdge(c);
      const admin = { authorization: `Bearer ${sim.adminToken}` };
      const res = await fetch(`${sim.url}/_sim/faults`, {
        method: "POST",
        headers: admin,
        body: JSON.stringify({ errorRate: 1 }),
      });
      expect(res.status).toBe(200);
      const r = await c.request("POST", `/api/admin/vdc/${edge.vdcUuid}/networks`, {
        body: networkBody({ name: "never", edgeHref: edge.href }),
        contentType: NETWORK_MEDIA,
      });
      expect(r.status).toBe(503);
      expect(["INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE"]).toContain(r.xml!.attrs["minorErrorCode"]);
      expect(r.xml!.attrs["majorErrorCode"]).toBe("503");
      const cloud = await c.request("GET", "/cloudapi/1.0.0/orgVdcNetworks");
      expect(cloud.status).toBe(503);
      expect(cloud.json).toMatchObject({
        minorErrorCode: expect.stringMatching(/INTERNAL_SERVER_ERROR|SERVICE_UNAVAILABLE/),
      });
      const world = (await (await fetch(`${sim.url}/_sim/world`, { headers: admin })).json()) as {
        networks: unknown[];
      };
      expect(world.networks).toHaveLength(0);
      const stats = (await (await fetch(`${sim.url}/_sim/stats`, { headers: admin })).json()) as {
        faultsInjected: number;
        tasks: number;
      };
      expect(stats.faultsInjected).toBe(2);
      expect(stats.tasks).toBe(0);

      sim.setFaults({ errorRate: 0, resetRate: 1 });
      await expect(c.request("GET", "/api/org")).rejects.toThrow();
      sim.setFaults({ resetRate: 0, latencyMs: 120 });
      const t0 = Date.now();
      expect((await c.request("GET", "/api/org")).status).toBe(200);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(100);
      const bad = await fetch(`${sim.url}/_sim/faults`, {
        method: "POST",
        headers: admin,
        body: JSON.stringify({ errorRate: 2 }),
      });
      expect(bad.status).toBe(400);
    } finally {
      await sim.close();
    }
  });

  it("the same fault seed gives the same sequence of injected failures", async () => {
    const run = async () => {
      const sim = await startSimulator({ port: 0, errorRate: 0.5, faultSeed: 99 });
      try {
        const out: number[] = [];
        for (let i = 0; i < 12; i++) out.push((await fetch(`${sim.url}/api/versions`)).status);
        return out;
      } finally {
        await sim.close();
      }
    };
    const a = await run();
    expect(await run()).toEqual(a);
    expect(a).toContain(503);
    expect(a).toContain(200);
  });
});

describe("sim: persistence and 9.0.0.0 mode", () => {
  it("a restarted simulator with the same state file sees the same world; 9.0.0.0 omits tunnelId", async () => {
    const stateFile = join(dir, "shared.json");
    const sim1 = await startSimulator({ port: 0, stateFile, taskMs: 20 });
    let netUuid: string;
    let edgeUuid: string;
    try {
      const c = new SimClient(sim1.url);
      await c.login("alice", "acme", "Alice-Secret-1");
      const edge = await cloudEdge(c);
      edgeUuid = edge.uuid;
      const r = await c.request("POST", `/api/admin/vdc/${edge.vdcUuid}/networks`, {
        body: networkBody({ name: "persisted", edgeHref: edge.href }),
        contentType: NETWORK_MEDIA,
      });
      await c.waitTask(SimClient.embeddedTaskHref(r.xml!));
      netUuid = r.xml!.attrs["href"]!.split("/").pop()!;
      const onDisk = JSON.parse(readFileSync(stateFile, "utf8")) as {
        world: { networks: Array<{ name: string; status: number }> };
      };
      expect(onDisk.world.networks).toEqual([expect.objectContaining({ name: "persisted", status: 1 })]);
    } finally {
      await sim1.close();
    }

    const sim2 = await startSimulator({ port: 0, stateFile, vcdVersion: "9.0.0.0" });
    try {
      const c = new SimClient(sim2.url, "29.0");
      await c.login("alice", "acme", "Alice-Secret-1");
      const got = await c.request("GET", `/api/network/${netUuid}`);
      expect(got.status).toBe(200);
      expect(got.xml!.attrs["name"]).toBe("persisted");
      const vn = await c.request("GET", `/network/edges/${edgeUuid}/vdcNetworks`);
      const sub = children(vn.xml, "edgeInterface").find((e) => child(e, "type")!.text === "subinterface")!;
      expect(child(sub, "index")!.text).toBe("10");
      expect(child(sub, "tunnelId")).toBeUndefined();
      const vnics = await c.request("GET", `/network/edges/${edgeUuid}/vnics`);
      const trunk = children(vnics.xml, "vnic").find((v) => child(v, "type")!.text === "trunk")!;
      const si = child(child(trunk, "subInterfaces"), "subInterface")!;
      expect(child(si, "index")!.text).toBe("10");
      expect(child(si, "tunnelId")).toBeUndefined();

      // /_sim/reset goes back to the seed (and logs everyone out).
      expect(
        (
          await fetch(`${sim2.url}/_sim/reset`, {
            method: "POST",
            headers: { authorization: `Bearer ${sim2.adminToken}` },
          })
        ).status,
      ).toBe(204);
      expect(sim2.world().networks).toHaveLength(0);
      expect((await c.request("GET", "/api/org")).status).toBe(401);
    } finally {
      await sim2.close();
    }
  });

  it("a task still running at shutdown completes after restart", async () => {
    const stateFile = join(dir, "resume.json");
    const sim1 = await startSimulator({ port: 0, stateFile, taskMs: 300 });
    let taskHref: string;
    try {
      const c = new SimClient(sim1.url);
      await c.login("alice", "acme", "Alice-Secret-1");
      const edge = await cloudEdge(c);
      const r = await c.request("POST", `/api/admin/vdc/${edge.vdcUuid}/networks`, {
        body: networkBody({ name: "in-flight", edgeHref: edge.href }),
        contentType: NETWORK_MEDIA,
      });
      taskHref = SimClient.embeddedTaskHref(r.xml!);
    } finally {
      await sim1.close();
    }
    const sim2 = await startSimulator({ port: 0, stateFile });
    try {
      const c = new SimClient(sim2.url);
      await c.login("alice", "acme", "Alice-Secret-1");
      const task = await c.waitTask(`${sim2.url}/api/task/${taskHref.split("/").pop()}`);
      expect(task.attrs["status"]).toBe("success");
      expect(sim2.world().networks.find((n) => n.name === "in-flight")!.status).toBe(1);
    } finally {
      await sim2.close();
    }
  });
});

describe("sim: command line", () => {
  it("main prints exactly the URL line on stdout and a summary on stderr", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const sim = await main(["--port", "0", "--state", join(dir, "cli.json"), "--task-ms", "50"], {
      stdout: (l) => out.push(l),
      stderr: (l) => err.push(l),
    });
    try {
      expect(out).toHaveLength(1);
      expect(out[0]).toMatch(/^L2STRETCH_SIM_URL=http:\/\/127\.0\.0\.1:\d+$/);
      expect(out[0]).toBe(`L2STRETCH_SIM_URL=${sim.url}`);
      expect(err.join("\n")).toMatch(/alice@acme/);
      expect(err.join("\n")).toMatch(/edge-cloud-2/);
      expect((await fetch(`${sim.url}/api/versions`)).status).toBe(200);
    } finally {
      await sim.close();
    }
  });

  it("validates flags with clear errors and reads a zod-checked seed file", () => {
    expect(() => parseCliArgs(["--state", "x"])).toThrow(/--port is required/);
    expect(() => parseCliArgs(["--port", "0"])).toThrow(/--state FILE is required/);
    expect(() => parseCliArgs(["--port", "abc", "--state", "x"])).toThrow(/--port must be an integer/);
    expect(() => parseCliArgs(["--port", "0", "--state", "x", "--error-rate", "1.5"])).toThrow(
      /--error-rate must be a number between 0 and 1/,
    );
    expect(() => parseCliArgs(["--port", "0", "--state", "x", "--vcd-version", "9.5"])).toThrow(
      /--vcd-version must be one of 9.0.0.0, 10.0, 10.3, got '9.5'/,
    );
    expect(parseCliArgs(["--port", "0", "--state", "x", "--vcd-version", "10.3"]).vcdVersion).toBe("10.3");
    expect(() => parseCliArgs(["--port", "0", "--state", "x", "--bogus"])).toThrow(UsageError);
    const bad = join(dir, "bad-seed.json");
    writeFileSync(bad, JSON.stringify({ orgs: [{ name: "acme" }] }));
    expect(() => parseCliArgs(["--port", "0", "--state", "x", "--seed", bad])).toThrow(/System/);
    const good = join(dir, "good-seed.json");
    writeFileSync(
      good,
      JSON.stringify({ orgs: [{ name: "System", users: [{ name: "root", password: "p" }] }] }),
    );
    const o = parseCliArgs([
      "--port",
      "0",
      "--state",
      "x",
      "--seed",
      good,
      "--vcd-version",
      "9.0.0.0",
      "--reset-rate",
      "0.05",
    ]);
    expect(o).toMatchObject({ port: 0, stateFile: "x", vcdVersion: "9.0.0.0", resetRate: 0.05 });
    expect(o.seed!.orgs[0]!.users![0]!.name).toBe("root");
  });
});
