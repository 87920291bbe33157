import { l2vpnStats, refreshTunnels } from "../../sim/core/nsx/l2vpn-stats";
import { clientStatus, evaluatePair, serverSiteStatus, stretchedTunnelIds } from "../../sim/core/nsx/tunnels";
import { buildWorld, DEFAULT_SEED } from "../../sim/core/seed";
import type { Edge, L2VpnClient, L2VpnServer, World } from "../../sim/core/world";

/** Gives an edge a trunk on vnic 1 with sub-interfaces (index 10, 11, …) carrying these tunnel ids. */
function stretch(e: Edge, tunnelIds: number[]): void {
  e.vnics.push({
    index: 1,
    name: "trunk",
    type: "trunk",
    mtu: 1600,
    isConnected: true,
    portgroupId: "dvportgroup-300",
    portgroupName: "pg",
    addressGroups: [],
    enableProxyArp: false,
    enableSendRedirects: true,
    subInterfaces: tunnelIds.map((t, i) => ({
      index: 10 + i,
      tunnelId: t,
      name: `s${t}`,
      vlanId: 100 + i,
      mtu: 1500,
      isConnected: true,
      enableSendRedirects: false,
    })),
  });
}

function setup(): { w: World; server: Edge; client: Edge; srv: L2VpnServer; cli: L2VpnClient } {
  const w = buildWorld(DEFAULT_SEED);
  const server = w.edges[0]!;
  const client = w.nsx.edges[0]!;
  stretch(server, [7, 8]);
  stretch(client, [7, 8]);
  const srv: L2VpnServer = {
    listenerIp: "192.0.2.10",
    listenerPort: 443,
    encryptionAlgorithm: "AES128-GCM-SHA256",
    peerSites: [
      {
        name: "onprem",
        description: "",
        user: { userId: "site1", password: "Site-Secret-1" },
        vnics: [10, 11],
        egressGateways: [],
        enabled: true,
      },
    ],
  };
  const cli: L2VpnClient = {
    serverAddress: "192.0.2.10",
    serverPort: 443,
    vnics: [10, 11],
    encryptionAlgorithm: "AES128-GCM-SHA256",
    egressGateways: [],
    user: { userId: "site1", password: "Site-Secret-1" },
  };
  server.l2vpn = { enabled: true, logging: { enable: false, logLevel: "info" }, server: srv };
  client.l2vpn = { enabled: true, logging: { enable: false, logLevel: "info" }, client: cli };
  return { w, server, client, srv, cli };
}

const all = (w: World) => [...w.edges, ...w.nsx.edges];
const siteStatus = (t: ReturnType<typeof setup>) =>
  serverSiteStatus(all(t.w), { edge: t.server, server: t.srv }, t.srv.peerSites[0]!).status;
const cliStatus = (t: ReturnType<typeof setup>) => clientStatus(all(t.w), { edge: t.client, client: t.cli });

