/**
 * The whole-plan check of a stretch (`VxlanStretch`): every rule that involves more than one
 * resource — the pair of sites, IDs on both ends, the subnet at both sites, the MTU budget of
 * the encapsulation, an edge's capacity — checked at once, before any child exists, so a
 * preview lists every problem with its path and the fix. Pure and Node-free: the SDK runs it
 * at construction and the tests run it directly.
 */
import { isIpv4, isUsableHost, parseCidr, rangesOverlap, type Ipv4Cidr } from "./netmath";
import { computeBudget } from "./mtu";
import { derivedId, TUNNEL_ID_RANGE, VNI_RANGE } from "./stretchIds";

/** A value the program gives as a Pulumi output: checked once it is known, not here. */
export const DEFERRED = "deferred" as const;
type Deferrable<T> = T | typeof DEFERRED;

export type SiteKey = "siteA" | "siteB";
export const SITE_KEYS: readonly SiteKey[] = ["siteA", "siteB"];

/** NSX-v limits (PowerNSX, NSX-v API guide): vNIC slots and sub-interfaces of one edge. */
export const EDGE_VNIC_LIMIT = 10;
export const EDGE_SUBINTERFACE_LIMIT = 200;
/** IPv6 needs 1280; below it a stretched subnet silently breaks v6 and many VPN clients. */
export const MIN_INNER_MTU = 1280;
/** NSX-v sub-interface and vCD network MTU when none is given. */
export const NSX_DEFAULT_MTU = 1500;

export type PlanSite =
  | { kind: "vcd"; edge: string; managed: boolean }
  | {
      kind: "nsx";
      edge: string;
      managed: boolean;
      trunkMtu: number;
      vnicIndex?: number;
      l2vpnRole?: "server" | "client";
    }
  | {
      kind: "gateway";
      managed: boolean;
      underlayMtu: number;
      backend: "kernel" | "kernel-libipsec";
      address: Deferrable<string>;
      vtepAddress: string;
      /** Behind a NAT with a changing address: the peer can only answer it. */
      dynamicAddress?: boolean;
    };

export interface PlanAttachment {
  vlanId?: number;
  logicalSwitchId?: string;
  address?: string;
  mtu?: number;
  interface?: string;
  trunk?: string;
}

export interface PlanNetwork {
  name: string;
  cidr: string;
  gatewayIp: string;
  tunnelId?: Deferrable<number>;
  vni?: number;
  siteA?: PlanAttachment;
  siteB?: PlanAttachment;
}

export interface StretchPlanInput {
  siteA: PlanSite;
  siteB: PlanSite;
  networks: readonly PlanNetwork[];
  allowInnerMtuBelow1280?: boolean;
  /** Sub-interfaces and vNICs other stretches of the same program already put on each edge. */
  elsewhereOnEdge?: (edge: string) => { subInterfaces: number; trunks: number; l2vpnBy?: string };
}

export type Encapsulation = "nsx-l2vpn" | "vxlan-ipsec";

export interface StretchProblem {
  /** Where, in the user's words: `networks[2].gatewayIp`, `siteB.underlayMtu`. */
  path: string;
  /** What is wrong and how to fix it. */
  message: string;
}

export interface StretchAllocation {
  encapsulation: Encapsulation;
  /** The site that runs the L2VPN server (NSX pairs). */
  serverSite?: SiteKey;
  /** Tunnel IDs decided before any child exists; absent where vCD assigns them. */
  tunnelIds: Record<string, number | undefined>;
  vnis: Record<string, number>;
  innerMtu: number;
  mss: number;
}

export interface StretchCheck {
  problems: StretchProblem[];
  allocation: StretchAllocation;
}

const NETWORK_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const isNsxFamily = (s: PlanSite) => s.kind === "vcd" || s.kind === "nsx";

export function checkStretchPlan(plan: StretchPlanInput): StretchCheck {
  const problems: StretchProblem[] = [];
  const report = (path: string, message: string) => problems.push({ path, message });
  const { siteA, siteB } = plan;

  const encapsulation = pairEncapsulation(siteA, siteB, report);
  const serverSite = encapsulation === "nsx-l2vpn" ? chooseServer(siteA, siteB, report) : undefined;

  const cidrs = checkNetworks(plan, encapsulation, report);
  const tunnelIds = encapsulation === "nsx-l2vpn" ? allocateTunnelIds(plan, report) : {};
  const vnis = encapsulation === "vxlan-ipsec" ? allocateVnis(plan, report) : {};
  checkAttachments(plan, cidrs, report);
  const innerMtu = checkMtu(plan, encapsulation, report);
  checkEdges(plan, serverSite, report);

  return {
    problems,
    allocation: { encapsulation, serverSite, tunnelIds, vnis, innerMtu, mss: innerMtu - 40 },
  };
}

