import { GatewayConfig, GatewayConfigSchema, GatewayConfigInput } from "../../contract/gatewayDocument";
import {
  LiveLink,
  LiveState,
  parseFdb,
  parseLinks,
  parseNft,
  parseSas,
  parseBlackholes,
} from "../../gateway/agent/live";
import { PlannerInput, plan, verify } from "../../gateway/agent/plan";
import {
  charonPaths,
  nftDigest,
  renderNftScript,
  renderStrongswanConf,
  renderSwanctlConf,
} from "../../gateway/agent/render";
import { gatewayDoc, sampleNetworks } from "../support/gateway-config";
import { renderGuardChains, underlayDevices } from "../../gateway/agent/guard";

function input(): GatewayConfigInput {
  return gatewayDoc({ site: "site-a", mtu: 1500, localId: "gwA", peerId: "gwB", networks: sampleNetworks() });
}
const cfg = (): GatewayConfig => GatewayConfigSchema.parse(input());
const paths = charonPaths("/var/lib/l2stretch");

function link(name: string, extra: Partial<LiveLink> = {}): [string, LiveLink] {
  return [name, { name, kind: undefined, mtu: 1500, up: true, master: undefined, ...extra }];
}

/** Live state of a gateway that is exactly converged to `c`. */
function converged(c: GatewayConfig): PlannerInput {
  const live: LiveState = {
    links: new Map([
      link("lo", { linkType: "loopback" }),
      link("wan0"),
      link("eth1", { master: "l2br100" }),
      link("eth2"),
      link("eth2.20", { kind: "vlan", vlan: { id: 20, link: "eth2" }, master: "l2br200" }),
      link("l2br100", { kind: "bridge", mtu: 1350 }),
      link("l2br200", { kind: "bridge", mtu: 1350 }),
      link("l2vx100", {
        kind: "vxlan",
        mtu: 1350,
        master: "l2br100",
        vxlan: { id: 100, local: "192.0.2.1", remote: "192.0.2.2", port: 4789 },
      }),
      link("l2vx200", {
        kind: "vxlan",
        mtu: 1350,
        master: "l2br200",
        vxlan: { id: 200, local: "192.0.2.1", remote: "192.0.2.2", port: 4789 },
      }),
    ]),
    loAddresses: ["127.0.0.1/8", "192.0.2.1/32"],
    // The underlay NIC, as on a real gateway: the leak guard names it.
    addresses: new Map([["wan0", ["203.0.113.1/24"]]]),
    routes: [
      { dst: "default", dev: "wan0", table: "main" },
      { dst: "203.0.113.0/24", dev: "wan0", table: "main" },
    ],
    blackholes: ["192.0.2.2/32"],
    nft: [],
    sas: [],
  };
  const digest = nftDigest(c, renderGuardChains(c, underlayDevices(c, live)));
  live.nft = [
    { family: "inet", name: "l2stretch", digest, counters: {} },
    { family: "bridge", name: "l2stretch", digest, counters: {} },
  ];
  return {
    live,
    files: {
      [paths.strongswanConf]: renderStrongswanConf(c, paths),
      [`${paths.swanctlDir}/swanctl.conf`]: renderSwanctlConf(c),
    },
    charonRunning: true,
    connLoaded: true,
  };
}

