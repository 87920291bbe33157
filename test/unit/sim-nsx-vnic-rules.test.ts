import { SimError } from "../../sim/core/errors";
import { buildVnic, type SubInterfaceInput, type VnicInput } from "../../sim/core/nsx/vnic-model";
import {
  commitVnics,
  planAddSubInterface,
  planDeleteSubInterface,
  planDeleteVnic,
  planPatchVnics,
  planPutSubInterface,
  planPutVnic,
} from "../../sim/core/nsx/vnic-ops";
import { validateVnics } from "../../sim/core/nsx/vnic-rules";
import { newEdge } from "../../sim/core/seed";
import { attachNetwork, trunkOf } from "../../sim/core/vnics";
import type { Edge } from "../../sim/core/world";
import { simNetwork } from "../support/sim-fixtures";

const names = (id: string) => `net(${id})`;

/** A vCD edge (vdcId set) or, with vdcId "", an edge only NSX Manager knows. */
function edge(vdcId = "vdc-1"): Edge {
  return newEdge("uuid-1", "edge-1", "edge-cloud-1", vdcId, {
    name: "uplink",
    portgroupId: "dvportgroup-10",
    primaryAddress: "192.0.2.10",
    prefixLength: 24,
  });
}

const sub = (o: Partial<SubInterfaceInput> = {}): SubInterfaceInput => ({
  name: `s${o.tunnelId ?? 1}`,
  tunnelId: 1,
  vlanId: 100,
  mtu: 1500,
  isConnected: true,
  ...o,
});

const trunk = (subs: SubInterfaceInput[], o: Partial<VnicInput> = {}): VnicInput => ({
  name: "trunk",
  type: "trunk",
  mtu: 1600,
  isConnected: true,
  portgroupId: "dvportgroup-300",
  addressGroups: [],
  subInterfaces: subs,
  ...o,
});

/** Expects a 400 NSX error whose message matches. */
function rejects(f: () => unknown, msg: RegExp): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(SimError);
  expect((err as SimError).status).toBe(400);
  expect((err as SimError).nsxCode).toBeDefined();
  expect((err as SimError).message).toMatch(msg);
}

describe("sim NSX vnic model", () => {
  it("gives sub-interfaces without an index the lowest free index from 10 and keeps given ones", () => {
    const e = edge();
    const v = buildVnic(
      e,
      2,
      trunk([sub({ tunnelId: 1 }), sub({ tunnelId: 2, index: 10 }), sub({ tunnelId: 3 })]),
    );
    expect(v.subInterfaces.map((s) => [s.index, s.tunnelId])).toEqual([
      [10, 2],
      [11, 1],
      [12, 3],
    ]);
    expect(v).toMatchObject({ index: 2, type: "trunk", mtu: 1600, portgroupName: "dvportgroup-300" });
  });

  it("applies NSX defaults for omitted elements", () => {
    const v = buildVnic(edge(), 5, { addressGroups: [], subInterfaces: [] });
    expect(v).toMatchObject({
      name: "vnic5",
      type: "internal",
      mtu: 1500,
      isConnected: false,
      enableProxyArp: false,
      enableSendRedirects: true,
    });
  });
});

