import { parseInputs } from "../common/check";
import { computeDiff, type DiffSpec } from "../common/diff";
import { ConfigError } from "../common/errors";
import { markedDescription, ownerOfDescription, userDescription } from "../common/ownership";
import { cidrOf, cidrsOverlap, netmaskToPrefix, parseCidr } from "../../contract/netmath";
import { PartialFailure, vcdExecutor } from "../runtime";
import {
  normalizeSubinterfaceOrgNetwork,
  subinterfaceOrgNetworkSchema,
  type NormalizedSubinterfaceOrgNetwork,
} from "../../contract/schemas/subinterfaceOrgNetwork";
import type { VcdExecutor } from "../vcd/executor";
import { uuidOf } from "../vcd/ids";
import { findEdgeGateway, findVdc } from "../vcd/inventory";
import {
  createNetwork,
  deleteNetwork,
  edgeGatewaySubnets,
  findNetworkByName,
  findNetworkInVdc,
  getNetwork,
  updateNetwork,
} from "../vcd/networks";
import { lookupTunnelId, type TunnelInfo } from "../vcd/tunnelId";
import type { EdgeGatewayRef, EntityRef, OrgNetwork, OrgNetworkSpec } from "../vcd/types";
import type { InputSpec, Props, ResourceHandler } from "./types";
import { checkWithSchema, type CheckFailure } from "../../contract/validation";

/**
 * SubinterfaceOrgNetwork: a routed Org VDC network attached to an NSX-v edge as a
 * subinterface of its trunk vNIC, plus the tunnel ID vCD gave it (what the L2VPN peer
 * must use). Writes to one edge are serialised inside the vCD client (vcd/networks.ts), on
 * the edge's one lock, because vCD answers BUSY_ENTITY to concurrent changes on an edge.
 */
type Inputs = NormalizedSubinterfaceOrgNetwork;

export interface SubinterfaceOrgNetworkOutputs extends Inputs {
  networkId: string;
  href: string;
  vdcId: string;
  edgeGatewayId: string;
  edgeGatewayName: string;
  tunnelId?: number;
  subInterfaceIndex?: number;
  tunnelIdSource?: string;
}

export const DIFF_SPEC: DiffSpec<Inputs> = {
  // vCD cannot move a network to another VDC or edge, nor change its subnet, in place.
  replaceOn: ["vdc", "edgeGateway", "gatewayCidr"],
  ignore: ["adopt", "owner"],
  // The replacement would collide on the name inside the same VDC unless the old one goes first.
  deleteBeforeReplace: (olds, news) => olds.name === news.name && olds.vdc === news.vdc,
};

const INPUT_KEYS: (keyof Inputs)[] = [
  "vdc",
  "edgeGateway",
  "name",
  "description",
  "gatewayCidr",
  "dnsServers",
  "dnsSuffix",
  "staticIpPools",
  "shared",
  "adopt",
  "owner",
];

export const INPUT_SPEC: InputSpec = {
  inputKeys: INPUT_KEYS,
  replaceOn: DIFF_SPEC.replaceOn,
};

function pickInputs(p: Props): Inputs {
  return parseInputs(
    "SubinterfaceOrgNetwork",
    subinterfaceOrgNetworkSchema,
    normalizeSubinterfaceOrgNetwork,
    INPUT_KEYS,
    p,
  );
}

function toSpec(v: Inputs, edge: EdgeGatewayRef): OrgNetworkSpec {
  const cidr = parseCidr(v.gatewayCidr)!;
  return {
    name: v.name,
    description: markedDescription(v.description, v.owner) || undefined,
    gateway: cidr.address,
    netmask: cidr.netmask,
    dns1: v.dnsServers[0],
    dns2: v.dnsServers[1],
    dnsSuffix: v.dnsSuffix || undefined,
    ipRanges: v.staticIpPools,
    shared: v.shared,
    subInterface: true,
    edgeGatewayHref: edge.href,
  };
}

function outputs(
  v: Inputs,
  vdc: EntityRef,
  edge: EdgeGatewayRef,
  net: OrgNetwork,
  tunnel?: TunnelInfo,
): SubinterfaceOrgNetworkOutputs {
  return {
    ...v,
    networkId: net.id,
    href: net.href,
    vdcId: `urn:vcloud:vdc:${vdc.uuid}`,
    edgeGatewayId: `urn:vcloud:gateway:${edge.uuid}`,
    edgeGatewayName: edge.name,
    ...(tunnel
      ? {
          tunnelId: tunnel.tunnelId,
          subInterfaceIndex: tunnel.subInterfaceIndex,
          tunnelIdSource: tunnel.source,
        }
      : {}),
  };
}

