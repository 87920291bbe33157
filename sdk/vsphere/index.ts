/**
 * `l2stretch/vsphere`: what l2stretch deploys on vSphere. A separate entry point so that the
 * main `l2stretch` entry never needs the vSphere provider; this one registers `vsphere:`
 * resources (run by the `pulumi-resource-vsphere` plugin) without importing `@pulumi/vsphere`.
 */
export {
  GatewayAppliance,
  agentUrl,
  type GatewayAgentArgs,
  type GatewayEndpoint,
} from "../components/gatewayAppliance";
export type {
  GatewayApplianceArgs,
  GatewayApplianceManagementArgs,
  GatewayApplianceOvaArgs,
  GatewayApplianceSiteArgs,
  GatewayApplianceTlsArgs,
  VlanRangeArgs,
} from "../components/gatewayApplianceArgs";
export {
  DistributedPortGroup,
  VirtualMachine,
  type DistributedPortGroupArgs,
  type VirtualMachineArgs,
} from "./resources";
