import { startSimulator, type RunningSim } from "../../sim";
import { ApiError } from "../../provider/common/errors";
import { getVdcNetworks, getVnics } from "../../provider/vcd/edges";
import { VcdExecutor } from "../../provider/vcd/executor";
import { findEdgeGateway, findVdc } from "../../provider/vcd/inventory";
import {
  createNetwork,
  deleteNetwork,
  findNetworkByName,
  getNetwork,
  updateNetwork,
} from "../../provider/vcd/networks";
import { queryRecords } from "../../provider/vcd/query";
import { lookupTunnelId } from "../../provider/vcd/tunnelId";
import type { OrgNetworkSpec } from "../../provider/vcd/types";

/** Every vCD client call against the simulator, in both API generations. */
jest.setTimeout(60_000);

const alice = (url: string, extra: Partial<ConstructorParameters<typeof VcdExecutor>[0]> = {}) =>
  new VcdExecutor({ url, org: "acme", user: "alice", password: "Alice-Secret-1", ...extra });

function spec(name: string, edgeHref: string, octet: number): OrgNetworkSpec {
  return {
    name,
    gateway: `10.${octet}.0.1`,
    netmask: "255.255.255.0",
    dns1: `10.${octet}.0.53`,
    ipRanges: [{ start: `10.${octet}.0.100`, end: `10.${octet}.0.150` }],
    shared: false,
    subInterface: true,
    edgeGatewayHref: edgeHref,
  };
}

