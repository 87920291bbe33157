/**
 * l2stretch: stretch a Layer-2 subnet between sites as code.
 */
export {
  SubinterfaceOrgNetwork,
  type SubinterfaceOrgNetworkArgs,
  type IpPoolArgs,
} from "./resources/subinterfaceOrgNetwork";
export {
  getSubinterfaceTunnelId,
  type GetSubinterfaceTunnelIdArgs,
  type GetSubinterfaceTunnelIdResult,
} from "./functions/getSubinterfaceTunnelId";
export {
  subinterfaceOrgNetworkSchema,
  type SubinterfaceOrgNetworkInputs,
} from "../provider/schemas/subinterfaceOrgNetwork";
