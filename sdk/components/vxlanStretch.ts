import * as pulumi from "@pulumi/pulumi";
import {
  checkStretchPlan,
  formatStretchProblems,
  SITE_KEYS,
  type SiteKey,
  type StretchAllocation,
  type StretchProblem,
} from "../../contract/stretchPlan";
import { parseCidr } from "../../contract/netmath";
import { TUNNEL_ID_RANGE } from "../../contract/stretchIds";
import type { GatewayConfigInput } from "../../contract/gatewayDocument";
import { SubinterfaceOrgNetwork } from "../resources/subinterfaceOrgNetwork";
import { EdgeTrunkInterface, type SubInterfaceArgs } from "../resources/edgeTrunkInterface";
import { L2VpnClient, L2VpnServer } from "../resources/l2vpn";
import { GatewayConfig } from "../resources/gatewayConfig";
import { getL2VpnStatus, prepareL2VpnStatus } from "../functions/getL2VpnStatus";
import type { EdgeArgs } from "../resources/edgeRef";
import { edgeUseByOthers, recordEdgeUse } from "./edgeTally";
import { laneDependencies } from "./edgeLanes";
import { previewTunnelId, readAtPreview } from "./previewTunnelIds";
import {
  DEFAULT_TRUNK_MTU,
  edgeLabel,
  siteKind,
  toPlan,
  type GatewaySiteArgs,
  type IpsecArgs,
  type L2VpnArgs,
  type NsxSiteArgs,
  type StretchNetworkArgs,
  type StretchSiteArgs,
  type VcdSiteArgs,
} from "./stretchArgs";

export interface VxlanStretchArgs {
  /** One end: a vCD edge gateway, an NSX-v edge, or a reference gateway. */
  siteA: StretchSiteArgs;
  /** The other end; NSX-v pairs with NSX-v (L2VPN), a gateway with a gateway (VXLAN over IPsec). */
  siteB: StretchSiteArgs;
  /** The stretched networks. Adding or removing one never renumbers or replaces another. */
  networks: StretchNetworkArgs[];
  /** NSX-v pairs: the L2VPN between the edges. */
  l2vpn?: L2VpnArgs;
  /** Gateway pairs: the IPsec tunnel between the gateways. */
  ipsec?: IpsecArgs;
  /**
   * Tunnel IDs by network name, as the stack that manages the vCD site exports them
   * (`stretch.tunnelIds` through a StackReference): the per-network `tunnelId` for them all.
   */
  tunnelIds?: pulumi.Input<Record<string, number>>;
  /** Accept an inner MTU below 1280 (no IPv6 on the stretch). Default false. */
  allowInnerMtuBelow1280?: boolean;
}

/** What the stretch reports per network. */
export interface StretchNetworkOutput {
  /** NSX L2VPN tunnel ID (NSX pairs). */
  tunnelId?: number;
  /** VXLAN network ID (gateway pairs). */
  vni?: number;
  /** Largest frame payload the stretch carries. */
  innerMtu: number;
  /** TCP MSS clamp for IPv4 inside the stretch. */
  mss: number;
  /** NSX sub-interface index (10 and up) per managed NSX-v site. */
  subInterfaceIndexes: Partial<Record<SiteKey, number>>;
}

/** The plan was refused: every problem, each with its path and fix. */
export class StretchPlanError extends Error {
  constructor(
    stretch: string,
    readonly problems: StretchProblem[],
  ) {
    super(formatStretchProblems(stretch, problems));
    this.name = "StretchPlanError";
  }
}

/**
 * A Layer-2 stretch of one or many networks between site A and site B, built from the
 * resources of this package: for NSX-v pairs subinterface Org VDC networks (vCD), trunk
 * sub-interfaces (NSX-v) and an L2VPN server/client; for reference gateways a
 * `GatewayConfig` per gateway. The whole plan is checked at construction — pair, IDs, subnets,
 * MTU budget, edge capacity — and every problem is reported at once, before any child exists.
 */