describe("sim NSX vnic rules", () => {
  const put = (input: VnicInput, index = 2, e = edge()) => planPutVnic(e, index, input, names);

  it("accepts a valid trunk with VLAN and logical-switch backed sub-interfaces", () => {
    const p = put(
      trunk([
        sub({ tunnelId: 1, addressGroup: { primaryAddress: "10.1.1.1", prefixLength: 24 } }),
        sub({ tunnelId: 2, vlanId: undefined, logicalSwitchId: "virtualwire-61" }),
      ]),
    );
    expect(p.touched).toEqual([2]);
    expect(p.vnics.map((v) => v.index)).toEqual([0, 2]);
  });

  const table: [string, () => unknown, RegExp][] = [
    ["sub-interfaces on a non-trunk", () => put(trunk([sub()], { type: "internal" })), /type must be trunk/],
    ["vnic 0 as trunk", () => put(trunk([]), 0, edge("")), /vnic 0 is the uplink and cannot be a trunk/],
    [
      "virtualwire as trunk port group",
      () => put(trunk([], { portgroupId: "virtualwire-5" })),
      /distributed port group.*logical switches cannot back a trunk/,
    ],
    [
      "connected without port group",
      () => put(trunk([], { portgroupId: undefined })),
      /portgroupId is required when isConnected/,
    ],
    ["tunnel id 0", () => put(trunk([sub({ tunnelId: 0 })])), /tunnelId 0 is out of range 1-4093/],
    ["tunnel id 4094", () => put(trunk([sub({ tunnelId: 4094 })])), /tunnelId 4094 is out of range/],
    [
      "duplicate tunnel id",
      () => put(trunk([sub({ tunnelId: 3 }), sub({ tunnelId: 3, name: "x" })])),
      /tunnelId 3 is used by both/,
    ],
    [
      "both vlanId and logicalSwitchId",
      () => put(trunk([sub({ logicalSwitchId: "virtualwire-1" })])),
      /exactly one of vlanId and logicalSwitchId.*both/,
    ],
    [
      "neither vlanId nor logicalSwitchId",
      () => put(trunk([sub({ vlanId: undefined })])),
      /exactly one.*neither/,
    ],
    ["VLAN 4095", () => put(trunk([sub({ vlanId: 4095 })])), /vlanId 4095 is out of range 0-4094/],
    [
      "sub mtu above the trunk's",
      () => put(trunk([sub({ mtu: 1700 })])),
      /mtu 1700 must be between 68 and the trunk vnic 2's mtu 1600/,
    ],
    [
      "missing tunnel id",
      () => put(trunk([sub({ tunnelId: undefined, name: "n" })])),
      /tunnelId is required/,
    ],
    [
      "201 sub-interfaces",
      () =>
        put(
          trunk(
            Array.from({ length: 201 }, (_, i) => sub({ tunnelId: i + 1, vlanId: i % 4000, name: `s${i}` })),
          ),
        ),
      /at most 200 sub-interfaces/,
    ],
    [
      "overlapping addresses",
      () =>
        put(
          trunk([
            sub({ tunnelId: 1, addressGroup: { primaryAddress: "10.1.1.1", prefixLength: 24 } }),
            sub({ tunnelId: 2, name: "b", addressGroup: { primaryAddress: "10.1.1.129", prefixLength: 25 } }),
          ]),
        ),
      /overlaps the subnet 10\.1\.1\.0\/24/,
    ],
    [
      "sub-interface overlapping the uplink",
      () => put(trunk([sub({ addressGroup: { primaryAddress: "192.0.2.99", prefixLength: 24 } })])),
      /overlaps the subnet 192\.0\.2\.0\/24 of vNic_0/,
    ],
    ["mtu above 9000", () => put(trunk([], { mtu: 9001 })), /mtu 9001 is out of range 68-9000/],
  ];
  it.each(table)("rejects %s", (_name, f, msg) => rejects(f, msg));

  it("counts sub-interfaces across all vnics against the limit of 200", () => {
    const e = edge();
    commitVnics(
      e,
      put(
        trunk(Array.from({ length: 150 }, (_, i) => sub({ tunnelId: i + 1, vlanId: i, name: `a${i}` }))),
        2,
        e,
      ),
    );
    rejects(
      () =>
        put(
          trunk(Array.from({ length: 51 }, (_, i) => sub({ tunnelId: 500 + i, vlanId: i, name: `b${i}` }))),
          3,
          e,
        ),
      /at most 200/,
    );
  });

  it("validateVnics reports duplicate sub-interface indexes across vnics", () => {
    const e = edge();
    const a = buildVnic(e, 2, trunk([sub({ index: 10, tunnelId: 1 })]));
    const b = buildVnic(e, 3, trunk([sub({ index: 10, tunnelId: 2 })], { portgroupId: "dvportgroup-301" }));
    rejects(() => validateVnics([...e.vnics, a, b]), /Sub-interface index 10 is used by both/);
  });
});

