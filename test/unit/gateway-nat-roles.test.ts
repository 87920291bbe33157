import { GatewayConfig, GatewayConfigSchema, formatIssues } from "../../contract/gatewayDocument";
import { computeBudget } from "../../contract/mtu";
import {
  charonPaths,
  renderNftBody,
  renderStrongswanConf,
  renderSwanctlConf,
} from "../../gateway/agent/render";
import { largestPassing, measurePathMtu } from "../../gateway/agent/pathMtu";
import type { ExecResult, Executor } from "../../gateway/agent/exec";
import { GatewayDoc, gatewayDoc } from "../support/gateway-config";

/** A document with NAT fields set on top of the shared sample (fields the sample type lacks). */
function doc(
  underlay: Record<string, unknown> = {},
  transport: Record<string, unknown> = {},
): GatewayDoc & { underlay: Record<string, unknown>; transport: Record<string, unknown> } {
  const d = gatewayDoc();
  return { ...d, underlay: { ...d.underlay, ...underlay }, transport: { ...d.transport, ...transport } };
}

function issues(input: unknown): { path: string; message: string }[] {
  const r = GatewayConfigSchema.safeParse(input);
  return r.success ? [] : formatIssues(r.error);
}

const responderForAnyPeer = () => doc({ peerAddress: "any" }, { role: "responder" });

describe("NAT roles: schema", () => {
  test("defaults keep today's behaviour: both sides initiate, IKE port 500, 20 s keep-alive", () => {
    const c = GatewayConfigSchema.parse(gatewayDoc());
    expect(c.transport.role).toBe("both");
    expect(c.underlay.peerIkePort).toBe(500);
    expect(c.transport.natKeepaliveSeconds).toBe(20);
  });

  test('a responder may accept a peer at "any" address', () => {
    expect(issues(responderForAnyPeer())).toEqual([]);
  });

  test.each(["initiator", "both", undefined])(
    'role %s toward "any" is refused, naming underlay.peerAddress',
    (role) => {
      const found = issues(doc({ peerAddress: "any" }, role === undefined ? {} : { role }));
      expect(found).toHaveLength(1);
      expect(found[0]?.path).toBe("underlay.peerAddress");
      expect(found[0]?.message).toMatch(/needs transport\.role "responder"/);
      expect(found[0]?.message).toContain(`"${role ?? "both"}"`);
    },
  );

  test.each(["%any", "*.example.net", "CN=*"])(
    'a peer at "any" address with wildcard identity %s is refused',
    (peerId) => {
      const found = issues(doc({ peerAddress: "any" }, { role: "responder", peerId }));
      expect(found.map((i) => i.path)).toEqual(["transport.peerId"]);
    },
  );

  test("a wildcard identity is not this check's business when the peer's address is fixed", () => {
    expect(issues(doc({}, { peerId: "*.example.net" }))).toEqual([]);
  });

  test.each<[string, Record<string, unknown>, Record<string, unknown>, string]>([
    ["an unknown role", {}, { role: "passive" }, "transport.role"],
    ["a hostname as peer address", { peerAddress: "gw-b.example.net" }, {}, "underlay.peerAddress"],
    ["IKE port 0", { peerIkePort: 0 }, {}, "underlay.peerIkePort"],
    ["IKE port 65536", { peerIkePort: 65536 }, {}, "underlay.peerIkePort"],
    ["a negative keep-alive", {}, { natKeepaliveSeconds: -1 }, "transport.natKeepaliveSeconds"],
    ["a fractional keep-alive", {}, { natKeepaliveSeconds: 2.5 }, "transport.natKeepaliveSeconds"],
  ])("rejects %s, naming the field", (_label, underlay, transport, path) => {
    expect(issues(doc(underlay, transport)).map((i) => i.path)).toContain(path);
  });

  test('a bad peer address says that "any" is allowed', () => {
    expect(issues(doc({ peerAddress: "198.51.100" }))[0]?.message).toMatch(/IPv4 address or "any"/);
  });

  test('with "any", the three remaining addresses must still differ', () => {
    const d = responderForAnyPeer();
    d.underlay["vtepLocal"] = d.underlay["localAddress"];
    expect(issues(d).map((i) => i.path)).toEqual(["underlay.vtepPeer"]);
  });
});