export class VxlanStretch extends pulumi.ComponentResource {
  /** Per network: IDs, inner MTU, MSS, sub-interface indexes. */
  declare readonly networks: pulumi.Output<Record<string, StretchNetworkOutput>>;
  /** Tunnel ID per network (NSX pairs; empty for gateways). */
  declare readonly tunnelIds: pulumi.Output<Record<string, number>>;
  /** VNI per network (gateway pairs; empty for NSX). */
  declare readonly vnis: pulumi.Output<Record<string, number>>;
  declare readonly encapsulation: pulumi.Output<string>;
  declare readonly innerMtu: pulumi.Output<number>;
  declare readonly mss: pulumi.Output<number>;
  /** "up" when the tunnel is up as read live after this run, "down", or "unknown". */
  declare readonly status: pulumi.Output<string>;

  constructor(name: string, args: VxlanStretchArgs, opts?: pulumi.ComponentResourceOptions) {
    super("l2stretch:index:VxlanStretch", name, {}, opts);
    const check = checkStretchPlan(toPlan(args, (edge) => edgeUseByOthers(programEdge(edge), name)));
    const problems = [...check.problems, ...missingProtocolArgs(args, check.allocation)];
    if (problems.length > 0) throw new StretchPlanError(name, problems);
    recordEdges(name, args, check.allocation);

    const built =
      check.allocation.encapsulation === "nsx-l2vpn"
        ? buildL2Vpn(this, name, args, check.allocation)
        : buildGatewayPair(this, name, args, check.allocation);
    const networks = pulumi.all([built.tunnelIds, built.indexes]).apply(([tunnelIds, indexes]) =>
      Object.fromEntries(
        args.networks.map((n): [string, StretchNetworkOutput] => [
          n.name,
          {
            ...definedOnly({ tunnelId: tunnelIds[n.name], vni: check.allocation.vnis[n.name] }),
            innerMtu: check.allocation.innerMtu,
            mss: check.allocation.mss,
            subInterfaceIndexes: Object.fromEntries(
              SITE_KEYS.flatMap((k) =>
                indexes[k]?.[n.name] === undefined ? [] : [[k, indexes[k]![n.name]]],
              ),
            ),
          },
        ]),
      ),
    );
    const outputs = {
      networks,
      tunnelIds: built.tunnelIds,
      vnis: pulumi.output(check.allocation.vnis),
      encapsulation: pulumi.output(check.allocation.encapsulation),
      innerMtu: pulumi.output(check.allocation.innerMtu),
      mss: pulumi.output(check.allocation.mss),
      status: built.status,
    };
    Object.assign(this, outputs);
    this.registerOutputs(outputs);
  }
}

/** Errors for a protocol block the pair needs but the program left out. */
function missingProtocolArgs(args: VxlanStretchArgs, allocation: StretchAllocation): StretchProblem[] {
  if (allocation.encapsulation === "nsx-l2vpn" && !args.l2vpn) {
    return [{ path: "l2vpn", message: "is required between NSX-v edges: give listenerIp and password" }];
  }
  if (allocation.encapsulation === "vxlan-ipsec" && !args.ipsec) {
    return [{ path: "ipsec", message: "is required between reference gateways: give psk (≥ 32 characters)" }];
  }
  return [];
}

function recordEdges(name: string, args: VxlanStretchArgs, allocation: StretchAllocation): void {
  for (const key of SITE_KEYS) {
    const site = args[key];
    if ("gateway" in site || site.managed === false) continue;
    recordEdgeUse(programEdge(edgeLabel(site)), name, {
      subInterfaces: args.networks.length,
      trunks: "nsxEdge" in site ? 1 : 0,
      l2vpn: allocation.serverSite !== undefined,
    });
  }
}

/** Leaves out absent IDs, so outputs show only the identifier the pair uses. */
function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** An edge as counted within one program: the stack being run. */
function programEdge(edge: string): string {
  return `${pulumi.getProject()}/${pulumi.getStack()}/${edge}`;
}

interface Built {
  tunnelIds: pulumi.Output<Record<string, number>>;
  indexes: pulumi.Output<Partial<Record<SiteKey, Record<string, number>>>>;
  status: pulumi.Output<string>;
}

/** The router address with the subnet's prefix, as vCD takes a network's gateway. */
function gatewayCidrOf(n: StretchNetworkArgs): string {
  return `${n.gatewayIp}/${parseCidr(n.cidr)!.prefixLength}`;
}

