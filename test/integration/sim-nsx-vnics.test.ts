// NSX edge vnics / sub-interfaces against the simulator over HTTP, on both access paths:
// NSX Manager direct (/api/4.0, basic auth) and the vCD proxy (/network, vCD session).
import { startSimulator, type RunningSim } from "../../sim";
import { buildXml, child, children, type XmlTree, type XNode } from "../../sim/xml/xml";
import {
  cloudEdge,
  NETWORK_MEDIA,
  networkBody,
  NsxSimClient,
  SimClient,
  waitJob,
} from "../support/sim-client";

const text = (n: XNode | undefined, name: string) => child(n, name)?.text;
const nsxError = (n: XNode | undefined) => ({ details: text(n, "details"), errorCode: text(n, "errorCode") });

function subXml(o: {
  name: string;
  tunnelId?: number;
  vlanId?: number;
  ip?: string;
  index?: number;
  mtu?: number;
}): XmlTree {
  return {
    isConnected: true,
    name: o.name,
    index: o.index,
    tunnelId: o.tunnelId,
    vlanId: o.vlanId,
    enableSendRedirects: false,
    mtu: o.mtu ?? 1500,
    addressGroups: o.ip ? { addressGroup: { primaryAddress: o.ip, subnetPrefixLength: 24 } } : undefined,
  };
}

function trunkXml(subs: XmlTree[], portgroupId = "dvportgroup-300", extra: XmlTree = {}): string {
  return buildXml("vnic", {
    name: "l2vpn-trunk",
    mtu: 1600,
    type: "trunk",
    isConnected: true,
    portgroupId,
    enableProxyArp: false,
    enableSendRedirects: true,
    subInterfaces: { subInterface: subs },
    ...extra,
  });
}

const stats = async (sim: RunningSim) => sim.stats();

describe("sim NSX Manager direct: auth, edge list, errors, faults", () => {
  let sim: RunningSim;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, taskMs: 20, faultSeed: 3 });
  });
  afterAll(() => sim.close());

  it("answers 401 with an NSX error for missing or wrong basic auth", async () => {
    const none = await fetch(`${sim.url}/api/4.0/edges`);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/Basic/);
    const wrong = await new NsxSimClient(sim.url, "admin", "wrong").request("GET", "/api/4.0/edges");
    expect(wrong.status).toBe(401);
    expect(wrong.xml!.name).toBe("error");
    expect(text(wrong.xml, "moduleName")).toBe("vShield Edge");
  });

  it("lists vCD and standalone edges by NSX id and name", async () => {
    const r = await new NsxSimClient(sim.url).request("GET", "/api/4.0/edges");
    expect(r.status).toBe(200);
    const rows = children(child(r.xml, "edgePage"), "edgeSummary").map((e) => [
      text(e, "objectId"),
      text(e, "name"),
    ]);
    expect(rows).toEqual([
      ["edge-1", "edge-cloud-1"],
      ["edge-2", "edge-cloud-2"],
      ["edge-101", "edge-onprem-1"],
      ["edge-102", "edge-onprem-2"],
    ]);
  });

  it("answers unknown edges and paths with NSX error bodies", async () => {
    const nsx = new NsxSimClient(sim.url);
    const r = await nsx.request("GET", "/api/4.0/edges/edge-999/vnics");
    expect(r.status).toBe(404);
    expect(nsxError(r.xml)).toEqual({ details: "Edge edge-999 was not found.", errorCode: "10003" });
    expect((await nsx.request("GET", "/api/4.0/edges/edge-1/nothing")).xml!.name).toBe("error");
    expect((await nsx.request("PATCH", "/api/4.0/edges/edge-1/vnics")).status).toBe(405);
  });

  it("injects faults on /api/4.0 and /api/2.0 with NSX error bodies", async () => {
    const nsx = new NsxSimClient(sim.url);
    sim.setFaults({ errorRate: 1 });
    try {
      for (const p of [
        "/api/4.0/edges/edge-1/vnics",
        "/api/2.0/services/truststore/certificate/scope/edge-1",
      ]) {
        const r = await nsx.request("GET", p);
        expect(r.status).toBe(503);
        expect(r.xml!.name).toBe("error");
      }
      sim.setFaults({ errorRate: 0, resetRate: 1 });
      await expect(nsx.request("GET", "/api/4.0/edges/edge-1/l2vpn/config")).rejects.toThrow();
    } finally {
      sim.setFaults({ errorRate: 0, resetRate: 0 });
    }
    expect((await nsx.request("GET", "/api/4.0/edges/edge-1/vnics")).status).toBe(200);
  });
});

