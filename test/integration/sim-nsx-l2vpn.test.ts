// L2VPN, truststore and persistence of the NSX world against the simulator over HTTP: a server on
// the cloud edge (via the vCD proxy) and a client on a standalone on-prem edge (NSX direct).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSimulator, type RunningSim } from "../../sim";
import { main } from "../../sim/cli";
import { buildXml, child, children, type XmlTree, type XNode } from "../../sim/xml/xml";
import {
  cloudEdge,
  NETWORK_MEDIA,
  networkBody,
  NsxSimClient,
  SimClient,
  waitJob,
} from "../support/sim-client";

const text = (n: XNode | undefined, name: string) => child(n, name)?.text;
const xml = "application/xml";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "l2s-sim-nsx-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Site {
  user?: string;
  password?: string | null;
  cipher?: string;
  vnics?: number[];
}

function serverXml(
  o: { listenerIp?: string; cert?: string; enabled?: boolean; version?: string } & Site = {},
): string {
  return buildXml("l2Vpn", {
    version: o.version,
    enabled: o.enabled ?? true,
    logging: { enable: false, logLevel: "info" },
    l2VpnSites: {
      l2VpnSite: {
        server: {
          configuration: {
            listenerIp: o.listenerIp ?? "192.0.2.10",
            listenerPort: 443,
            encryptionAlgorithm: o.cipher ?? "AES128-GCM-SHA256",
            serverCertificate: o.cert,
            peerSites: {
              peerSite: {
                name: "onprem",
                description: "on-prem DC",
                l2VpnUser: {
                  userId: o.user ?? "site1",
                  password: o.password === null ? undefined : (o.password ?? "Site-Secret-1"),
                },
                vnics: { index: o.vnics ?? [10] },
                egressOptimization: { gatewayIpAddress: "10.10.0.1" },
                enabled: true,
              },
            },
          },
        },
      },
    },
  });
}

function clientXml(
  o: Site & { serverAddress?: string; port?: number; ca?: string; enabled?: boolean } = {},
): string {
  const client: XmlTree = {
    configuration: {
      serverAddress: o.serverAddress ?? "192.0.2.10",
      serverPort: o.port ?? 443,
      vnic: o.vnics ?? [10],
      encryptionAlgorithm: o.cipher ?? "AES128-GCM-SHA256",
      caCertificate: o.ca,
      egressOptimization: { gatewayIpAddress: "10.10.0.1" },
    },
    proxySetting: {
      type: "https",
      address: "203.0.113.5",
      port: 3128,
      userName: "proxyuser",
      password: "Proxy-Secret-1",
    },
    l2VpnUser: {
      userId: o.user ?? "site1",
      password: o.password === null ? undefined : (o.password ?? "Site-Secret-1"),
    },
  };
  return buildXml("l2Vpn", {
    enabled: o.enabled ?? true,
    logging: { enable: false, logLevel: "info" },
    l2VpnSites: { l2VpnSite: { client } },
  });
}

/** The on-prem side of seed 001: a trunk whose sub-interface carries the cloud network's tunnel id. */
const onpremTrunk = (tunnelIds: number[]) =>
  buildXml("vnic", {
    name: "l2vpn-trunk",
    mtu: 1600,
    type: "trunk",
    isConnected: true,
    portgroupId: "dvportgroup-300",
    subInterfaces: {
      subInterface: tunnelIds.map((t, i) => ({
        isConnected: true,
        name: `stretched-${t}`,
        tunnelId: t,
        vlanId: 100 + i,
        enableSendRedirects: false,
        mtu: 1500,
        addressGroups: { addressGroup: { primaryAddress: `10.${10 + i}.0.1`, subnetPrefixLength: 24 } },
      })),
    },
  });

function siteStats(r: { xml: XNode | undefined }) {
  const s = child(child(r.xml, "siteStats"), "l2vpnStats");
  return {
    name: text(s, "name"),
    tunnelStatus: text(s, "tunnelStatus"),
    failureMessage: text(s, "failureMessage"),
    establishedDate: text(s, "establishedDate"),
    tx: Number(text(s, "txBytesFromLocalSubnet")),
  };
}

interface Pair {
  sim: RunningSim;
  vcd: SimClient;
  nsx: NsxSimClient;
  edge: { uuid: string; href: string; vdcUuid: string };
  certId: string;
}

