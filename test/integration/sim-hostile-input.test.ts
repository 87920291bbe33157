import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSimulator, type RunningSim } from "../../sim";
import { main, parseCliArgs } from "../../sim/cli";
import { cloudEdge, NETWORK_MEDIA, networkBody, SimClient } from "../support/sim-client";

/**
 * The simulator as a product facing bad input: a corrupted state file is refused at start with
 * the path of its first problem; absurdly deep XML and oversized bodies get 400 and 413, not a
 * stack trace or a reset connection; /_sim/* (which shows every password) needs the admin token.
 */
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "l2s-sim-hostile-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A state file the simulator wrote, with one network on edge-cloud-1, edited by `corrupt`. */
async function corrupted(name: string, corrupt: (world: Json) => void): Promise<string> {
  const file = join(dir, `${name}.json`);
  const sim = await startSimulator({ port: 0, stateFile: file, taskMs: 0 });
  try {
    const c = new SimClient(sim.url);
    await c.login("alice", "acme", "Alice-Secret-1");
    const edge = await cloudEdge(c);
    const r = await c.request("POST", `/api/admin/vdc/${edge.vdcUuid}/networks`, {
      body: networkBody({ name: "net", edgeHref: edge.href }),
      contentType: NETWORK_MEDIA,
    });
    expect(r.status).toBe(201);
  } finally {
    await sim.close();
  }
  const state = JSON.parse(readFileSync(file, "utf8")) as { world: Json };
  corrupt(state.world);
  writeFileSync(file, JSON.stringify(state));
  return file;
}

describe("sim: state file validation", () => {
  const cases: [string, (w: Json) => void, RegExp][] = [
    [
      "users-null",
      (w) => (w["orgs"][1]["users"] = null),
      /at world\.orgs\[1\]\.users: Expected array, received null/,
    ],
    ["vnics-removed", (w) => delete w["edges"][0]["vnics"], /at world\.edges\[0\]\.vnics: Required/],
    [
      "network-missing-edge",
      (w) => (w["networks"][0]["edgeId"] = "00000000-0000-0000-0000-000000000000"),
      /at world\.networks\[0\]\.edgeId: no edge has id 00000000-/,
    ],
    ["jobs-missing", (w) => delete w["nsx"]["jobs"], /at world\.nsx\.jobs: Required/],
  ];

  it.each(cases)(
    "refuses a state file with %s, naming the path of the problem",
    async (name, corrupt, message) => {
      const file = await corrupted(name, corrupt);
      await expect(startSimulator({ port: 0, stateFile: file })).rejects.toThrow(message);
      // The command line refuses it before printing its URL (the process then exits 1).
      const out: string[] = [];
      await expect(
        main(["--port", "0", "--state", file], { stdout: (l) => out.push(l), stderr: () => undefined }),
      ).rejects.toThrow(new RegExp(`state file ${file} is invalid`));
      expect(out).toEqual([]);
    },
  );

  it("still loads the state file it wrote itself", async () => {
    const file = await corrupted("intact", () => undefined);
    const sim = await startSimulator({ port: 0, stateFile: file });
    expect(sim.world().networks.map((n) => n.name)).toEqual(["net"]);
    await sim.close();
  });
});

describe("sim: hostile request bodies", () => {
  let sim: RunningSim;
  let c: SimClient;
  const nsxAuth = `Basic ${Buffer.from("admin:Nsx-Admin-Secret-1").toString("base64")}`;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, taskMs: 0 });
    c = new SimClient(sim.url);
    await c.login("alice", "acme", "Alice-Secret-1");
  });
  afterAll(async () => sim?.close());

  const deep = (levels: number) => `${"<a>".repeat(levels)}x${"</a>".repeat(levels)}`;

  it("answers 100k-deep XML with 400 and no stack trace, on vCD and NSX", async () => {
    const edge = await cloudEdge(c);
    const vcd = await c.request("POST", `/api/admin/vdc/${edge.vdcUuid}/networks`, {
      body: deep(100_000),
      contentType: NETWORK_MEDIA,
    });
    expect(vcd.status).toBe(400);
    expect(vcd.text).toMatch(/nested deeper than 64 levels/);
    expect(vcd.text).not.toMatch(/RangeError|at \w+ \(/);
    const nsx = await fetch(`${sim.url}/api/4.0/edges/edge-101/l2vpn/config`, {
      method: "PUT",
      headers: { authorization: nsxAuth, "content-type": "application/xml" },
      body: deep(100_000),
    });
    expect(nsx.status).toBe(400);
    expect(await nsx.text()).not.toMatch(/RangeError|Maximum call stack/);
  });

  it("answers a body over 1 MiB with 413 instead of resetting the connection", async () => {
    const res = await fetch(`${sim.url}/api/4.0/edges/edge-101/l2vpn/config`, {
      method: "PUT",
      headers: { authorization: nsxAuth, "content-type": "application/xml" },
      body: `<l2Vpn>${" ".repeat(2 * 1024 * 1024)}</l2Vpn>`,
    });
    expect(res.status).toBe(413);
    await res.text();
    // The simulator still answers afterwards.
    expect((await c.request("GET", "/api/org")).status).toBe(200);
  });
});

describe("sim: admin endpoints", () => {
  it("need the admin token: without it or with a wrong one 401 and no password in the answer", async () => {
    const sim = await startSimulator({ port: 0 });
    try {
      for (const headers of [{}, { authorization: "Bearer wrong-token-123" }] as Record<string, string>[]) {
        const res = await fetch(`${sim.url}/_sim/world`, { headers });
        expect(res.status).toBe(401);
        expect(await res.text()).not.toContain("Alice-Secret-1");
        expect((await fetch(`${sim.url}/_sim/reset`, { method: "POST", headers })).status).toBe(401);
      }
      const ok = await fetch(`${sim.url}/_sim/world`, {
        headers: { authorization: `Bearer ${sim.adminToken}` },
      });
      expect(ok.status).toBe(200);
      // Each simulator makes its own token unless one is given.
      const other = await startSimulator({ port: 0 });
      expect(other.adminToken).not.toBe(sim.adminToken);
      await other.close();
    } finally {
      await sim.close();
    }
  });

  it("takes the token from --admin-token or L2STRETCH_SIM_ADMIN_TOKEN and prints it at start", async () => {
    expect(parseCliArgs(["--port", "0", "--state", "x", "--admin-token", "flag-token-1"]).adminToken).toBe(
      "flag-token-1",
    );
    process.env["L2STRETCH_SIM_ADMIN_TOKEN"] = "env-token-12";
    try {
      const err: string[] = [];
      const sim = await main(["--port", "0", "--state", join(dir, "token.json")], {
        stdout: () => undefined,
        stderr: (l) => err.push(l),
      });
      expect(sim.adminToken).toBe("env-token-12");
      expect(err.join("\n")).toContain("Authorization: Bearer env-token-12");
      await sim.close();
    } finally {
      delete process.env["L2STRETCH_SIM_ADMIN_TOKEN"];
    }
  });
});
