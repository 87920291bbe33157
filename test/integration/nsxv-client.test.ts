import { startSimulator, type RunningSim } from "../../sim";
import { NsxEdgeClient } from "../../provider/nsxv/client";
import { resolveNsxEdge, listNsxEdges } from "../../provider/nsxv/directTransport";
import { upsertPeerSite, upsertSubInterface } from "../../provider/nsxv/mutations";
import type { L2VpnConfig } from "../../provider/nsxv/types";
import {
  directEdge,
  ensureTrunk,
  FAKE_PEM,
  nsxExec,
  proxyEdge,
  vlanSub,
  type EdgeUnderTest,
} from "./nsxv-helpers";

/** Every NsxEdgeClient call against the simulator, over the vCD proxy and NSX Manager direct. */
jest.setTimeout(60_000);

describe.each([
  ["vcd-proxy", proxyEdge],
  ["nsx-direct", directEdge],
] as const)("NSX-v client via %s", (_path, connect) => {
  let sim: RunningSim;
  let edge: EdgeUnderTest;
  let client: NsxEdgeClient;
  const net = (k: number) => `10.${edge.octet}.${k}.1`;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, taskMs: 100 });
    edge = await connect(sim.url);
    client = edge.client;
  });
  afterAll(async () => {
    await edge?.close();
    await sim?.close();
  });

  it("reads all ten vnics with the uplink on vnic0", async () => {
    const vnics = await client.getVnics();
    expect(vnics.map((v) => v.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(vnics[0]).toMatchObject({ type: "uplink", isConnected: true });
    expect(vnics[0]!.addressGroups[0]!.primaryAddress).toBe(edge.uplinkIp);
    expect((await client.getVnic(0)).type).toBe("uplink");
  });

  it("updateVnic makes a trunk with sub-interfaces and reports the indexes NSX assigned", async () => {
    const v = await client.updateVnic(3, (cur) =>
      [vlanSub("stretch-a", 1, 101, net(1)), vlanSub("stretch-b", 2, 102, net(2))].reduce(
        upsertSubInterface,
        ensureTrunk(cur, "dvportgroup-300"),
      ),
    );
    expect(v).toMatchObject({ index: 3, type: "trunk", portgroupId: "dvportgroup-300", isConnected: true });
    expect(v.subInterfaces.map((s) => [s.name, s.tunnelId, s.vlanId])).toEqual([
      ["stretch-a", 1, 101],
      ["stretch-b", 2, 102],
    ]);
    v.subInterfaces.forEach((s) => expect(s.index).toBeGreaterThanOrEqual(10));
  });

  it("updateVnic leaves untouched sub-interfaces (and their indexes) alone", async () => {
    const before = await client.getVnic(3);
    const after = await client.updateVnic(3, (cur) =>
      upsertSubInterface(cur, vlanSub("stretch-c", 3, 103, net(3))),
    );
    for (const s of before.subInterfaces)
      expect(after.subInterfaces.find((x) => x.tunnelId === s.tunnelId)?.index).toBe(s.index);
    expect(after.subInterfaces).toHaveLength(3);
  });

  it("6.4 sub-interface calls: add, get, update, delete", async () => {
    const added = await client.addSubInterface(3, vlanSub("single", 9, 109, net(9)));
    expect(added.index).toBeGreaterThanOrEqual(10);
    expect(added).toMatchObject({ name: "single", tunnelId: 9, vlanId: 109 });
    const got = await client.getSubInterface(3, added.index!);
    expect(got).toMatchObject({ name: "single", tunnelId: 9 });
    await client.updateSubInterface(3, { ...got, mtu: 1400 });
    expect((await client.getSubInterface(3, added.index!)).mtu).toBe(1400);
    await client.deleteSubInterface(3, added.index!);
    await expect(client.getSubInterface(3, added.index!)).rejects.toMatchObject({ code: "NOT_FOUND" });
    // The sub-interfaces written through updateVnic are still there.
    expect((await client.getVnic(3)).subInterfaces.map((s) => s.tunnelId)).toEqual([1, 2, 3]);
  });

  it("putVnic and resetVnic on a free slot", async () => {
    const cur = await client.getVnic(4);
    await client.putVnic({
      ...cur,
      name: "inside",
      type: "internal",
      isConnected: true,
      portgroupId: "dvportgroup-304",
      addressGroups: [{ primaryAddress: net(40), prefixLength: 24 }],
    });
    expect(await client.getVnic(4)).toMatchObject({ name: "inside", type: "internal", isConnected: true });
    await client.resetVnic(4);
    expect((await client.getVnic(4)).isConnected).toBe(false);
  });

  it.each([
    ["a tunnel id out of range", (s: ReturnType<typeof vlanSub>) => ({ ...s, tunnelId: 5000 }), /tunnel/i],
    ["a duplicate tunnel id", (s: ReturnType<typeof vlanSub>) => ({ ...s, tunnelId: 1 }), /tunnel/i],
    [
      "a sub-interface MTU above the trunk's",
      (s: ReturnType<typeof vlanSub>) => ({ ...s, mtu: 9000 }),
      /mtu/i,
    ],
  ])("rejects %s with BAD_REQUEST and NSX's message", async (_what, change, message) => {
    const err = await client
      // Appended, not upserted: an upsert by tunnel id would replace tunnel 1 instead.
      .updateVnic(3, (cur) => ({
        ...cur,
        subInterfaces: [...cur.subInterfaces, change(vlanSub("bad", 50, 150, net(50)))],
      }))
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "BAD_REQUEST" });
    expect((err as Error).message).toMatch(message);
  });

  it("rejects a logical switch as trunk port group, with NSX's own message and code on both paths", async () => {
    await expect(client.updateVnic(5, (cur) => ensureTrunk(cur, "virtualwire-12"))).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/must be connected to a distributed port group/),
      details: { status: 400, vendorCode: "10130" },
    });
  });

  describe("L2VPN", () => {
    const server = (): L2VpnConfig => ({
      enabled: true,
      logging: { enable: false, logLevel: "info" },
      server: {
        listenerIp: edge.uplinkIp,
        listenerPort: 443,
        encryptionAlgorithm: "AES256-SHA",
        peerSites: [
          {
            name: "site-a",
            userId: "usera",
            password: "Site-A-Secret-1",
            vnics: [],
            egressOptimizationIps: [],
            enabled: true,
          },
        ],
      },
    });

    it("putL2Vpn then getL2Vpn: passwords only with showSensitiveData", async () => {
      const trunk = await client.getVnic(3);
      const cfg = server();
      cfg.server!.peerSites[0]!.vnics = [trunk.subInterfaces[0]!.index!];
      // putL2Vpn is a blind replace: read first, or the simulator rightly counts a lost update.
      await client.getL2Vpn();
      await client.putL2Vpn(cfg);
      const hidden = await client.getL2Vpn({ showSensitiveData: false });
      expect(hidden.server!.peerSites[0]).toMatchObject({ name: "site-a", userId: "usera" });
      expect(hidden.server!.peerSites[0]!.password).toBeUndefined();
      const shown = await client.getL2Vpn();
      expect(shown.server!.peerSites[0]!.password).toBe("Site-A-Secret-1");
      expect(shown.server).toMatchObject({
        listenerIp: edge.uplinkIp,
        listenerPort: 443,
        encryptionAlgorithm: "AES256-SHA",
      });
    });

    it("updateL2Vpn adds a site and keeps site-a's password", async () => {
      const trunk = await client.getVnic(3);
      const after = await client.updateL2Vpn((c) =>
        upsertPeerSite(c, {
          name: "site-b",
          userId: "userb",
          password: "Site-B-Secret-2",
          vnics: [trunk.subInterfaces[1]!.index!],
          egressOptimizationIps: [net(2)],
          enabled: true,
        }),
      );
      expect(after.server!.peerSites.map((s) => [s.name, s.password])).toEqual([
        ["site-a", "Site-A-Secret-1"],
        ["site-b", "Site-B-Secret-2"],
      ]);
    });

    it("rejects a listener IP that is not on an uplink", async () => {
      await expect(
        client.updateL2Vpn((c) => ({ ...c, server: { ...c.server!, listenerIp: "203.0.113.99" } })),
      ).rejects.toMatchObject({
        code: "BAD_REQUEST",
        message: expect.stringMatching(/listenerIp 203\.0\.113\.99 is not an address of an uplink/),
      });
    });

    it("enables and disables the service", async () => {
      await client.setL2VpnEnabled(false);
      expect((await client.getL2Vpn()).enabled).toBe(false);
      await client.setL2VpnEnabled(true);
      expect((await client.getL2Vpn()).enabled).toBe(true);
    });

    it("reports statistics: tunnels down with a reason while no client connects", async () => {
      const stats = await client.getL2VpnStatistics();
      expect(stats.timeStamp).toBeGreaterThan(0);
      expect(stats.sites.map((s) => s.name).sort()).toEqual(["site-a", "site-b"]);
      for (const s of stats.sites) {
        expect(s.tunnelStatus).toBe("down");
        expect(s.failureMessage).toMatch(/no client connected/);
      }
    });

    it("uses a self-signed certificate (id as this path reports it) as server certificate", async () => {
      const cert = await client.createSelfSignedCertificate({ commonName: "l2vpn.example.com" }, 30);
      const after = await client.updateL2Vpn((c) => ({
        ...c,
        server: { ...c.server!, serverCertificate: cert.objectId },
      }));
      // Written and read back as NSX's bare id, whichever form this path listed it in.
      expect(after.server!.serverCertificate).toBe(cert.objectId.replace(/^.*:/, ""));
      // NSX refuses to delete a certificate the L2VPN config still uses.
      await expect(client.deleteCertificate(cert.objectId)).rejects.toMatchObject({ code: "BAD_REQUEST" });
      await client.updateL2Vpn((c) => ({ ...c, server: { ...c.server!, serverCertificate: undefined } }));
      await client.deleteCertificate(cert.objectId);
    });

    it("deleteL2Vpn removes the config (and is idempotent)", async () => {
      await client.deleteL2Vpn();
      await client.deleteL2Vpn();
      const cfg = await client.getL2Vpn();
      expect(cfg.server).toBeUndefined();
      expect(cfg.client).toBeUndefined();
    });
  });

  describe("certificates", () => {
    it("imports a CA PEM, lists, gets and deletes it", async () => {
      const ca = await client.importCertificate(FAKE_PEM);
      expect(ca.objectId).toMatch(/certificate-\d+$/);
      expect((await client.listCertificates()).map((c) => c.objectId)).toContain(ca.objectId);
      expect((await client.getCertificate(ca.objectId)).objectId).toBe(ca.objectId);
      await client.deleteCertificate(ca.objectId);
      expect((await client.listCertificates()).map((c) => c.objectId)).not.toContain(ca.objectId);
    });

    it("creates a CSR and self-signs it for N days", async () => {
      const cert = await client.createSelfSignedCertificate({ commonName: "l2vpn.example.com" }, 365);
      expect(cert.objectId).toMatch(/certificate-\d+$/);
      expect((await client.listCertificates()).map((c) => c.objectId)).toContain(cert.objectId);
      await client.deleteCertificate(cert.objectId);
    });
  });

  describe("async writes", () => {
    it("waits for the edge job (SUCCESS direct, COMPLETED via the proxy)", async () => {
      const progress: string[] = [];
      const asyncClient = new NsxEdgeClient(client.transport, {
        async: true,
        job: { pollMs: 20, onProgress: (j) => progress.push(j.status) },
      });
      const v = await asyncClient.updateVnic(3, (cur) =>
        upsertSubInterface(cur, vlanSub("async", 20, 120, net(20))),
      );
      expect(v.subInterfaces.map((s) => s.tunnelId)).toContain(20);
      expect(progress.at(-1)).toBe(_path === "vcd-proxy" ? "COMPLETED" : "SUCCESS");
    });
  });

  it("logged every request but no password, key or credential", () => {
    const all = edge.log.join("\n");
    expect(all).toMatch(/l2vpn\/config/);
    for (const secret of ["Site-A-Secret-1", "Site-B-Secret-2", "Alice-Secret-1", "Nsx-Admin-Secret-1"])
      expect(all).not.toContain(secret);
    expect(all).not.toContain(Buffer.from("admin:Nsx-Admin-Secret-1").toString("base64"));
  });

  it("counted no lost updates", () => {
    expect(sim.stats().lostUpdateEvents).toEqual([]);
  });
});

describe("NSX Manager direct specifics", () => {
  let sim: RunningSim;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
  });
  afterAll(() => sim.close());

  it("lists edges and resolves one by id or by name", async () => {
    const exec = nsxExec(sim.url);
    const edges = await listNsxEdges(exec);
    expect(edges.map((e) => e.objectId)).toEqual(
      expect.arrayContaining(["edge-1", "edge-2", "edge-101", "edge-102"]),
    );
    expect(await resolveNsxEdge(exec, "edge-onprem-1")).toEqual({
      objectId: "edge-101",
      name: "edge-onprem-1",
    });
    expect((await resolveNsxEdge(exec, "edge-101")).name).toBe("edge-onprem-1");
    await expect(resolveNsxEdge(exec, "nope")).rejects.toThrow(/not found.*edge-onprem-1 \(edge-101\)/);
  });

  it("maps bad credentials to UNAUTHORIZED", async () => {
    const { NsxExecutor } = await import("../../provider/nsxv/executor");
    const bad = new NsxExecutor({ url: sim.url, user: "admin", password: "wrong" });
    await expect(listNsxEdges(bad)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});