describe("vCD client on a 10.0 simulator", () => {
  let sim: RunningSim;
  let exec: VcdExecutor;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, taskMs: 150 });
    exec = alice(sim.url);
  });
  afterAll(async () => {
    await exec.logout();
    await sim.close();
  });

  it("negotiates the highest common API version and logs in through cloudapi", async () => {
    expect(await exec.apiVersion()).toBe("33.0");
  });

  it("honours a pinned API version (legacy /api/sessions login)", async () => {
    const pinned = alice(sim.url, { apiVersion: "31.0" });
    expect(await pinned.apiVersion()).toBe("31.0");
    expect((await findVdc(pinned, "acme-vdc")).name).toBe("acme-vdc");
  });

  it("fails clearly on a version the server does not offer", async () => {
    await expect(alice(sim.url, { apiVersion: "20.0" }).apiVersion()).rejects.toThrow(
      /does not offer API version 20\.0.*l2stretch:apiVersion/,
    );
  });

  it("fails on bad credentials with 401 and does not retry forever", async () => {
    const bad = new VcdExecutor({ url: sim.url, org: "acme", user: "alice", password: "wrong" });
    await expect(bad.apiVersion()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("finds VDCs and edge gateways by name and by URN, listing alternatives when missing", async () => {
    const vdc = await findVdc(exec, "acme-vdc");
    expect((await findVdc(exec, `urn:vcloud:vdc:${vdc.uuid}`)).uuid).toBe(vdc.uuid);
    const edge = await findEdgeGateway(exec, vdc, "edge-cloud-1");
    expect(edge.nsxBacked).toBe(true);
    expect((await findEdgeGateway(exec, vdc, `urn:vcloud:gateway:${edge.uuid}`)).name).toBe("edge-cloud-1");
    await expect(findEdgeGateway(exec, vdc, "nope")).rejects.toThrow(
      /edge gateway "nope" not found.*edge-cloud-1, edge-cloud-2|edge-cloud-2, edge-cloud-1/,
    );
    await expect(findVdc(exec, "nope")).rejects.toThrow(/VDC "nope" not found.*acme-vdc/);
  });

  it("creates, reads, updates and deletes a subinterface network, with tunnel IDs from the edge", async () => {
    const vdc = await findVdc(exec, "acme-vdc");
    const edge = await findEdgeGateway(exec, vdc, "edge-cloud-1");
    const progress: string[] = [];
    const a = await createNetwork(exec, vdc, spec("net-a", edge.href, 31), {
      onProgress: (t) => progress.push(t.status),
    });
    const b = await createNetwork(exec, vdc, spec("net-b", edge.href, 32));
    expect(progress.at(-1)).toBe("success");
    expect(a).toMatchObject({
      name: "net-a",
      status: 1,
      subInterface: true,
      gateway: "10.31.0.1",
      dns1: "10.31.0.53",
    });

    expect(await lookupTunnelId(exec, edge, a)).toEqual({
      tunnelId: 1,
      subInterfaceIndex: 10,
      source: "vdcNetworks",
    });
    expect(await lookupTunnelId(exec, edge, b)).toEqual({
      tunnelId: 2,
      subInterfaceIndex: 11,
      source: "vdcNetworks",
    });
    const trunk = (await getVnics(exec, edge.uuid)).filter((v) => v.type === "trunk");
    expect(trunk).toHaveLength(1);
    expect(trunk[0]!.subInterfaces.map((s) => [s.index, s.tunnelId, s.logicalSwitchName])).toEqual([
      [10, 1, "net-a"],
      [11, 2, "net-b"],
    ]);

    const rec = await findNetworkByName(exec, vdc, "net-a");
    expect(rec).toMatchObject({ uuid: a.uuid, connectedTo: "edge-cloud-1" });

    const updated = await updateNetwork(exec, a.uuid, {
      ...spec("net-a", edge.href, 31),
      dns1: "10.31.0.54",
    });
    expect(updated.dns1).toBe("10.31.0.54");
    expect((await getNetwork(exec, a.href))!.dns1).toBe("10.31.0.54");

    await deleteNetwork(exec, a.uuid);
    await deleteNetwork(exec, a.uuid); // already gone: still fine
    expect(await getNetwork(exec, a.href)).toBeUndefined();
    expect(
      (await getVdcNetworks(exec, edge.uuid)).filter((i) => i.type === "subinterface").map((i) => i.name),
    ).toEqual(["net-b"]);
    await deleteNetwork(exec, b.uuid);
    expect((await getVnics(exec, edge.uuid)).filter((v) => v.type === "trunk")).toEqual([]);
  });

  it("pages through typed queries", async () => {
    const vdc = await findVdc(exec, "acme-vdc");
    const edge = await findEdgeGateway(exec, vdc, "edge-cloud-2");
    for (let i = 0; i < 5; i++) await createNetwork(exec, vdc, spec(`page-${i}`, edge.href, 40 + i));
    const small = await (async () => {
      const { queryRecords: q } = await import("../../provider/vcd/query");
      return q(exec, "orgVdcNetwork", { vdc: vdc.href }, 2);
    })();
    expect(small.map((r) => r["name"]).sort()).toEqual(["page-0", "page-1", "page-2", "page-3", "page-4"]);
    for (const r of small) await deleteNetwork(exec, r["href"]!.split("/").pop()!);
    expect(await queryRecords(exec, "orgVdcNetwork")).toEqual([]);
  });

  it("maps vCD error bodies to typed errors with the request id", async () => {
    const vdc = await findVdc(exec, "acme-vdc");
    const edge = await findEdgeGateway(exec, vdc, "edge-cloud-1");
    await createNetwork(exec, vdc, spec("dup", edge.href, 50));
    const err = await createNetwork(exec, vdc, spec("dup", edge.href, 51)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: "DUPLICATE_NAME" });
    expect((err as ApiError).details.requestId).toBeTruthy();
    const rec = await findNetworkByName(exec, vdc, "dup");
    await deleteNetwork(exec, rec!.uuid);
  });

  it("logs in again when the session expires", async () => {
    const short = await startSimulator({ port: 0, sessionTtlSeconds: 1 });
    try {
      const e = alice(short.url);
      await findVdc(e, "acme-vdc");
      await new Promise((r) => setTimeout(r, 1_500));
      expect((await findVdc(e, "acme-vdc")).name).toBe("acme-vdc");
    } finally {
      await short.close();
    }
  });
});