/** Cloud: subinterface network (tunnel 1, index 10) + self-signed cert + server; on-prem: trunk + client. */
async function stretchPair(stateFile?: string): Promise<Pair> {
  const sim = await startSimulator({ port: 0, taskMs: 20, stateFile });
  const vcd = new SimClient(sim.url);
  await vcd.login("alice", "acme", "Alice-Secret-1");
  const nsx = new NsxSimClient(sim.url);
  const edge = await cloudEdge(vcd);
  const created = await vcd.request("POST", `/api/admin/vdc/${edge.vdcUuid}/networks`, {
    body: networkBody({ name: "web", edgeHref: edge.href, gateway: "10.10.0.1" }),
    contentType: NETWORK_MEDIA,
  });
  await vcd.waitTask(SimClient.embeddedTaskHref(created.xml!));
  const csr = await vcd.request("POST", `/network/services/truststore/csr/${edge.uuid}`, {
    body: buildXml("csr", {
      subject: { attribute: { key: "CN", value: "l2vpn.cloud.example" } },
      algorithm: "RSA",
      keySize: 2048,
    }),
    contentType: xml,
  });
  const csrId = text(csr.xml, "objectId")!;
  const cert = await vcd.request("PUT", `/network/services/truststore/csr/${csrId}?noOfDays=365`);
  const certId = text(cert.xml, "objectId")!;
  const srv = await vcd.request("PUT", `/network/edges/${edge.uuid}/l2vpn/config`, {
    body: serverXml({ cert: certId }),
    contentType: xml,
  });
  expect(srv.status).toBe(204);
  expect((await nsx.request("PUT", "/api/4.0/edges/edge-101/vnics/1", onpremTrunk([1]))).status).toBe(204);
  expect((await nsx.request("PUT", "/api/4.0/edges/edge-101/l2vpn/config", clientXml())).status).toBe(204);
  return { sim, vcd, nsx, edge, certId };
}

