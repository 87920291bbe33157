// Writes keep what they don't own, against the simulator: another tool sets fields l2stretch
// does not model (through the raw APIs), l2stretch then updates the same document, and the
// fields are still there — with no lost update counted.
import { startSimulator, type RunningSim } from "../../sim";
import { buildXml, child, children, type XNode } from "../../sim/xml/xml";
import { upsertPeerSite, upsertSubInterface } from "../../provider/nsxv/mutations";
import { findEdgeGateway, findVdc } from "../../provider/vcd/inventory";
import { createNetwork, updateNetwork } from "../../provider/vcd/networks";
import type { OrgNetworkSpec } from "../../provider/vcd/types";
import { NETWORK_MEDIA, NsxSimClient, SimClient } from "../support/sim-client";
import { directEdge, proxyEdge, vcdExec, vlanSub, type EdgeUnderTest } from "./nsxv-helpers";

jest.setTimeout(60_000);

const text = (n: XNode | undefined, name: string) => child(n, name)?.text;
const VMEXT = "http://www.vmware.com/vcloud/extension/v1.5";

/** Another tool on NSX Manager (its own writer id, so its reads and writes are its own). */
const otherTool = (sim: RunningSim) => new NsxSimClient(sim.url, undefined, undefined, "other-tool");

async function ok(p: Promise<{ status: number; text: string }>): Promise<void> {
  const r = await p;
  if (r.status >= 300) throw new Error(`${r.status} ${r.text}`);
}

describe("vCD: updateNetwork keeps GuestVlanAllowed, RetainNetInfoAcrossDeployments and VCloudExtension", () => {
  let sim: RunningSim;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, taskMs: 50 });
  });
  afterAll(() => sim.close());

  it("a DNS change through l2stretch after another tool set them", async () => {
    const exec = vcdExec(sim.url);
    const vdc = await findVdc(exec, "acme-vdc");
    const edge = await findEdgeGateway(exec, vdc, "edge-cloud-1");
    const spec: OrgNetworkSpec = {
      name: "kept",
      gateway: "10.44.0.1",
      netmask: "255.255.255.0",
      dns1: "10.44.0.53",
      ipRanges: [{ start: "10.44.0.100", end: "10.44.0.150" }],
      shared: false,
      subInterface: true,
      edgeGatewayHref: edge.href,
    };
    const net = await createNetwork(exec, vdc, spec);

    // The other tool (its own session) reads the network and writes it back with its settings.
    const other = new SimClient(sim.url);
    await other.login("alice", "acme", "Alice-Secret-1");
    const path = `/api/admin/network/${net.uuid}`;
    const read = await other.request("GET", path);
    const body = read.text
      .replace("<GuestVlanAllowed>false<", "<GuestVlanAllowed>true<")
      .replace("<RetainNetInfoAcrossDeployments>false<", "<RetainNetInfoAcrossDeployments>true<")
      .replace(
        /(<OrgVdcNetwork[^>]*>)/,
        `$1<VCloudExtension required="false"><vmext:VimObjectRef xmlns:vmext="${VMEXT}"><vmext:MoRef>dvportgroup-2041</vmext:MoRef></vmext:VimObjectRef></VCloudExtension>`,
      )
      .replace("<IsShared>", `<EdgeGateway href="${edge.href}"/><IsShared>`);
    const put = await other.request("PUT", path, { body, contentType: NETWORK_MEDIA });
    expect(put.status).toBe(202);
    expect((await other.waitTask(put.xml!.attrs["href"]!)).attrs["status"]).toBe("success");
    const lostBefore = sim.stats().lostUpdates;

    const updated = await updateNetwork(exec, net.uuid, { ...spec, dns1: "10.44.0.54" });
    expect(updated.dns1).toBe("10.44.0.54");

    const after = (await other.request("GET", path)).xml!;
    const config = child(after, "Configuration");
    expect(text(config, "GuestVlanAllowed")).toBe("true");
    expect(text(config, "RetainNetInfoAcrossDeployments")).toBe("true");
    const ext = child(after, "VCloudExtension");
    expect(ext?.attrs["required"]).toBe("false");
    const ref = child(ext, "VimObjectRef");
    expect(ref?.ns).toBe(VMEXT);
    expect(text(ref, "MoRef")).toBe("dvportgroup-2041");
    expect(text(children(child(config, "IpScopes"), "IpScope")[0], "Dns1")).toBe("10.44.0.54");
    expect(sim.stats().lostUpdates).toBe(lostBefore);
    await exec.logout();
  });
});

