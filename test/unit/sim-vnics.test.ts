import { SimError } from "../../sim/core/errors";
import { validateSpec } from "../../sim/core/networks";
import { maskToPrefix, prefixToMask } from "../../sim/core/netmath";
import { attachNetwork, detachNetwork, firstFreeTunnelId, trunkOf } from "../../sim/core/vnics";
import type { Edge, Network } from "../../sim/core/world";
import { simNetwork } from "../support/sim-fixtures";

function edge(): Edge {
  return {
    id: "e1",
    nsxId: "edge-1",
    name: "edge-1",
    vdcId: "vdc-uuid",
    uplinkGateway: "192.0.2.1",
    vnicsRevision: 1,
    vnicRevisions: Array.from({ length: 10 }, () => 1),
    l2vpnRevision: 1,
    vnics: [
      {
        index: 0,
        name: "uplink",
        type: "uplink",
        mtu: 1500,
        isConnected: true,
        portgroupId: "dvportgroup-10",
        portgroupName: "pg",
        addressGroups: [{ primaryAddress: "192.0.2.10", prefixLength: 24 }],
        enableProxyArp: false,
        enableSendRedirects: true,
        subInterfaces: [],
      },
    ],
  };
}

let n = 0;
function net(kind: Network["interfaceType"] = "subinterface"): Network {
  n++;
  return simNetwork({
    id: `net-${n}`,
    name: `net-${n}`,
    vdcId: "vdc-uuid",
    edgeId: "e1",
    status: 0,
    gateway: `10.${n}.0.1`,
    interfaceType: kind,
  });
}

describe("sim vnic / sub-interface allocation", () => {
  let pg = 100;
  const alloc = () => `dvportgroup-${pg++}`;

  it("builds one trunk at the first free vnic and numbers sub-interfaces from index 10 / tunnel 1", () => {
    const e = edge();
    const a = net();
    const b = net();
    attachNetwork(e, a, alloc);
    attachNetwork(e, b, alloc);
    const trunk = trunkOf(e)!;
    expect(trunk).toMatchObject({
      index: 1,
      type: "trunk",
      mtu: 1600,
      name: "vdcvdc-uuid",
      portgroupName: "dvs.VCDVS-Trunk-Portgroup-vdcvdc-uuid",
    });
    expect(trunk.portgroupId).toMatch(/^dvportgroup-\d+$/);
    expect(trunk.subInterfaces.map((s) => [s.index, s.tunnelId, s.name, s.logicalSwitchName])).toEqual([
      [10, 1, "vnic1-subinterface", a.name],
      [11, 2, "vnic2-subinterface", b.name],
    ]);
    expect(e.vnics.filter((v) => v.type === "trunk")).toHaveLength(1);
    expect(e.vnicsRevision).toBe(3);
  });

  it("reuses the lowest free index and tunnel id after a delete, and drops an empty trunk", () => {
    const e = edge();
    const a = net();
    const b = net();
    const c = net();
    attachNetwork(e, a, alloc);
    attachNetwork(e, b, alloc);
    detachNetwork(e, a.id);
    expect(firstFreeTunnelId(e)).toBe(1);
    attachNetwork(e, c, alloc);
    expect(trunkOf(e)!.subInterfaces.map((s) => [s.networkId, s.index, s.tunnelId])).toEqual([
      [c.id, 10, 1],
      [b.id, 11, 2],
    ]);
    detachNetwork(e, b.id);
    detachNetwork(e, c.id);
    expect(trunkOf(e)).toBeUndefined();
    expect(e.vnics.map((v) => v.index)).toEqual([0]);
  });

  it("gives internal networks their own vnic and refuses when all 10 are used", () => {
    const e = edge();
    for (let i = 1; i <= 9; i++) attachNetwork(e, net("internal"), alloc);
    expect(e.vnics.map((v) => v.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(() => attachNetwork(e, net("internal"), alloc)).toThrow(SimError);
    expect(() => attachNetwork(e, net("subinterface"), alloc)).toThrow(/no free interface for a trunk/);
  });
});

describe("sim network spec validation", () => {
  const base = {
    ...net(),
    gateway: "10.1.1.1",
    prefixLength: 24,
    ipRanges: [{ start: "10.1.1.10", end: "10.1.1.20" }],
  };

  it("accepts a consistent subnet", () => {
    expect(() => validateSpec(base)).not.toThrow();
  });

  it("rejects ranges outside the subnet, reversed ranges, ranges containing the gateway, and the network address as gateway", () => {
    expect(() => validateSpec({ ...base, ipRanges: [{ start: "10.1.2.10", end: "10.1.2.20" }] })).toThrow(
      /not within/,
    );
    expect(() => validateSpec({ ...base, ipRanges: [{ start: "10.1.1.20", end: "10.1.1.10" }] })).toThrow(
      /start address is after/,
    );
    expect(() => validateSpec({ ...base, ipRanges: [{ start: "10.1.1.1", end: "10.1.1.5" }] })).toThrow(
      /contains the gateway/,
    );
    expect(() => validateSpec({ ...base, gateway: "10.1.1.0", ipRanges: [] })).toThrow(/usable host/);
  });

  it("converts masks and prefixes and rejects non-contiguous masks", () => {
    expect(maskToPrefix("255.255.255.0")).toBe(24);
    expect(maskToPrefix("255.255.0.255")).toBeUndefined();
    expect(prefixToMask(20)).toBe("255.255.240.0");
  });
});
