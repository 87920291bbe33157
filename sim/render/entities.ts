// Org, VDC and EdgeGateway documents.
import { orgOfVdc } from "../core/access";
import { urn } from "../core/ids";
import { prefixToMask } from "../core/netmath";
import type { SimCore } from "../core/sim-core";
import type { Edge, Network, Org, Vdc } from "../core/world";
import type { XmlTree } from "../xml/xml";
import { href, MEDIA } from "./hrefs";
import { taskTree } from "./task";

export function orgTree(core: SimCore, org: Org): XmlTree {
  const b = core.baseUrl;
  const vdcs = core.world.vdcs.filter((v) => v.orgId === org.id);
  const nets = core.world.networks.filter((n) => vdcs.some((v) => v.id === n.vdcId));
  return {
    "@_href": href.org(b, org.id),
    "@_id": urn("org", org.id),
    "@_name": org.name,
    "@_type": MEDIA.org,
    Link: [
      ...vdcs.map((v) => ({
        "@_rel": "down",
        "@_href": href.vdc(b, v.id),
        "@_name": v.name,
        "@_type": MEDIA.vdc,
      })),
      ...nets.map((n) => ({
        "@_rel": "down",
        "@_href": href.network(b, n.id),
        "@_name": n.name,
        "@_type": MEDIA.network,
      })),
    ],
    Description: undefined,
    FullName: org.fullName,
  };
}

/** Vdc (user view) or AdminVdc; both carry the rel="add" link for creating Org VDC networks. */
export function vdcTree(core: SimCore, vdc: Vdc, admin: boolean): XmlTree {
  const b = core.baseUrl;
  const org = orgOfVdc(core.world, vdc.id);
  const nets = core.world.networks.filter((n) => n.vdcId === vdc.id);
  return {
    "@_href": admin ? href.adminVdc(b, vdc.id) : href.vdc(b, vdc.id),
    "@_id": urn("vdc", vdc.id),
    "@_name": vdc.name,
    "@_status": 1,
    "@_type": admin ? MEDIA.adminVdc : MEDIA.vdc,
    Link: [
      {
        "@_rel": "up",
        "@_href": admin ? href.adminOrg(b, org.id) : href.org(b, org.id),
        "@_type": MEDIA.org,
      },
      { "@_rel": "add", "@_href": href.vdcNetworks(b, vdc.id), "@_type": MEDIA.network },
      {
        "@_rel": "edgeGateways",
        "@_href": `${href.adminVdc(b, vdc.id)}/edgeGateways`,
        "@_type": "application/vnd.vmware.vcloud.query.records+xml",
      },
      {
        "@_rel": "orgVdcNetworks",
        "@_href": `${href.adminVdc(b, vdc.id)}/networks`,
        "@_type": "application/vnd.vmware.vcloud.query.records+xml",
      },
    ],
    AllocationModel: "AllocationVApp",
    AvailableNetworks: {
      Network: nets.map((n) => ({
        "@_href": href.network(b, n.id),
        "@_id": urn("network", n.id),
        "@_name": n.name,
        "@_type": MEDIA.network,
      })),
    },
    IsEnabled: true,
  };
}

/** The uplink's GatewayInterface: the external network on vNIC 0. */
function uplinkInterface(b: string, edge: Edge): XmlTree | undefined {
  const uplink = edge.vnics.find((v) => v.type === "uplink");
  if (!uplink) return undefined;
  const ag = uplink.addressGroups[0];
  return {
    Name: uplink.name,
    DisplayName: uplink.name,
    Network: {
      "@_href": href.externalNetwork(b, uplink.networkId ?? ""),
      "@_name": uplink.networkName ?? uplink.name,
      "@_type": "application/vnd.vmware.admin.network+xml",
    },
    InterfaceType: "uplink",
    SubnetParticipation: ag
      ? {
          Gateway: edge.uplinkGateway,
          Netmask: prefixToMask(ag.prefixLength),
          SubnetPrefixLength: ag.prefixLength,
          IpAddress: ag.primaryAddress,
        }
      : undefined,
    ApplyRateLimit: false,
    UseForDefaultRoute: true,
    Connected: uplink.isConnected,
  };
}

/**
 * A routed Org VDC network's GatewayInterface. vCD lists every routed network here with
 * InterfaceType "internal" whether it sits on its own vNIC or on a trunk sub-interface
 * (go-vcloud-director's EdgeGateway.GetNetworks reads this list; its edgegateway_test.go
 * expects a routed network as "internal").
 */
function networkInterface(b: string, n: Network): XmlTree {
  return {
    Name: n.name,
    DisplayName: n.name,
    Network: { "@_href": href.adminNetwork(b, n.id), "@_name": n.name, "@_type": MEDIA.network },
    InterfaceType: "internal",
    SubnetParticipation: {
      Gateway: n.gateway,
      Netmask: prefixToMask(n.prefixLength),
      SubnetPrefixLength: n.prefixLength,
      IpAddress: n.gateway,
    },
    ApplyRateLimit: false,
    UseForDefaultRoute: false,
    Connected: true,
  };
}

export function edgeTree(core: SimCore, edge: Edge): XmlTree {
  const b = core.baseUrl;
  const running = core.world.tasks.filter((t) => t.edgeId === edge.id && t.status === "running");
  const uplink = uplinkInterface(b, edge);
  const routed = core.world.networks.filter((n) => n.edgeId === edge.id && n.status === 1);
  return {
    "@_href": href.edge(b, edge.id),
    "@_id": urn("gateway", edge.id),
    "@_name": edge.name,
    "@_status": 1,
    "@_type": MEDIA.edge,
    Link: [
      { "@_rel": "up", "@_href": href.vdc(b, edge.vdcId), "@_type": MEDIA.vdc },
      { "@_rel": "edit", "@_href": href.edge(b, edge.id), "@_type": MEDIA.edge },
    ],
    Description: undefined,
    Tasks: running.length ? { Task: running.map((t) => taskTree(core, t)) } : undefined,
    Configuration: {
      GatewayBackingConfig: "compact",
      GatewayInterfaces: {
        GatewayInterface: [...(uplink ? [uplink] : []), ...routed.map((n) => networkInterface(b, n))],
      },
      HaEnabled: false,
      UseDefaultRouteForDnsRelay: false,
      AdvancedNetworkingEnabled: true,
      DistributedRoutingEnabled: false,
      // NSX Manager's id of the edge ("gateway id in VSM"), as vCD's GatewayBackingRefType has it.
      GatewayBackingRef: { gatewayId: edge.nsxId },
    },
  };
}
