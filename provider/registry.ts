import type { ConfigSource } from "./config";
import type { ResourceHandler } from "./handlers/types";
import { setConfig } from "./runtime";

/**
 * Maps resource type names to their handlers. The serialized stub in each resource's
 * state only names its type and requires this module by package name, so `refresh` and
 * `destroy` always run the installed l2stretch code, not a copy frozen into state.
 */
const loaders: Record<string, () => ResourceHandler> = {
  SubinterfaceOrgNetwork: () => require("./handlers/subinterfaceOrgNetwork").subinterfaceOrgNetworkHandler,
  GatewayConfig: () => require("./handlers/gatewayConfig").gatewayConfigHandler,
  EdgeTrunkInterface: () => require("./handlers/edgeTrunkInterface").edgeTrunkInterfaceHandler,
  L2VpnServer: () => require("./handlers/l2vpnServer").l2vpnServerHandler,
  L2VpnClient: () => require("./handlers/l2vpnClient").l2vpnClientHandler,
};

export function handler(type: string): ResourceHandler {
  const load = loaders[type];
  if (!load) {
    throw new Error(
      `l2stretch has no handler for resource type ${type}; is the installed l2stretch older than the program?`,
    );
  }
  return load();
}

export function configure(config: ConfigSource): void {
  setConfig(config);
}
