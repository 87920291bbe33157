import type * as pulumi from "@pulumi/pulumi";
import {
  DEFERRED,
  NSX_DEFAULT_MTU,
  type PlanAttachment,
  type PlanSite,
  type StretchPlanInput,
} from "../../contract/stretchPlan";

/** A vCD edge gateway: networks become subinterface Org VDC networks; it runs the L2VPN server. */
export interface VcdSiteArgs {
  /** Org VDC that owns the edge gateway. */
  vdc: string;
  /** Edge gateway name or URN. */
  edgeGateway: string;
  /**
   * False when another stack manages this site (landing zones joined by stack references):
   * the site is still part of the plan check, but no child is created for it. Default true.
   */
  managed?: boolean;
}

/** An NSX-v edge through NSX Manager: a trunk vNIC with a sub-interface per network. */
export interface NsxSiteArgs {
  /** NSX edge id ("edge-12") or name. */
  nsxEdge: string;
  trunk: {
    /** Distributed port group of the trunk ("dvportgroup-N"). */
    portgroupId: pulumi.Input<string>;
    /** vNIC slot 0–9; default: the first free one. */
    vnicIndex?: number;
    /** Trunk MTU, default 1600 (room for VLAN tags and 1500-byte inner frames). */
    mtu?: number;
    /** vNIC name; default the stretch's name. */
    name?: string;
  };
  /** Default: client facing a vCD site; between two NSX edges siteA serves. */
  l2vpnRole?: "server" | "client";
  /** See VcdSiteArgs.managed. */
  managed?: boolean;
}

/**
 * How the stretch reaches a reference gateway's agent: a GatewayAppliance's `endpoint`, or
 * the fields of an agent you run yourself. Only the token is kept secret.
 */
export interface GatewayEndpointArgs {
  /** Agent API as `https://host:port`. */
  endpoint: pulumi.Input<string>;
  /** Bearer token of the agent; kept secret. */
  token: pulumi.Input<string>;
  /** SHA-256 fingerprint of the agent's certificate (printed as fingerprint256 at start). */
  fingerprint?: pulumi.Input<string>;
  /** PEM CA of the agent's certificate: the alternative to pinning. */
  caCertificate?: pulumi.Input<string>;
}

/** A reference gateway (Linux bridge + VXLAN over IPsec) driven through its agent. */
export interface GatewaySiteArgs {
  gateway: pulumi.Input<GatewayEndpointArgs>;
  underlay: {
    /** The gateway's own WAN address (IKE runs from it). */
    address: pulumi.Input<string>;
    /**
     * The address the other gateway dials, where a NAT sits in front of this one (its public
     * address or a port-forward). Default `address`.
     */
    publicAddress?: pulumi.Input<string>;
    /** The UDP port the other gateway sends IKE to (a port-forward's outside port). Default 500. */
    ikePort?: number;
    /**
     * This gateway's public address changes (DHCP behind a NAT): the other side then accepts it
     * from anywhere, authenticated by its IKE identity, and never initiates toward it. Only one
     * of the two sites may have one.
     */
    dynamicAddress?: boolean;
    /** Underlay MTU in bytes, default 1500. */
    mtu?: number;
    /** A /32 carried inside the tunnel as this site's VXLAN endpoint; unique per gateway. */
    vtepAddress: string;
  };
  /** `kernel` ESP where the kernel has it; default `kernel-libipsec` (userspace ESP). */
  backend?: "kernel" | "kernel-libipsec";
  /** IKE identity; default `<stretch>.<siteA|siteB>`. */
  ikeId?: string;
  /** See VcdSiteArgs.managed. */
  managed?: boolean;
}

export type StretchSiteArgs = VcdSiteArgs | NsxSiteArgs | GatewaySiteArgs;

/** Where a network meets a site: NSX edges take a VLAN or logical switch, gateways a port. */
export interface StretchAttachmentArgs {
  /** NSX-v: VLAN of the sub-interface (1–4094). Gateway: VLAN on `trunk`. */
  vlanId?: number;
  /** NSX-v: "virtualwire-N" or "dvportgroup-N" backing instead of a VLAN. */
  logicalSwitchId?: string;
  /** NSX-v: the edge's own address on the subnet with prefix ("10.20.0.2/24"), optional. */
  address?: string;
  /** NSX-v: sub-interface MTU; default min(1500, trunk MTU). */
  mtu?: number;
  /** Gateway: the untagged site port (e.g. "eth1"). */
  interface?: string;
  /** Gateway: the tagged port carrying `vlanId`. */
  trunk?: string;
}