describe("sim NSX truststore on both paths", () => {
  it("CSR + self-sign, import CA and service certificates, list, get, delete (in use refused)", async () => {
    const p = await stretchPair();
    try {
      const { vcd, nsx, edge, certId } = p;
      expect(certId).toMatch(new RegExp(`^${edge.uuid}:certificate-\\d+$`));
      const got = await vcd.request("GET", `/network/services/truststore/certificate/${certId}`);
      expect([text(got.xml, "certificateType"), text(got.xml, "name"), text(got.xml, "daysValid")]).toEqual([
        "certificate_self_signed",
        "l2vpn.cloud.example",
        "365",
      ]);
      expect(text(got.xml, "pemEncoding")).toMatch(
        /^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----$/,
      );
      // The same certificate on NSX Manager: bare id, scope edge-1.
      const bare = certId.split(":").pop()!;
      const direct = await nsx.request("GET", `/api/2.0/services/truststore/certificate/${bare}`);
      expect([direct.status, text(direct.xml, "objectId"), text(direct.xml, "scopeId")]).toEqual([
        200,
        bare,
        "edge-1",
      ]);

      // Not a real certificate: the simulator only needs the PEM shape.
      const pem = "-----BEGIN CERTIFICATE-----\nTUlJQ2Zha2U=\n-----END CERTIFICATE-----";
      const ca = await nsx.request(
        "POST",
        "/api/2.0/services/truststore/certificate/edge-101",
        buildXml("trustObject", { pemEncoding: pem, description: "cloud CA" }),
      );
      expect(ca.status).toBe(200);
      const caCert = child(ca.xml, "certificate")!;
      expect([text(caCert, "certificateType"), text(caCert, "description")]).toEqual([
        "certificate_ca",
        "cloud CA",
      ]);
      const svc = await nsx.request(
        "POST",
        "/api/2.0/services/truststore/certificate/edge-101",
        buildXml("trustObject", {
          pemEncoding: pem,
          privateKey: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
        }),
      );
      expect(text(child(svc.xml, "certificate"), "certificateType")).toBe("certificate_signed");
      const list = await nsx.request("GET", "/api/2.0/services/truststore/certificate/scope/edge-101");
      expect(children(list.xml, "certificate").map((c) => text(c, "certificateType"))).toEqual([
        "certificate_ca",
        "certificate_signed",
      ]);
      const badPem = await nsx.request(
        "POST",
        "/api/2.0/services/truststore/certificate/edge-101",
        buildXml("trustObject", { pemEncoding: "not a cert" }),
      );
      expect([badPem.status, text(badPem.xml, "details")]).toEqual([
        400,
        expect.stringMatching(/BEGIN CERTIFICATE/),
      ]);
      const badKey = await nsx.request(
        "POST",
        "/api/2.0/services/truststore/csr/edge-101",
        buildXml("csr", {
          subject: { attribute: { key: "CN", value: "x" } },
          algorithm: "RSA",
          keySize: 1000,
        }),
      );
      expect(text(badKey.xml, "details")).toMatch(/keySize 1000/);

      // In use by the L2VPN server: refused (NSX's error, passed through the proxy); the CA can go.
      const inUse = await vcd.request("DELETE", `/network/services/truststore/certificate/${certId}`);
      expect([inUse.status, text(inUse.xml, "details")]).toEqual([
        400,
        expect.stringMatching(/in use by the L2 VPN configuration of edge edge-1/),
      ]);
      const caId = text(caCert, "objectId")!;
      expect((await nsx.request("DELETE", `/api/2.0/services/truststore/certificate/${caId}`)).status).toBe(
        204,
      );
      expect((await nsx.request("GET", `/api/2.0/services/truststore/certificate/${caId}`)).status).toBe(404);
      // Standalone edges do not exist behind vCD (a tenant is told 403, as for any gateway it
      // cannot see); another edge's composite id does not resolve.
      expect(
        (await vcd.request("GET", "/network/services/truststore/certificate/scope/edge-101")).status,
      ).toBe(403);
      expect(
        (
          await vcd.request(
            "GET",
            `/network/services/truststore/certificate/00000000-0000-0000-0000-000000000000:${bare}`,
          )
        ).status,
      ).toBe(404);
      // Async import: a job on the scope edge.
      const asyncImport = await nsx.request(
        "POST",
        "/api/2.0/services/truststore/certificate/edge-102?async=true",
        buildXml("trustObject", { pemEncoding: pem }),
      );
      expect(asyncImport.status).toBe(202);
      expect(
        text(await waitJob((h) => nsx.request("GET", h), asyncImport.headers.get("location")!), "status"),
      ).toBe("SUCCESS");
    } finally {
      await p.sim.close();
    }
  });
});

