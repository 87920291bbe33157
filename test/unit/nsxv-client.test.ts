import { ApiError, ConfigError } from "../../provider/common/errors";
import { NsxEdgeClient } from "../../provider/nsxv/client";
import { NsxDirectTransport } from "../../provider/nsxv/directTransport";
import { NsxExecutor } from "../../provider/nsxv/executor";
import { upsertPeerSite, upsertSubInterface, removePeerSite } from "../../provider/nsxv/mutations";
import { VcdProxyTransport } from "../../provider/nsxv/proxyTransport";
import type { NsxRequest, NsxResponse, NsxTransport } from "../../provider/nsxv/transport";
import type { L2VpnConfig, NsxVnic } from "../../provider/nsxv/types";
import { VcdExecutor } from "../../provider/vcd/executor";
import { parseXml } from "../../provider/vcd/xml";

const fast = { initialDelayMs: 1, maxDelayMs: 5, deadlineMs: 5_000 };

/**
 * A tiny in-memory NSX edge: one vnic slot and the l2vpn document, a busy window after each
 * write, optional 503s, and lost-update detection (a PUT whose writer did not read the
 * current revision first).
 */
class FakeEdge implements NsxTransport {
  readonly kind = "nsx-direct" as const;
  readonly edgeRef = "edge-7";
  readonly lockKey = `nsx-edge:fake-${Math.random()}`;
  readonly certificateScope = "edge-7";
  vnic = `<vnic><name>trunk</name><mtu>1600</mtu><type>trunk</type><isConnected>true</isConnected><index>3</index><portgroupId>dvportgroup-300</portgroupId><subInterfaces/></vnic>`;
  l2vpn = "";
  revision = 1;
  seen = 0;
  lostUpdates = 0;
  busyUntil = 0;
  busyMs = 3;
  failEvery = 0;
  honourSensitive = true;
  requests: NsxRequest[] = [];
  jobs: string[] = [];
  private count = 0;

  edgePath(s: string): string {
    return `/api/4.0/edges/edge-7${s}`;
  }
  truststorePath(s: string): string {
    return `/api/2.0/services/truststore${s}`;
  }
  jobPath(j: string): string {
    return j.startsWith("/") ? j : `/api/4.0/edges/jobs/${j}`;
  }

  async request(req: NsxRequest): Promise<NsxResponse> {
    this.requests.push(req);
    await new Promise((r) => setImmediate(r));
    const ok = (xml = ""): NsxResponse => ({
      status: 200,
      headers: {},
      text: xml,
      xml: xml ? parseXml(xml) : undefined,
    });
    if (this.failEvery && ++this.count % this.failEvery === 0)
      throw new ApiError("SERVER_ERROR", "injected 503");
    const path = req.path.replace(/[?&]async=true/, "");
    if (req.method === "GET" && req.path.includes("/jobs/")) {
      const status = this.jobs.shift() ?? "SUCCESS";
      return ok(`<edgeJob><jobId>jobdata-1</jobId><status>${status}</status><message>m</message></edgeJob>`);
    }
    if (req.method === "GET") {
      this.seen = this.revision;
      if (path.endsWith("/vnics/3")) return ok(this.vnic);
      if (path.includes("/l2vpn/config")) {
        if (!this.l2vpn) throw new ApiError("NOT_FOUND", "no l2vpn");
        const sensitive = this.honourSensitive && req.path.includes("showSensitiveData=true");
        return ok(
          `<l2Vpn><version>${this.revision}</version>${(sensitive ? this.l2vpn : this.l2vpn.replace(/<password>[^<]*<\/password>/g, "")).replace(/^(<\?xml[^>]*>\s*)?<l2Vpn>/, "")}`,
        );
      }
      throw new ApiError("NOT_FOUND", path);
    }
    if (Date.now() < this.busyUntil) throw new ApiError("BUSY_ENTITY", "Edge edge-7 is busy");
    this.busyUntil = Date.now() + this.busyMs;
    if (this.seen !== this.revision) this.lostUpdates++;
    this.revision++;
    this.seen = this.revision;
    if (path.endsWith("/vnics/3") && req.method === "PUT") {
      // Number new sub-interfaces like NSX: first free index from 10.
      const used = new Set([...req.xml!.matchAll(/<index>(\d+)<\/index>/g)].map((m) => Number(m[1])));
      let next = 10;
      this.vnic = req.xml!.replace(
        /<subInterface><isConnected>(true|false)<\/isConnected><name>([^<]*)<\/name><tunnelId>/g,
        (_m, c, n) => {
          while (used.has(next)) next++;
          used.add(next);
          return `<subInterface><isConnected>${c}</isConnected><name>${n}</name><index>${next}</index><tunnelId>`;
        },
      );
    } else if (path.endsWith("/l2vpn/config") && req.method === "PUT") {
      if (/<version>/.test(req.xml!)) throw new ApiError("BAD_REQUEST", "version must not be sent");
      const users = (req.xml!.match(/<l2VpnUser>/g) ?? []).length;
      const pws = (req.xml!.match(/<password>/g) ?? []).length;
      if (users !== pws) throw new ApiError("BAD_REQUEST", "password is required");
      this.l2vpn = req.xml!;
    } else if (path.endsWith("/l2vpn/config") && req.method === "DELETE") this.l2vpn = "";
    if (req.path.includes("async=true"))
      return { status: 202, headers: { location: "/api/4.0/edges/jobs/jobdata-1" }, text: "" };
    return ok();
  }

