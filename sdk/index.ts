/**
 * l2stretch: stretch a Layer-2 subnet between sites as code.
 */
export {
  SubinterfaceOrgNetwork,
  type SubinterfaceOrgNetworkArgs,
  type IpPoolArgs,
} from "./resources/subinterfaceOrgNetwork";
export { GatewayConfig, type GatewayConfigArgs } from "./resources/gatewayConfig";
export {
  GatewayConfigSchema,
  computeBudget,
  type GatewayConfigInput,
  type Budget,
} from "../gateway/agent/schema";
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
export {
  getSubinterfaceTunnelId,
  type GetSubinterfaceTunnelIdArgs,
  type GetSubinterfaceTunnelIdResult,
} from "./functions/getSubinterfaceTunnelId";
export {
  subinterfaceOrgNetworkSchema,
  type SubinterfaceOrgNetworkInputs,
} from "../provider/schemas/subinterfaceOrgNetwork";