describe("sim NSX vnics and sub-interfaces on both paths", () => {
  let sim: RunningSim;
  let vcd: SimClient;
  let nsx: NsxSimClient;
  let edge: { uuid: string; href: string; vdcUuid: string };
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, taskMs: 20 });
    vcd = new SimClient(sim.url);
    await vcd.login("alice", "acme", "Alice-Secret-1");
    nsx = new NsxSimClient(sim.url);
    edge = await cloudEdge(vcd);
  });
  afterAll(() => sim.close());

  it("direct: PUT a trunk with sub-interfaces, read it back, then reset the slot", async () => {
    const put = await nsx.request(
      "PUT",
      "/api/4.0/edges/edge-101/vnics/1",
      trunkXml([
        subXml({ name: "a", tunnelId: 7, vlanId: 10, ip: "10.10.0.1" }),
        subXml({ name: "b", tunnelId: 8, vlanId: 11 }),
      ]),
    );
    expect(put.status).toBe(204);
    const all = await nsx.request("GET", "/api/4.0/edges/edge-101/vnics");
    expect(children(all.xml, "vnic")).toHaveLength(10);
    const v = (await nsx.request("GET", "/api/4.0/edges/edge-101/vnics/1")).xml!;
    expect(text(v, "type")).toBe("trunk");
    const subs = children(child(v, "subInterfaces"), "subInterface");
    expect(
      subs.map((s) => [text(s, "index"), text(s, "tunnelId"), text(s, "vlanId"), text(s, "label")]),
    ).toEqual([
      ["10", "7", "10", "vNic_10"],
      ["11", "8", "11", "vNic_11"],
    ]);
    expect((await nsx.request("DELETE", "/api/4.0/edges/edge-101/vnics/1")).status).toBe(204);
    const reset = (await nsx.request("GET", "/api/4.0/edges/edge-101/vnics/1")).xml!;
    expect([text(reset, "type"), text(reset, "isConnected"), child(reset, "subInterfaces")]).toEqual([
      "internal",
      "false",
      undefined,
    ]);
  });

  it("direct: 6.4 sub-interface calls (POST 201 + Location, GET with parentVnicIndex, PUT, DELETE)", async () => {
    expect((await nsx.request("PUT", "/api/4.0/edges/edge-102/vnics/2", trunkXml([]))).status).toBe(204);
    const post = await nsx.request(
      "POST",
      "/api/4.0/edges/edge-102/vnics/2/subinterfaces",
      buildXml("subInterface", subXml({ name: "s1", tunnelId: 3, vlanId: 30 })),
    );
    expect(post.status).toBe(201);
    const loc = post.headers.get("location")!;
    expect(loc).toBe(`${sim.url}/api/4.0/edges/edge-102/vnics/2/subinterfaces/10`);
    const got = await nsx.request("GET", loc);
    expect([text(got.xml, "name"), text(got.xml, "parentVnicIndex"), text(got.xml, "tunnelId")]).toEqual([
      "s1",
      "2",
      "3",
    ]);
    const put = await nsx.request(
      "PUT",
      loc,
      buildXml("subInterface", subXml({ name: "s1b", tunnelId: 4, vlanId: 31 })),
    );
    expect(put.status).toBe(204);
    expect(text((await nsx.request("GET", loc)).xml, "tunnelId")).toBe("4");
    const list = await nsx.request("GET", "/api/4.0/edges/edge-102/vnics/2/subinterfaces");
    expect(children(list.xml, "subInterface")).toHaveLength(1);
    expect((await nsx.request("DELETE", loc)).status).toBe(204);
    expect((await nsx.request("GET", loc)).status).toBe(404);
    const notTrunk = await nsx.request(
      "POST",
      "/api/4.0/edges/edge-102/vnics/0/subinterfaces",
      buildXml("subInterface", subXml({ name: "x", tunnelId: 1, vlanId: 1 })),
    );
    expect(notTrunk.status).toBe(400);
    expect(text(notTrunk.xml, "details")).toMatch(/not a trunk/);
  });

  it("direct: POST vnics?action=patch replaces the listed vnics", async () => {
    const body = buildXml("vnics", {
      vnic: [
        {
          index: 5,
          name: "inside",
          type: "internal",
          isConnected: true,
          portgroupId: "virtualwire-7",
          addressGroups: { addressGroup: { primaryAddress: "10.99.0.1", subnetMask: "255.255.255.0" } },
        },
        { index: 6, name: "t", type: "trunk", isConnected: true, portgroupId: "dvportgroup-305", mtu: 1600 },
      ],
    });
    expect((await nsx.request("POST", "/api/4.0/edges/edge-102/vnics?action=patch", body)).status).toBe(204);
    const v5 = (await nsx.request("GET", "/api/4.0/edges/edge-102/vnics/5")).xml!;
    expect([
      text(v5, "name"),
      text(child(child(v5, "addressGroups"), "addressGroup"), "subnetPrefixLength"),
    ]).toEqual(["inside", "24"]);
    expect((await nsx.request("POST", "/api/4.0/edges/edge-102/vnics", body)).status).toBe(400);
  });

  it("rejects rule violations with NSX errors (direct) and vCD errors carrying the NSX code (proxy)", async () => {
    const cases: [string, string, RegExp][] = [
      [
        "/vnics/1",
        trunkXml([], "virtualwire-5"),
        /distributed port group.*logical switches cannot back a trunk/,
      ],
      ["/vnics/0", trunkXml([]), /vnic 0 is the uplink|managed by vCloud Director/],
      ["/vnics/12", trunkXml([]), /Invalid vnic index 12/],
      [
        "/vnics/1",
        trunkXml([subXml({ name: "a", tunnelId: 4094, vlanId: 1 })]),
        /tunnelId 4094 is out of range/,
      ],
      [
        "/vnics/1",
        trunkXml([subXml({ name: "a", tunnelId: 1 })]),
        /exactly one of vlanId and logicalSwitchId/,
      ],
      [
        "/vnics/1",
        trunkXml([subXml({ name: "a", tunnelId: 1, vlanId: 1, mtu: 9000 })]),
        /mtu 9000 must be between 68 and the trunk/,
      ],
      [
        "/vnics/1",
        trunkXml([subXml({ name: "a", tunnelId: 1, vlanId: 1, ip: "198.51.100.1" })]),
        /overlaps the subnet 198\.51\.100\.0\/24 of vNic_0/,
      ],
      [
        "/vnics/1",
        buildXml("vnic", {
          type: "internal",
          subInterfaces: { subInterface: subXml({ name: "a", tunnelId: 1, vlanId: 1 }) },
        }),
        /type must be trunk/,
      ],
      ["/vnics/1", "<vnic><name>x</name>", /not well-formed/],
    ];
    for (const [path, body, msg] of cases) {
      const r = await nsx.request("PUT", `/api/4.0/edges/edge-101${path}`, body);
      expect([r.status, text(r.xml, "details")]).toEqual([400, expect.stringMatching(msg)]);
    }
    const proxied = await vcd.request("PUT", `/network/edges/${edge.uuid}/vnics/3`, {
      body: trunkXml([], "virtualwire-5"),
      contentType: "application/xml",
    });
    // vCD passes NSX's own error document through its proxy, not a vCD <Error>.
    expect(proxied.status).toBe(400);
    expect(proxied.xml!.name).toBe("error");
    expect(text(proxied.xml, "errorCode")).toBe("10130");
    expect(text(proxied.xml, "details")).toMatch(/distributed port group/);
    expect(text(proxied.xml, "moduleName")).toBeTruthy();
  });

  it("proxy: vCD network sub-interfaces survive a read-modify-write of the vCD trunk; dropping them is refused", async () => {
    const created = await vcd.request("POST", `/api/admin/vdc/${edge.vdcUuid}/networks`, {
      body: networkBody({ name: "stretched", edgeHref: edge.href, gateway: "10.10.0.1" }),
      contentType: NETWORK_MEDIA,
    });
    await vcd.waitTask(SimClient.embeddedTaskHref(created.xml!));
    const vnics = await vcd.request("GET", `/network/edges/${edge.uuid}/vnics`);
    const trunk = children(vnics.xml, "vnic").find((v) => text(v, "type") === "trunk")!;
    const index = text(trunk, "index")!;
    const owned = child(child(trunk, "subInterfaces"), "subInterface")!;
    // Send back what was read plus one new sub-interface (pre-6.4 style RMW).
    const body = trunkXml(
      [
        subXml({ name: text(owned, "name")!, index: 10, tunnelId: 1, ip: "10.10.0.1" }),
        subXml({ name: "extra", tunnelId: 5, vlanId: 50, ip: "10.20.0.1" }),
      ],
      text(trunk, "portgroupId"),
    );
    const withSwitch = body.replace(
      "<tunnelId>1</tunnelId>",
      `<tunnelId>1</tunnelId><logicalSwitchId>${text(owned, "logicalSwitchId")}</logicalSwitchId>`,
    );
    const put = await vcd.request("PUT", `/network/edges/${edge.uuid}/vnics/${index}`, {
      body: withSwitch,
      contentType: "application/xml",
    });
    expect(put.status).toBe(204);
    const after = await vcd.request("GET", `/network/edges/${edge.uuid}/vdcNetworks`);
    // vdcNetworks lists only vCD's networks: the NSX-written sub-interface is not one.
    expect(
      children(after.xml, "edgeInterface").map((e) => [text(e, "name"), text(e, "tunnelId") ?? null]),
    ).toEqual([
      ["uplink", null],
      ["stretched", "1"],
    ]);
    const direct = await nsx.request("GET", `/api/4.0/edges/edge-1/vnics/${index}`);
    expect(
      children(child(direct.xml, "subInterfaces"), "subInterface").map((s) => text(s, "tunnelId")),
    ).toEqual(["1", "5"]);
    const drop = await vcd.request("PUT", `/network/edges/${edge.uuid}/vnics/${index}`, {
      body: trunkXml([subXml({ name: "extra", tunnelId: 5, vlanId: 50 })], text(trunk, "portgroupId")),
      contentType: "application/xml",
    });
    expect(drop.status).toBe(400);
    expect(text(drop.xml, "details")).toMatch(/belongs to vCloud Director network stretched/);
    // A tunnel id vCD already gave a network cannot be reused on the same edge.
    const clash = await nsx.request(
      "PUT",
      "/api/4.0/edges/edge-1/vnics/4",
      trunkXml([subXml({ name: "c", tunnelId: 1, vlanId: 9 })], "dvportgroup-304"),
    );
    expect(text(clash.xml, "details")).toMatch(/tunnelId 1 is used by both/);
  });

  it("proxy: the 6.4 calls and GETs work with the gateway UUID; calls without a session get 401", async () => {
    const pg = "dvportgroup-306";
    expect(
      (
        await vcd.request("PUT", `/network/edges/${edge.uuid}/vnics/7`, {
          body: trunkXml([], pg),
          contentType: "application/xml",
        })
      ).status,
    ).toBe(204);
    const post = await vcd.request("POST", `/network/edges/${edge.uuid}/vnics/7/subinterfaces`, {
      body: buildXml("subInterface", subXml({ name: "p", tunnelId: 70, vlanId: 70 })),
      contentType: "application/xml",
    });
    expect(post.status).toBe(201);
    expect(post.headers.get("location")).toMatch(
      new RegExp(`/network/edges/${edge.uuid}/vnics/7/subinterfaces/\\d+$`),
    );
    expect((await vcd.request("DELETE", `/network/edges/${edge.uuid}/vnics/7`)).status).toBe(204);
    const anon = await fetch(`${sim.url}/network/edges/${edge.uuid}/vnics`, {
      headers: { Accept: "application/*+xml;version=32.0" },
    });
    expect(anon.status).toBe(401);
  });
});