  puts(): NsxRequest[] {
    return this.requests.filter((r) => r.method !== "GET");
  }
}

const sub = (i: number) => ({
  name: `net-${i}`,
  tunnelId: i,
  vlanId: 100 + i,
  mtu: 1500,
  isConnected: true,
  enableSendRedirects: false,
  addressGroups: [{ primaryAddress: `10.50.${i}.1`, prefixLength: 24 }],
});

const serverWith = (sites: { name: string; password: string }[]): L2VpnConfig => ({
  enabled: true,
  logging: { enable: false, logLevel: "info" },
  server: {
    listenerIp: "192.0.2.10",
    listenerPort: 443,
    encryptionAlgorithm: "AES256-SHA",
    peerSites: sites.map((s) => ({
      name: s.name,
      userId: `u-${s.name}`,
      password: s.password,
      vnics: [10],
      egressOptimizationIps: [],
      enabled: true,
    })),
  },
});

describe("NsxEdgeClient safe writes", () => {
  it("10 parallel updateVnic calls all land, none lost, busy answers retried", async () => {
    const edge = new FakeEdge();
    const client = new NsxEdgeClient(edge, { write: fast });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, k) => client.updateVnic(3, (v) => upsertSubInterface(v, sub(k + 1)))),
    );
    const final = await client.getVnic(3);
    expect(final.subInterfaces.map((s) => s.tunnelId).sort((a, b) => a - b)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
    expect(new Set(final.subInterfaces.map((s) => s.index)).size).toBe(10);
    expect(edge.lostUpdates).toBe(0);
    // Each caller gets the re-read vnic with NSX's index for its own sub-interface.
    results.forEach((v, k) =>
      expect(v.subInterfaces.find((s) => s.tunnelId === k + 1)?.index).toBeGreaterThanOrEqual(10),
    );
  });

  it("keeps indexes of untouched sub-interfaces and survives injected 503s", async () => {
    const edge = new FakeEdge();
    const client = new NsxEdgeClient(edge, { write: fast });
    await client.updateVnic(3, (v) => upsertSubInterface(v, sub(1)));
    const before = (await client.getVnic(3)).subInterfaces[0]!.index;
    edge.failEvery = 4;
    await Promise.all([2, 3, 4].map((i) => client.updateVnic(3, (v) => upsertSubInterface(v, sub(i)))));
    edge.failEvery = 0;
    const after = await client.getVnic(3);
    expect(after.subInterfaces.find((s) => s.tunnelId === 1)!.index).toBe(before);
    expect(after.subInterfaces).toHaveLength(4);
    expect(edge.lostUpdates).toBe(0);
  });

  it("does not write when the mutation changes nothing", async () => {
    const edge = new FakeEdge();
    const client = new NsxEdgeClient(edge, { write: fast });
    await client.updateVnic(3, (v) => upsertSubInterface(v, sub(1)));
    const writes = edge.puts().length;
    await client.updateVnic(3, (v) => upsertSubInterface(v, { ...sub(1), index: 10 }));
    await client.updateVnic(3, () => undefined);
    expect(edge.puts()).toHaveLength(writes);
  });

  it("updateL2Vpn keeps other sites' passwords and never sends <version>", async () => {
    const edge = new FakeEdge();
    const client = new NsxEdgeClient(edge, { write: fast });
    await client.putL2Vpn(serverWith([{ name: "other", password: "Other-Secret-1" }]));
    await client.updateL2Vpn((c) =>
      upsertPeerSite(c, serverWith([{ name: "mine", password: "Mine-Secret-2" }]).server!.peerSites[0]!),
    );
    const last = edge.puts().at(-1)!.xml!;
    expect(last).toContain("<password>Other-Secret-1</password>");
    expect(last).toContain("<password>Mine-Secret-2</password>");
    expect(last).not.toContain("<version>");
    const read = await client.getL2Vpn();
    expect(read.server!.peerSites.map((s) => [s.name, s.password])).toEqual([
      ["other", "Other-Secret-1"],
      ["mine", "Mine-Secret-2"],
    ]);
    const hidden = await client.getL2Vpn({ showSensitiveData: false });
    expect(hidden.server!.peerSites.every((s) => s.password === undefined)).toBe(true);
  });

  it("10 parallel updateL2Vpn calls: all sites present with their passwords", async () => {
    const edge = new FakeEdge();
    const client = new NsxEdgeClient(edge, { write: fast });
    await client.putL2Vpn(serverWith([{ name: "seed", password: "Seed-Secret-0" }]));
    edge.lostUpdates = 0; // the blind seeding PUT above does not count
    await Promise.all(
      Array.from({ length: 10 }, (_, k) =>
        client.updateL2Vpn((c) =>
          upsertPeerSite(
            c,
            serverWith([{ name: `s${k}`, password: `Pw-${k}-Secret` }]).server!.peerSites[0]!,
          ),
        ),
      ),
    );
    const sites = (await client.getL2Vpn()).server!.peerSites;
    expect(sites).toHaveLength(11);
    for (let k = 0; k < 10; k++)
      expect(sites.find((s) => s.name === `s${k}`)!.password).toBe(`Pw-${k}-Secret`);
    expect(sites.find((s) => s.name === "seed")!.password).toBe("Seed-Secret-0");
    expect(edge.lostUpdates).toBe(0);
  });

  it("refuses (without writing) when NSX withholds passwords", async () => {
    const edge = new FakeEdge();
    const client = new NsxEdgeClient(edge, { write: fast });
    await client.putL2Vpn(serverWith([{ name: "other", password: "Other-Secret-1" }]));
    edge.honourSensitive = false;
    const writes = edge.puts().length;
    await expect(
      client.updateL2Vpn((c) =>
        upsertPeerSite(c, serverWith([{ name: "mine", password: "x-Secret-1" }]).server!.peerSites[0]!),
      ),
    ).rejects.toBeInstanceOf(ConfigError);
    expect(edge.puts()).toHaveLength(writes);
  });

  it("deletes the config when the last peer site goes, and reads a missing config as empty", async () => {
    const edge = new FakeEdge();
    const client = new NsxEdgeClient(edge, { write: fast });
    expect(await client.getL2Vpn()).toEqual({ enabled: false, logging: { enable: false, logLevel: "info" } });
    await client.putL2Vpn(serverWith([{ name: "only", password: "Only-Secret-1" }]));
    await client.updateL2Vpn((c) => removePeerSite(c, "only"));
    expect(edge.puts().at(-1)!.method).toBe("DELETE");
    expect((await client.getL2Vpn()).server).toBeUndefined();
  });

  it("with async=true waits for the edge job (RUNNING → COMPLETED) before releasing the lock", async () => {
    const edge = new FakeEdge();
    edge.jobs = ["QUEUED", "RUNNING", "COMPLETED"];
    const progress: string[] = [];
    const client = new NsxEdgeClient(edge, {
      async: true,
      write: fast,
      job: { pollMs: 1, onProgress: (j) => progress.push(j.status) },
    });
    await client.updateVnic(3, (v) => upsertSubInterface(v, sub(1)));
    expect(progress).toEqual(["QUEUED", "RUNNING", "COMPLETED"]);
    expect(edge.puts()[0]!.path).toMatch(/vnics\/3\?async=true$/);
  });

  it("a FAILED job is a TASK_FAILED error (not retried); a busy one is retried", async () => {
    const edge = new FakeEdge();
    const client = new NsxEdgeClient(edge, { async: true, write: fast, job: { pollMs: 1 } });
    edge.jobs = ["FAILED"];
    await expect(client.setL2VpnEnabled(true)).rejects.toMatchObject({ code: "TASK_FAILED" });
    expect(edge.puts()).toHaveLength(1);
  });

  it("waitForJob gives up with TIMEOUT at its deadline", async () => {
    const edge = new FakeEdge();
    edge.jobs = Array.from({ length: 100 }, () => "RUNNING");
    const client = new NsxEdgeClient(edge);
    await expect(client.waitForJob("jobdata-1", { deadlineMs: 30, pollMs: 5 })).rejects.toMatchObject({
      code: "TIMEOUT",
    });
  });

  it("a blind putVnic is retried on busy", async () => {
    const edge = new FakeEdge();
    // Long enough that the second put always lands while the edge is still busy, however
    // loaded the machine; the retry deadline (5 s) is far above it.
    edge.busyMs = 500;
    const client = new NsxEdgeClient(edge, { write: fast });
    const v: NsxVnic = await client.getVnic(3);
    await client.putVnic(v);
    await client.putVnic(v);
    expect(edge.puts().length).toBeGreaterThan(2);
  });
});