describe("faults and busy edges", () => {
  it("converges at a 20% injected error rate with connection resets, without duplicates", async () => {
    const sim = await startSimulator({ port: 0, taskMs: 50, errorRate: 0.2, resetRate: 0.05 });
    try {
      const exec = alice(sim.url, { retry: { initialDelayMs: 20, maxDelayMs: 200 } });
      const vdc = await findVdc(exec, "acme-vdc");
      const edge = await findEdgeGateway(exec, vdc, "edge-cloud-1");
      for (let i = 0; i < 6; i++) {
        const net = await createNetwork(exec, vdc, spec(`flaky-${i}`, edge.href, 60 + i));
        expect((await lookupTunnelId(exec, edge, net)).tunnelId).toBe(i + 1);
      }
      const names = (await queryRecords(exec, "orgVdcNetwork")).map((r) => r["name"]).sort();
      expect(names).toEqual(["flaky-0", "flaky-1", "flaky-2", "flaky-3", "flaky-4", "flaky-5"]);
      expect(sim.stats().faultsInjected).toBeGreaterThan(0);
      for (const n of names) {
        const rec = await findNetworkByName(exec, vdc, n!);
        await deleteNetwork(exec, rec!.uuid);
      }
      expect(await queryRecords(exec, "orgVdcNetwork")).toEqual([]);
    } finally {
      await sim.close();
    }
  });

  it("retries writes that hit a busy edge until they go through", async () => {
    const sim = await startSimulator({ port: 0, taskMs: 300, busyMs: 200 });
    try {
      const exec = alice(sim.url, { retry: { initialDelayMs: 50, maxDelayMs: 300 } });
      const vdc = await findVdc(exec, "acme-vdc");
      const edge = await findEdgeGateway(exec, vdc, "edge-cloud-1");
      // Two concurrent writers without any lock between them: vCD says BUSY_ENTITY to one.
      const nets = await Promise.all(
        [0, 1, 2].map((i) => createNetwork(exec, vdc, spec(`busy-${i}`, edge.href, 70 + i))),
      );
      expect(sim.stats().busyRejections).toBeGreaterThan(0);
      const tunnels = await Promise.all(nets.map((n) => lookupTunnelId(exec, edge, n)));
      expect(tunnels.map((t) => t.tunnelId).sort()).toEqual([1, 2, 3]);
    } finally {
      await sim.close();
    }
  });
});

describe("vCD 9.0.0.0 mode (tunnelId hidden by the vCD bug)", () => {
  it("negotiates 29.0, logs in through /api/sessions, and the lookup names the bug and the fix", async () => {
    const sim = await startSimulator({ port: 0, vcdVersion: "9.0.0.0", taskMs: 50 });
    try {
      const exec = alice(sim.url);
      expect(await exec.apiVersion()).toBe("29.0");
      const vdc = await findVdc(exec, "acme-vdc");
      const edge = await findEdgeGateway(exec, vdc, "edge-cloud-1");
      const net = await createNetwork(exec, vdc, spec("old-vcd", edge.href, 80));
      const err = await lookupTunnelId(exec, edge, net).catch((e: Error) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect((err as Error).message).toMatch(
        /sub-interface 10 but without a tunnelId.*vCD 9\.0 bug.*Upgrade vCD/,
      );
    } finally {
      await sim.close();
    }
  });
});

describe("vCD 10.3 mode (API 36.0, CloudAPI login URL)", () => {
  it("negotiates 36.0 and runs a subinterface network's whole life; a second delete (403) is gone", async () => {
    const sim = await startSimulator({ port: 0, vcdVersion: "10.3", taskMs: 50 });
    try {
      const exec = alice(sim.url);
      expect(await exec.apiVersion()).toBe("36.0");
      const vdc = await findVdc(exec, "acme-vdc");
      const edge = await findEdgeGateway(exec, vdc, "edge-cloud-1");
      const net = await createNetwork(exec, vdc, spec("new-vcd", edge.href, 81));
      expect(await lookupTunnelId(exec, edge, net)).toMatchObject({ tunnelId: 1, source: "vdcNetworks" });
      const updated = await updateNetwork(exec, net.uuid, {
        ...spec("new-vcd", edge.href, 81),
        dns1: "10.81.0.54",
      });
      expect(updated.dns1).toBe("10.81.0.54");
      await deleteNetwork(exec, net.uuid);
      await deleteNetwork(exec, net.uuid);
      expect(await getNetwork(exec, net.href)).toBeUndefined();
    } finally {
      await sim.close();
    }
  });
});
