import {
  checkStretchPlan,
  EDGE_SUBINTERFACE_LIMIT,
  smallestUnderlayFor,
  type PlanNetwork,
  type PlanSite,
  type StretchPlanInput,
} from "../../contract/stretchPlan";
import { computeBudget } from "../../contract/mtu";
import { derivedId, TUNNEL_ID_RANGE, VNI_RANGE } from "../../contract/stretchIds";

const vcd: PlanSite = { kind: "vcd", edge: "acme-vdc/edge-cloud-1", managed: true };
const nsx: PlanSite = { kind: "nsx", edge: "edge-onprem-1", managed: true, trunkMtu: 1600 };
const nsx2: PlanSite = { kind: "nsx", edge: "edge-onprem-2", managed: true, trunkMtu: 1600 };
const gw = (address: string, vtepAddress: string, underlayMtu = 1500): PlanSite => ({
  kind: "gateway",
  managed: true,
  underlayMtu,
  backend: "kernel-libipsec",
  address,
  vtepAddress,
});

const net = (name: string, octet: number, extra: Partial<PlanNetwork> = {}): PlanNetwork => ({
  name,
  cidr: `10.${octet}.0.0/24`,
  gatewayIp: `10.${octet}.0.1`,
  siteB: { vlanId: 100 + octet, address: `10.${octet}.0.2/24` },
  ...extra,
});
const plan = (p: Partial<StretchPlanInput>): StretchPlanInput => ({
  siteA: vcd,
  siteB: nsx,
  networks: [net("web", 10), net("app", 20), net("db", 30)],
  ...p,
});
const paths = (p: StretchPlanInput) => checkStretchPlan(p).problems.map((x) => x.path);