/** Renders problems one per line, as a preview shows them. */
export function formatStretchProblems(stretch: string, problems: readonly StretchProblem[]): string {
  const head = `VxlanStretch "${stretch}": ${problems.length} problem${problems.length === 1 ? "" : "s"} in the plan`;
  return [head, ...problems.map((p) => `  ${p.path}: ${p.message}`)].join("\n");
}

type Report = (path: string, message: string) => void;

function pairEncapsulation(a: PlanSite, b: PlanSite, report: Report): Encapsulation {
  if (a.kind === "gateway" && b.kind === "gateway") {
    if (a.dynamicAddress && b.dynamicAddress) {
      report(
        "siteB.underlay.dynamicAddress",
        "both gateways have dynamic addresses, so neither can reach the other: give one site a fixed publicAddress (e.g. a port-forward of UDP 500/4500 on its NAT)",
      );
    }
    return "vxlan-ipsec";
  }
  if (isNsxFamily(a) && isNsxFamily(b)) {
    if (a.kind === "vcd" && b.kind === "vcd") {
      report(
        "siteB",
        "both sites are vCD edge gateways, and vCD assigns each subinterface network's tunnel ID on its own edge, so the two ends cannot be made to agree; " +
          "give one site as an NSX-v edge ({ nsxEdge, trunk }) whose sub-interfaces take the vCD side's tunnel IDs",
      );
    }
    if (a.edge === b.edge)
      report("siteB", `is the same edge as siteA (${a.edge}); a stretch joins two different edges`);
    return "nsx-l2vpn";
  }
  const nsx = isNsxFamily(a) ? "siteA" : "siteB";
  report(
    "siteB",
    `${nsx} is an NSX-v edge (NSX L2VPN over SSL) and the other site a reference gateway (VXLAN over IPsec): ` +
      "the two protocols cannot peer. Use a reference gateway at both sites (a GatewayAppliance can sit next to the edge), or NSX-v edges at both",
  );
  return isNsxFamily(a) ? "nsx-l2vpn" : "vxlan-ipsec";
}

function chooseServer(a: PlanSite, b: PlanSite, report: Report): SiteKey {
  const role = (s: PlanSite): "server" | "client" | undefined =>
    s.kind === "vcd" ? "server" : s.kind === "nsx" ? s.l2vpnRole : undefined;
  const ra = role(a);
  const rb = role(b);
  if (ra && ra === rb) {
    const path = b.kind === "nsx" ? "siteB.l2vpnRole" : "siteA.l2vpnRole";
    report(path, `both sites would be the L2VPN ${ra}; one site must be the server and the other the client`);
  }
  if (ra === "server" || rb === "client") return "siteA";
  if (rb === "server" || ra === "client") return "siteB";
  return "siteA";
}

function checkNetworks(
  plan: StretchPlanInput,
  encapsulation: Encapsulation,
  report: Report,
): (Ipv4Cidr | undefined)[] {
  if (plan.networks.length === 0) report("networks", "is empty; list at least one network to stretch");
  const names = new Map<string, number>();
  const cidrs = plan.networks.map((n, i) => {
    const at = `networks[${i}]`;
    if (!NETWORK_NAME.test(n.name) || n.name.length > 63) {
      report(
        `${at}.name`,
        `"${n.name}" must be 1-63 lower-case letters, digits and dashes (it names the children)`,
      );
    }
    const prev = names.get(n.name);
    if (prev !== undefined)
      report(`${at}.name`, `"${n.name}" is also networks[${prev}].name; names must be unique`);
    else names.set(n.name, i);
    if (encapsulation === "vxlan-ipsec" && n.tunnelId !== undefined) {
      report(
        `${at}.tunnelId`,
        "tunnel IDs belong to NSX L2VPN; reference gateways identify a network by its vni",
      );
    }
    if (encapsulation === "nsx-l2vpn" && n.vni !== undefined) {
      report(
        `${at}.vni`,
        "VNIs belong to reference gateways; NSX L2VPN identifies a network by its tunnelId",
      );
    }
    return checkSubnet(n, at, report);
  });
  // Address ranges, not subnet objects: a plan of 200 networks makes 20,000 comparisons.
  const ranges = cidrs.map((c) => c && { start: c.networkAddress, end: c.broadcastAddress });
  ranges.forEach((c, i) => {
    for (let j = 0; j < i; j++) {
      const d = ranges[j];
      if (c && d && rangesOverlap(c, d)) {
        report(
          `networks[${i}].cidr`,
          `${plan.networks[i]!.cidr} overlaps networks[${j}].cidr ${plan.networks[j]!.cidr}`,
        );
      }
    }
  });
  return cidrs;
}

