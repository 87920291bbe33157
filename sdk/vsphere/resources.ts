/**
 * The two `@pulumi/vsphere` resources `GatewayAppliance` creates, registered by their own type
 * tokens with input names and shapes exactly as `@pulumi/vsphere` (v4, generated from the
 * pulumi-vsphere schema) defines them: `sdk/nodejs/distributedPortGroup.ts`,
 * `sdk/nodejs/virtualMachine.ts` and `sdk/nodejs/types/input.ts` of pulumi/pulumi-vsphere.
 *
 * Why not import `@pulumi/vsphere`: the npm registry does not serve it everywhere (not here), and
 * a resource is identified by its type token, not by the class that registered it. These
 * classes register the same resources as `vsphere.DistributedPortGroup` and
 * `vsphere.VirtualMachine`, run by the same `pulumi-resource-vsphere` plugin, with the same
 * state; a program can switch between the two without a replacement. Only the inputs the
 * appliance needs are declared (a subset, same names and types).
 */
import * as pulumi from "@pulumi/pulumi";

export const DISTRIBUTED_PORT_GROUP_TYPE = "vsphere:index/distributedPortGroup:DistributedPortGroup";
export const VIRTUAL_MACHINE_TYPE = "vsphere:index/virtualMachine:VirtualMachine";

/**
 * The plugin version to ask for: the installed `@pulumi/vsphere`'s when there is one (what its
 * own classes send, so both pin the same plugin), otherwise none and the engine uses the
 * newest installed `pulumi-resource-vsphere`.
 */
export function installedVsphereVersion(): string | undefined {
  try {
    const pkg = require("@pulumi/vsphere/package.json") as { version?: unknown };
    return typeof pkg.version === "string" ? pkg.version : undefined;
  } catch {
    return undefined;
  }
}

function withPluginVersion<T extends pulumi.CustomResourceOptions>(opts: T | undefined): T {
  const version = installedVsphereVersion();
  return (version && !opts?.version ? { ...opts, version } : { ...opts }) as T;
}

/** `vsphere:index/DistributedPortGroupVlanRange:DistributedPortGroupVlanRange` */
export interface DistributedPortGroupVlanRange {
  maxVlan: pulumi.Input<number>;
  minVlan: pulumi.Input<number>;
}

/** Inputs of `vsphere.DistributedPortGroup` (subset). */
export interface DistributedPortGroupArgs {
  /** The ID of the DVS to add the port group to. Forces a new resource if changed. */
  distributedVirtualSwitchUuid: pulumi.Input<string>;
  /** The name of the port group. */
  name?: pulumi.Input<string>;
  description?: pulumi.Input<string>;
  /** `earlyBinding` (static binding, the default) or `ephemeral`. */
  type?: pulumi.Input<string>;
  numberOfPorts?: pulumi.Input<number>;
  /** Allows the port group to create ports past `numberOfPorts`. Default: true. */
  autoExpand?: pulumi.Input<boolean>;
  /** The VLAN ID for single VLAN mode. 0 denotes no VLAN. */
  vlanId?: pulumi.Input<number>;
  /** VLAN trunk ranges (trunk mode). */
  vlanRanges?: pulumi.Input<pulumi.Input<DistributedPortGroupVlanRange>[]>;
  /** Whether all traffic is seen on a given port. */
  allowPromiscuous?: pulumi.Input<boolean>;
  /** Whether a virtual NIC may send frames with a source MAC address other than its own. */
  allowForgedTransmits?: pulumi.Input<boolean>;
  /** Whether the MAC address of a virtual NIC can be changed. */
  allowMacChanges?: pulumi.Input<boolean>;
  tags?: pulumi.Input<pulumi.Input<string>[]>;
}

export class DistributedPortGroup extends pulumi.CustomResource {
  static readonly __pulumiType = DISTRIBUTED_PORT_GROUP_TYPE;

  declare readonly name: pulumi.Output<string>;
  declare readonly distributedVirtualSwitchUuid: pulumi.Output<string>;
  declare readonly vlanId: pulumi.Output<number>;
  declare readonly vlanRanges: pulumi.Output<{ maxVlan: number; minVlan: number }[]>;
  declare readonly allowPromiscuous: pulumi.Output<boolean>;
  declare readonly allowForgedTransmits: pulumi.Output<boolean>;
  declare readonly allowMacChanges: pulumi.Output<boolean>;
  /** The generated UUID of the port group. */
  declare readonly key: pulumi.Output<string>;
  declare readonly configVersion: pulumi.Output<string>;