describe("whole-plan check of a stretch", () => {
  it("accepts a vCD ↔ NSX-v plan and leaves the tunnel IDs to vCD", () => {
    const { problems, allocation } = checkStretchPlan(plan({}));
    expect(problems).toEqual([]);
    expect(allocation).toMatchObject({
      encapsulation: "nsx-l2vpn",
      serverSite: "siteA",
      innerMtu: 1500,
      mss: 1460,
    });
    expect(allocation.tunnelIds).toEqual({});
  });

  it("refuses an NSX-v edge paired with a reference gateway, and two vCD edges, saying why", () => {
    const mixed = checkStretchPlan(plan({ siteB: gw("203.0.113.1", "192.0.2.1") })).problems;
    expect(mixed.find((p) => p.path === "siteB")?.message).toMatch(/cannot peer/);
    const twoVcd = checkStretchPlan(plan({ siteB: { ...vcd, edge: "acme-vdc/edge-cloud-2" } })).problems;
    expect(twoVcd.find((p) => p.path === "siteB")?.message).toMatch(
      /vCD assigns each subinterface network's tunnel ID/,
    );
  });

  it("names a gateway IP outside its subnet, a subnet with host bits, and overlapping subnets", () => {
    const bad = plan({
      networks: [
        net("web", 10, { gatewayIp: "10.11.0.1" }),
        net("app", 20, { cidr: "10.20.0.1/24" }),
        net("db", 30, { cidr: "10.10.0.0/16", gatewayIp: "10.10.200.1", siteB: { vlanId: 130 } }),
      ],
    });
    const problems = checkStretchPlan(bad).problems;
    expect(problems.map((p) => p.path)).toEqual([
      "networks[0].gatewayIp",
      "networks[1].cidr",
      "networks[2].cidr",
    ]);
    expect(problems[0]!.message).toMatch(/outside 10\.10\.0\.0\/24/);
    expect(problems[1]!.message).toMatch(/the subnet is 10\.20\.0\.0\/24/);
    expect(problems[2]!.message).toMatch(/overlaps networks\[0\]\.cidr/);
  });

  it("refuses a subnet that differs between the sites", () => {
    const bad = plan({ networks: [net("web", 10, { siteB: { vlanId: 110, address: "10.10.1.2/24" } })] });
    const problem = checkStretchPlan(bad).problems[0]!;
    expect(problem.path).toBe("networks[0].siteB.address");
    expect(problem.message).toMatch(/the subnet must be the same at both sites/);
    expect(
      paths(plan({ networks: [net("web", 10, { siteB: { vlanId: 110, address: "10.10.0.2/16" } })] })),
    ).toEqual(["networks[0].siteB.address"]);
  });

  it("refuses pinned tunnel IDs where vCD assigns them, and duplicate IDs between NSX edges", () => {
    expect(paths(plan({ networks: [net("web", 10, { tunnelId: 7 })] }))).toEqual(["networks[0].tunnelId"]);
    const nsxPair = plan({
      siteA: nsx2,
      networks: [
        net("web", 10, { tunnelId: 7, siteA: { vlanId: 10 } }),
        net("app", 20, { tunnelId: 7, siteA: { vlanId: 20 } }),
      ],
    });
    const problem = checkStretchPlan(nsxPair).problems;
    expect(problem).toEqual([
      {
        path: "networks[1].tunnelId",
        message: expect.stringMatching(/is 7, already used by networks\[0\] \(web\)/),
      },
    ]);
  });

  it("derives IDs from names only, so adding or removing a network never renumbers another", () => {
    const nsxPair = (names: string[]) =>
      checkStretchPlan(
        plan({
          siteA: nsx2,
          networks: names.map((n, i) => net(n, 10 + i, { siteA: { vlanId: 10 + i } })),
        }),
      ).allocation.tunnelIds;
    const before = nsxPair(["web", "app", "db"]);
    const added = nsxPair(["web", "app", "cache", "db"]);
    const removed = nsxPair(["web", "db"]);
    expect(added).toMatchObject(before);
    expect(removed).toEqual({ web: before.web, db: before.db });
    expect(before.web).toBe(derivedId("tunnelId", "web", TUNNEL_ID_RANGE));
  });

  it("reports two names that derive the same ID with the fix, instead of shifting one", () => {
    const target = derivedId("tunnelId", "web", TUNNEL_ID_RANGE);
    let twin = "";
    for (let i = 0; !twin; i++)
      if (derivedId("tunnelId", `n${i}`, TUNNEL_ID_RANGE) === target) twin = `n${i}`;
    const problems = checkStretchPlan(
      plan({
        siteA: nsx2,
        networks: [net("web", 10, { siteA: { vlanId: 10 } }), net(twin, 20, { siteA: { vlanId: 20 } })],
      }),
    ).problems;
    expect(problems).toEqual([
      {
        path: "networks[1].tunnelId",
        message: expect.stringMatching(
          new RegExp(`derives from its name as ${target}, .*pin a free one with tunnelId`),
        ),
      },
    ]);
  });

  it("checks the MTU budget of VXLAN over IPsec against each site's underlay, refusing < 1280 unless allowed", () => {
    const gwPlan = (mtuA: number, allow?: boolean) =>
      plan({
        siteA: gw("203.0.113.1", "192.0.2.1", mtuA),
        siteB: gw("198.51.100.2", "192.0.2.2"),
        allowInnerMtuBelow1280: allow,
        networks: [net("web", 10, { siteA: { interface: "eth1" }, siteB: { interface: "eth1" } })],
      });
    const ok = checkStretchPlan(gwPlan(1500));
    expect(ok.problems).toEqual([]);
    const budget = computeBudget({
      underlayMtu: 1500,
      transport: { type: "ipsec", backend: "kernel-libipsec" },
    });
    expect(ok.allocation).toMatchObject({
      encapsulation: "vxlan-ipsec",
      innerMtu: budget.innerMtu,
      mss: budget.mss,
    });
    expect(ok.allocation.vnis.web).toBe(derivedId("vni", "web", VNI_RANGE));

    const low = checkStretchPlan(gwPlan(1300)).problems;
    const needed = smallestUnderlayFor(1280, "kernel-libipsec")!;
    expect(low).toEqual([
      {
        path: "siteA.underlay.mtu",
        message: expect.stringMatching(new RegExp(`raise it to ${needed} or set allowInnerMtuBelow1280`)),
      },
    ]);
    expect(
      computeBudget({ underlayMtu: needed, transport: { type: "ipsec", backend: "kernel-libipsec" } })
        .innerMtu,
    ).toBeGreaterThanOrEqual(1280);
    expect(
      computeBudget({ underlayMtu: needed - 1, transport: { type: "ipsec", backend: "kernel-libipsec" } })
        .innerMtu,
    ).toBeLessThan(1280);
    expect(checkStretchPlan(gwPlan(1300, true)).problems).toEqual([]);
  });

  it("refuses two gateways that both have dynamic addresses: neither could reach the other", () => {
    const dynamic = (site: PlanSite): PlanSite => ({ ...site, dynamicAddress: true }) as PlanSite;
    const both = plan({
      siteA: dynamic(gw("10.1.0.2", "192.0.2.1")),
      siteB: dynamic(gw("10.2.0.2", "192.0.2.2")),
      networks: [net("web", 10, { siteA: { interface: "eth1" }, siteB: { interface: "eth1" } })],
    });
    expect(checkStretchPlan(both).problems).toEqual([
      {
        path: "siteB.underlay.dynamicAddress",
        message: expect.stringMatching(/give one site a fixed publicAddress/),
      },
    ]);
    expect(paths({ ...both, siteB: gw("10.2.0.2", "192.0.2.2") })).toEqual([]);
  });

  it("checks NSX sub-interface MTUs against the trunk and the 1280 floor", () => {
    const bad = plan({
      siteB: { ...nsx, trunkMtu: 1200 },
      networks: [net("web", 10, { siteB: { vlanId: 110, mtu: 1500 } })],
    });
    expect(paths(bad)).toEqual(["networks[0].siteB.mtu"]);
    const low = plan({
      siteB: { ...nsx, trunkMtu: 1200 },
      networks: [net("web", 10, { siteB: { vlanId: 110 } })],
    });
    expect(paths(low)).toEqual(["siteB.trunk.mtu"]);
  });

  it("counts an edge's sub-interfaces across the program's stretches (at most 200)", () => {
    const many = Array.from({ length: 150 }, (_, i) => ({
      name: `n${i}`,
      cidr: `10.${i}.0.0/24`,
      gatewayIp: `10.${i}.0.1`,
      siteB: { vlanId: i + 1 },
    }));
    expect(checkStretchPlan(plan({ networks: many })).problems).toEqual([]);
    const crowded = checkStretchPlan(
      plan({
        networks: many,
        elsewhereOnEdge: (e) => ({ subInterfaces: e === nsx.edge ? 51 : 0, trunks: 1 }),
      }),
    ).problems;
    expect(crowded).toEqual([
      {
        path: "networks",
        message: expect.stringMatching(
          new RegExp(`201 sub-interfaces on siteB's edge edge-onprem-1 .*at most ${EDGE_SUBINTERFACE_LIMIT}`),
        ),
      },
    ]);
  });

  it("reports every problem of a plan at once", () => {
    const bad = plan({
      networks: [
        net("Web", 10, { gatewayIp: "10.99.0.1" }),
        net("app", 20, { siteB: { vlanId: 110 } }),
        net("app", 30, { siteA: { vlanId: 5 } }),
      ],
    });
    expect(paths(bad)).toEqual([
      "networks[0].name",
      "networks[0].gatewayIp",
      "networks[2].name",
      "networks[2].siteA",
      "networks[1].siteB",
    ]);
  });
});