function checkSubnet(n: PlanNetwork, at: string, report: Report): Ipv4Cidr | undefined {
  const cidr = parseCidr(n.cidr);
  if (!cidr) {
    report(`${at}.cidr`, `"${n.cidr}" is not an IPv4 subnet like 10.20.0.0/24`);
    return undefined;
  }
  if (cidr.address !== cidr.networkAddress) {
    report(
      `${at}.cidr`,
      `${n.cidr} has host bits set; the subnet is ${cidr.networkAddress}/${cidr.prefixLength} (put the router's address in gatewayIp)`,
    );
  }
  if (!isIpv4(n.gatewayIp)) report(`${at}.gatewayIp`, `"${n.gatewayIp}" is not an IPv4 address`);
  else if (!isUsableHost(n.gatewayIp, cidr)) {
    report(
      `${at}.gatewayIp`,
      `${n.gatewayIp} is outside ${cidr.networkAddress}/${cidr.prefixLength} (or its network/broadcast address); use a host address of the subnet`,
    );
  }
  return cidr;
}

/** Tunnel IDs: vCD assigns them on a managed vCD site; otherwise pinned or derived from the name. */
function allocateTunnelIds(plan: StretchPlanInput, report: Report): Record<string, number | undefined> {
  const vcd = SITE_KEYS.find((k) => plan[k].kind === "vcd");
  const vcdManaged = vcd !== undefined && plan[vcd].managed;
  const ids: Record<string, number | undefined> = {};
  const owner = new Map<number, number>();
  plan.networks.forEach((n, i) => {
    const at = `networks[${i}].tunnelId`;
    if (vcdManaged && n.tunnelId !== undefined) {
      report(at, `vCD assigns the tunnel ID of a subinterface network on ${vcd}; remove tunnelId`);
      return;
    }
    if (vcd !== undefined && !vcdManaged && n.tunnelId === undefined) {
      report(
        at,
        `is required: ${vcd} is a vCD edge managed by another stack, which assigns the tunnel IDs; pass that stack's tunnelIds output (a StackReference)`,
      );
      return;
    }
    if (vcdManaged || n.tunnelId === DEFERRED) return;
    const pinned = n.tunnelId !== undefined;
    const id = pinned ? (n.tunnelId as number) : derivedId("tunnelId", n.name, TUNNEL_ID_RANGE);
    if (!Number.isInteger(id) || id < TUNNEL_ID_RANGE.min || id > TUNNEL_ID_RANGE.max) {
      report(at, `${id} is outside ${TUNNEL_ID_RANGE.min}-${TUNNEL_ID_RANGE.max}`);
      return;
    }
    claimId(owner, id, i, plan, "tunnelId", pinned, report);
    ids[n.name] = id;
  });
  return ids;
}

function allocateVnis(plan: StretchPlanInput, report: Report): Record<string, number> {
  const vnis: Record<string, number> = {};
  const owner = new Map<number, number>();
  plan.networks.forEach((n, i) => {
    const pinned = n.vni !== undefined;
    const vni = pinned ? n.vni! : derivedId("vni", n.name, VNI_RANGE);
    if (!Number.isInteger(vni) || vni < VNI_RANGE.min || vni > VNI_RANGE.max) {
      report(`networks[${i}].vni`, `${vni} is outside ${VNI_RANGE.min}-${VNI_RANGE.max}`);
      return;
    }
    claimId(owner, vni, i, plan, "vni", pinned, report);
    vnis[n.name] = vni;
  });
  return vnis;
}

function claimId(
  owner: Map<number, number>,
  id: number,
  i: number,
  plan: StretchPlanInput,
  field: "tunnelId" | "vni",
  pinned: boolean,
  report: Report,
): void {
  const prev = owner.get(id);
  if (prev === undefined) {
    owner.set(id, i);
    return;
  }
  const how = pinned ? "is" : "derives from its name as";
  report(
    `networks[${i}].${field}`,
    `${how} ${id}, already used by networks[${prev}] (${plan.networks[prev]!.name}); each network needs its own ${field} on both ends: pin a free one with ${field}`,
  );
}

