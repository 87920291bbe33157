/**
 * l2stretch: stretch a Layer-2 subnet between sites as code.
 */
export {
  SubinterfaceOrgNetwork,
  type SubinterfaceOrgNetworkArgs,
  type IpPoolArgs,
} from "./resources/subinterfaceOrgNetwork";
export { GatewayConfig, type GatewayConfigArgs } from "./resources/gatewayConfig";
export { GatewayConfigSchema, type GatewayConfigInput } from "../contract/gatewayDocument";
export { computeBudget, type Budget } from "../contract/mtu";
export {
  EdgeTrunkInterface,
  type EdgeTrunkInterfaceArgs,
  type SubInterfaceArgs,
} from "./resources/edgeTrunkInterface";
export {
  L2VpnServer,
  L2VpnClient,
  type L2VpnServerArgs,
  type L2VpnClientArgs,
  type L2VpnSiteArgs,
  type TunnelStatus,
} from "./resources/l2vpn";
export type { EdgeArgs } from "./resources/edgeRef";
export { getL2VpnStatus, type GetL2VpnStatusArgs } from "./functions/getL2VpnStatus";
export type { L2VpnStatusReading } from "../contract/outputs";
export {
  getSubinterfaceTunnelId,
  type GetSubinterfaceTunnelIdArgs,
  type GetSubinterfaceTunnelIdResult,
} from "./functions/getSubinterfaceTunnelId";
export {
  subinterfaceOrgNetworkSchema,
  type SubinterfaceOrgNetworkInputs,
} from "../contract/schemas/subinterfaceOrgNetwork";
export {
  VxlanStretch,
  StretchPlanError,
  type VxlanStretchArgs,
  type StretchNetworkOutput,
} from "./components/vxlanStretch";
export type {
  StretchSiteArgs,
  VcdSiteArgs,
  NsxSiteArgs,
  GatewaySiteArgs,
  GatewayEndpointArgs,
  StretchNetworkArgs,
  StretchAttachmentArgs,
  L2VpnArgs,
  IpsecArgs,
} from "./components/stretchArgs";
export { checkStretchPlan, type StretchProblem } from "../contract/stretchPlan";
