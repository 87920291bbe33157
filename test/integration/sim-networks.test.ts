import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSimulator, type RunningSim } from "../../sim";
import { NETWORK_MEDIA, networkBody, SimClient } from "../support/sim-client";
import { child, children, type XNode } from "../../sim/xml/xml";

const text = (n: XNode | undefined, name: string) => child(n, name)?.text;

describe("sim: queries and Org VDC networks on NSX-v edges", () => {
  let dir: string;
  let sim: RunningSim;
  let alice: SimClient;
  let edges: Record<string, { href: string; uuid: string }>;
  let vdcHref: string;
  let vdcUuid: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "l2s-sim-net-"));
    sim = await startSimulator({ port: 0, stateFile: join(dir, "state.json"), taskMs: 150 });
    alice = new SimClient(sim.url, "32.0");
    await alice.login("alice", "acme", "Alice-Secret-1");
    const q = await alice.request("GET", "/api/query?type=edgeGateway&format=records");
    edges = {};
    for (const r of children(q.xml, "EdgeGatewayRecord")) {
      edges[r.attrs["name"]!] = { href: r.attrs["href"]!, uuid: r.attrs["href"]!.split("/").pop()! };
    }
    vdcHref = children(q.xml, "EdgeGatewayRecord")[0]!.attrs["vdc"]!;
    vdcUuid = vdcHref.split("/").pop()!;
  });
  afterAll(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function createNet(name: string, edge: string, gateway: string, client = alice) {
    const body = networkBody({
      name,
      edgeHref: edges[edge]!.href,
      gateway,
      ranges: [[gateway.replace(/\.1$/, ".10"), gateway.replace(/\.1$/, ".20")]],
    });
    return client.request("POST", `/api/admin/vdc/${vdcUuid}/networks`, { body, contentType: NETWORK_MEDIA });
  }

  it("edgeGateway query returns both NSX-v edges with the documented attributes, filterable and paged", async () => {
    expect(Object.keys(edges).sort()).toEqual(["edge-cloud-1", "edge-cloud-2"]);
    const q = await alice.request(
      "GET",
      `/api/query?type=edgeGateway&format=records&filter=name==edge-cloud-2;vdc==${encodeURIComponent(vdcHref)}`,
    );
    const recs = children(q.xml, "EdgeGatewayRecord");
    expect(recs).toHaveLength(1);
    expect(recs[0]!.attrs).toMatchObject({
      name: "edge-cloud-2",
      orgVdcName: "acme-vdc",
      isBusy: "false",
      advancedNetworkingEnabled: "true",
      edgeGatewayType: "NSXV_BACKED",
    });
    expect(q.xml!.attrs).toMatchObject({ total: "1", page: "1", pageSize: "25", name: "edgeGateway" });

    const p1 = await alice.request("GET", "/api/query?type=edgeGateway&format=records&pageSize=1");
    expect(children(p1.xml, "EdgeGatewayRecord").map((r) => r.attrs["name"])).toEqual(["edge-cloud-1"]);
    const next = children(p1.xml, "Link").find((l) => l.attrs["rel"] === "nextPage");
    expect(next).toBeDefined();
    const p2 = await alice.request("GET", next!.attrs["href"]!);
    expect(children(p2.xml, "EdgeGatewayRecord").map((r) => r.attrs["name"])).toEqual(["edge-cloud-2"]);
    expect(children(p2.xml, "Link").some((l) => l.attrs["rel"] === "nextPage")).toBe(false);

    const bad = await alice.request("GET", "/api/query?type=edgeGateway&format=records&filter=nosuch==1");
    expect(bad.status).toBe(400);
    const vdcs = await alice.request("GET", "/api/query?type=orgVdc&format=records");
    expect(children(vdcs.xml, "OrgVdcRecord").map((r) => [r.attrs["name"], r.attrs["orgName"]])).toEqual([
      ["acme-vdc", "acme"],
    ]);
  });

  it("VDC and edge documents carry the add link and the NSX-v edge configuration", async () => {
    const vdc = await alice.request("GET", `/api/admin/vdc/${vdcUuid}`);
    const add = children(vdc.xml, "Link").find(
      (l) => l.attrs["rel"] === "add" && l.attrs["type"] === NETWORK_MEDIA,
    );
    expect(add!.attrs["href"]).toBe(`${sim.url}/api/admin/vdc/${vdcUuid}/networks`);
    const edge = await alice.request("GET", `/api/admin/edgeGateway/${edges["edge-cloud-1"]!.uuid}`);
    expect(edge.xml!.attrs["id"]).toBe(`urn:vcloud:gateway:${edges["edge-cloud-1"]!.uuid}`);
    const conf = child(edge.xml, "Configuration");
    expect(text(conf, "AdvancedNetworkingEnabled")).toBe("true");
    const gi = child(child(conf, "GatewayInterfaces"), "GatewayInterface");
    expect(text(gi, "InterfaceType")).toBe("uplink");
    expect(text(child(gi, "SubnetParticipation"), "IpAddress")).toBe("192.0.2.10");
  });

  it("creates a subinterface network through a task, then exposes it in GET, query, vdcNetworks and vnics", async () => {
    const created = await createNet("stretch-a", "edge-cloud-1", "10.20.0.1");
    expect(created.status).toBe(201);
    expect(created.xml!.attrs["status"]).toBe("0");
    expect(created.xml!.attrs["id"]).toMatch(/^urn:vcloud:network:/);
    const taskHref = SimClient.embeddedTaskHref(created.xml!);
    const netHref = created.xml!.attrs["href"]!;
    const netUuid = netHref.split("/").pop()!;

    const t0 = await alice.request("GET", taskHref);
    expect(["queued", "preRunning", "running"]).toContain(t0.xml!.attrs["status"]);
    expect(t0.xml!.attrs["operationName"]).toBe("orgVdcNetworkCreate");
    expect(child(t0.xml, "Owner")!.attrs["id"]).toBe(`urn:vcloud:network:${netUuid}`);
    const busyQuery = await alice.request(
      "GET",
      "/api/query?type=edgeGateway&format=records&filter=name==edge-cloud-1",
    );
    expect(children(busyQuery.xml, "EdgeGatewayRecord")[0]!.attrs["isBusy"]).toBe("true");

    const seen = new Set<string>();
    let done: XNode | undefined;
    while (!done) {
      const t = await alice.request("GET", taskHref);
      seen.add(t.xml!.attrs["status"]!);
      if (t.xml!.attrs["status"] === "success") done = t.xml;
      else await new Promise((r) => setTimeout(r, 10));
    }
    expect(seen.has("running")).toBe(true);
    expect(text(done, "Progress")).toBe("100");
    expect(done!.attrs["endTime"]).toBeDefined();

    const got = await alice.request("GET", `/api/network/${netUuid}`);
    expect(got.xml!.attrs["status"]).toBe("1");
    const conf = child(got.xml, "Configuration");
    expect(text(conf, "FenceMode")).toBe("natRouted");
    expect(text(conf, "SubInterface")).toBe("true");
    expect(text(child(child(conf, "IpScopes"), "IpScope"), "Gateway")).toBe("10.20.0.1");
    expect(child(got.xml, "EdgeGateway")).toBeUndefined();

    const nq = await alice.request(
      "GET",
      "/api/query?type=orgVdcNetwork&format=records&filter=name==stretch-a",
    );
    expect(children(nq.xml, "OrgVdcNetworkRecord")[0]!.attrs).toMatchObject({
      connectedTo: "edge-cloud-1",
      linkType: "1",
      defaultGateway: "10.20.0.1",
      netmask: "255.255.255.0",
    });

    const vn = await alice.request("GET", `/network/edges/${edges["edge-cloud-1"]!.uuid}/vdcNetworks`);
    const sub = children(vn.xml, "edgeInterface").find((e) => text(e, "type") === "subinterface")!;
    expect(text(sub, "index")).toBe("10");
    expect(text(sub, "tunnelId")).toBe("1");
    expect(text(child(sub, "networkReference"), "id")).toBe(netUuid);
    expect(text(sub, "portgroupName") ?? "").toBe(""); // hidden from tenant users
    expect(children(vn.xml, "edgeInterface").find((e) => text(e, "type") === "uplink")).toBeDefined();

    const vnics = await alice.request("GET", `/network/edges/${edges["edge-cloud-1"]!.uuid}/vnics`);
    const all = children(vnics.xml, "vnic");
    expect(all).toHaveLength(10);
    const trunk = all.find((v) => text(v, "type") === "trunk")!;
    expect(text(trunk, "index")).toBe("1");
    expect(text(trunk, "name")).toBe(`vdc${vdcUuid}`);
    expect(text(trunk, "mtu")).toBe("1600");
    expect(text(trunk, "portgroupName")).toBe(`dvs.VCDVS-Trunk-Portgroup-vdc${vdcUuid}`);
    const si = child(child(trunk, "subInterfaces"), "subInterface")!;
    expect([
      text(si, "index"),
      text(si, "tunnelId"),
      text(si, "label"),
      text(si, "logicalSwitchName"),
      text(si, "name"),
    ]).toEqual(["10", "1", "vNic_10", "stretch-a", "vnic1-subinterface"]);
    const unused = all.find((v) => text(v, "index") === "5")!;
    expect([
      text(unused, "name"),
      text(unused, "label"),
      text(unused, "type"),
      text(unused, "isConnected"),
    ]).toEqual(["vnic5", "vNic_5", "internal", "false"]);
  });

  it("update needs EdgeGateway, cannot change the gateway, and renames through a task; delete removes the trunk", async () => {
    const created = await createNet("stretch-b", "edge-cloud-2", "10.30.0.1");
    await alice.waitTask(SimClient.embeddedTaskHref(created.xml!));
    const uuid = created.xml!.attrs["href"]!.split("/").pop()!;
    await alice.request("GET", `/api/admin/network/${uuid}`);

    const noEdge = networkBody({
      name: "stretch-b2",
      gateway: "10.30.0.1",
      ranges: [["10.30.0.10", "10.30.0.20"]],
    });
    const r1 = await alice.request("PUT", `/api/admin/network/${uuid}`, {
      body: noEdge,
      contentType: NETWORK_MEDIA,
    });
    expect(r1.status).toBe(400);
    expect(r1.xml!.attrs["minorErrorCode"]).toBe("BAD_REQUEST");
    expect(r1.xml!.attrs["message"]).toMatch(/EdgeGateway/);

    const newGw = networkBody({
      name: "stretch-b",
      edgeHref: edges["edge-cloud-2"]!.href,
      gateway: "10.31.0.1",
      ranges: [["10.31.0.10", "10.31.0.20"]],
    });
    expect(
      (await alice.request("PUT", `/api/admin/network/${uuid}`, { body: newGw, contentType: NETWORK_MEDIA }))
        .status,
    ).toBe(400);

    const wrongType = await alice.request("PUT", `/api/admin/network/${uuid}`, {
      body: noEdge,
      contentType: "application/xml",
    });
    expect(wrongType.status).toBe(415);

    const rename = networkBody({
      name: "stretch-b2",
      edgeHref: edges["edge-cloud-2"]!.href,
      gateway: "10.30.0.1",
      ranges: [["10.30.0.10", "10.30.0.30"]],
    });
    const put = await alice.request("PUT", `/api/admin/network/${uuid}`, {
      body: rename,
      contentType: NETWORK_MEDIA,
    });
    expect(put.status).toBe(202);
    expect(put.xml!.name).toBe("Task");
    expect(put.xml!.attrs["operationName"]).toBe("orgVdcNetworkUpdate");
    expect((await alice.waitTask(put.xml!.attrs["href"]!)).attrs["status"]).toBe("success");
    const after = await alice.request("GET", `/api/admin/network/${uuid}`);
    expect(after.xml!.attrs["name"]).toBe("stretch-b2");
    const vn = await alice.request("GET", `/network/edges/${edges["edge-cloud-2"]!.uuid}/vnics`);
    const trunk = children(vn.xml, "vnic").find((v) => text(v, "type") === "trunk")!;
    expect(text(child(child(trunk, "subInterfaces"), "subInterface"), "logicalSwitchName")).toBe(
      "stretch-b2",
    );

    const del = await alice.request("DELETE", `/api/admin/network/${uuid}`);
    expect(del.status).toBe(202);
    expect(del.xml!.attrs["operationName"]).toBe("orgVdcNetworkDelete");
    await alice.waitTask(del.xml!.attrs["href"]!);
    // A tenant is told 403 for a network that no longer exists, as vCD does.
    expect((await alice.request("GET", `/api/admin/network/${uuid}`)).status).toBe(403);
    const vn2 = await alice.request("GET", `/network/edges/${edges["edge-cloud-2"]!.uuid}/vnics`);
    expect(children(vn2.xml, "vnic").some((v) => text(v, "type") === "trunk")).toBe(false);
  });

  it("rejects out-of-order bodies with the validating parser's message, duplicates and bad subnets", async () => {
    const good = networkBody({
      name: "ordered",
      edgeHref: edges["edge-cloud-2"]!.href,
      gateway: "10.40.0.1",
      ranges: [["10.40.0.10", "10.40.0.20"]],
    });
    const swapped = good.replace(
      /(<Description>.*<\/Description>)(<Configuration>.*<\/Configuration>)/s,
      "$2$1",
    );
    const r = await alice.request("POST", `/api/admin/vdc/${vdcUuid}/networks`, {
      body: swapped,
      contentType: NETWORK_MEDIA,
    });
    expect(r.status).toBe(400);
    expect(r.xml!.attrs["minorErrorCode"]).toBe("BAD_REQUEST");
    expect(r.xml!.attrs["message"]).toContain(
      `cvc-complex-type.2.4.a: Invalid content was found starting with element 'Description'. One of '{"http://www.vmware.com/vcloud/v1.5":EdgeGateway, "http://www.vmware.com/vcloud/v1.5":ServiceConfig, "http://www.vmware.com/vcloud/v1.5":IsShared}' is expected.`,
    );
    const outside = networkBody({
      name: "outside",
      edgeHref: edges["edge-cloud-2"]!.href,
      gateway: "10.41.0.1",
      ranges: [["10.42.0.10", "10.42.0.20"]],
    });
    expect(
      (
        await alice.request("POST", `/api/admin/vdc/${vdcUuid}/networks`, {
          body: outside,
          contentType: NETWORK_MEDIA,
        })
      ).status,
    ).toBe(400);

    const c = await createNet("dup", "edge-cloud-2", "10.43.0.1");
    await alice.waitTask(SimClient.embeddedTaskHref(c.xml!));
    const dup = await createNet("dup", "edge-cloud-2", "10.44.0.1");
    expect(dup.status).toBe(400);
    expect(dup.xml!.attrs["minorErrorCode"]).toBe("DUPLICATE_NAME");
    expect(sim.world().networks.filter((n) => n.name === "dup")).toHaveLength(1);
  });

  it("rejects a second write on an edge while a task on it runs (and for busyMs after) with BUSY_ENTITY", async () => {
    sim.setFaults({ busyMs: 200 });
    try {
      const first = await createNet("busy-1", "edge-cloud-1", "10.50.0.1");
      expect(first.status).toBe(201);
      const second = await createNet("busy-2", "edge-cloud-1", "10.51.0.1");
      expect(second.status).toBe(400);
      expect(second.xml!.attrs["minorErrorCode"]).toBe("BUSY_ENTITY");
      expect(second.xml!.attrs["message"]).toMatch(
        new RegExp(
          `The entity EdgeGateway edge-cloud-1 \\(urn:vcloud:gateway:${edges["edge-cloud-1"]!.uuid}\\) is busy completing an operation orgVdcNetworkCreate\\.$`,
        ),
      );
      // Another edge is not affected.
      const other = await createNet("busy-other", "edge-cloud-2", "10.52.0.1");
      expect(other.status).toBe(201);
      await alice.waitTask(SimClient.embeddedTaskHref(first.xml!));
      const during = await createNet("busy-2", "edge-cloud-1", "10.51.0.1");
      expect(during.xml!.attrs["minorErrorCode"]).toBe("BUSY_ENTITY");
      await new Promise((r) => setTimeout(r, 250));
      const later = await createNet("busy-2", "edge-cloud-1", "10.51.0.1");
      expect(later.status).toBe(201);
      await alice.waitTask(SimClient.embeddedTaskHref(later.xml!));
      await alice.waitTask(SimClient.embeddedTaskHref(other.xml!));
      expect(sim.stats().busyRejections).toBeGreaterThanOrEqual(2);
      // Second sub-interface on edge-cloud-1 gets the next index and tunnel id.
      const vn = await alice.request("GET", `/network/edges/${edges["edge-cloud-1"]!.uuid}/vdcNetworks`);
      const subs = children(vn.xml, "edgeInterface").filter((e) => text(e, "type") === "subinterface");
      expect(subs.map((s) => [text(s, "name"), text(s, "index"), text(s, "tunnelId")])).toEqual([
        ["stretch-a", "10", "1"],
        ["busy-1", "11", "2"],
        ["busy-2", "12", "3"],
      ]);
    } finally {
      sim.setFaults({ busyMs: 0 });
    }
  });

  it("cancels a running task: the network being created disappears", async () => {
    const c = await createNet("cancel-me", "edge-cloud-2", "10.60.0.1");
    const taskHref = SimClient.embeddedTaskHref(c.xml!);
    expect((await alice.request("POST", `${taskHref}/action/cancel`)).status).toBe(204);
    const t = await alice.request("GET", taskHref);
    expect(t.xml!.attrs["status"]).toBe("aborted");
    expect(sim.world().networks.some((n) => n.name === "cancel-me")).toBe(false);
    expect((await alice.request("POST", `${taskHref}/action/cancel`)).status).toBe(400);
  });

  it("counts lost updates when a session PUTs a network another session changed since it read it", async () => {
    const bob = new SimClient(sim.url, "32.0");
    await bob.login("alice", "acme", "Alice-Secret-1"); // a second session of the same user
    const c = await createNet("shared-net", "edge-cloud-2", "10.70.0.1");
    await alice.waitTask(SimClient.embeddedTaskHref(c.xml!));
    const uuid = c.xml!.attrs["href"]!.split("/").pop()!;
    const body = (desc: string) =>
      networkBody({
        name: "shared-net",
        description: desc,
        edgeHref: edges["edge-cloud-2"]!.href,
        gateway: "10.70.0.1",
        ranges: [["10.70.0.10", "10.70.0.20"]],
      });
    const before = sim.stats().lostUpdates;

    await alice.request("GET", `/api/admin/network/${uuid}`);
    await bob.request("GET", `/api/admin/network/${uuid}`);
    const a = await alice.request("PUT", `/api/admin/network/${uuid}`, {
      body: body("from alice"),
      contentType: NETWORK_MEDIA,
    });
    await alice.waitTask(a.xml!.attrs["href"]!);
    expect(sim.stats().lostUpdates).toBe(before); // alice had the current revision
    const b = await bob.request("PUT", `/api/admin/network/${uuid}`, {
      body: body("from bob"),
      contentType: NETWORK_MEDIA,
    });
    expect(b.status).toBe(202); // applied anyway, as vCD would
    await bob.waitTask(b.xml!.attrs["href"]!);
    expect(sim.stats().lostUpdates).toBe(before + 1);
    const ev = sim.stats().lostUpdateEvents.at(-1)!;
    expect(ev).toMatchObject({ object: `network:${uuid}`, seen: 1, current: 2 });
    // Alice writes again without re-reading: bob changed it since, so that is lost too.
    const a2 = await alice.request("PUT", `/api/admin/network/${uuid}`, {
      body: body("alice again"),
      contentType: NETWORK_MEDIA,
    });
    await alice.waitTask(a2.xml!.attrs["href"]!);
    expect(sim.stats().lostUpdates).toBe(before + 2);
    // Bob's own consecutive write after his own change is not a lost update.
    const b2 = await bob.request("GET", `/api/admin/network/${uuid}`);
    expect(b2.status).toBe(200);
    const b3 = await bob.request("PUT", `/api/admin/network/${uuid}`, {
      body: body("bob 2"),
      contentType: NETWORK_MEDIA,
    });
    await bob.waitTask(b3.xml!.attrs["href"]!);
    const b4 = await bob.request("PUT", `/api/admin/network/${uuid}`, {
      body: body("bob 3"),
      contentType: NETWORK_MEDIA,
    });
    await bob.waitTask(b4.xml!.attrs["href"]!);
    expect(sim.stats().lostUpdates).toBe(before + 2);
  });

  it("cloudapi orgVdcNetworks: create (202 + Location task), list with filter, get, page size limit, delete", async () => {
    const c = new SimClient(sim.url, "32.0");
    await c.login("alice", "acme", "Alice-Secret-1");
    const body = {
      name: "cloud-net",
      description: "",
      ownerRef: { id: `urn:vcloud:vdc:${vdcUuid}` },
      networkType: "NAT_ROUTED",
      connection: {
        routerRef: { id: `urn:vcloud:gateway:${edges["edge-cloud-2"]!.uuid}` },
        connectionTypeValue: "SUBINTERFACE",
      },
      subnets: {
        values: [
          {
            gateway: "10.80.0.1",
            prefixLength: 24,
            dnsServer1: "192.0.2.53",
            dnsServer2: "",
            dnsSuffix: "x.test",
            ipRanges: { values: [{ startAddress: "10.80.0.10", endAddress: "10.80.0.20" }] },
          },
        ],
      },
      shared: false,
    };
    const post = await c.request("POST", "/cloudapi/1.0.0/orgVdcNetworks", {
      body: JSON.stringify(body),
      contentType: "application/json",
    });
    expect(post.status).toBe(202);
    const loc = post.headers.get("location")!;
    expect(loc).toMatch(new RegExp(`^${sim.url}/api/task/`));
    const task = await c.waitTask(loc);
    expect(task.attrs["status"]).toBe("success");
    const id = child(task, "Owner")!.attrs["id"]!;

    const list = await c.request(
      "GET",
      `/cloudapi/1.0.0/orgVdcNetworks?filter=${encodeURIComponent(`name==cloud-net;ownerRef.id==urn:vcloud:vdc:${vdcUuid}`)}&pageSize=32`,
    );
    expect(list.status).toBe(200);
    const page = list.json as { resultTotal: number; values: Array<Record<string, unknown>> };
    expect(page.resultTotal).toBe(1);
    expect(page.values[0]).toMatchObject({
      id,
      name: "cloud-net",
      networkType: "NAT_ROUTED",
      status: "REALIZED",
      connection: { connectionTypeValue: "SUBINTERFACE", routerRef: { name: "edge-cloud-2" } },
      ownerRef: { id: `urn:vcloud:vdc:${vdcUuid}`, name: "acme-vdc" },
      subnets: { values: [{ gateway: "10.80.0.1", prefixLength: 24 }] },
    });
    expect((await c.request("GET", "/cloudapi/1.0.0/orgVdcNetworks?pageSize=33")).status).toBe(400);

    // The same network through the XML API.
    const xml = await c.request("GET", `/api/network/${id.split(":").pop()}`);
    expect(text(child(xml.xml, "Configuration"), "SubInterface")).toBe("true");

    const del = await c.request("DELETE", `/cloudapi/1.0.0/orgVdcNetworks/${id}`);
    expect(del.status).toBe(202);
    await c.waitTask(del.headers.get("location")!);
    const gone = await c.request("GET", `/cloudapi/1.0.0/orgVdcNetworks/${id}`);
    expect([gone.status, (gone.json as { minorErrorCode?: string }).minorErrorCode]).toEqual([
      403,
      "ACCESS_TO_RESOURCE_IS_FORBIDDEN",
    ]);
  });

  it("the provider sees portgroup names in vdcNetworks; unknown edges give 404", async () => {
    const admin = new SimClient(sim.url, "32.0");
    await admin.login("administrator", "System", "Admin-Secret-1");
    const vn = await admin.request("GET", `/network/edges/${edges["edge-cloud-1"]!.uuid}/vdcNetworks`);
    const sub = children(vn.xml, "edgeInterface").find((e) => text(e, "name") === "stretch-a")!;
    expect(text(sub, "portgroupName")).toBe("stretch-a");
    expect(
      (await admin.request("GET", "/network/edges/00000000-0000-4000-8000-000000000000/vnics")).status,
    ).toBe(404);
  });
});

