// The simulator answers as real vCD does where go-vcloud-director (VMware's Go SDK) found it
// diverging (issue 10): edge GatewayInterfaces, 403 for missing entities to a tenant, the VDC's
// advertised query links, VDC capabilities. The SDK itself drives these in test/conformance/.
import { startSimulator, type RunningSim } from "../../sim";
import { child, children, type XNode } from "../../sim/xml/xml";
import { cloudEdge, NETWORK_MEDIA, networkBody, SimClient } from "../support/sim-client";

const text = (n: XNode | undefined, name: string) => child(n, name)?.text;
const MISSING = "00000000-0000-4000-8000-000000000000";

describe("sim: vCD behaviour the Go SDK relies on", () => {
  let sim: RunningSim;
  let alice: SimClient;
  let admin: SimClient;
  let edge: { href: string; uuid: string; vdcUuid: string };
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, taskMs: 50 });
    alice = new SimClient(sim.url, "32.0");
    await alice.login("alice", "acme", "Alice-Secret-1");
    admin = new SimClient(sim.url, "32.0");
    await admin.login("administrator", "System", "Admin-Secret-1");
    edge = await cloudEdge(alice);
  });
  afterAll(async () => {
    await sim.close();
  });

  it("lists a routed subinterface network under the edge's GatewayInterfaces, and drops it on delete", async () => {
    const interfaces = async () => {
      const r = await alice.request("GET", `/api/admin/edgeGateway/${edge.uuid}`);
      const list = children(child(child(r.xml, "Configuration"), "GatewayInterfaces"), "GatewayInterface");
      return list.map((g) => [text(g, "Name"), text(g, "InterfaceType")]);
    };
    expect(await interfaces()).toEqual([[expect.any(String), "uplink"]]);
    const created = await alice.request("POST", `/api/admin/vdc/${edge.vdcUuid}/networks`, {
      body: networkBody({
        name: "gi-net",
        edgeHref: edge.href,
        gateway: "10.61.0.1",
        ranges: [["10.61.0.10", "10.61.0.20"]],
      }),
      contentType: NETWORK_MEDIA,
    });
    expect(created.status).toBe(201);
    await alice.waitTask(SimClient.embeddedTaskHref(created.xml!));
    expect(await interfaces()).toEqual([
      [expect.any(String), "uplink"],
      ["gi-net", "internal"],
    ]);
    const r = await alice.request("GET", `/api/admin/edgeGateway/${edge.uuid}`);
    const gi = children(child(child(r.xml, "Configuration"), "GatewayInterfaces"), "GatewayInterface")[1];
    expect(text(child(gi, "SubnetParticipation"), "Gateway")).toBe("10.61.0.1");
    expect(child(gi, "Network")!.attrs["href"]).toBe(created.xml!.attrs["href"]);

    const del = await alice.request("DELETE", created.xml!.attrs["href"]!);
    await alice.waitTask(del.xml!.attrs["href"]!);
    expect(await interfaces()).toEqual([[expect.any(String), "uplink"]]);
  });

  it("answers 403 to a tenant and 404 to the provider for entities that do not exist", async () => {
    const paths = [
      `/api/vdc/${MISSING}`,
      `/api/admin/edgeGateway/${MISSING}`,
      `/api/admin/network/${MISSING}`,
      `/api/task/${MISSING}`,
    ];
    for (const p of paths) {
      const r = await alice.request("GET", p);
      expect([p, r.status, r.xml!.attrs["minorErrorCode"]]).toEqual([
        p,
        403,
        "ACCESS_TO_RESOURCE_IS_FORBIDDEN",
      ]);
      expect([p, (await admin.request("GET", p)).status]).toEqual([p, 404]);
    }
    const cloud = await alice.request("GET", `/cloudapi/1.0.0/orgVdcNetworks/urn:vcloud:network:${MISSING}`);
    expect([cloud.status, (cloud.json as { minorErrorCode: string }).minorErrorCode]).toEqual([
      403,
      "ACCESS_TO_RESOURCE_IS_FORBIDDEN",
    ]);
    const del = await alice.request("DELETE", `/api/admin/network/${MISSING}`);
    expect(del.status).toBe(403);
  });

  it("serves the VDC's rel=edgeGateways and rel=orgVdcNetworks links as paged query records", async () => {
    const vdc = await alice.request("GET", `/api/vdc/${edge.vdcUuid}`);
    const link = (rel: string) => children(vdc.xml, "Link").find((l) => l.attrs["rel"] === rel)!;
    const edges = await alice.request("GET", link("edgeGateways").attrs["href"]!);
    expect(edges.status).toBe(200);
    expect(edges.xml!.name).toBe("QueryResultRecords");
    expect(children(edges.xml, "EdgeGatewayRecord").map((r) => r.attrs["name"])).toEqual([
      "edge-cloud-1",
      "edge-cloud-2",
    ]);
    const firstPage = await alice.request("GET", `${link("edgeGateways").attrs["href"]!}?pageSize=1`);
    expect(firstPage.xml!.attrs).toMatchObject({ total: "2", pageSize: "1", page: "1" });
    const next = children(firstPage.xml, "Link").find((l) => l.attrs["rel"] === "nextPage")!;
    const second = await alice.request("GET", next.attrs["href"]!);
    expect(children(second.xml, "EdgeGatewayRecord").map((r) => r.attrs["name"])).toEqual(["edge-cloud-2"]);

    const created = await alice.request("POST", `/api/admin/vdc/${edge.vdcUuid}/networks`, {
      body: networkBody({
        name: "linked-net",
        edgeHref: edge.href,
        gateway: "10.62.0.1",
        ranges: [["10.62.0.10", "10.62.0.20"]],
      }),
      contentType: NETWORK_MEDIA,
    });
    await alice.waitTask(SimClient.embeddedTaskHref(created.xml!));
    const nets = await alice.request("GET", link("orgVdcNetworks").attrs["href"]!);
    expect(nets.status).toBe(200);
    expect(children(nets.xml, "OrgVdcNetworkRecord").map((r) => r.attrs["name"])).toContain("linked-net");
    // A VDC that does not exist: 403 to a tenant, like any entity it may not see.
    expect((await alice.request("GET", `/api/admin/vdc/${MISSING}/edgeGateways`)).status).toBe(403);
  });

  it("serves VDC capabilities from 32.0 with networkProvider NSX_V", async () => {
    const path = `/cloudapi/1.0.0/vdcs/urn:vcloud:vdc:${edge.vdcUuid}/capabilities`;
    const r = await alice.request("GET", path);
    expect(r.status).toBe(200);
    const values = (r.json as { values: { name: string; value: unknown }[] }).values;
    expect(values.find((v) => v.name === "networkProvider")?.value).toBe("NSX_V");
    const old = new SimClient(sim.url, "31.0");
    old.token = alice.token;
    expect((await old.request("GET", path)).status).toBe(404);
  });
});
