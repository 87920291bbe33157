import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startSimulator, type RunningSim } from "../../sim";
import { configure, handler } from "../../provider/registry";
import { NsxEdgeClient } from "../../provider/nsxv/client";
import { nsxDirectTransport } from "../../provider/nsxv/directTransport";
import { NsxExecutor } from "../../provider/nsxv/executor";
import { certificateName } from "../../provider/common/ownership";

/**
 * An L2VpnServer leaves nothing behind on its edge: the self-signed certificates (each with a
 * private key) and CSRs of failed, interrupted or destroyed creates are removed, and a create
 * interrupted after its L2VPN write is taken over by the next create without `adopt`.
 */
jest.setTimeout(120_000);

const serverH = handler("L2VpnServer");
const OWNER = "l2stretch-nsx-l2vpn/e2e/cloud-l2vpn";
const SCOPE = "edge-101";

const server = (extra: Record<string, unknown> = {}) => ({
  edge: { nsxEdge: "edge-onprem-1" },
  listenerIp: "198.51.100.20",
  serverCertificate: { selfSigned: { validityDays: 30 } },
  sites: [{ name: "branch", user: "branch-user", stretchedTunnelIds: [77] }],
  sitePasswords: { branch: "Branch-Passw0rd-1" },
  owner: OWNER,
  ...extra,
});

describe("L2VpnServer certificates and CSRs", () => {
  let sim: RunningSim;
  let edge: NsxEdgeClient;

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "l2s-certs-"));
    sim = await startSimulator({ port: 0, stateFile: path.join(dir, "world.json"), taskMs: 0 });
    const values: Record<string, string> = {
      "l2stretch:nsxUrl": sim.url,
      "l2stretch:nsxUser": "admin",
      "l2stretch:nsxPassword": "Nsx-Admin-Secret-1",
      "l2stretch:retryDeadlineSeconds": "30",
    };
    configure({ get: (k) => values[k] });
    edge = new NsxEdgeClient(
      await nsxDirectTransport(
        new NsxExecutor({ url: sim.url, user: "admin", password: "Nsx-Admin-Secret-1" }),
        "edge-onprem-1",
      ),
    );
    await edge.updateVnic(9, (cur) => ({
      ...cur,
      name: "trunk",
      type: "trunk",
      mtu: 1600,
      isConnected: true,
      portgroupId: "dvportgroup-309",
      subInterfaces: [
        {
          name: "net",
          tunnelId: 77,
          vlanId: 77,
          mtu: 1500,
          isConnected: true,
          enableSendRedirects: false,
          addressGroups: [],
        },
      ],
    }));
  });

  afterAll(async () => {
    await sim?.close();
  });

  const keys = () => sim.world().nsx.certificates.filter((c) => c.scope === SCOPE && c.hasPrivateKey);
  const csrs = () => sim.world().nsx.csrs.filter((c) => c.scope === SCOPE);

  it("removes the certificate and CSR of each failed create", async () => {
    // A stretched tunnel ID the edge does not carry fails the L2VPN write after the certificate.
    for (let i = 0; i < 3; i++) {
      await expect(
        serverH.create(
          server({ sites: [{ name: "branch", user: "branch-user", stretchedTunnelIds: [999] }] }),
        ),
      ).rejects.toThrow(/tunnel ID 999/);
    }
    expect(keys()).toEqual([]);
    expect(csrs()).toEqual([]);
  });

  it("removes what an interrupted create left, and keeps only the certificate in use", async () => {
    // What a kill leaves between the writes: a CSR, and a self-signed certificate not yet used.
    const name = certificateName(OWNER, "198.51.100.20");
    await edge.createCsr({ commonName: "198.51.100.20", name, description: name });
    await edge.createSelfSignedCertificate({ commonName: "198.51.100.20", name, description: name }, 30);
    expect(keys()).toHaveLength(1);
    expect(csrs()).toHaveLength(2);

    const created = await serverH.create(server());
    const inUse = sim.world().nsx.edges.find((e) => e.nsxId === SCOPE)!.l2vpn!.server!.serverCertificate;
    expect(keys().map((c) => c.id)).toEqual([inUse]);
    expect(csrs()).toEqual([]);

    // Killed after the L2VPN write: the state never got the server; the next create takes it over.
    const again = await serverH.create(server());
    expect(again.outs["createdCertificateId"]).toBe(created.outs["createdCertificateId"]);
    expect(keys().map((c) => c.id)).toEqual([inUse]);

    await serverH.delete(again.id, again.outs);
    expect(keys()).toEqual([]);
    expect(csrs()).toEqual([]);
  });

  it("still refuses a server it cannot prove is its own", async () => {
    const foreign = await serverH.create(server({ owner: "other/stack/server" }));
    await expect(serverH.create(server())).rejects.toThrow(/already has an L2VPN server/);
    await serverH.delete(foreign.id, foreign.outs);
    expect(keys()).toEqual([]);
  });
});