describe("sim NSX vnics: lost updates, busy edges, async jobs", () => {
  it("counts a stale whole-vnic PUT as a lost update and a fresh read-modify-write not", async () => {
    const sim = await startSimulator({ port: 0 });
    try {
      const a = new NsxSimClient(sim.url, undefined, undefined, "writer-a");
      const b = new NsxSimClient(sim.url, undefined, undefined, "writer-b");
      const path = "/api/4.0/edges/edge-101/vnics/3";
      await a.request("GET", path);
      await b.request("GET", path);
      expect(
        (
          await b.request(
            "PUT",
            path,
            trunkXml([subXml({ name: "b", tunnelId: 2, vlanId: 2 })], "dvportgroup-303"),
          )
        ).status,
      ).toBe(204);
      expect((await stats(sim)).lostUpdates).toBe(0);
      // a writes from its stale read: b's sub-interface is lost.
      expect(
        (
          await a.request(
            "PUT",
            path,
            trunkXml([subXml({ name: "a", tunnelId: 1, vlanId: 1 })], "dvportgroup-303"),
          )
        ).status,
      ).toBe(204);
      const st = await stats(sim);
      expect(st.lostUpdates).toBe(1);
      expect(st.lostUpdateEvents[0]).toMatchObject({
        object: "edge-vnic:edge-101:3",
        session: "nsx:admin:writer-a",
        user: "admin",
      });
      // Fresh read-modify-write (also across access paths and after one's own write): not counted.
      await b.request("GET", path);
      expect((await b.request("PUT", path, trunkXml([], "dvportgroup-303"))).status).toBe(204);
      expect((await b.request("PUT", path, trunkXml([], "dvportgroup-303"))).status).toBe(204);
      // A write that never read at all is counted too.
      const c = new NsxSimClient(sim.url, undefined, undefined, "writer-c");
      await c.request("PUT", "/api/4.0/edges/edge-101/vnics/4", trunkXml([], "dvportgroup-304"));
      expect((await stats(sim)).lostUpdates).toBe(2);
      // Sub-interface calls are not whole-document writes.
      const before = (await stats(sim)).lostUpdates;
      await c.request(
        "POST",
        "/api/4.0/edges/edge-101/vnics/4/subinterfaces",
        buildXml("subInterface", subXml({ name: "x", tunnelId: 9, vlanId: 9 })),
      );
      expect((await stats(sim)).lostUpdates).toBe(before);
    } finally {
      await sim.close();
    }
  });

  it("keeps the edge busy after a write: 409 on NSX direct, 400 BUSY_ENTITY via vCD and for vCD networks", async () => {
    const sim = await startSimulator({ port: 0, busyMs: 400, taskMs: 20 });
    try {
      const nsx = new NsxSimClient(sim.url);
      const vcd = new SimClient(sim.url);
      await vcd.login("alice", "acme", "Alice-Secret-1");
      const edge = await cloudEdge(vcd);
      expect(
        (await nsx.request("PUT", "/api/4.0/edges/edge-1/vnics/3", trunkXml([], "dvportgroup-303"))).status,
      ).toBe(204);
      const busy = await nsx.request("PUT", "/api/4.0/edges/edge-1/vnics/4", trunkXml([], "dvportgroup-304"));
      expect(busy.status).toBe(409);
      expect(nsxError(busy.xml)).toEqual({
        details: expect.stringMatching(/^Edge edge-1 is busy, another configuration is in progress/),
        errorCode: "10013",
      });
      const proxied = await vcd.request("DELETE", `/network/edges/${edge.uuid}/l2vpn/config`);
      expect([proxied.status, proxied.xml!.attrs["minorErrorCode"]]).toEqual([400, "BUSY_ENTITY"]);
      const net = await vcd.request("POST", `/api/admin/vdc/${edge.vdcUuid}/networks`, {
        body: networkBody({ name: "n", edgeHref: edge.href }),
        contentType: NETWORK_MEDIA,
      });
      expect(net.xml!.attrs["minorErrorCode"]).toBe("BUSY_ENTITY");
      // Reads still work and another edge is not affected.
      expect((await nsx.request("GET", "/api/4.0/edges/edge-1/vnics")).status).toBe(200);
      expect(
        (await nsx.request("PUT", "/api/4.0/edges/edge-2/vnics/3", trunkXml([], "dvportgroup-303"))).status,
      ).toBe(204);
      await new Promise((r) => setTimeout(r, 450));
      expect(
        (await nsx.request("PUT", "/api/4.0/edges/edge-1/vnics/4", trunkXml([], "dvportgroup-304"))).status,
      ).toBe(204);
      expect(sim.stats().busyRejections).toBe(3);
    } finally {
      await sim.close();
    }
  });

  it("?async=true answers 202 + job: SUCCESS on NSX direct, COMPLETED via vCD, FAILED for an invalid change", async () => {
    const sim = await startSimulator({ port: 0, taskMs: 200 });
    try {
      const nsx = new NsxSimClient(sim.url);
      const vcd = new SimClient(sim.url);
      await vcd.login("alice", "acme", "Alice-Secret-1");
      const edge = await cloudEdge(vcd);
      const r = await nsx.request(
        "PUT",
        "/api/4.0/edges/edge-101/vnics/2?async=true",
        trunkXml([subXml({ name: "a", tunnelId: 1, vlanId: 1 })]),
      );
      expect(r.status).toBe(202);
      const loc = r.headers.get("location")!;
      expect(loc).toMatch(/\/api\/4\.0\/edges\/jobs\/jobdata-\d+$/);
      const first = await nsx.request("GET", loc);
      expect(["QUEUED", "RUNNING"]).toContain(text(first.xml, "status"));
      // The edge is busy while the job runs.
      expect((await nsx.request("DELETE", "/api/4.0/edges/edge-101/vnics/2")).status).toBe(409);
      const done = await waitJob((h) => nsx.request("GET", h), loc);
      expect([text(done, "status"), text(done, "edgeId"), text(done, "module")]).toEqual([
        "SUCCESS",
        "edge-101",
        "vnics",
      ]);

      const pr = await vcd.request("PUT", `/network/edges/${edge.uuid}/vnics/5?async=true`, {
        body: trunkXml([], "dvportgroup-305"),
        contentType: "application/xml",
      });
      expect(pr.status).toBe(202);
      const ploc = pr.headers.get("location")!;
      expect(ploc).toMatch(/\/network\/edges\/jobs\/jobdata-\d+$/);
      expect(text(await waitJob((h) => vcd.request("GET", h), ploc), "status")).toBe("COMPLETED");
      expect((await vcd.request("GET", `/network/edges/jobs/${loc.split("/").pop()}`)).status).toBe(404);

      await new Promise((res) => setTimeout(res, 60));
      const bad = await nsx.request(
        "PUT",
        "/api/4.0/edges/edge-101/vnics/3?async=true",
        trunkXml([], "virtualwire-1"),
      );
      expect(bad.status).toBe(202);
      const failed = await waitJob((h) => nsx.request("GET", h), bad.headers.get("location")!);
      expect([text(failed, "status"), text(failed, "errorCode")]).toEqual(["FAILED", "10130"]);
      expect(text(failed, "message")).toMatch(/distributed port group/);
      expect(text((await nsx.request("GET", "/api/4.0/edges/edge-101/vnics/3")).xml, "type")).toBe(
        "internal",
      );
      expect(sim.stats().jobs).toBe(3);
      const jobs = await nsx.request("GET", "/api/4.0/edges/jobs");
      expect(children(jobs.xml, "edgeJob")).toHaveLength(3);
    } finally {
      await sim.close();
    }
  });
});