  constructor(name: string, args: DistributedPortGroupArgs, opts?: pulumi.CustomResourceOptions) {
    if (args.distributedVirtualSwitchUuid === undefined)
      throw new Error("Missing required property 'distributedVirtualSwitchUuid'");
    super(
      DISTRIBUTED_PORT_GROUP_TYPE,
      name,
      { ...args, key: undefined, configVersion: undefined },
      withPluginVersion(opts),
    );
  }
}

/** `vsphere:index/VirtualMachineNetworkInterface:VirtualMachineNetworkInterface` (subset). */
export interface VirtualMachineNetworkInterface {
  /** The ID of the network to connect this network interface to. */
  networkId: pulumi.Input<string>;
  /** e1000, e1000e, sriov, vmxnet3 or vrdma. */
  adapterType?: pulumi.Input<string>;
  /** Mapping of network interface to OVF network. */
  ovfMapping?: pulumi.Input<string>;
}

/** `vsphere:index/VirtualMachineOvfDeploy:VirtualMachineOvfDeploy` */
export interface VirtualMachineOvfDeploy {
  allowUnverifiedSslCert?: pulumi.Input<boolean>;
  deploymentOption?: pulumi.Input<string>;
  /** e.g. `thin`: every disk of the OVF gets this provisioning. */
  diskProvisioning?: pulumi.Input<string>;
  enableHiddenProperties?: pulumi.Input<boolean>;
  ipAllocationPolicy?: pulumi.Input<string>;
  ipProtocol?: pulumi.Input<string>;
  /** The absolute path to the ovf/ova file on the machine running Pulumi. */
  localOvfPath?: pulumi.Input<string>;
  /** OVF network name → network ID. */
  ovfNetworkMap?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
  /** URL of the ovf/ova file. */
  remoteOvfUrl?: pulumi.Input<string>;
}

/** `vsphere:index/VirtualMachineVapp:VirtualMachineVapp` */
export interface VirtualMachineVapp {
  properties?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
}

/** Inputs of `vsphere.VirtualMachine` (subset). */
export interface VirtualMachineArgs {
  resourcePoolId: pulumi.Input<string>;
  name?: pulumi.Input<string>;
  datacenterId?: pulumi.Input<string>;
  datastoreId?: pulumi.Input<string>;
  hostSystemId?: pulumi.Input<string>;
  folder?: pulumi.Input<string>;
  annotation?: pulumi.Input<string>;
  numCpus?: pulumi.Input<number>;
  /** MiB. */
  memory?: pulumi.Input<number>;
  guestId?: pulumi.Input<string>;
  scsiType?: pulumi.Input<string>;
  networkInterfaces?: pulumi.Input<pulumi.Input<VirtualMachineNetworkInterface>[]>;
  ovfDeploy?: pulumi.Input<VirtualMachineOvfDeploy>;
  vapp?: pulumi.Input<VirtualMachineVapp>;
  tags?: pulumi.Input<pulumi.Input<string>[]>;
  /** Minutes to wait for an available IP address; < 1 disables the waiter. */
  waitForGuestNetTimeout?: pulumi.Input<number>;
  /** Minutes to wait for a guest IP address; < 1 disables the waiter. */
  waitForGuestIpTimeout?: pulumi.Input<number>;
}

export class VirtualMachine extends pulumi.CustomResource {
  static readonly __pulumiType = VIRTUAL_MACHINE_TYPE;

  declare readonly name: pulumi.Output<string>;
  /** The IP address selected by the provider as the VM's default (needs VMware Tools). */
  declare readonly defaultIpAddress: pulumi.Output<string>;
  declare readonly guestIpAddresses: pulumi.Output<string[]>;
  /** Managed object ID, e.g. `vm-42`. */
  declare readonly moid: pulumi.Output<string>;
  declare readonly uuid: pulumi.Output<string>;
  declare readonly powerState: pulumi.Output<string>;
  declare readonly vappTransports: pulumi.Output<string[]>;
  declare readonly vapp: pulumi.Output<{ properties?: { [key: string]: string } }>;

  constructor(name: string, args: VirtualMachineArgs, opts?: pulumi.CustomResourceOptions) {
    if (args.resourcePoolId === undefined) throw new Error("Missing required property 'resourcePoolId'");
    super(
      VIRTUAL_MACHINE_TYPE,
      name,
      {
        ...args,
        changeVersion: undefined,
        defaultIpAddress: undefined,
        guestIpAddresses: undefined,
        imported: undefined,
        moid: undefined,
        powerState: undefined,
        rebootRequired: undefined,
        uuid: undefined,
        vappTransports: undefined,
        vmwareToolsStatus: undefined,
        vmxPath: undefined,
      },
      withPluginVersion(opts),
    );
  }
}