describe("planner", () => {
  test("a converged gateway needs nothing", () => {
    expect(plan(cfg(), converged(cfg()), paths)).toEqual([]);
  });

  test("an empty gateway gets the full build, fail-closed first", () => {
    const empty: PlannerInput = {
      live: {
        links: new Map([link("lo"), link("eth1"), link("eth2")]),
        loAddresses: [],
        addresses: new Map(),
        routes: [],
        blackholes: [],
        nft: [],
        sas: undefined,
      },
      files: {},
      charonRunning: false,
      connLoaded: false,
    };
    const ids = plan(cfg(), empty, paths).map((a) => a.id);
    expect(ids).toEqual([
      "vtep-address",
      "fail-closed-route",
      "nft",
      "ipsec",
      "network/blue",
      "network/green",
    ]);
    const blue = plan(cfg(), empty, paths).find((a) => a.id === "network/blue");
    expect(blue?.steps.map((s) => (s.op === "exec" ? s.argv.join(" ") : s.op))).toEqual([
      "ip link add name l2br100 type bridge",
      "ip link add l2vx100 mtu 1350 type vxlan id 100 local 192.0.2.1 remote 192.0.2.2 dstport 4789",
      "ip link set l2vx100 master l2br100",
      "ip link set eth1 master l2br100",
      "ip link set l2vx100 up",
      "ip link set l2br100 up",
    ]);
    const green = plan(cfg(), empty, paths).find((a) => a.id === "network/green");
    expect(green?.steps[0]).toEqual({
      op: "exec",
      argv: ["ip", "link", "add", "link", "eth2", "name", "eth2.20", "type", "vlan", "id", "20"],
    });
  });

  test("a deleted VXLAN interface touches only its own network", () => {
    const inp = converged(cfg());
    inp.live.links.delete("l2vx100");
    const actions = plan(cfg(), inp, paths);
    expect(actions.map((a) => a.id)).toEqual(["network/blue"]);
    expect(actions[0]?.description).toMatch(/l2vx100: missing/);
  });

  test("MTU drift is fixed in place, not by re-creating the device", () => {
    const inp = converged(cfg());
    (inp.live.links.get("l2vx200") as LiveLink).mtu = 1500;
    const actions = plan(cfg(), inp, paths);
    expect(actions).toHaveLength(1);
    expect(actions[0]?.steps).toEqual([
      { op: "exec", argv: ["ip", "link", "set", "l2vx200", "mtu", "1350"] },
    ]);
  });

  test("a changed VNI attribute re-creates the VXLAN device", () => {
    const inp = converged(cfg());
    (inp.live.links.get("l2vx100") as LiveLink).vxlan = {
      id: 100,
      local: "192.0.2.1",
      remote: "192.0.2.9",
      port: 4789,
    };
    const steps = plan(cfg(), inp, paths)[0]?.steps.map((s) =>
      s.op === "exec" ? s.argv.slice(0, 4).join(" ") : s.op,
    );
    expect(steps?.slice(0, 2)).toEqual(["ip link del l2vx100", "ip link add l2vx100"]);
  });

  test("removing a network deletes its devices (VXLAN first) and the rules change; the other network is untouched", () => {
    const c = cfg();
    const inp = converged(c);
    const next = GatewayConfigSchema.parse({ ...input(), networks: [input().networks[0]] });
    const actions = plan(next, inp, paths, c);
    expect(actions.map((a) => a.id)).toEqual(["nft", "remove-networks"]);
    const rm = actions[1]?.steps.map((s) => (s.op === "exec" ? s.argv.join(" ") : s.op));
    expect(rm).toEqual(["ip link del l2vx200", "ip link del l2br200", "ip link del eth2.20"]);
  });

  test("foreign devices are never removed", () => {
    const inp = converged(cfg());
    inp.live.links.set(...link("br0", { kind: "bridge" }));
    inp.live.links.set(...link("vxlan7", { kind: "vxlan" }));
    expect(plan(cfg(), inp, paths)).toEqual([]);
  });

  test("a missing blackhole route is restored; a swanctl change reloads without restarting charon", () => {
    const inp = converged(cfg());
    inp.live.blackholes = [];
    const next = GatewayConfigSchema.parse({
      ...input(),
      transport: { ...input().transport, dpdDelaySeconds: 5 },
    });
    const actions = plan(next, inp, paths, cfg());
    expect(actions.map((a) => a.id)).toEqual(["fail-closed-route", "ipsec"]);
    expect(actions[1]?.steps.map((s) => s.op)).toEqual(["write", "swanctl-load"]);
  });

  test("a dead charon is started and loaded", () => {
    const inp = converged(cfg());
    inp.charonRunning = false;
    inp.connLoaded = false;
    expect(
      plan(cfg(), inp, paths)
        .find((a) => a.id === "ipsec")
        ?.steps.map((s) => s.op),
    ).toEqual(["charon-start", "swanctl-load"]);
  });

  test("moving a network to another port detaches the old one first; the other network is untouched", () => {
    const c = cfg();
    const inp = converged(c);
    inp.live.links.set(...link("eth3"));
    const doc = input();
    doc.networks[0] = {
      ...(doc.networks[0] as (typeof doc.networks)[number]),
      attachment: { type: "interface", interface: "eth3" },
    };
    const next = GatewayConfigSchema.parse(doc);
    const actions = plan(next, inp, paths, c);
    expect(actions.map((a) => a.id)).toEqual(["nft", "detach-ports", "network/blue"]);
    expect(actions[1]?.steps).toEqual([{ op: "exec", argv: ["ip", "link", "set", "eth1", "nomaster"] }]);
    expect(actions[2]?.description).toMatch(/^blue \(VNI 100\): site port eth1 -> eth3/);
    expect(actions[2]?.steps.map((s) => (s.op === "exec" ? s.argv.join(" ") : s.op))).toEqual([
      "ip link set eth3 master l2br100",
    ]);
  });

  test("a port left in a bridge by hand (wan0 in l2br100) is detached on the next apply", () => {
    const inp = converged(cfg());
    (inp.live.links.get("wan0") as LiveLink).master = "l2br100";
    const actions = plan(cfg(), inp, paths);
    expect(actions.find((a) => a.id === "detach-ports")?.steps).toEqual([
      { op: "exec", argv: ["ip", "link", "set", "wan0", "nomaster"] },
    ]);
  });

  test("a VNI change rebuilds just that network, declared in its description", () => {
    const c = cfg();
    const inp = converged(c);
    const doc = input();
    doc.networks[0] = { ...(doc.networks[0] as (typeof doc.networks)[number]), vni: 101 };
    const actions = plan(GatewayConfigSchema.parse(doc), inp, paths, c);
    expect(actions.map((a) => a.id)).toEqual(["nft", "remove-networks", "network/blue"]);
    expect(actions[1]?.steps.map((s) => (s.op === "exec" ? s.argv.join(" ") : s.op))).toEqual([
      "ip link del l2vx100",
      "ip link del l2br100",
    ]);
    expect(actions[2]?.description).toMatch(/^blue \(VNI 101\): VNI 100 -> 101: rebuilt as l2br101/);
    expect(actions.some((a) => a.network === "green")).toBe(false);
  });

  test("the bridge guard names the underlay NIC and allows only site port <-> own VXLAN", () => {
    const c = cfg();
    const live = converged(c).live;
    expect(underlayDevices(c, live)).toEqual(["wan0"]);
    const s = renderNftScript(c, renderGuardChains(c, underlayDevices(c, live)));
    expect(s).toContain("type filter hook forward priority -300; policy accept;");
    expect(s).toContain('iifname { "wan0" } counter drop comment "underlay-guard:in"');
    expect(s).toContain('oifname { "wan0" } counter drop comment "underlay-guard:out"');
    expect(s).toContain('oifname { "wan0" } counter drop comment "underlay-guard:local"');
    const pairs = '{ "eth1" . "l2vx100", "l2vx100" . "eth1", "eth2.20" . "l2vx200", "l2vx200" . "eth2.20" }';
    expect(s).toContain(
      `iifname "l2vx*" iifname . oifname != ${pairs} counter drop comment "port-guard:vx-in"`,
    );
    expect(s).toContain(`oifname { "eth1", "eth2.20" } iifname . oifname != ${pairs} counter drop`);
    // A management NIC and the NIC under a VLAN holding an address count as underlay too.
    live.addresses.set("mgmt0", ["10.9.0.5/24"]);
    live.links.set(...link("eth4.7", { kind: "vlan", vlan: { id: 7, link: "eth4" } }));
    live.addresses.set("eth4.7", ["10.7.0.5/24"]);
    expect(underlayDevices(c, live)).toEqual(["eth4", "eth4.7", "mgmt0", "wan0"]);
  });

  test("verify names missing interfaces and ports owned by someone else", () => {
    const inp = converged(cfg());
    inp.live.links.delete("eth2");
    (inp.live.links.get("eth1") as LiveLink).master = "br0";
    expect(verify(cfg(), inp.live)).toEqual([
      {
        path: "networks.0.attachment.interface",
        message: 'network "blue": eth1 is already a port of br0, which l2stretch does not manage',
      },
      {
        path: "networks.1.attachment.trunk",
        message: 'network "green": interface eth2 does not exist on this gateway',
      },
    ]);
  });
});

