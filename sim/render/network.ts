// OrgVdcNetwork XML (what GET returns; like vCD, without the EdgeGateway element) and the
// CloudAPI JSON form of the same network.
import { urn } from "../core/ids";
import { prefixToMask } from "../core/netmath";
import type { SimCore } from "../core/sim-core";
import type { Network } from "../core/world";
import type { XmlTree } from "../xml/xml";
import { VCLOUD_NS } from "../xml/xml";
import { href, MEDIA } from "./hrefs";
import { opaqueTrees } from "./opaque";
import { taskTree } from "./task";

export function runningTasksOf(core: SimCore, ownerId: string) {
  return core.world.tasks.filter((t) => t.ownerId === ownerId && t.status === "running");
}

export function networkTree(core: SimCore, n: Network): XmlTree {
  const b = core.baseUrl;
  const tasks = runningTasksOf(core, n.id);
  return {
    "@_href": href.adminNetwork(b, n.id),
    "@_id": urn("network", n.id),
    "@_name": n.name,
    "@_status": n.status,
    "@_type": MEDIA.network,
    ...opaqueTrees(n.vcloudExtensions, VCLOUD_NS),
    Link: [
      { "@_rel": "up", "@_href": href.vdc(b, n.vdcId), "@_type": MEDIA.vdc },
      { "@_rel": "edit", "@_href": href.adminNetwork(b, n.id), "@_type": MEDIA.network },
      { "@_rel": "remove", "@_href": href.adminNetwork(b, n.id) },
    ],
    Description: n.description || undefined,
    Tasks: tasks.length ? { Task: tasks.map((t) => taskTree(core, t)) } : undefined,
    Configuration: {
      IpScopes: {
        IpScope: {
          IsInherited: false,
          Gateway: n.gateway,
          Netmask: prefixToMask(n.prefixLength),
          SubnetPrefixLength: n.prefixLength,
          Dns1: n.dns1 || undefined,
          Dns2: n.dns2 || undefined,
          DnsSuffix: n.dnsSuffix || undefined,
          IsEnabled: true,
          IpRanges: n.ipRanges.length
            ? { IpRange: n.ipRanges.map((r) => ({ StartAddress: r.start, EndAddress: r.end })) }
            : undefined,
        },
      },
      FenceMode: "natRouted",
      RetainNetInfoAcrossDeployments: n.retainNetInfo,
      SubInterface: n.interfaceType === "subinterface" ? true : undefined,
      GuestVlanAllowed: n.guestVlanAllowed,
    },
    IsShared: n.isShared,
  };
}

/** CloudAPI VdcNetwork JSON (reference §10.2). */
export function networkJson(core: SimCore, n: Network): Record<string, unknown> {
  const vdc = core.world.vdcs.find((v) => v.id === n.vdcId)!;
  const edge = core.world.edges.find((e) => e.id === n.edgeId);
  const running = runningTasksOf(core, n.id).length > 0;
  const vdcRef = { id: urn("vdc", vdc.id), name: vdc.name };
  const typeValue = n.interfaceType === "subinterface" ? "SUBINTERFACE" : "INTERNAL";
  return {
    id: urn("network", n.id),
    name: n.name,
    description: n.description,
    orgVdc: vdcRef,
    ownerRef: vdcRef,
    networkType: "NAT_ROUTED",
    connection: {
      routerRef: edge ? { id: urn("gateway", edge.id), name: edge.name } : null,
      connectionType: typeValue,
      connectionTypeValue: typeValue,
      connected: true,
    },
    subnets: {
      values: [
        {
          gateway: n.gateway,
          prefixLength: n.prefixLength,
          dnsServer1: n.dns1,
          dnsServer2: n.dns2,
          dnsSuffix: n.dnsSuffix,
          ipRanges: { values: n.ipRanges.map((r) => ({ startAddress: r.start, endAddress: r.end })) },
          enabled: true,
        },
      ],
    },
    backingNetworkId: n.id,
    backingNetworkType: "VIRTUAL_WIRE",
    guestVlanTaggingAllowed: n.guestVlanAllowed,
    retainNicResources: n.retainNetInfo,
    shared: n.isShared,
    orgVdcIsNsxTBacked: false,
    status: n.status === 0 ? "PENDING" : running ? "CONFIGURING" : "REALIZED",
  };
}