/** Inputs as they are live in vCD, so `pulumi refresh` shows drift against the program. */
function liveInputs(
  old: Inputs,
  net: OrgNetwork,
  connectedTo: string | undefined,
  oldEdgeName: string | undefined,
): Inputs {
  const prefix = netmaskToPrefix(net.netmask) ?? 24;
  const edgeMoved = connectedTo !== undefined && oldEdgeName !== undefined && connectedTo !== oldEdgeName;
  return {
    vdc: old.vdc,
    edgeGateway: edgeMoved ? connectedTo : old.edgeGateway,
    name: net.name,
    description: userDescription(net.description),
    gatewayCidr: `${net.gateway}/${prefix}`,
    dnsServers: [net.dns1, net.dns2].filter((d): d is string => !!d),
    dnsSuffix: net.dnsSuffix?.toLowerCase() ?? "",
    staticIpPools: [...net.ipRanges].sort((a, b) =>
      a.start.localeCompare(b.start, undefined, { numeric: true }),
    ),
    shared: net.shared,
    adopt: old.adopt,
    owner: old.owner,
  };
}

async function locate(exec: VcdExecutor, v: Inputs): Promise<{ vdc: EntityRef; edge: EdgeGatewayRef }> {
  const vdc = await findVdc(exec, v.vdc);
  const edge = await findEdgeGateway(exec, vdc, v.edgeGateway);
  if (!edge.nsxBacked) {
    throw new ConfigError(
      `edgeGateway "${v.edgeGateway}" is not an NSX-v edge; subinterface networks exist only on NSX-v (advanced) edges`,
    );
  }
  return { vdc, edge };
}

/**
 * Preview-time check that the VDC and the NSX-v edge gateway exist: a typo there must fail the
 * preview, not an `up` that deletes the old network first (the name is kept on replace).
 */
async function locateFailures(v: Inputs): Promise<CheckFailure[]> {
  let exec: VcdExecutor;
  let vdc: EntityRef;
  try {
    exec = vcdExecutor(); // a missing l2stretch:vcd* setting is said here, at preview
  } catch (e) {
    return [{ property: "", reason: (e as Error).message }];
  }
  try {
    vdc = await findVdc(exec, v.vdc);
  } catch (e) {
    return [{ property: "vdc", reason: (e as Error).message }];
  }
  try {
    const edge = await findEdgeGateway(exec, vdc, v.edgeGateway);
    if (!edge.nsxBacked)
      return [
        {
          property: "edgeGateway",
          reason: `"${v.edgeGateway}" is not an NSX-v edge; subinterface networks exist only on NSX-v (advanced) edges`,
        },
      ];
    return await overlapFailures(exec, vdc, edge, v);
  } catch (e) {
    return [{ property: "edgeGateway", reason: (e as Error).message }];
  }
}

/**
 * vCD refuses a network whose subnet overlaps another on the same edge gateway. Said at
 * preview, so renaming a network (a new resource created before the old one is deleted) or
 * reusing a subnet fails there, with the way out, instead of half-way through `up`.
 */
async function overlapFailures(
  exec: VcdExecutor,
  vdc: EntityRef,
  edge: EdgeGatewayRef,
  v: Inputs,
): Promise<CheckFailure[]> {
  const mine = parseCidr(v.gatewayCidr)!;
  const others = (await edgeGatewaySubnets(exec, vdc, edge.name)).filter((n) => n.name !== v.name);
  const clash = others.find((n) => {
    const prefix = netmaskToPrefix(n.netmask);
    const theirs = prefix === undefined ? undefined : cidrOf(n.gateway, prefix);
    return theirs !== undefined && cidrsOverlap(mine, theirs);
  });
  if (!clash) return [];
  return [
    {
      property: "gatewayCidr",
      reason:
        `${v.gatewayCidr} overlaps network ${clash.name} (${clash.gateway}/${netmaskToPrefix(clash.netmask)}) on edge gateway ${edge.name}; ` +
        `vCD refuses overlapping subnets on one edge. To rename that network, change its name input (in place) or keep the resource and use aliases`,
    },
  ];
}

/** Adoption: an existing network is taken over only if it is what the program describes. */
function adoptionMismatch(
  v: Inputs,
  edge: EdgeGatewayRef,
  net: OrgNetwork,
  connectedTo: string | undefined,
): string | undefined {
  const cidr = parseCidr(v.gatewayCidr)!;
  if (connectedTo !== undefined && connectedTo !== edge.name)
    return `it is connected to edge gateway "${connectedTo}", not "${edge.name}"`;
  if (!net.subInterface)
    return "it is not a subinterface network (convert it to a subinterface in vCD first)";
  if (net.gateway !== cidr.address || net.netmask !== cidr.netmask) {
    return `its gateway is ${net.gateway}/${netmaskToPrefix(net.netmask)}, not ${v.gatewayCidr}`;
  }
  return undefined;
}