function edgeArgs(site: VcdSiteArgs | NsxSiteArgs): EdgeArgs {
  return "vdc" in site ? { vdc: site.vdc, edgeGateway: site.edgeGateway } : { nsxEdge: site.nsxEdge };
}

/** Tunnel IDs a program passed as outputs, checked for range and uniqueness once known. */
function checkedTunnelIds(
  name: string,
  args: VxlanStretchArgs,
  allocated: Record<string, number | undefined>,
) {
  const byName = args.tunnelIds === undefined ? undefined : pulumi.output(args.tunnelIds);
  const entries = args.networks.map((n) =>
    pulumi
      .output(allocated[n.name] ?? n.tunnelId ?? byName?.apply((ids) => ids[n.name]))
      .apply((id) => [n.name, id] as const),
  );
  return pulumi.all(entries).apply((pairs) => {
    const problems: StretchProblem[] = [];
    const seen = new Map<number, string>();
    pairs.forEach(([net, id], i) => {
      if (id === undefined) {
        problems.push({
          path: `networks[${i}].tunnelId`,
          message: `no tunnel ID for "${net}" yet: run up on the stack that manages the vCD site first, which creates the network and exports its tunnel ID`,
        });
      } else if (!Number.isInteger(id) || id < TUNNEL_ID_RANGE.min || id > TUNNEL_ID_RANGE.max) {
        const range = `${TUNNEL_ID_RANGE.min}-${TUNNEL_ID_RANGE.max}`;
        problems.push({
          path: `networks[${i}].tunnelId`,
          message: `${String(id)} is not a tunnel ID (${range})`,
        });
      } else if (seen.has(id)) {
        problems.push({
          path: `networks[${i}].tunnelId`,
          message: `${id} is also the tunnel ID of ${seen.get(id)}`,
        });
      } else seen.set(id, net);
    });
    if (problems.length > 0) throw new StretchPlanError(name, problems);
    return Object.fromEntries(pairs) as Record<string, number>;
  });
}