describe("lock keys", () => {
  const vcd = new VcdExecutor({ url: "https://vcd.example.com", org: "acme", user: "a", password: "b" });
  const nsx = new NsxExecutor({ url: "https://nsx.example.com", user: "admin", password: "p" });
  const uuid = "0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9";

  it("is the same for proxy and direct when the NSX edge id is known", () => {
    expect(new VcdProxyTransport(vcd, uuid, { nsxEdgeId: "edge-1" }).lockKey).toBe("nsx-edge:edge-1");
    expect(new NsxDirectTransport(nsx, "edge-1").lockKey).toBe("nsx-edge:edge-1");
  });

  it("is per vCD gateway otherwise", () => {
    expect(new VcdProxyTransport(vcd, `https://vcd.example.com/api/admin/edgeGateway/${uuid}`).lockKey).toBe(
      `nsx-edge:vcd:vcd.example.com/${uuid}`,
    );
  });

  it("builds the documented paths for each access path", () => {
    const p = new VcdProxyTransport(vcd, uuid);
    expect([p.edgePath("/vnics"), p.truststorePath("/certificate/x"), p.jobPath("jobdata-3")]).toEqual([
      `/network/edges/${uuid}/vnics`,
      "/network/services/truststore/certificate/x",
      "/network/edges/jobs/jobdata-3",
    ]);
    const d = new NsxDirectTransport(nsx, "edge-4");
    expect([
      d.edgePath("/vnics"),
      d.truststorePath("/csr/edge-4"),
      d.jobPath("/api/4.0/edges/jobs/jobdata-3"),
    ]).toEqual([
      "/api/4.0/edges/edge-4/vnics",
      "/api/2.0/services/truststore/csr/edge-4",
      "/api/4.0/edges/jobs/jobdata-3",
    ]);
    expect(() => new NsxDirectTransport(nsx, "edge-cloud-1")).toThrow(/edge-N/);
  });
});