describe("sim NSX L2VPN", () => {
  it("a server and a client with matching settings bring the tunnel up on both sides", async () => {
    const p = await stretchPair();
    try {
      const server = await p.vcd.request("GET", `/network/edges/${p.edge.uuid}/l2vpn/config/statistics`);
      expect(server.xml!.name).toBe("l2vpnStatusAndStats");
      expect(text(server.xml, "serverStatus")).toBe("up");
      expect(siteStats(server)).toMatchObject({
        name: "onprem",
        tunnelStatus: "up",
        failureMessage: undefined,
      });
      const client = await p.nsx.request("GET", "/api/4.0/edges/edge-101/l2vpn/config/statistics");
      expect(siteStats(client)).toMatchObject({ name: "onprem", tunnelStatus: "up" });
      expect(siteStats(client).establishedDate).toBe(siteStats(server).establishedDate);
      await new Promise((r) => setTimeout(r, 1100));
      const later = await p.nsx.request("GET", "/api/4.0/edges/edge-1/l2vpn/config/statistics");
      expect(siteStats(later).tx).toBeGreaterThan(siteStats(server).tx);
    } finally {
      await p.sim.close();
    }
  });

  it("each mismatch takes the tunnel down with its failure message", async () => {
    const p = await stretchPair();
    const { nsx } = p;
    const serverSide = async () =>
      siteStats(await nsx.request("GET", "/api/4.0/edges/edge-1/l2vpn/config/statistics"));
    const putClient = async (body: string) =>
      expect((await nsx.request("PUT", "/api/4.0/edges/edge-101/l2vpn/config", body)).status).toBe(204);
    try {
      const cases: [string, () => Promise<unknown>, string][] = [
        [
          "password",
          () => putClient(clientXml({ password: "Wrong-Secret-9" })),
          "authentication failed for user site1",
        ],
        ["user", () => putClient(clientXml({ user: "mallory" })), "authentication failed for user mallory"],
        [
          "cipher",
          () => putClient(clientXml({ cipher: "AES256-SHA" })),
          "cipher mismatch: server uses AES128-GCM-SHA256, client offers AES256-SHA",
        ],
        ["listener port", () => putClient(clientXml({ port: 8443 })), "no client connected"],
        [
          "tunnel ids",
          async () => {
            await putClient(clientXml());
            await nsx.request("PUT", "/api/4.0/edges/edge-101/vnics/1", onpremTrunk([7]));
          },
          "tunnel id 1 not stretched on the peer",
        ],
        [
          "client disabled",
          async () => {
            await nsx.request("PUT", "/api/4.0/edges/edge-101/vnics/1", onpremTrunk([1]));
            await nsx.request("POST", "/api/4.0/edges/edge-101/l2vpn/config?enableService=false");
          },
          "L2 VPN service is disabled on client edge edge-101",
        ],
        [
          "client removed",
          () => nsx.request("DELETE", "/api/4.0/edges/edge-101/l2vpn/config"),
          "no client connected",
        ],
      ];
      for (const [, act, message] of cases) {
        await act();
        expect(await serverSide()).toMatchObject({
          tunnelStatus: "down",
          failureMessage: message,
          establishedDate: undefined,
          tx: 0,
        });
      }
      await putClient(clientXml());
      expect((await serverSide()).tunnelStatus).toBe("up");
      const client = siteStats(await nsx.request("GET", "/api/4.0/edges/edge-101/l2vpn/config/statistics"));
      expect(client.tunnelStatus).toBe("up");
      await putClient(clientXml({ serverAddress: "192.0.2.99" }));
      expect(
        siteStats(await nsx.request("GET", "/api/4.0/edges/edge-101/l2vpn/config/statistics")).failureMessage,
      ).toBe("no L2 VPN server listening on 192.0.2.99:443");
    } finally {
      await p.sim.close();
    }
  });

  it("hides passwords without showSensitiveData, needs them on PUT, checks version, enables/disables and deletes", async () => {
    const p = await stretchPair();
    const { vcd, nsx, edge } = p;
    try {
      const plain = await nsx.request("GET", "/api/4.0/edges/edge-101/l2vpn/config");
      expect(plain.text).not.toMatch(/password|Secret/);
      expect(child(child(plain.xml, "l2VpnSites"), "l2VpnSite")).toBeDefined();
      const sensitive = await nsx.request(
        "GET",
        "/api/4.0/edges/edge-101/l2vpn/config?showSensitiveData=true",
      );
      expect(sensitive.text).toContain("<password>Site-Secret-1</password>");
      expect(sensitive.text).toContain("<password>Proxy-Secret-1</password>");
      const proxied = await vcd.request("GET", `/network/edges/${edge.uuid}/l2vpn/config`);
      expect(proxied.text).not.toMatch(/Site-Secret-1/);
      const cfg = child(
        child(child(child(proxied.xml, "l2VpnSites"), "l2VpnSite"), "server"),
        "configuration",
      );
      expect([
        text(cfg, "listenerIp"),
        text(cfg, "serverCertificate"),
        text(child(child(cfg, "peerSites"), "peerSite"), "name"),
      ]).toEqual(["192.0.2.10", p.certId.split(":").pop(), "onprem"]);

      // Writing back what a plain GET returned fails: the password is missing.
      const noPw = await nsx.request(
        "PUT",
        "/api/4.0/edges/edge-101/l2vpn/config",
        clientXml({ password: null }),
      );
      expect([noPw.status, text(noPw.xml, "details")]).toEqual([
        400,
        expect.stringMatching(/password of user site1 is missing.*showSensitiveData=true/),
      ]);
      // A read-modify-write of the sensitive document (version included) works; a stale version does not.
      expect((await nsx.request("PUT", "/api/4.0/edges/edge-101/l2vpn/config", sensitive.text)).status).toBe(
        204,
      );
      const stale = await nsx.request("PUT", "/api/4.0/edges/edge-101/l2vpn/config", sensitive.text);
      expect([stale.status, text(stale.xml, "details")]).toEqual([
        400,
        expect.stringMatching(/older version/),
      ]);
      expect(
        siteStats(await nsx.request("GET", "/api/4.0/edges/edge-1/l2vpn/config/statistics")).tunnelStatus,
      ).toBe("up");

      const bad: [string, RegExp][] = [
        [
          serverXml({ listenerIp: "192.0.2.200" }),
          /listenerIp 192\.0\.2\.200 is not an address of an uplink interface of edge edge-1/,
        ],
        [serverXml({ cipher: "BOGUS" }), /encryptionAlgorithm BOGUS is not supported/],
        [serverXml({ vnics: [42] }), /42 is not a sub-interface index of edge edge-1/],
        [serverXml({ cert: "certificate-999" }), /certificate-999 is not in the truststore/],
        [serverXml({ password: "" }), /password of user site1 is missing/],
        [serverXml({ version: "1" }), /older version/],
      ];
      for (const [body, msg] of bad) {
        const r = await vcd.request("PUT", `/network/edges/${edge.uuid}/l2vpn/config`, {
          body,
          contentType: xml,
        });
        // NSX's own <error>, passed through by vCD's proxy.
        expect([r.status, text(r.xml, "details")]).toEqual([400, expect.stringMatching(msg)]);
      }
      expect((await nsx.request("POST", "/api/4.0/edges/edge-1/l2vpn/config")).status).toBe(400);
      expect(
        (await vcd.request("POST", `/network/edges/${edge.uuid}/l2vpn/config?enableService=false`)).status,
      ).toBe(204);
      const off = await nsx.request("GET", "/api/4.0/edges/edge-1/l2vpn/config/statistics");
      expect([text(off.xml, "serverStatus"), siteStats(off).failureMessage]).toEqual([
        "down",
        "L2 VPN service is disabled on server edge edge-1",
      ]);
      const asyncOn = await nsx.request(
        "POST",
        "/api/4.0/edges/edge-1/l2vpn/config?enableService=true&async=true",
      );
      expect(
        text(await waitJob((h) => nsx.request("GET", h), asyncOn.headers.get("location")!), "status"),
      ).toBe("SUCCESS");
      expect(
        siteStats(await nsx.request("GET", "/api/4.0/edges/edge-1/l2vpn/config/statistics")).tunnelStatus,
      ).toBe("up");
      expect((await vcd.request("DELETE", `/network/edges/${edge.uuid}/l2vpn/config`)).status).toBe(204);
      const gone = await nsx.request("GET", "/api/4.0/edges/edge-1/l2vpn/config");
      expect([text(gone.xml, "enabled"), child(gone.xml, "l2VpnSites")]).toEqual(["false", undefined]);
      expect(
        (await nsx.request("POST", "/api/4.0/edges/edge-1/l2vpn/config?enableService=true")).status,
      ).toBe(400);
    } finally {
      await p.sim.close();
    }
  });

  it("counts a stale l2vpn PUT as a lost update and a fresh read-modify-write not", async () => {
    const p = await stretchPair();
    try {
      const a = new NsxSimClient(p.sim.url, undefined, undefined, "a");
      const b = new NsxSimClient(p.sim.url, undefined, undefined, "b");
      const path = "/api/4.0/edges/edge-101/l2vpn/config";
      const before = p.sim.stats().lostUpdates;
      const readA = await a.request("GET", `${path}?showSensitiveData=true`);
      const readB = await b.request("GET", `${path}?showSensitiveData=true`);
      const noVersion = (t: string) => t.replace(/<version>\d+<\/version>/, "");
      expect((await b.request("PUT", path, noVersion(readB.text))).status).toBe(204);
      expect(p.sim.stats().lostUpdates).toBe(before);
      expect((await a.request("PUT", path, noVersion(readA.text))).status).toBe(204);
      expect(p.sim.stats().lostUpdates).toBe(before + 1);
      expect(p.sim.stats().lostUpdateEvents.at(-1)).toMatchObject({
        object: "edge-l2vpn:edge-101",
        session: "nsx:admin:a",
      });
      const fresh = await b.request("GET", `${path}?showSensitiveData=true`);
      expect((await b.request("PUT", path, noVersion(fresh.text))).status).toBe(204);
      expect(p.sim.stats().lostUpdates).toBe(before + 1);
    } finally {
      await p.sim.close();
    }
  });
});