function checkAttachments(plan: StretchPlanInput, cidrs: (Ipv4Cidr | undefined)[], report: Report): void {
  for (const key of SITE_KEYS) {
    const site = plan[key];
    const vlans = new Map<string, number>();
    plan.networks.forEach((n, i) => {
      const at = `networks[${i}].${key}`;
      const a = n[key];
      if (site.kind === "vcd") {
        if (a && Object.keys(a).length > 0) {
          report(
            at,
            "a vCD edge gateway attaches the network itself (as a subinterface); remove this attachment",
          );
        }
        return;
      }
      if (!a) {
        const need =
          site.kind === "nsx" ? "{ vlanId } or { logicalSwitchId }" : "{ interface } or { trunk, vlanId }";
        report(at, `is missing: say where the network meets ${key}, ${need}`);
        return;
      }
      const port = site.kind === "nsx" ? nsxBacking(a, at, report) : gatewayPort(a, at, report);
      if (port !== undefined) {
        const prev = vlans.get(port);
        if (prev !== undefined)
          report(at, `${port} is also networks[${prev}].${key}; each network needs its own segment`);
        else vlans.set(port, i);
      }
      const cidr = cidrs[i];
      if (a.address !== undefined && cidr) checkSiteAddress(a.address, cidr, n, `${at}.address`, report);
      if (a.mtu !== undefined && site.kind === "nsx" && a.mtu > site.trunkMtu) {
        report(
          `${at}.mtu`,
          `${a.mtu} exceeds the trunk's MTU ${site.trunkMtu} at ${key}; raise ${key}.trunk.mtu or lower this`,
        );
      }
    });
  }
}

function nsxBacking(a: PlanAttachment, at: string, report: Report): string | undefined {
  if ((a.vlanId === undefined) === (a.logicalSwitchId === undefined)) {
    report(at, "give exactly one of vlanId or logicalSwitchId");
    return undefined;
  }
  if (a.interface !== undefined || a.trunk !== undefined) {
    report(at, "interface/trunk attach a reference gateway; an NSX-v edge takes vlanId or logicalSwitchId");
  }
  if (a.vlanId !== undefined && (!Number.isInteger(a.vlanId) || a.vlanId < 1 || a.vlanId > 4094)) {
    report(`${at}.vlanId`, `${a.vlanId} is outside 1-4094`);
  }
  return a.vlanId !== undefined ? `VLAN ${a.vlanId}` : a.logicalSwitchId;
}

function gatewayPort(a: PlanAttachment, at: string, report: Report): string | undefined {
  if (a.interface !== undefined) {
    if (a.trunk !== undefined || a.vlanId !== undefined)
      report(at, "give either interface, or trunk with vlanId");
    return a.interface;
  }
  if (a.trunk !== undefined && a.vlanId !== undefined) return `${a.trunk} VLAN ${a.vlanId}`;
  report(at, "give interface (an untagged port) or trunk with vlanId");
  return undefined;
}

function checkSiteAddress(address: string, cidr: Ipv4Cidr, n: PlanNetwork, at: string, report: Report): void {
  const own = parseCidr(address);
  const subnet = `${cidr.networkAddress}/${cidr.prefixLength}`;
  if (!own) report(at, `"${address}" is not an address with prefix like 10.20.0.2/24`);
  else if (own.prefixLength !== cidr.prefixLength || !isUsableHost(own.address, cidr)) {
    report(at, `${address} is not in ${subnet}: the subnet must be the same at both sites`);
  } else if (own.address === n.gatewayIp) {
    report(at, `${own.address} is the network's gatewayIp; the edge's own address must differ`);
  }
}