export interface StretchNetworkArgs {
  /** Lower-case letters, digits and dashes; names the children and the vCD network. */
  name: string;
  /** The stretched subnet, e.g. "10.20.0.0/24": the same at both sites. */
  cidr: string;
  /** The subnet's router address (a vCD network's gateway). */
  gatewayIp: string;
  /**
   * NSX L2VPN tunnel ID. Leave unset to derive it from the name (NSX pairs) or to take the one
   * vCD assigns (a managed vCD site); required when the vCD site is managed by another stack.
   */
  tunnelId?: pulumi.Input<number>;
  /** Reference gateways' VXLAN network ID; default derived from the name. */
  vni?: number;
  /** Answer the gateway IP at each site instead of across the stretch. Default false. */
  egressOptimization?: boolean;
  /** vCD site: up to two DNS servers for the network. */
  dnsServers?: string[];
  /** vCD site: DNS suffix. */
  dnsSuffix?: string;
  /** vCD site: static IP pools. */
  staticIpPools?: { start: string; end: string }[];
  siteA?: StretchAttachmentArgs;
  siteB?: StretchAttachmentArgs;
}

export interface L2VpnArgs {
  /** The server edge's uplink address the client connects to. */
  listenerIp: string;
  /** The address the client dials, when NAT sits in front of the listener. Default listenerIp. */
  serverAddress?: pulumi.Input<string>;
  /** Default 443. */
  listenerPort?: number;
  encryptionAlgorithm?: string;
  serverCertificate?:
    { certificateId: string } | { selfSigned: { commonName?: string; validityDays?: number } };
  /** Peer site name on the server; default the stretch's name. */
  siteName?: string;
  /** The client's user; default the stretch's name. */
  user?: string;
  /** The client's password; kept secret. */
  password: pulumi.Input<string>;
}

export interface IpsecArgs {
  /** Pre-shared key (≥ 32 characters); kept secret. */
  psk: pulumi.Input<string>;
}

export type SiteKind = PlanSite["kind"];

export function siteKind(site: StretchSiteArgs): SiteKind {
  if ("vdc" in site) return "vcd";
  if ("nsxEdge" in site) return "nsx";
  return "gateway";
}

/** How plan messages name an edge, and the key its capacity is counted under. */
export function edgeLabel(site: VcdSiteArgs | NsxSiteArgs): string {
  return "vdc" in site ? `${site.vdc}/${site.edgeGateway}` : site.nsxEdge;
}

export const DEFAULT_TRUNK_MTU = 1600;

export function toPlanSite(site: StretchSiteArgs): PlanSite {
  const managed = site.managed !== false;
  if ("vdc" in site) return { kind: "vcd", edge: edgeLabel(site), managed };
  if ("nsxEdge" in site) {
    return {
      kind: "nsx",
      edge: edgeLabel(site),
      managed,
      trunkMtu: site.trunk.mtu ?? DEFAULT_TRUNK_MTU,
      vnicIndex: site.trunk.vnicIndex,
      l2vpnRole: site.l2vpnRole,
    };
  }
  const address = site.underlay.address;
  return {
    kind: "gateway",
    managed,
    underlayMtu: site.underlay.mtu ?? NSX_DEFAULT_MTU,
    backend: site.backend ?? "kernel-libipsec",
    address: typeof address === "string" ? address : DEFERRED,
    vtepAddress: site.underlay.vtepAddress,
    dynamicAddress: site.underlay.dynamicAddress === true,
  };
}

export function toPlan(
  args: {
    siteA: StretchSiteArgs;
    siteB: StretchSiteArgs;
    networks: readonly StretchNetworkArgs[];
    tunnelIds?: unknown;
    allowInnerMtuBelow1280?: boolean;
  },
  elsewhereOnEdge: StretchPlanInput["elsewhereOnEdge"],
): StretchPlanInput {
  return {
    siteA: toPlanSite(args.siteA),
    siteB: toPlanSite(args.siteB),
    allowInnerMtuBelow1280: args.allowInnerMtuBelow1280,
    elsewhereOnEdge,
    networks: args.networks.map((n) => ({
      name: n.name,
      cidr: n.cidr,
      gatewayIp: n.gatewayIp,
      tunnelId:
        typeof n.tunnelId === "number"
          ? n.tunnelId
          : n.tunnelId !== undefined || args.tunnelIds !== undefined
            ? DEFERRED
            : undefined,
      vni: n.vni,
      siteA: n.siteA as PlanAttachment | undefined,
      siteB: n.siteB as PlanAttachment | undefined,
    })),
  };
}