describe("sim L2VPN tunnel matching", () => {
  it("is up on both sides when address, port, user, password, cipher and tunnel ids match", () => {
    const t = setup();
    expect(siteStatus(t)).toEqual({ up: true });
    expect(cliStatus(t)).toMatchObject({ name: "onprem", status: { up: true } });
  });

  const mismatches: [string, (t: ReturnType<typeof setup>) => void, string, string?][] = [
    ["no client", (t) => delete t.client.l2vpn, "no client connected", "-"],
    [
      "wrong port",
      (t) => (t.cli.serverPort = 8443),
      "no client connected",
      "no L2 VPN server listening on 192.0.2.10:8443",
    ],
    [
      "wrong server address",
      (t) => (t.cli.serverAddress = "192.0.2.99"),
      "no client connected",
      "no L2 VPN server listening on 192.0.2.99:443",
    ],
    ["wrong password", (t) => (t.cli.user.password = "nope"), "authentication failed for user site1"],
    ["unknown user", (t) => (t.cli.user.userId = "mallory"), "authentication failed for user mallory"],
    [
      "cipher",
      (t) => (t.cli.encryptionAlgorithm = "AES256-SHA"),
      "cipher mismatch: server uses AES128-GCM-SHA256, client offers AES256-SHA",
    ],
    [
      "tunnel id missing on the client",
      (t) => (t.client.vnics[1]!.subInterfaces[1]!.tunnelId = 9),
      "tunnel id 8 not stretched on the peer",
      "tunnel id 9 not stretched on the peer",
    ],
    [
      "client stretches one fewer",
      (t) => (t.cli.vnics = [10]),
      "tunnel id 8 not stretched on the peer",
      "tunnel id 8 not stretched on this edge",
    ],
    [
      "server disabled",
      (t) => (t.server.l2vpn!.enabled = false),
      "L2 VPN service is disabled on server edge edge-1",
    ],
    [
      "client disabled",
      (t) => (t.client.l2vpn!.enabled = false),
      "L2 VPN service is disabled on client edge edge-101",
    ],
    ["site disabled", (t) => (t.srv.peerSites[0]!.enabled = false), "peer site onprem is disabled"],
    [
      "stretched sub-interface deleted",
      (t) => t.server.vnics[1]!.subInterfaces.pop(),
      "stretched sub-interface 11 does not exist on edge edge-1",
    ],
  ];
  // Rows are wrapped so jest passes exactly two arguments (a shorter row would get `done`).
  it.each(mismatches.map((m) => [m[0], m] as const))("goes down on %s with a failure message", (_n, m) => {
    const [, mutate, serverMsg, clientMsg] = m;
    const t = setup();
    mutate(t);
    expect(siteStatus(t)).toEqual({ up: false, failureMessage: serverMsg });
    if (clientMsg !== "-")
      expect(cliStatus(t).status).toEqual({ up: false, failureMessage: clientMsg ?? serverMsg });
  });

  it("picks the client presenting the site's user among several pointing at the listener", () => {
    const t = setup();
    const other = t.w.nsx.edges[1]!;
    stretch(other, [7, 8]);
    other.l2vpn = {
      enabled: true,
      logging: { enable: false, logLevel: "info" },
      client: { ...t.cli, user: { userId: "site1", password: "bad" } },
    };
    expect(siteStatus(t)).toEqual({ up: true });
    const pair = evaluatePair(
      { edge: t.server, server: t.srv },
      t.srv.peerSites[0]!,
      { edge: other, client: other.l2vpn.client! },
      "server",
    );
    expect(pair).toEqual({ up: false, failureMessage: "authentication failed for user site1" });
  });

  it("maps stretched indexes to tunnel ids and reports missing indexes", () => {
    const t = setup();
    expect(stretchedTunnelIds(t.server, [11, 10, 42])).toEqual({ ids: [7, 8], missing: [42] });
  });
});

describe("sim L2VPN statistics over time", () => {
  it("records when a tunnel came up, grows counters while up and forgets it when down", () => {
    const t = setup();
    const t0 = 1_700_000_000_000;
    expect(refreshTunnels(t.w, t0)).toBe(true);
    expect(refreshTunnels(t.w, t0 + 5000)).toBe(false);
    const s = l2vpnStats(t.w, t.server, t0 + 10_000);
    expect(s).toMatchObject({ timeStamp: 1_700_000_010, serverStatus: "up" });
    expect(s.sites[0]).toMatchObject({
      name: "onprem",
      status: { up: true },
      establishedDate: 1_700_000_000,
    });
    expect(s.sites[0]!.txBytesFromLocalSubnet).toBeGreaterThan(0);
    const c = l2vpnStats(t.w, t.client, t0 + 10_000);
    expect(c.sites[0]).toMatchObject({ name: "onprem", establishedDate: 1_700_000_000 });
    // The client's transmit is the server's receive.
    expect(c.sites[0]!.txBytesFromLocalSubnet).toBe(s.sites[0]!.rxBytesOnLocalSubnet);
    expect(l2vpnStats(t.w, t.server, t0 + 20_000).sites[0]!.txBytesFromLocalSubnet).toBeGreaterThan(
      s.sites[0]!.txBytesFromLocalSubnet,
    );

    t.cli.encryptionAlgorithm = "AES256-SHA";
    expect(refreshTunnels(t.w, t0 + 30_000)).toBe(true);
    const down = l2vpnStats(t.w, t.server, t0 + 30_000).sites[0]!;
    expect(down).toMatchObject({ status: { up: false }, txBytesFromLocalSubnet: 0 });
    expect(down.establishedDate).toBeUndefined();
    expect(t.w.nsx.tunnelsUp).toEqual({});
  });

  it("an edge without L2VPN has no sites", () => {
    const w = buildWorld(DEFAULT_SEED);
    expect(l2vpnStats(w, w.edges[1]!, 0)).toEqual({ timeStamp: 0, serverStatus: "down", sites: [] });
  });
});
