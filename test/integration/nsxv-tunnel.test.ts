import { startSimulator, type RunningSim } from "../../sim";
import { upsertSubInterface } from "../../provider/nsxv/mutations";
import { directEdge, ensureTrunk, proxyEdge, vlanSub, type EdgeUnderTest } from "./nsxv-helpers";

/**
 * Server on a cloud edge (vCD proxy), client on an on-prem edge (NSX direct), one stretched
 * network with tunnel id 7 on both: statistics show the tunnel up on both ends, and a
 * wrong password shows it down with the simulator's reason.
 */
jest.setTimeout(60_000);

describe("L2VPN tunnel between a proxy-managed server and a direct-managed client", () => {
  let sim: RunningSim;
  let cloud: EdgeUnderTest;
  let onprem: EdgeUnderTest;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, taskMs: 50 });
    cloud = await proxyEdge(sim.url);
    onprem = await directEdge(sim.url);
  });
  afterAll(async () => {
    await cloud?.close();
    await sim?.close();
  });

  it("comes up when credentials, cipher and tunnel ids match", async () => {
    const srvTrunk = await cloud.client.updateVnic(3, (v) =>
      upsertSubInterface(ensureTrunk(v, "dvportgroup-300"), vlanSub("web", 7, 70, "10.77.0.1")),
    );
    const cliTrunk = await onprem.client.updateVnic(3, (v) =>
      upsertSubInterface(ensureTrunk(v, "dvportgroup-301"), vlanSub("web", 7, 70, "10.77.0.2")),
    );
    await cloud.client.updateL2Vpn(() => ({
      enabled: true,
      logging: { enable: false, logLevel: "info" },
      server: {
        listenerIp: cloud.uplinkIp,
        listenerPort: 443,
        encryptionAlgorithm: "AES256-SHA",
        peerSites: [
          {
            name: "onprem",
            userId: "onprem",
            password: "Onprem-Secret-1",
            vnics: [srvTrunk.subInterfaces[0]!.index!],
            egressOptimizationIps: [],
            enabled: true,
          },
        ],
      },
    }));
    await onprem.client.updateL2Vpn(() => ({
      enabled: true,
      logging: { enable: false, logLevel: "info" },
      client: {
        serverAddress: cloud.uplinkIp,
        serverPort: 443,
        vnics: [cliTrunk.subInterfaces[0]!.index!],
        encryptionAlgorithm: "AES256-SHA",
        egressOptimizationIps: [],
        userId: "onprem",
        password: "Onprem-Secret-1",
      },
    }));
    const srv = await cloud.client.getL2VpnStatistics();
    expect(srv.sites).toEqual([expect.objectContaining({ name: "onprem", tunnelStatus: "up" })]);
    const cli = await onprem.client.getL2VpnStatistics();
    expect(cli.sites[0]).toMatchObject({ tunnelStatus: "up" });
  });

  it("goes down with an authentication failure when the client's password differs", async () => {
    await onprem.client.updateL2Vpn((c) => ({ ...c, client: { ...c.client!, password: "Wrong-Secret-9" } }));
    const srv = await cloud.client.getL2VpnStatistics();
    expect(srv.sites[0]).toMatchObject({ tunnelStatus: "down" });
    expect(srv.sites[0]!.failureMessage).toMatch(/authentication failed/);
  });
});
