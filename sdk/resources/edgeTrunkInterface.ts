import * as pulumi from "@pulumi/pulumi";
import { providerStub } from "../stub";
import { keyedByName } from "./keyedInputs";
import type { EdgeArgs } from "./edgeRef";

/**
 * A trunk vNIC of an NSX-v edge on a distributed port group, with the sub-interfaces that
 * carry stretched networks (each with the L2VPN tunnel ID both sites must agree on).
 *
 * Changing `edge` or `vnicIndex` replaces the trunk; every other change is an in-place
 * read-modify-write of this one vNIC that leaves sub-interfaces it does not own untouched.
 * Targets NSX-v 6.2–6.4 (vNIC PUT; sub-interface calls of 6.4 are not required).
 *
 * @example
 * new EdgeTrunkInterface("onprem-trunk", {
 *   edge: { nsxEdge: "edge-onprem-1" },
 *   portgroupId: "dvportgroup-300",
 *   mtu: 1600,
 *   subInterfaces: [{ name: "app", tunnelId: cloudNet.tunnelId, vlanId: 120, addresses: ["10.20.0.2/24"] }],
 * });
 */
export interface SubInterfaceArgs {
  /** Unique on the trunk; also how this resource recognises its own sub-interfaces. */
  name: pulumi.Input<string>;
  /** 1–4093; must equal the peer site's tunnel ID for the same network. */
  tunnelId: pulumi.Input<number>;
  /** VLAN backing, 1–4094. Exactly one of vlanId / logicalSwitchId. */
  vlanId?: pulumi.Input<number>;
  /** Network backing: "virtualwire-N" or "dvportgroup-N". */
  logicalSwitchId?: pulumi.Input<string>;
  /** Addresses with prefix; the first is primary, the rest secondaries. */
  addresses?: pulumi.Input<pulumi.Input<string>[]>;
  /** Default min(1500, trunk MTU); must not exceed the trunk's. */
  mtu?: pulumi.Input<number>;
  /**
   * Default false: on a stretched subnet the next hop an ICMP redirect advertises can sit at
   * the other site, and hosts that follow it hairpin through the tunnel.
   */
  enableSendRedirect?: pulumi.Input<boolean>;
}

export interface EdgeTrunkInterfaceArgs {
  edge: pulumi.Input<EdgeArgs>;
  /** vNIC slot 0–9; default: the first free one. Change = replace. */
  vnicIndex?: pulumi.Input<number>;
  /** vNIC name. Default: the resource name. */
  name?: pulumi.Input<string>;
  /** Distributed port group of the trunk ("dvportgroup-N"); logical switches cannot be trunks. */
  portgroupId: pulumi.Input<string>;
  /** 68–9000, default 1500. */
  mtu?: pulumi.Input<number>;
  /** Default true. */
  isConnected?: pulumi.Input<boolean>;
  /** Up to 200 per edge; tunnel IDs, VLANs and names unique; subnets disjoint. */
  subInterfaces: pulumi.Input<pulumi.Input<SubInterfaceArgs>[]>;
  /** Take over the trunk already in `vnicIndex` (Pulumi cannot import dynamic resources). */
  adopt?: pulumi.Input<boolean>;
}

export class EdgeTrunkInterface extends pulumi.dynamic.Resource {
  /** The vNIC slot in use (given or allocated). */
  declare readonly allocatedVnicIndex: pulumi.Output<number>;
  /** NSX's sub-interface index (10 and up) per sub-interface name: what L2VPN sites list. */
  declare readonly subInterfaceIndexes: pulumi.Output<Record<string, number>>;
  /** Tunnel ID per sub-interface name. */
  declare readonly tunnelIds: pulumi.Output<Record<string, number>>;
  declare readonly edgeLabel: pulumi.Output<string>;

  constructor(name: string, args: EdgeTrunkInterfaceArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerStub("EdgeTrunkInterface"),
      name,
      {
        ...args,
        name: args.name ?? name,
        subInterfaces: keyedByName(args.subInterfaces),
        allocatedVnicIndex: undefined,
        subInterfaceIndexes: undefined,
        tunnelIds: undefined,
        edgeLabel: undefined,
        adopted: undefined,
      },
      opts,
      "l2stretch",
      "EdgeTrunkInterface",
    );
  }
}