describe("sim: tenant isolation", () => {
  it("a tenant cannot see or use another org's VDC and edges", async () => {
    const sim = await startSimulator({
      port: 0,
      taskMs: 10,
      seed: {
        orgs: [
          { name: "System", users: [{ name: "administrator", password: "a" }] },
          {
            name: "acme",
            users: [{ name: "alice", password: "a" }],
            vdcs: [{ name: "acme-vdc", edges: [{ name: "e1", uplink: { primaryAddress: "192.0.2.10" } }] }],
          },
          {
            name: "beta",
            users: [{ name: "bob", password: "b" }],
            vdcs: [
              { name: "beta-vdc", edges: [{ name: "e2", uplink: { primaryAddress: "198.51.100.10" } }] },
            ],
          },
        ],
      },
    });
    try {
      const bob = new SimClient(sim.url);
      await bob.login("bob", "beta", "b");
      const q = await bob.request("GET", "/api/query?type=edgeGateway&format=records");
      expect(children(q.xml, "EdgeGatewayRecord").map((r) => r.attrs["name"])).toEqual(["e2"]);
      const acmeEdge = sim.world().edges.find((e) => e.name === "e1")!;
      const acmeVdc = sim.world().vdcs.find((v) => v.name === "acme-vdc")!;
      const r = await bob.request("GET", `/api/admin/edgeGateway/${acmeEdge.id}`);
      expect(r.status).toBe(403);
      expect(r.xml!.attrs["minorErrorCode"]).toBe("ACCESS_TO_RESOURCE_IS_FORBIDDEN");
      expect((await bob.request("GET", `/network/edges/${acmeEdge.id}/vnics`)).status).toBe(403);
      const post = await bob.request("POST", `/api/admin/vdc/${acmeVdc.id}/networks`, {
        body: networkBody({ name: "x", edgeHref: `${sim.url}/api/admin/edgeGateway/${acmeEdge.id}` }),
        contentType: NETWORK_MEDIA,
      });
      expect(post.status).toBe(403);
      const admin = new SimClient(sim.url);
      await admin.login("administrator", "System", "a");
      const all = await admin.request("GET", "/api/query?type=edgeGateway&format=records");
      expect(children(all.xml, "EdgeGatewayRecord")).toHaveLength(2);
    } finally {
      await sim.close();
    }
  });
});
