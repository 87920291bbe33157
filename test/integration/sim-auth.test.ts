import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSimulator, type RunningSim } from "../../sim";
import { SimClient } from "../support/sim-client";

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString("base64")}`;

describe("sim: versions, sessions, auth errors", () => {
  let dir: string;
  let sim: RunningSim;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "l2s-sim-auth-"));
    sim = await startSimulator({ port: 0, stateFile: join(dir, "state.json"), sessionTtlSeconds: 1 });
  });
  afterAll(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lists 27.0-33.0 in 10.0 mode with deprecated flags, all logging in at /api/sessions as vCD 10.0 does", async () => {
    const r = await new SimClient(sim.url).request("GET", "/api/versions", { accept: null });
    expect(r.status).toBe(200);
    const infos = r.xml!.children.filter((c) => c.name === "VersionInfo");
    const versions = infos.map((i) => i.children.find((c) => c.name === "Version")!.text);
    expect(versions).toEqual(["27.0", "28.0", "29.0", "30.0", "31.0", "32.0", "33.0"]);
    expect(infos.map((i) => i.attrs["deprecated"])).toEqual([
      "true",
      "true",
      "false",
      "false",
      "false",
      "false",
      "false",
    ]);
    const login = (v: string) =>
      infos.find((i) => i.children[0]!.text === v)!.children.find((c) => c.name === "LoginUrl")!.text;
    expect(login("32.0")).toBe(`${sim.url}/api/sessions`);
    expect(login("33.0")).toBe(`${sim.url}/api/sessions`);
    expect(infos.some((i) => i.children.some((c) => c.name === "ProviderLoginUrl"))).toBe(false);
  });

  it("logs in with /api/sessions: 32-hex token, bearer token from 30.0, Session attributes", async () => {
    const c = new SimClient(sim.url, "32.0");
    const r = await c.login("alice", "acme", "Alice-Secret-1");
    expect(r.status).toBe(200);
    expect(r.headers.get("x-vcloud-authorization")).toMatch(/^[0-9a-f]{32}$/);
    expect(r.headers.get("x-vmware-vcloud-token-type")).toBe("Bearer");
    expect((r.headers.get("x-vmware-vcloud-access-token") ?? "").length).toBeGreaterThan(100);
    expect(r.xml!.attrs).toMatchObject({ user: "alice", org: "acme" });
    expect(r.xml!.attrs["userId"]).toMatch(/^urn:vcloud:user:/);

    // Legacy header works as well as Bearer.
    const legacy = await c.request("GET", "/api/org", {
      headers: { "x-vcloud-authorization": r.headers.get("x-vcloud-authorization")! },
    });
    expect(legacy.status).toBe(200);
    expect(legacy.xml!.children.map((o) => o.attrs["name"])).toEqual(["acme"]);

    const old = new SimClient(sim.url, "29.0");
    const r29 = await old.login("alice", "acme", "Alice-Secret-1");
    expect(r29.status).toBe(200);
    expect(r29.headers.get("x-vmware-vcloud-access-token")).toBeNull();
  });

  it("answers 401 for bad credentials and unknown tokens, 406 for a missing/unsupported version", async () => {
    const c = new SimClient(sim.url, "32.0");
    const bad = await c.login("alice", "acme", "wrong");
    expect(bad.status).toBe(401);
    expect(bad.headers.get("content-type")).toMatch(/application\/vnd\.vmware\.vcloud\.error\+xml/);
    c.token = "0123456789abcdef0123456789abcdef";
    expect((await c.request("GET", "/api/org")).status).toBe(401);

    for (const accept of [
      null,
      "application/*+xml",
      "application/*+xml;version=26.0",
      "application/*+xml;version=34.0",
    ]) {
      const r = await c.request("GET", "/api/org", { accept });
      expect(r.status).toBe(406);
      expect(r.xml!.attrs["minorErrorCode"]).toBe("NOT_ACCEPTABLE");
      expect(r.xml!.attrs["message"]).toMatch(
        /^\[ [^\]]+ \] The request has invalid accept header: Invalid API version requested\.$/,
      );
    }
  });

  it("echoes the client request id in the header and in error messages", async () => {
    const r = await new SimClient(sim.url).request("GET", "/api/org", {
      headers: { "X-VMWARE-VCLOUD-CLIENT-REQUEST-ID": "my-req-1" },
    });
    expect(r.headers.get("x-vmware-vcloud-request-id")).toBe("my-req-1");
    expect(r.xml!.attrs["message"]).toMatch(/^\[ my-req-1 \] /);
    expect(r.xml!.attrs["majorErrorCode"]).toBe("401");
  });

  it("cloudapi sessions: tenant and provider endpoints, only from 33.0, JSON body, current and delete", async () => {
    const c = new SimClient(sim.url, "33.0");
    const tenant = await c.request("POST", "/cloudapi/1.0.0/sessions", {
      headers: { Authorization: basic("alice@acme", "Alice-Secret-1") },
    });
    expect(tenant.status).toBe(200);
    expect(tenant.json).toMatchObject({ user: { name: "alice" }, org: { name: "acme" } });
    expect((tenant.json as { id: string }).id).toMatch(/^urn:vcloud:session:/);
    c.token = tenant.headers.get("x-vmware-vcloud-access-token")!;
    expect(c.token).toBeTruthy();
    const current = await c.request("GET", "/cloudapi/1.0.0/sessions/current");
    expect(current.status).toBe(200);
    expect((current.json as { id: string }).id).toBe((tenant.json as { id: string }).id);
    // The bearer token also works on the XML API.
    expect((await c.request("GET", "/api/org")).status).toBe(200);

    const wrongEndpoint = await c.request("POST", "/cloudapi/1.0.0/sessions/provider", {
      headers: { Authorization: basic("alice@acme", "Alice-Secret-1") },
    });
    expect(wrongEndpoint.status).toBe(401);
    expect(wrongEndpoint.json).toMatchObject({ minorErrorCode: "UNAUTHORIZED" });
    const provider = await c.request("POST", "/cloudapi/1.0.0/sessions/provider", {
      headers: { Authorization: basic("administrator@System", "Admin-Secret-1") },
    });
    expect(provider.status).toBe(200);

    const old = new SimClient(sim.url, "32.0");
    const r32 = await old.request("POST", "/cloudapi/1.0.0/sessions", {
      headers: { Authorization: basic("alice@acme", "Alice-Secret-1") },
    });
    expect(r32.status).toBe(404);

    const del = await c.request("DELETE", `/cloudapi/1.0.0/sessions/${(tenant.json as { id: string }).id}`);
    expect(del.status).toBe(204);
    expect((await c.request("GET", "/cloudapi/1.0.0/sessions/current")).status).toBe(401);
  });

  it("logout invalidates the token and idle sessions expire after the TTL", async () => {
    const c = new SimClient(sim.url, "32.0");
    await c.login("alice", "acme", "Alice-Secret-1");
    expect((await c.request("DELETE", "/api/session")).status).toBe(204);
    expect((await c.request("GET", "/api/org")).status).toBe(401);

    await c.login("alice", "acme", "Alice-Secret-1");
    expect((await c.request("GET", "/api/org")).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1200));
    const expired = await c.request("GET", "/api/org");
    expect(expired.status).toBe(401);
    await c.login("alice", "acme", "Alice-Secret-1");
    expect((await c.request("GET", "/api/org")).status).toBe(200);
  });
});

describe("sim: 9.0.0.0 mode versions", () => {
  it("offers only 27.0-29.0, all with /api/sessions, and rejects 32.0", async () => {
    const sim = await startSimulator({ port: 0, vcdVersion: "9.0.0.0" });
    try {
      const c = new SimClient(sim.url, "32.0");
      const r = await c.request("GET", "/api/versions", { accept: null });
      const infos = r.xml!.children;
      expect(infos.map((i) => i.children[0]!.text)).toEqual(["27.0", "28.0", "29.0"]);
      expect(infos.every((i) => i.children[1]!.text === `${sim.url}/api/sessions`)).toBe(true);
      expect((await c.login("alice", "acme", "Alice-Secret-1")).status).toBe(406);
      const c29 = new SimClient(sim.url, "29.0");
      expect((await c29.login("alice", "acme", "Alice-Secret-1")).status).toBe(200);
    } finally {
      await sim.close();
    }
  });
});

describe("sim: 10.3 mode versions", () => {
  it("offers up to 36.0; /api/sessions up to 35.0, the CloudAPI login and ProviderLoginUrl from 36.0", async () => {
    const sim = await startSimulator({ port: 0, vcdVersion: "10.3" });
    try {
      const r = await new SimClient(sim.url).request("GET", "/api/versions", { accept: null });
      const infos = r.xml!.children.filter((c) => c.name === "VersionInfo");
      const field = (v: string, name: string) =>
        infos.find((i) => i.children[0]!.text === v)!.children.find((c) => c.name === name)?.text;
      expect(infos.map((i) => i.children[0]!.text).at(-1)).toBe("36.0");
      expect(field("35.0", "LoginUrl")).toBe(`${sim.url}/api/sessions`);
      expect(field("35.0", "ProviderLoginUrl")).toBeUndefined();
      expect(field("36.0", "LoginUrl")).toBe(`${sim.url}/cloudapi/1.0.0/sessions`);
      expect(field("36.0", "ProviderLoginUrl")).toBe(`${sim.url}/cloudapi/1.0.0/sessions/provider`);
      const json = await new SimClient(sim.url).request("GET", "/api/versions", {
        accept: "application/*+json",
      });
      const last = (json.json as { versionInfo: Record<string, unknown>[] }).versionInfo.at(-1);
      expect(last).toMatchObject({
        version: "36.0",
        providerLoginUrl: `${sim.url}/cloudapi/1.0.0/sessions/provider`,
      });
      const c36 = new SimClient(sim.url, "36.0");
      const login = await c36.request("POST", "/cloudapi/1.0.0/sessions", {
        accept: "application/json;version=36.0",
        headers: { Authorization: basic("alice@acme", "Alice-Secret-1") },
      });
      expect(login.status).toBe(200);
    } finally {
      await sim.close();
    }
  });
});