function buildL2Vpn(
  parent: pulumi.Resource,
  name: string,
  args: VxlanStretchArgs,
  allocation: StretchAllocation,
): Built {
  const l2vpn = args.l2vpn!;
  const serverKey = allocation.serverSite!;
  const clientKey: SiteKey = serverKey === "siteA" ? "siteB" : "siteA";
  const opts = { parent };
  const sites = {
    siteA: args.siteA as VcdSiteArgs | NsxSiteArgs,
    siteB: args.siteB as VcdSiteArgs | NsxSiteArgs,
  };

  // vCD assigns tunnel IDs on a managed vCD site; every other end takes them from there.
  const vcdKey = SITE_KEYS.find((k) => siteKind(sites[k]) === "vcd" && sites[k].managed !== false);
  const vcdNetworks = new Map<string, SubinterfaceOrgNetwork>();
  if (vcdKey) {
    const site = sites[vcdKey] as VcdSiteArgs;
    for (const n of args.networks) {
      const network = new SubinterfaceOrgNetwork(
        `${name}-${n.name}`,
        {
          vdc: site.vdc,
          edgeGateway: site.edgeGateway,
          name: n.name,
          gatewayCidr: gatewayCidrOf(n),
          dnsServers: n.dnsServers,
          dnsSuffix: n.dnsSuffix,
          staticIpPools: n.staticIpPools,
        },
        { ...opts, dependsOn: laneDependencies([...vcdNetworks.values()]) },
      );
      vcdNetworks.set(n.name, network);
    }
  }
  const live = vcdKey ? readAtPreview(sites[vcdKey] as VcdSiteArgs) : undefined;
  const tunnelIdOf = (n: StretchNetworkArgs): pulumi.Input<number> => {
    const network = vcdNetworks.get(n.name);
    if (!network) return allocation.tunnelIds[n.name] ?? n.tunnelId!;
    return previewTunnelId(live, { name: n.name, gatewayCidr: gatewayCidrOf(n) }, network.tunnelId);
  };
  let tunnelIds: pulumi.Output<Record<string, number>>;
  let tunnelIdList: pulumi.Input<number>[];
  if (vcdKey) {
    tunnelIdList = args.networks.map(tunnelIdOf);
    tunnelIds = pulumi.all(Object.fromEntries(args.networks.map((n, i) => [n.name, tunnelIdList[i]!])));
  } else {
    tunnelIds = checkedTunnelIds(name, args, allocation.tunnelIds);
    tunnelIdList = args.networks.map((n) => tunnelIds.apply((t) => t[n.name]!));
  }
  const egressIps = args.networks.filter((n) => n.egressOptimization).map((n) => n.gatewayIp);

  const trunks: Partial<Record<SiteKey, EdgeTrunkInterface>> = {};
  for (const key of SITE_KEYS) {
    const site = sites[key];
    if (!("nsxEdge" in site) || site.managed === false) continue;
    const subInterfaces: SubInterfaceArgs[] = args.networks.map((n, i) => {
      const a = n[key]!;
      return {
        name: n.name,
        tunnelId: tunnelIdList[i]!,
        vlanId: a.vlanId,
        logicalSwitchId: a.logicalSwitchId,
        addresses: a.address === undefined ? undefined : [a.address],
        mtu: a.mtu,
      };
    });
    trunks[key] = new EdgeTrunkInterface(
      `${name}-${key}-trunk`,
      {
        edge: edgeArgs(site),
        name: site.trunk.name ?? name,
        portgroupId: site.trunk.portgroupId,
        vnicIndex: site.trunk.vnicIndex,
        mtu: site.trunk.mtu ?? DEFAULT_TRUNK_MTU,
        subInterfaces,
      },
      opts,
    );
  }

  const serverSite = sites[serverKey];
  const clientSite = sites[clientKey];
  const server =
    serverSite.managed === false
      ? undefined
      : new L2VpnServer(
          `${name}-l2vpn-server`,
          {
            edge: edgeArgs(serverSite),
            listenerIp: l2vpn.listenerIp,
            listenerPort: l2vpn.listenerPort,
            encryptionAlgorithm: l2vpn.encryptionAlgorithm,
            serverCertificate: l2vpn.serverCertificate,
            sites: [
              {
                name: l2vpn.siteName ?? name,
                user: l2vpn.user ?? name,
                password: l2vpn.password,
                stretchedTunnelIds: tunnelIdList,
                egressOptimizationGatewayIps: egressIps,
              },
            ],
          },
          { parent, dependsOn: trunks[serverKey] ? [trunks[serverKey]!] : [] },
        );
  const client =
    clientSite.managed === false
      ? undefined
      : new L2VpnClient(
          `${name}-l2vpn-client`,
          {
            edge: edgeArgs(clientSite),
            encryptionAlgorithm: l2vpn.encryptionAlgorithm,
            stretchedTunnelIds: tunnelIdList,
            egressOptimizationGatewayIps: egressIps,
            serverAddress: l2vpn.serverAddress ?? l2vpn.listenerIp,
            serverPort: l2vpn.listenerPort,
            user: l2vpn.user ?? name,
            password: l2vpn.password,
          },
          {
            parent,
            dependsOn: [...(trunks[clientKey] ? [trunks[clientKey]!] : []), ...(server ? [server] : [])],
          },
        );

  const indexes = pulumi
    .all({
      siteA: siteIndexes("siteA", trunks, vcdKey, vcdNetworks),
      siteB: siteIndexes("siteB", trunks, vcdKey, vcdNetworks),
    })
    .apply(
      (all) =>
        Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined)) as Partial<
          Record<SiteKey, Record<string, number>>
        >,
    );

  // Status is a live reading after this run's children exist, from the end this stack manages.
  const readAt = server ? serverSite : client ? clientSite : undefined;
  const readAtId = server?.id ?? client?.id;
  const siteName = l2vpn.siteName ?? name;
  // The session and edge lookup happen while the children are written, not after.
  if (readAt && readAtId) prepareL2VpnStatus({ edge: edgeArgs(readAt) });
  const status =
    readAt && readAtId
      ? pulumi
          .all([readAtId, client?.id ?? readAtId])
          .apply(() => getL2VpnStatus({ edge: edgeArgs(readAt) }))
          .apply((s) => (server ? s.tunnels[siteName]?.status : s.tunnels["server"]?.status) ?? "down")
      : pulumi.output("unknown");
  return { tunnelIds, indexes, status };
}