function checkMtu(plan: StretchPlanInput, encapsulation: Encapsulation, report: Report): number {
  const allow = plan.allowInnerMtuBelow1280 === true;
  if (encapsulation === "vxlan-ipsec") {
    let inner = Number.MAX_SAFE_INTEGER;
    for (const key of SITE_KEYS) {
      const s = plan[key];
      if (s.kind !== "gateway") continue;
      const transport = { type: "ipsec" as const, backend: s.backend };
      const budget = computeBudget({ underlayMtu: s.underlayMtu, transport });
      inner = Math.min(inner, budget.innerMtu);
      if (budget.innerMtu < MIN_INNER_MTU && !allow) {
        const needed = smallestUnderlayFor(MIN_INNER_MTU, s.backend);
        report(
          `${key}.underlay.mtu`,
          `${s.underlayMtu} leaves an inner MTU of ${budget.innerMtu} after VXLAN over IPsec (${s.backend}); ` +
            `IPv6 needs ${MIN_INNER_MTU}: raise it to ${needed ?? "a larger value"} or set allowInnerMtuBelow1280`,
        );
      }
    }
    return inner === Number.MAX_SAFE_INTEGER ? 0 : inner;
  }
  // NSX L2VPN runs over TLS on TCP, so the underlay only limits throughput; the frames a
  // stretched network carries are bounded by the sub-interfaces' MTU at both ends.
  let inner = Number.MAX_SAFE_INTEGER;
  plan.networks.forEach((n, i) => {
    for (const key of SITE_KEYS) {
      const s = plan[key];
      const mtu = s.kind === "nsx" ? (n[key]?.mtu ?? Math.min(NSX_DEFAULT_MTU, s.trunkMtu)) : NSX_DEFAULT_MTU;
      inner = Math.min(inner, mtu);
      if (mtu < MIN_INNER_MTU && !allow) {
        const where = n[key]?.mtu !== undefined ? `networks[${i}].${key}.mtu` : `${key}.trunk.mtu`;
        report(
          where,
          `gives networks[${i}] an MTU of ${mtu}; IPv6 needs ${MIN_INNER_MTU}: raise it or set allowInnerMtuBelow1280`,
        );
      }
    }
  });
  return inner === Number.MAX_SAFE_INTEGER ? NSX_DEFAULT_MTU : inner;
}

/** The smallest underlay MTU whose budget leaves `inner` bytes, or undefined above jumbo frames. */
export function smallestUnderlayFor(
  inner: number,
  backend: "kernel" | "kernel-libipsec",
): number | undefined {
  for (let mtu = 1280; mtu <= 9216; mtu++) {
    if (computeBudget({ underlayMtu: mtu, transport: { type: "ipsec", backend } }).innerMtu >= inner)
      return mtu;
  }
  return undefined;
}

function checkEdges(plan: StretchPlanInput, serverSite: SiteKey | undefined, report: Report): void {
  for (const key of SITE_KEYS) {
    const site = plan[key];
    if (site.kind === "gateway") {
      if (site.address !== DEFERRED && !isIpv4(site.address)) {
        report(`${key}.underlay.address`, `"${site.address}" is not an IPv4 address`);
      }
      if (!isIpv4(site.vtepAddress))
        report(`${key}.underlay.vtepAddress`, `"${site.vtepAddress}" is not an IPv4 address`);
      continue;
    }
    if (
      site.kind === "nsx" &&
      site.vnicIndex !== undefined &&
      !(site.vnicIndex >= 0 && site.vnicIndex < EDGE_VNIC_LIMIT)
    ) {
      report(
        `${key}.trunk.vnicIndex`,
        `${site.vnicIndex} is not a vNIC slot of an NSX-v edge (0-${EDGE_VNIC_LIMIT - 1})`,
      );
    }
    if (!site.managed) continue;
    const elsewhere = plan.elsewhereOnEdge?.(site.edge) ?? { subInterfaces: 0, trunks: 0 };
    const total = elsewhere.subInterfaces + plan.networks.length;
    if (total > EDGE_SUBINTERFACE_LIMIT) {
      const others = elsewhere.subInterfaces
        ? ` (${elsewhere.subInterfaces} from other stretches of this program)`
        : "";
      report(
        "networks",
        `${total} sub-interfaces on ${key}'s edge ${site.edge}${others}; an NSX-v edge holds at most ${EDGE_SUBINTERFACE_LIMIT}: split the networks over another edge pair`,
      );
    }
    const trunks = elsewhere.trunks + (site.kind === "nsx" ? 1 : 0);
    if (trunks > EDGE_VNIC_LIMIT - 1) {
      report(
        key,
        `edge ${site.edge} would need ${trunks} trunk vNICs besides its uplink; an NSX-v edge has ${EDGE_VNIC_LIMIT} vNICs`,
      );
    }
    if (elsewhere.l2vpnBy !== undefined && serverSite !== undefined) {
      report(
        key,
        `edge ${site.edge} already runs the L2VPN of stretch "${elsewhere.l2vpnBy}"; an NSX-v edge has one L2VPN service: put both stretches' networks in one VxlanStretch`,
      );
    }
  }
}
