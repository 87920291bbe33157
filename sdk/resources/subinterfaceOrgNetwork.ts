import * as pulumi from "@pulumi/pulumi";
import { providerStub } from "../stub";
import { ownerOf } from "./owner";

/**
 * A routed Org VDC network in VMware Cloud Director, attached to an NSX-v edge gateway as a
 * subinterface of the edge's trunk vNIC — the only kind of Org VDC network NSX-v L2VPN can
 * stretch — together with the L2VPN tunnel ID vCD assigned to it.
 *
 * Changing `vdc`, `edgeGateway` or `gatewayCidr` replaces the network (vCD cannot change them
 * in place); everything else is updated in place. Credentials come from stack config
 * (`l2stretch:vcdUrl`, `l2stretch:org`, `l2stretch:user`, secret `l2stretch:password`).
 *
 * @example
 * const net = new SubinterfaceOrgNetwork("app", {
 *   vdc: "acme-vdc", edgeGateway: "edge-cloud-1", gatewayCidr: "10.10.0.1/24",
 *   dnsServers: ["10.10.0.53"], staticIpPools: [{ start: "10.10.0.100", end: "10.10.0.199" }],
 * });
 * export const tunnelId = net.tunnelId;
 */
export interface IpPoolArgs {
  /** First address of the static pool; inside the subnet, not the gateway. */
  start: pulumi.Input<string>;
  /** Last address of the static pool (inclusive). */
  end: pulumi.Input<string>;
}

export interface SubinterfaceOrgNetworkArgs {
  /** Name or URN of the Org VDC that owns the network. Change = replace. */
  vdc: pulumi.Input<string>;
  /** Name or URN of the NSX-v (advanced) edge gateway. Change = replace. */
  edgeGateway: pulumi.Input<string>;
  /** Network name in vCD. Default: the Pulumi resource name. */
  name?: pulumi.Input<string>;
  /** Free text shown in the vCD UI (≤ 256 characters). */
  description?: pulumi.Input<string>;
  /** Gateway address with prefix length, e.g. "10.10.0.1/24". Change = replace. */
  gatewayCidr: pulumi.Input<string>;
  /** Up to two DNS servers handed to VMs on the network. */
  dnsServers?: pulumi.Input<pulumi.Input<string>[]>;
  /** DNS search suffix, e.g. "corp.example.com". */
  dnsSuffix?: pulumi.Input<string>;
  /** Static IP pools (vCD "IP ranges"); disjoint, inside the subnet, not containing the gateway. */
  staticIpPools?: pulumi.Input<pulumi.Input<IpPoolArgs>[]>;
  /** Share the network with the other VDCs of the org. Default false. */
  shared?: pulumi.Input<boolean>;
  /**
   * Take over an existing network of this name instead of failing on the duplicate (Pulumi
   * cannot import dynamic resources). It must already be a subinterface on `edgeGateway`
   * with the same gateway; other settings are converged to the program. Default false.
   */
  adopt?: pulumi.Input<boolean>;
}

export class SubinterfaceOrgNetwork extends pulumi.dynamic.Resource {
  /** vCD URN of the network (urn:vcloud:network:…). */
  declare readonly networkId: pulumi.Output<string>;
  declare readonly href: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly vdcId: pulumi.Output<string>;
  declare readonly edgeGatewayId: pulumi.Output<string>;
  declare readonly edgeGatewayName: pulumi.Output<string>;
  declare readonly gatewayCidr: pulumi.Output<string>;
  /** L2VPN tunnel ID of the sub-interface: the peer's sub-interface must use the same one. */
  declare readonly tunnelId: pulumi.Output<number>;
  /** Sub-interface index on the edge (10 and up): what NSX L2VPN peer sites list as stretched vnics. */
  declare readonly subInterfaceIndex: pulumi.Output<number>;

  constructor(name: string, args: SubinterfaceOrgNetworkArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerStub("SubinterfaceOrgNetwork"),
      name,
      {
        ...args,
        name: args.name ?? name,
        owner: ownerOf(name),
        networkId: undefined,
        href: undefined,
        vdcId: undefined,
        edgeGatewayId: undefined,
        edgeGatewayName: undefined,
        tunnelId: undefined,
        subInterfaceIndex: undefined,
      },
      opts,
      "l2stretch",
      "SubinterfaceOrgNetwork",
    );
  }
}