describe("NAT roles: rendering", () => {
  const parse = (d: unknown): GatewayConfig => GatewayConfigSchema.parse(d);

  test("a responder for a dynamic peer never starts, restarts or re-opens the SA, and accepts any address", () => {
    const s = renderSwanctlConf(parse(responderForAnyPeer()));
    expect(s).toContain("remote_addrs = %any\n");
    expect(s).toContain("start_action = none");
    expect(s).toContain("dpd_action = clear");
    expect(s).toContain("close_action = none");
    expect(s).not.toMatch(/start_action = start|dpd_action = restart|close_action = start/);
    // Still authenticated by identity.
    expect(s).toContain('id = "b"');
  });

  test.each(["initiator", "both"])("%s starts the SA and restarts it after DPD or a close", (role) => {
    const s = renderSwanctlConf(parse(doc({}, { role })));
    expect(s).toContain("remote_addrs = 198.51.100.2\n");
    expect(s).toContain("start_action = start");
    expect(s).toContain("dpd_action = restart");
    expect(s).toContain("close_action = start");
  });

  test("a non-default peer IKE port is used from the first message, from local port 4500; the default leaves IKE's own 500→4500 float", () => {
    expect(renderSwanctlConf(parse(doc({ peerIkePort: 4501 }, { role: "initiator" })))).toContain(
      "remote_addrs = 198.51.100.2\n    local_port = 4500\n    remote_port = 4501\n",
    );
    expect(renderSwanctlConf(parse(gatewayDoc()))).not.toMatch(/local_port|remote_port/);
  });

  test("the NAT-T keep-alive goes into strongswan.conf", () => {
    const paths = charonPaths("/var/lib/l2stretch");
    expect(renderStrongswanConf(parse(doc({}, { natKeepaliveSeconds: 10 })), paths)).toContain(
      "keep_alive = 10s",
    );
    expect(renderStrongswanConf(parse(doc({}, { natKeepaliveSeconds: 0 })), paths)).toContain(
      "keep_alive = 0s",
    );
  });

  test('the leak guard covers the peer VTEP alone when the peer is at "any" address', () => {
    const nft = renderNftBody(parse(responderForAnyPeer()));
    expect(nft).toContain(
      'oifname != "ipsec0" ip daddr 192.0.2.2 udp dport 4789 counter drop comment "leak-guard"',
    );
    expect(nft).not.toContain("any");
  });
});

/**
 * A fake data path: DF pings from `vtep` pass up to `tunnelCap` bytes (libipsec's TUN accepts
 * 1400 whatever the WAN), underlay pings up to `wanMtu` (or never, when ICMP is filtered).
 */
function fakePath(o: { tunnelCap: number; wanMtu: number | undefined }): Executor & { pings: number } {
  const ex = {
    where: "fake",
    pings: 0,
    spawnDaemon: () => 0,
    run(argv: string[]): Promise<ExecResult> {
      ex.pings++;
      const size = Number(argv[argv.indexOf("-s") + 1]) + 28;
      const from = argv[argv.indexOf("-I") + 1];
      const limit = from === "192.0.2.1" ? o.tunnelCap : (o.wanMtu ?? 0);
      return Promise.resolve({ code: size <= limit ? 0 : 1, stdout: "", stderr: "" });
    },
  };
  return ex;
}

describe("path MTU reported in the status", () => {
  const libipsec = { type: "ipsec", backend: "kernel-libipsec" } as const;

  test("binary search finds the largest passing size", async () => {
    expect(await largestPassing(100, 2000, (n) => Promise.resolve(n <= 1338))).toBe(1338);
    expect(await largestPassing(100, 1338, () => Promise.resolve(true))).toBe(1338);
  });

  test("a 1400-byte WAN: the tunnel would take 1400 but the largest unfragmented packet is 1338", async () => {
    const c = GatewayConfigSchema.parse(gatewayDoc({ mtu: 1400 }));
    const m = await measurePathMtu(fakePath({ tunnelCap: 1400, wanMtu: 1400 }), c);
    expect(m).toEqual({ value: 1338, underlayMtu: 1400, underlaySource: "configured" });
    expect(m?.value).toBe(computeBudget({ underlayMtu: 1400, transport: libipsec }).tunnelMtu);
  });

  test("a WAN smaller than the document says is measured and lowers the value", async () => {
    const c = GatewayConfigSchema.parse(gatewayDoc({ mtu: 1500 }));
    const m = await measurePathMtu(fakePath({ tunnelCap: 1400, wanMtu: 1400 }), c);
    expect(m).toEqual({ value: 1338, underlayMtu: 1400, underlaySource: "measured" });
  });

  test("a peer that filters ICMP: the configured underlay MTU is used", async () => {
    const c = GatewayConfigSchema.parse(gatewayDoc({ mtu: 1500 }));
    const m = await measurePathMtu(fakePath({ tunnelCap: 1400, wanMtu: undefined }), c);
    expect(m).toEqual({ value: 1400, underlayMtu: 1500, underlaySource: "configured" });
  });

  test('a peer at "any" address is not probed on the underlay', async () => {
    const c = GatewayConfigSchema.parse({
      ...responderForAnyPeer(),
      underlay: { ...responderForAnyPeer().underlay, mtu: 1400 },
    });
    const ex = fakePath({ tunnelCap: 1400, wanMtu: 9000 });
    expect(await measurePathMtu(ex, c)).toEqual({
      value: 1338,
      underlayMtu: 1400,
      underlaySource: "configured",
    });
  });

  test("a tunnel narrower than the budget is reported as measured", async () => {
    const c = GatewayConfigSchema.parse(gatewayDoc({ mtu: 1500 }));
    expect((await measurePathMtu(fakePath({ tunnelCap: 1300, wanMtu: 1500 }), c))?.value).toBe(1300);
  });

  test("a tunnel that carries nothing reports nothing", async () => {
    const c = GatewayConfigSchema.parse(gatewayDoc({ mtu: 1500 }));
    expect(await measurePathMtu(fakePath({ tunnelCap: 0, wanMtu: 1500 }), c)).toBeUndefined();
  });
});