describe.each([
  ["nsx-direct", directEdge, "edge-101"],
  ["vcd-proxy", proxyEdge, "edge-1"],
] as const)("NSX via %s: writes keep what they don't own", (_path, connect, nsxId) => {
  let sim: RunningSim;
  let edge: EdgeUnderTest;
  const vnicPath = (i: number) => `/api/4.0/edges/${nsxId}/vnics/${i}`;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, taskMs: 50 });
    edge = await connect(sim.url);
  });
  afterAll(async () => {
    await edge.close();
    await sim.close();
  });

  /** The other tool makes vnic `i` a trunk with QoS, MAC addresses and two sub-interfaces. */
  async function tunedTrunk(i: number): Promise<void> {
    const tool = otherTool(sim);
    await ok(tool.request("GET", vnicPath(i)));
    const sub = (n: number) => ({
      isConnected: true,
      name: `theirs-${n}`,
      tunnelId: 50 + n,
      vlanId: 500 + n,
      enableSendRedirects: true,
      mtu: 1500,
      addressGroups: { addressGroup: { primaryAddress: `10.9${n}.0.1`, subnetPrefixLength: 24 } },
      qosTag: { "@_class": "gold", "#text": String(n) },
    });
    const body = buildXml("vnic", {
      name: "tuned-trunk",
      mtu: 1600,
      type: "trunk",
      isConnected: true,
      index: i,
      portgroupId: "dvportgroup-900",
      macAddress: [
        { edgeVmHaIndex: 0, value: "00:50:56:aa:bb:01" },
        { edgeVmHaIndex: 1, value: "00:50:56:aa:bb:02" },
      ],
      fenceParameter: { key: "ethernet0.filter1.param1", value: "1" },
      enableProxyArp: false,
      enableSendRedirects: true,
      enableBridgeMode: false,
      inShapingPolicy: { averageBandwidth: 100000, peakBandwidth: 200000, burstSize: 102400, enabled: true },
      outShapingPolicy: { averageBandwidth: 50000, peakBandwidth: 100000, burstSize: 51200, enabled: true },
      subInterfaces: { subInterface: [sub(1), sub(2)] },
    });
    await ok(tool.request("PUT", vnicPath(i), body));
  }

  function expectTuned(v: XNode | undefined): void {
    expect(text(child(v, "inShapingPolicy"), "averageBandwidth")).toBe("100000");
    expect(text(child(v, "outShapingPolicy"), "peakBandwidth")).toBe("100000");
    expect(children(v, "macAddress").map((m) => text(m, "value"))).toEqual([
      "00:50:56:aa:bb:01",
      "00:50:56:aa:bb:02",
    ]);
    expect(text(child(v, "fenceParameter"), "key")).toBe("ethernet0.filter1.param1");
    expect(text(v, "enableBridgeMode")).toBe("false");
  }

  it("adding a sub-interface keeps the trunk's QoS, MACs, fence parameter and the others' unknown fields", async () => {
    await tunedTrunk(5);
    const lostBefore = sim.stats().lostUpdates;
    const mine = vlanSub("mine", 53, 503, "10.93.0.1");
    const after = await edge.client.updateVnic(5, (v) => upsertSubInterface(v, mine));
    expect(after.subInterfaces.map((s) => s.name)).toEqual(["theirs-1", "theirs-2", "mine"]);

    const v = (await otherTool(sim).request("GET", vnicPath(5))).xml;
    expectTuned(v);
    const subs = children(child(v, "subInterfaces"), "subInterface");
    expect(subs.map((s) => [text(s, "name"), text(s, "qosTag"), child(s, "qosTag")?.attrs["class"]])).toEqual(
      [
        ["theirs-1", "1", "gold"],
        ["theirs-2", "2", "gold"],
        ["mine", undefined, undefined],
      ],
    );
    expect(sim.stats().lostUpdates).toBe(lostBefore);

    // Changing one of ours (its MTU) touches nothing else either.
    await edge.client.updateVnic(5, (cur) => ({
      ...cur,
      subInterfaces: cur.subInterfaces.map((s) => (s.name === "mine" ? { ...s, mtu: 1400 } : s)),
    }));
    const again = (await otherTool(sim).request("GET", vnicPath(5))).xml;
    expectTuned(again);
    expect(children(child(again, "subInterfaces"), "subInterface").map((s) => text(s, "qosTag"))).toEqual([
      "1",
      "2",
      undefined,
    ]);
    expect(sim.stats().lostUpdates).toBe(lostBefore);
    await edge.client.updateVnic(5, () => null);
  });

  it("adding an L2VPN peer site keeps unknown elements of the config, the server and the other site", async () => {
    await tunedTrunk(6);
    const indexOf = async (name: string) =>
      (await edge.client.getVnic(6)).subInterfaces.find((s) => s.name === name)!.index!;
    const [theirs, mine] = [await indexOf("theirs-1"), await indexOf("theirs-2")];

    const tool = otherTool(sim);
    const l2vpnPath = `/api/4.0/edges/${nsxId}/l2vpn/config`;
    await ok(tool.request("GET", l2vpnPath));
    const config = buildXml("l2Vpn", {
      enabled: true,
      logging: { enable: false, logLevel: "info" },
      futureGlobal: { "@_since": "6.5", "#text": "x" },
      l2VpnSites: {
        l2VpnSite: {
          server: {
            configuration: {
              listenerIp: edge.uplinkIp,
              listenerPort: 443,
              encryptionAlgorithm: "AES256-SHA",
              peerSites: {
                peerSite: {
                  name: "hq",
                  description: "head office",
                  l2VpnUser: { userId: "hq-user", password: "Hq-Secret-123" },
                  vnics: { index: theirs },
                  enabled: true,
                  secureTraffic: true,
                  siteId: "site-1",
                },
              },
              listenerHa: { "@_mode": "active", "#text": "on" },
            },
          },
        },
      },
    });
    await ok(tool.request("PUT", l2vpnPath, config));
    const lostBefore = sim.stats().lostUpdates;

    const after = await edge.client.updateL2Vpn((c) =>
      upsertPeerSite(c, {
        name: "branch",
        userId: "branch-user",
        password: "Branch-Secret-1",
        vnics: [mine],
        egressOptimizationIps: [],
        enabled: true,
      }),
    );
    expect(after.server!.peerSites.map((s) => [s.name, s.password])).toEqual([
      ["hq", "Hq-Secret-123"],
      ["branch", "Branch-Secret-1"],
    ]);

    const doc = (await tool.request("GET", `${l2vpnPath}?showSensitiveData=true`)).xml;
    expect(child(doc, "futureGlobal")).toMatchObject({ text: "x", attrs: { since: "6.5" } });
    const server = child(child(child(child(doc, "l2VpnSites"), "l2VpnSite"), "server"), "configuration");
    expect(child(server, "listenerHa")).toMatchObject({ text: "on", attrs: { mode: "active" } });
    const hq = children(child(server, "peerSites"), "peerSite").find((p) => text(p, "name") === "hq");
    expect([text(hq, "secureTraffic"), text(hq, "siteId")]).toEqual(["true", "site-1"]);
    expect(sim.stats().lostUpdates).toBe(lostBefore);

    await edge.client.updateL2Vpn(() => null);
    await edge.client.updateVnic(6, () => null);
  });
});