describe("sim NSX vnic operations and vCD ownership", () => {
  let pg = 500;
  const net = simNetwork({
    id: "11111111-2222-3333-4444-555555555555",
    name: "stretched",
    vdcId: "vdc-1",
    edgeId: "uuid-1",
    status: 1,
    gateway: "10.50.0.1",
  });
  function vcdEdge(): Edge {
    const e = edge();
    attachNetwork(e, net, () => `dvportgroup-${pg++}`);
    return e;
  }

  it("keeps a vCD network's sub-interface through a PUT that keeps it, filling a missing tunnelId", () => {
    const e = vcdEdge();
    const t = trunkOf(e)!;
    const owned = t.subInterfaces[0]!;
    const p = planPutVnic(
      e,
      t.index,
      trunk(
        [
          {
            index: owned.index,
            name: owned.name,
            logicalSwitchId: owned.logicalSwitchId,
            mtu: 1500,
            addressGroup: owned.addressGroup,
          },
          sub({ tunnelId: 9, addressGroup: { primaryAddress: "10.9.0.1", prefixLength: 24 } }),
        ],
        { portgroupId: t.portgroupId, name: t.name },
      ),
      names,
    );
    commitVnics(e, p);
    const after = trunkOf(e)!;
    expect(after.subInterfaces.map((s) => [s.index, s.tunnelId, s.networkId ?? null])).toEqual([
      [10, 1, net.id],
      [11, 9, null],
    ]);
    expect(e.vnicRevisions[t.index]).toBe(3);
  });

  it("refuses to drop or change what vCD owns", () => {
    const e = vcdEdge();
    const t = trunkOf(e)!;
    rejects(
      () => planPutVnic(e, t.index, trunk([], { portgroupId: t.portgroupId }), names),
      /belongs to vCloud Director network net\(1111/,
    );
    rejects(() => planDeleteVnic(e, t.index, names), /belongs to vCloud Director network/);
    rejects(() => planDeleteSubInterface(e, t.index, 10, names), /belongs to vCloud Director network/);
    rejects(
      () =>
        planPutSubInterface(
          e,
          t.index,
          10,
          { name: "x", tunnelId: 5, logicalSwitchId: net.id, mtu: 1500 },
          names,
        ),
      /belongs to vCloud Director network/,
    );
    rejects(
      () => planPutVnic(e, 0, { addressGroups: [], subInterfaces: [] }, names),
      /vnic 0 is managed by vCloud Director/,
    );
  });

  it("adds, replaces and deletes single sub-interfaces (6.4 calls)", () => {
    const e = edge();
    commitVnics(e, planPutVnic(e, 3, trunk([]), names));
    const add = planAddSubInterface(e, 3, sub({ tunnelId: 4 }), names);
    expect(add.createdSubInterface).toBe(10);
    commitVnics(e, add);
    commitVnics(e, planPutSubInterface(e, 3, 10, sub({ tunnelId: 5, name: "renamed" }), names));
    expect(e.vnics.find((v) => v.index === 3)!.subInterfaces).toEqual([
      expect.objectContaining({ index: 10, tunnelId: 5, name: "renamed" }),
    ]);
    rejects(() => planAddSubInterface(e, 0, sub({ tunnelId: 6 }), names), /not a trunk/);
    expect(() => planPutSubInterface(e, 3, 99, sub(), names)).toThrow(/does not exist/);
    commitVnics(e, planDeleteSubInterface(e, 3, 10, names));
    expect(e.vnics.find((v) => v.index === 3)!.subInterfaces).toEqual([]);
  });

  it("patches several vnics at once and needs each index", () => {
    const e = edge();
    const p = planPatchVnics(
      e,
      [
        trunk([sub({ tunnelId: 1 })], { index: 4 }),
        { index: 5, name: "inside", addressGroups: [], subInterfaces: [] },
      ],
      names,
    );
    expect(p.touched).toEqual([4, 5]);
    rejects(() => planPatchVnics(e, [trunk([])], names), /needs its index/);
  });
});