function siteIndexes(
  key: SiteKey,
  trunks: Partial<Record<SiteKey, EdgeTrunkInterface>>,
  vcdKey: SiteKey | undefined,
  vcdNetworks: Map<string, SubinterfaceOrgNetwork>,
): pulumi.Input<Record<string, number> | undefined> {
  if (trunks[key]) return trunks[key]!.subInterfaceIndexes;
  if (key === vcdKey) {
    return pulumi.all(Object.fromEntries([...vcdNetworks].map(([n, net]) => [n, net.subInterfaceIndex])));
  }
  return undefined;
}

function buildGatewayPair(
  parent: pulumi.Resource,
  name: string,
  args: VxlanStretchArgs,
  allocation: StretchAllocation,
): Built {
  const a = args.siteA as GatewaySiteArgs;
  const b = args.siteB as GatewaySiteArgs;
  const psk = pulumi.secret(args.ipsec!.psk);
  const ikeId = (site: GatewaySiteArgs, key: SiteKey) => site.ikeId ?? `${name}.${key}`;
  const configs: GatewayConfig[] = [];
  for (const [key, me, peer, peerKey] of [
    ["siteA", a, b, "siteB"],
    ["siteB", b, a, "siteA"],
  ] as const) {
    if (me.managed === false) continue;
    const endpoint = pulumi.output(me.gateway);
    // A peer with a dynamic address is answered from anywhere and never dialled.
    const peerDials = peer.underlay.dynamicAddress
      ? "any"
      : (peer.underlay.publicAddress ?? peer.underlay.address);
    const document = pulumi
      .all([psk, me.underlay.address, peerDials])
      .apply(([key32, local, remote]): GatewayConfigInput => ({
        apiVersion: "l2stretch.gateway/v1",
        identity: { name: `${name}-${key}`.slice(0, 63), site: key },
        underlay: {
          localAddress: local,
          peerAddress: remote,
          mtu: me.underlay.mtu ?? 1500,
          vtepLocal: me.underlay.vtepAddress,
          vtepPeer: peer.underlay.vtepAddress,
          ...(peer.underlay.ikePort === undefined ? {} : { peerIkePort: peer.underlay.ikePort }),
        },
        transport: {
          type: "ipsec",
          backend: me.backend ?? "kernel-libipsec",
          localId: ikeId(me, key),
          peerId: ikeId(peer, peerKey),
          auth: { method: "psk", psk: key32 },
          ...(peer.underlay.dynamicAddress ? { role: "responder" as const } : {}),
        },
        networks: args.networks.map((n) => {
          const att = n[key]!;
          return {
            name: n.name,
            vni: allocation.vnis[n.name]!,
            attachment:
              att.interface !== undefined
                ? { type: "interface" as const, interface: att.interface }
                : { type: "vlan" as const, trunk: att.trunk!, vlanId: att.vlanId! },
            ...(n.egressOptimization ? { gatewayIp: n.gatewayIp } : {}),
          };
        }),
      }));
    configs.push(
      new GatewayConfig(
        `${name}-${key}`,
        {
          // A secret token must not hide the rest of the endpoint from diffs.
          endpoint: pulumi.unsecret(endpoint.apply((e) => e.endpoint)),
          token: pulumi.secret(endpoint.apply((e) => e.token)),
          // An absent field resolves to undefined, which the resource treats as not given.
          fingerprint: pulumi.unsecret(endpoint.apply((e) => e.fingerprint)) as pulumi.Output<string>,
          caCertificate: pulumi.unsecret(endpoint.apply((e) => e.caCertificate)) as pulumi.Output<string>,
          config: document,
        },
        { parent },
      ),
    );
  }
  const status =
    configs.length === 0
      ? pulumi.output("unknown")
      : pulumi.all(configs.map((c) => c.tunnel)).apply((ts) => (ts.every((t) => t?.up) ? "up" : "down"));
  const none: Record<string, number> = {};
  return { tunnelIds: pulumi.output(none), indexes: pulumi.output({}), status };
}