async function withTunnel(
  exec: VcdExecutor,
  v: Inputs,
  vdc: EntityRef,
  edge: EdgeGatewayRef,
  net: OrgNetwork,
): Promise<SubinterfaceOrgNetworkOutputs> {
  try {
    const tunnel = await lookupTunnelId(exec, edge, net);
    return outputs(v, vdc, edge, net, tunnel);
  } catch (e) {
    // The network exists: keep it in state and say why the tunnel ID is missing.
    throw new PartialFailure(net.id, { ...outputs(v, vdc, edge, net) }, [(e as Error).message]);
  }
}

export const subinterfaceOrgNetworkHandler: ResourceHandler = {
  async check(_olds, news) {
    const r = checkWithSchema(subinterfaceOrgNetworkSchema, news, normalizeSubinterfaceOrgNetwork);
    if (!r.value) return r;
    return { inputs: r.inputs, failures: await locateFailures(r.value) };
  },

  async diff(_id, olds, news) {
    const before = Object.fromEntries(INPUT_KEYS.map((k) => [k, olds[k]])) as unknown as Inputs;
    return computeDiff(DIFF_SPEC, before, pickInputs(news));
  },

  async create(inputs) {
    const v = pickInputs(inputs);
    const exec = vcdExecutor();
    const { vdc, edge } = await locate(exec, v);
    const existing = await findNetworkByName(exec, vdc, v.name);
    let net: OrgNetwork;
    if (existing) {
      const live = await getNetwork(exec, existing.href);
      // Ours from an interrupted `up` (it carries this resource's mark): taken over silently.
      const ours = live !== undefined && v.owner !== "" && ownerOfDescription(live.description) === v.owner;
      if (!(v.adopt || ours) || !live) {
        throw new ConfigError(
          `an Org VDC network named "${v.name}" already exists in VDC "${vdc.name}" (${existing.href}); ` +
            "set adopt: true to take it over, or choose another name",
        );
      }
      const mismatch = adoptionMismatch(v, edge, live, existing.connectedTo);
      if (mismatch) throw new ConfigError(`cannot adopt network "${v.name}": ${mismatch}`);
      net = await updateNetwork(exec, live.uuid, toSpec(v, edge));
    } else {
      net = await createNetwork(exec, vdc, toSpec(v, edge));
    }
    const outs = await withTunnel(exec, v, vdc, edge, net);
    return { id: outs.networkId, outs: outs as unknown as Props };
  },

  async read(id, props) {
    const exec = vcdExecutor();
    const old = props as unknown as SubinterfaceOrgNetworkOutputs;
    const net = await getNetwork(exec, old.href ?? id);
    if (!net) return { id: "" };
    const vdc = await findVdc(exec, old.vdcId ?? old.vdc);
    const record = await findNetworkInVdc(exec, vdc, net.name);
    const inputs = liveInputs(pickInputs(props), net, record?.connectedTo, old.edgeGatewayName);
    let edge: EdgeGatewayRef | undefined;
    try {
      edge = await findEdgeGateway(exec, vdc, record?.connectedTo ?? old.edgeGatewayId);
    } catch {
      edge = undefined;
    }
    let tunnel: TunnelInfo | undefined;
    if (edge) tunnel = await lookupTunnelId(exec, edge, net).catch(() => undefined);
    const live: SubinterfaceOrgNetworkOutputs = {
      ...old,
      ...inputs,
      networkId: net.id,
      href: net.href,
      edgeGatewayName: edge?.name ?? old.edgeGatewayName,
      edgeGatewayId: edge ? `urn:vcloud:gateway:${edge.uuid}` : old.edgeGatewayId,
      tunnelId: tunnel?.tunnelId,
      subInterfaceIndex: tunnel?.subInterfaceIndex,
      tunnelIdSource: tunnel?.source,
    };
    return { id: net.id, props: live as unknown as Props, inputs: inputs as unknown as Props };
  },

  async update(id, olds, news) {
    const v = pickInputs(news);
    const exec = vcdExecutor();
    const { vdc, edge } = await locate(exec, v);
    const net = await updateNetwork(exec, uuidOf(id), toSpec(v, edge));
    const old = olds as unknown as SubinterfaceOrgNetworkOutputs;
    // vCD gives the tunnel ID at create and an in-place update (same edge, same subnet: any
    // other change replaces) keeps it, so it is not looked up again; refresh re-reads it.
    const outs =
      old.tunnelId !== undefined && old.subInterfaceIndex !== undefined && net.subInterface
        ? outputs(v, vdc, edge, net, {
            tunnelId: old.tunnelId,
            subInterfaceIndex: old.subInterfaceIndex,
            source: (old.tunnelIdSource as TunnelInfo["source"] | undefined) ?? "vdcNetworks",
          })
        : await withTunnel(exec, v, vdc, edge, net);
    return { outs: outs as unknown as Props };
  },

  async delete(id, props) {
    const exec = vcdExecutor();
    const old = props as unknown as SubinterfaceOrgNetworkOutputs;
    await deleteNetwork(exec, uuidOf(old.href ?? id), { edgeGateway: old.edgeGatewayId });
  },
};