describe("sim NSX persistence", () => {
  it("keeps vnics, L2VPN, certificates, jobs and the tunnel's up-time across a restart", async () => {
    const stateFile = join(dir, "nsx.json");
    const p = await stretchPair(stateFile);
    let established: string | undefined;
    let jobHref: string;
    try {
      established = siteStats(
        await p.nsx.request("GET", "/api/4.0/edges/edge-1/l2vpn/config/statistics"),
      ).establishedDate;
      const r = await p.nsx.request("PUT", "/api/4.0/edges/edge-102/vnics/3?async=true", onpremTrunk([5]));
      jobHref = r.headers.get("location")!;
    } finally {
      await p.sim.close();
    }
    const sim = await startSimulator({ port: 0, stateFile });
    try {
      const nsx = new NsxSimClient(sim.url);
      const stats = await nsx.request("GET", "/api/4.0/edges/edge-101/l2vpn/config/statistics");
      expect(siteStats(stats)).toMatchObject({ tunnelStatus: "up", establishedDate: established });
      expect(
        text(
          await waitJob(
            (h) => nsx.request("GET", h),
            `${sim.url}/api/4.0/edges/jobs/${jobHref.split("/").pop()}`,
          ),
          "status",
        ),
      ).toBe("SUCCESS");
      const certs = await nsx.request("GET", "/api/2.0/services/truststore/certificate/scope/edge-1");
      expect(children(certs.xml, "certificate")).toHaveLength(1);
      const v = await nsx.request("GET", "/api/4.0/edges/edge-102/vnics/3");
      expect(text(child(child(v.xml, "subInterfaces"), "subInterface"), "tunnelId")).toBe("5");
    } finally {
      await sim.close();
    }
  });

  it("upgrades a version-1 state file and rejects unknown versions with a clear message", async () => {
    const v2 = join(dir, "v2.json");
    const seeded = await startSimulator({ port: 0, stateFile: v2 });
    await seeded.close();
    const file = JSON.parse(readFileSync(v2, "utf8")) as {
      formatVersion: number;
      world: Record<string, unknown>;
    };
    const w = file.world as { edges: Record<string, unknown>[]; nsx?: unknown; formatVersion: number };
    for (const e of w.edges) {
      delete e["nsxId"];
      delete e["vnicRevisions"];
      delete e["l2vpnRevision"];
    }
    delete w.nsx;
    w.formatVersion = 1;
    const v1 = join(dir, "v1.json");
    writeFileSync(v1, JSON.stringify({ formatVersion: 1, savedAt: "", world: w }));
    const sim = await startSimulator({ port: 0, stateFile: v1 });
    try {
      expect(sim.world().edges.map((e) => e.nsxId)).toEqual(["edge-1", "edge-2"]);
      expect(sim.world().nsx.edges.map((e) => e.nsxId)).toEqual(["edge-101", "edge-102"]);
      const r = await new NsxSimClient(sim.url).request(
        "PUT",
        "/api/4.0/edges/edge-1/vnics/3",
        onpremTrunk([3]),
      );
      expect(r.status).toBe(204);
    } finally {
      await sim.close();
    }
    expect((JSON.parse(readFileSync(v1, "utf8")) as { formatVersion: number }).formatVersion).toBe(2);
    const v9 = join(dir, "v9.json");
    writeFileSync(v9, JSON.stringify({ formatVersion: 9, world: { orgs: [], edges: [], networks: [] } }));
    await expect(startSimulator({ port: 0, stateFile: v9 })).rejects.toThrow(
      /formatVersion 9, which this simulator cannot read/,
    );
  });

  it("the CLI prints the NSX Manager endpoint, its user and the standalone edges on stderr", async () => {
    const err: string[] = [];
    const sim = await main(["--port", "0", "--state", join(dir, "cli.json")], {
      stdout: () => undefined,
      stderr: (l) => err.push(l),
    });
    try {
      const all = err.join("\n");
      expect(all).toContain(`NSX Manager ${sim.url}/api/4.0/edges`);
      expect(all).toMatch(/nsx user admin password Nsx-Admin-Secret-1/);
      expect(all).toMatch(/nsx edge edge-101 edge-onprem-1 \(NSX only, uplink 198\.51\.100\.20\/24\)/);
      expect(all).toMatch(/edge edge-cloud-1 \(urn:vcloud:gateway:[0-9a-f-]+, NSX edge-1\)/);
    } finally {
      await sim.close();
    }
  });
});