describe("renderers", () => {
  test("swanctl.conf: both sides initiate, DPD restarts, strong AEAD only, VTEP selectors", () => {
    const s = renderSwanctlConf(cfg());
    for (const needle of [
      "local_addrs = 203.0.113.1",
      "remote_addrs = 198.51.100.2",
      "proposals = aes128gcm16-prfsha256-x25519",
      "esp_proposals = aes128gcm16-x25519",
      "local_ts = 192.0.2.1/32",
      "remote_ts = 192.0.2.2/32",
      "start_action = start",
      "dpd_action = restart",
      "close_action = start",
      "keyingtries = 0",
      "dpd_delay = 2s",
      "encap = yes",
      `secret = 0s${Buffer.from("0123456789abcdef0123456789abcdef").toString("base64")}`,
    ])
      expect(s).toContain(needle);
  });

  test("swanctl.conf with X.509 refers to the written certificate", () => {
    const c = GatewayConfigSchema.parse({
      ...input(),
      transport: {
        ...input().transport,
        auth: {
          method: "x509",
          certificate: "-----BEGIN CERTIFICATE-----",
          privateKey: "-----BEGIN PRIVATE KEY-----",
          caCertificate: "-----BEGIN CERTIFICATE-----",
        },
      },
    });
    const s = renderSwanctlConf(c);
    expect(s).toContain("auth = pubkey");
    expect(s).toContain("certs = local.crt");
    expect(s).not.toContain("secret =");
  });

  test("strongswan.conf keeps every path private to the state dir and loads kdf + libipsec", () => {
    const s = renderStrongswanConf(cfg(), paths);
    expect(s).toContain("socket = unix:///var/lib/l2stretch/charon/charon.vici");
    expect(s).toContain("path = /var/lib/l2stretch/charon/charon.log");
    expect(s).toMatch(/load = .*\bkdf\b.*kernel-libipsec/);
    const k = renderStrongswanConf(
      GatewayConfigSchema.parse({ ...input(), transport: { ...input().transport, backend: "kernel" } }),
      paths,
    );
    expect(k).not.toContain("kernel-libipsec");
  });

  test("nftables: atomic replace, leak guard, MSS clamp at the budget, egress filter for the gateway IP", () => {
    const s = renderNftScript(cfg());
    expect(
      s.startsWith(
        "table inet l2stretch\ndelete table inet l2stretch\ntable bridge l2stretch\ndelete table bridge l2stretch\n",
      ),
    ).toBe(true);
    expect(s).toContain(
      'oifname != "ipsec0" ip daddr { 192.0.2.2, 198.51.100.2 } udp dport 4789 counter drop comment "leak-guard"',
    );
    expect(s).toContain('iifname != "ipsec0" udp dport 4789 counter drop comment "inject-guard"');
    expect(s).toContain(
      'oifname "l2vx100" ether type ip tcp flags & syn == syn tcp option maxseg size > 1310 tcp option maxseg size set 1310',
    );
    expect(s).toContain('oifname "l2vx100" arp daddr ip 192.168.10.1 counter drop');
    expect(s).toContain('iifname "l2vx100" arp saddr ip 192.168.10.1 counter drop');
    expect(s).not.toContain('"l2vx200" arp');
    expect(s).toContain("hook forward priority -200");
    expect(s).toContain(`l2stretch-digest:${nftDigest(cfg())}`);
  });

  test("nftables for kernel ESP uses the xfrm markers and IPv6 ND target matching", () => {
    const c = GatewayConfigSchema.parse({
      ...input(),
      transport: { ...input().transport, backend: "kernel" },
      networks: [{ ...input().networks[0], gatewayIpv6: "2001:db8::1" }],
    });
    const s = renderNftScript(c);
    expect(s).toContain("rt ipsec missing");
    expect(s).toContain("meta ipsec missing");
    expect(s).toContain("@th,64,128 0x20010db8000000000000000000000001 counter drop");
    expect(s).toContain("maxseg size set 1348");
  });

  test("the digest changes with the rules and only then", () => {
    expect(nftDigest(cfg())).toBe(nftDigest(cfg()));
    const c2 = GatewayConfigSchema.parse({
      ...input(),
      networks: [{ ...input().networks[0], gatewayIp: "192.168.10.254" }],
    });
    expect(nftDigest(c2)).not.toBe(nftDigest(cfg()));
  });
});

