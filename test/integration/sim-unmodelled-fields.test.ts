// The simulator keeps elements it does not interpret, as vCD and NSX keep settings this project
// does not model: written with a document, shown by GET, dropped by a PUT that leaves them out
// (a PUT replaces the whole document). Raw HTTP only; no l2stretch client code.
import { startSimulator, type RunningSim } from "../../sim";
import { buildXml, child, children, type XNode } from "../../sim/xml/xml";
import { cloudEdge, NETWORK_MEDIA, networkBody, NsxSimClient, SimClient } from "../support/sim-client";

const text = (n: XNode | undefined, name: string) => child(n, name)?.text;

describe("simulator: unmodelled fields", () => {
  let sim: RunningSim;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, taskMs: 20 });
  });
  afterAll(() => sim.close());

  it("keeps an OrgVdcNetwork's VCloudExtension (with its own namespace) until a PUT leaves it out", async () => {
    const c = new SimClient(sim.url);
    await c.login("alice", "acme", "Alice-Secret-1");
    const edge = await cloudEdge(c);
    const ext = `<VCloudExtension required="false"><ext:Tag xmlns:ext="urn:example:ext" level="2">blue</ext:Tag></VCloudExtension>`;
    const body = networkBody({
      name: "ext-net",
      edgeHref: edge.href,
      gateway: "10.77.0.1",
      ranges: [["10.77.0.10", "10.77.0.20"]],
    }).replace(/(<OrgVdcNetwork[^>]*>)/, `$1${ext}`);
    const created = await c.request("POST", `/api/admin/vdc/${edge.vdcUuid}/networks`, {
      body,
      contentType: NETWORK_MEDIA,
    });
    expect(created.status).toBe(201);
    await c.waitTask(SimClient.embeddedTaskHref(created.xml!));
    const href = created.xml!.attrs["href"]!;
    const tag = child(child((await c.request("GET", href)).xml, "VCloudExtension"), "Tag");
    expect(tag).toMatchObject({ ns: "urn:example:ext", text: "blue", attrs: { level: "2" } });

    const again = networkBody({
      name: "ext-net",
      edgeHref: edge.href,
      gateway: "10.77.0.1",
      ranges: [["10.77.0.10", "10.77.0.20"]],
    });
    const put = await c.request("PUT", href, { body: again, contentType: NETWORK_MEDIA });
    await c.waitTask(put.xml!.attrs["href"]!);
    expect(child((await c.request("GET", href)).xml, "VCloudExtension")).toBeUndefined();
    await c.waitTask((await c.request("DELETE", href)).xml!.attrs["href"]!);
  });

  it("keeps a vnic's shaping policies, MAC addresses and a sub-interface's unknown element", async () => {
    const nsx = new NsxSimClient(sim.url);
    const path = "/api/4.0/edges/edge-101/vnics/4";
    await nsx.request("GET", path);
    const vnic = (extra: Record<string, unknown>) =>
      buildXml("vnic", {
        name: "t",
        mtu: 1600,
        type: "trunk",
        isConnected: true,
        portgroupId: "dvportgroup-400",
        ...extra,
        subInterfaces: {
          subInterface: { isConnected: true, name: "s", tunnelId: 40, vlanId: 40, mtu: 1500, qosTag: 3 },
        },
      });
    const put = await nsx.request(
      "PUT",
      path,
      vnic({
        macAddress: [{ edgeVmHaIndex: 0, value: "00:50:56:00:00:01" }],
        inShapingPolicy: { averageBandwidth: 1000, enabled: true },
        outShapingPolicy: { averageBandwidth: 2000, enabled: true },
        enableBridgeMode: false,
      }),
    );
    expect(put.status).toBe(204);
    const v = (await nsx.request("GET", path)).xml!;
    expect(v.children.map((c) => c.name)).toEqual([
      "label",
      "name",
      "addressGroups",
      "mtu",
      "type",
      "isConnected",
      "index",
      "portgroupId",
      "portgroupName",
      "macAddress",
      "enableProxyArp",
      "enableSendRedirects",
      "inShapingPolicy",
      "outShapingPolicy",
      "enableBridgeMode",
      "subInterfaces",
    ]);
    expect(text(child(v, "outShapingPolicy"), "averageBandwidth")).toBe("2000");
    expect(text(children(child(v, "subInterfaces"), "subInterface")[0], "qosTag")).toBe("3");

    await nsx.request("PUT", path, vnic({}));
    const bare = (await nsx.request("GET", path)).xml!;
    expect(child(bare, "inShapingPolicy")).toBeUndefined();
    expect(child(bare, "macAddress")).toBeUndefined();
    await nsx.request("DELETE", path);
  });
});
