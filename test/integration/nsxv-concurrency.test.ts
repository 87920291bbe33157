import { startSimulator, type RunningSim, type SimOptions } from "../../sim";
import { upsertPeerSite, upsertSubInterface } from "../../provider/nsxv/mutations";
import type { L2VpnConfig, L2VpnPeerSite } from "../../provider/nsxv/types";
import { directEdge, ensureTrunk, proxyEdge, vlanSub, type EdgeUnderTest } from "./nsxv-helpers";

/**
 * The concurrency requirement at client level: ten writers on one edge at once,
 * each owning one sub-interface and one L2VPN peer site, through updateVnic/updateL2Vpn.
 * Every change must be present afterwards, every password intact, and the simulator must
 * count zero lost updates — with and without 20% injected 503s.
 */
jest.setTimeout(180_000);

const WRITERS = 10;

const site = (k: number, subIndex: number): L2VpnPeerSite => ({
  name: `site-${k}`,
  userId: `user${k}`,
  password: `Site-${k}-Secret-Pw`,
  vnics: [subIndex],
  egressOptimizationIps: [],
  enabled: true,
});

/** Creates the server config if absent, then ensures this writer's site. */
function ensureSite(listenerIp: string, s: L2VpnPeerSite) {
  return (c: L2VpnConfig): L2VpnConfig => {
    const base: L2VpnConfig = c.server
      ? c
      : {
          enabled: true,
          logging: { enable: false, logLevel: "info" },
          server: { listenerIp, listenerPort: 443, encryptionAlgorithm: "AES256-SHA", peerSites: [] },
        };
    return upsertPeerSite(base, s);
  };
}

async function tenWriters(edge: EdgeUnderTest, trunkIndex: number, portgroup: string): Promise<void> {
  const o = edge.octet;
  const vnics = await Promise.all(
    Array.from({ length: WRITERS }, (_, k) =>
      edge.client.updateVnic(trunkIndex, (cur) =>
        upsertSubInterface(
          ensureTrunk(cur, portgroup),
          vlanSub(`w${k}`, 100 + k, 200 + k, `10.${o + 1}.${k}.1`),
        ),
      ),
    ),
  );
  const indexOf = (k: number) => vnics[k]!.subInterfaces.find((s) => s.tunnelId === 100 + k)!.index!;
  await Promise.all(
    Array.from({ length: WRITERS }, (_, k) =>
      edge.client.updateL2Vpn(ensureSite(edge.uplinkIp, site(k, indexOf(k)))),
    ),
  );

  const trunk = await edge.client.getVnic(trunkIndex);
  expect(trunk.subInterfaces.map((s) => s.tunnelId).sort((a, b) => a - b)).toEqual(
    Array.from({ length: WRITERS }, (_, k) => 100 + k),
  );
  const l2vpn = await edge.client.getL2Vpn();
  const sites = l2vpn.server!.peerSites;
  expect(sites.map((s) => s.name).sort()).toEqual(
    Array.from({ length: WRITERS }, (_, k) => `site-${k}`).sort(),
  );
  for (let k = 0; k < WRITERS; k++) {
    const s = sites.find((x) => x.name === `site-${k}`)!;
    expect(s.password).toBe(`Site-${k}-Secret-Pw`);
    expect(s.vnics).toEqual([indexOf(k)]);
  }
}

describe.each([
  ["no faults", {}],
  ["20% injected errors", { errorRate: 0.2, faultSeed: 4242 }],
  ["20% injected errors and 5% connection resets", { errorRate: 0.2, resetRate: 0.05, faultSeed: 77 }],
] as const)("10 parallel writers on one edge, %s", (_label, faults: Partial<SimOptions>) => {
  let sim: RunningSim;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, taskMs: 50, busyMs: 20, ...faults });
  });
  afterAll(async () => {
    // The faulty runs must really have been hit by faults, or they prove nothing.
    if (faults.errorRate) expect(sim.stats().faultsInjected).toBeGreaterThan(10);
    await sim.close();
  });

  it("via the vCD proxy: all changes present, passwords intact, 0 lost updates", async () => {
    const edge = await proxyEdge(sim.url);
    try {
      await tenWriters(edge, 6, "dvportgroup-306");
    } finally {
      await edge.close();
    }
    expect(sim.stats().lostUpdates).toBe(0);
  });

  it("via NSX Manager direct: all changes present, passwords intact, 0 lost updates", async () => {
    const edge = await directEdge(sim.url);
    await tenWriters(edge, 6, "dvportgroup-307");
    expect(sim.stats().lostUpdates).toBe(0);
  });

  it("mixed: proxy and direct clients of the same edge share one lock key", async () => {
    const viaProxy = await proxyEdge(sim.url, {}, "edge-cloud-2", "edge-2");
    const viaNsx = await directEdge(sim.url, {}, "edge-2");
    expect(viaProxy.client.lockKey).toBe(viaNsx.client.lockKey);
    try {
      await Promise.all(
        Array.from({ length: WRITERS }, (_, k) =>
          (k % 2 ? viaProxy : viaNsx).client.updateVnic(7, (cur) =>
            upsertSubInterface(
              ensureTrunk(cur, "dvportgroup-308"),
              vlanSub(`m${k}`, 300 + k, 400 + k, `10.90.${k}.1`),
            ),
          ),
        ),
      );
      const trunk = await viaNsx.client.getVnic(7);
      expect(trunk.subInterfaces.map((s) => s.tunnelId).sort((a, b) => a - b)).toEqual(
        Array.from({ length: WRITERS }, (_, k) => 300 + k),
      );
    } finally {
      await viaProxy.close();
    }
    expect(sim.stats().lostUpdates).toBe(0);
  });
});