describe("live-state parsers", () => {
  test("ip -j -d link", () => {
    const links = parseLinks(
      JSON.stringify([
        {
          ifname: "l2vx100",
          mtu: 1350,
          flags: ["BROADCAST", "UP"],
          master: "l2br100",
          linkinfo: {
            info_kind: "vxlan",
            info_data: { id: 100, local: "192.0.2.1", remote: "192.0.2.2", port: 4789 },
          },
          stats64: { rx: { bytes: 10, packets: 1, dropped: 0 }, tx: { bytes: 20, packets: 2, dropped: 1 } },
        },
        {
          ifname: "eth2.20",
          link: "eth2",
          mtu: 1500,
          flags: [],
          linkinfo: { info_kind: "vlan", info_data: { protocol: "802.1Q", id: 20 } },
        },
      ]),
    );
    expect(links.get("l2vx100")).toMatchObject({
      kind: "vxlan",
      up: true,
      master: "l2br100",
      vxlan: { id: 100, remote: "192.0.2.2", port: 4789 },
      stats: { txDropped: 1 },
    });
    expect(links.get("eth2.20")).toMatchObject({ kind: "vlan", up: false, vlan: { id: 20, link: "eth2" } });
  });

  test("bridge -j fdb and blackhole routes", () => {
    const fdb = parseFdb(
      JSON.stringify([
        { mac: "aa:bb:cc:dd:ee:ff", ifname: "l2vx100", master: "l2br100", state: "" },
        { mac: "11:22:33:44:55:66", ifname: "eth1", master: "l2br100", state: "permanent" },
      ]),
    );
    expect(fdb.map((e) => e.permanent)).toEqual([false, true]);
    expect(parseBlackholes(JSON.stringify([{ type: "blackhole", dst: "192.0.2.2", flags: [] }]))).toEqual([
      "192.0.2.2/32",
    ]);
  });

  test("swanctl --list-sas text", () => {
    const sas = parseSas(`l2stretch: #3, ESTABLISHED, IKEv2, 1a2b3c4d5e6f7a8b_i* 0102030405060708_r
  local  'gwA' @ 203.0.113.1[4500]
  remote 'gwB' @ 198.51.100.2[4500]
  AES_GCM_16-128/PRF_HMAC_SHA2_256/CURVE_25519
  established 12s ago, rekeying in 13917s
  vxlan: #4, reqid 1, INSTALLED, TUNNEL-in-UDP, ESP:AES_GCM_16-128/CURVE_25519
    installed 12s ago, rekeying in 3366s, expires in 3948s
    in  c3d9e6a1,  81234 bytes,   421 packets,     0s ago
    out c8a7f4b2,  79000 bytes,   410 packets,     0s ago
    local  192.0.2.1/32
    remote 192.0.2.2/32
`);
    expect(sas).toEqual([
      {
        name: "l2stretch",
        state: "ESTABLISHED",
        children: [
          {
            name: "vxlan",
            state: "INSTALLED",
            bytesIn: 81234,
            bytesOut: 79000,
            packetsIn: 421,
            packetsOut: 410,
          },
        ],
      },
    ]);
  });

  test("nft -j finds the digest and counters of our tables only", () => {
    const t = parseNft(
      JSON.stringify({
        nftables: [
          { table: { family: "inet", name: "l2stretch" } },
          { table: { family: "inet", name: "other" } },
          {
            rule: {
              family: "inet",
              table: "l2stretch",
              chain: "stretch_meta",
              comment: "l2stretch-digest:abc",
              expr: [{ counter: { packets: 0 } }],
            },
          },
          {
            rule: {
              family: "inet",
              table: "l2stretch",
              chain: "stretch_out",
              comment: "leak-guard",
              expr: [{ counter: { packets: 7 } }, { drop: null }],
            },
          },
          {
            rule: {
              family: "inet",
              table: "other",
              chain: "x",
              comment: "leak-guard",
              expr: [{ counter: { packets: 99 } }],
            },
          },
        ],
      }),
      "l2stretch",
    );
    expect(t).toEqual([
      {
        family: "inet",
        name: "l2stretch",
        digest: "abc",
        counters: { "l2stretch-digest:abc": 0, "leak-guard": 7 },
      },
    ]);
  });
});
